"""Call forget-gate drops: runs of low mean forget gate, tested against the null.

A drop is a run of bases whose mean forget gate falls below a threshold set from
the shuffled-sequence null that ``scan`` wrote; each carries an empirical p-value
and a Benjamini-Hochberg q-value, like a peak caller's.  Boundary calls merge the
two strands' drops into one record per boundary, tested on the model's
accessibility step against background candidates and on the ATAC signal's
contrast across the boundary (:mod:`gategenome.call.boundaries`,
:mod:`gategenome.call.null`, :mod:`gategenome.call.contrast`); region calls pair
an opening boundary with the next closing one (:mod:`gategenome.call.regions`).
Reads a scan directory (:mod:`gategenome.io.scandir`); never imports torch.
"""

from gategenome import import_on_first_use
from gategenome.call.settings import BoundaryCallSettings, CallSettings

__all__ = ["BoundaryCallSettings", "CallSettings", "run_boundaries", "run_call"]
__getattr__ = import_on_first_use(__name__, {"run_boundaries": "run", "run_call": "run"})
