"""A synthetic genome and ATAC-seq track with known accessibility boundaries.

Yeast-like background sequence with planted accessible regions that the sequence
explains (motifs, poly(dA:dT)), an ATAC-like fragment pileup over them, peaks
called back from it, and the truth (the regions and their strand-aware edges);
the same seed gives byte-identical files.  For demos and tests; never imports torch.
"""

from gategenome import import_on_first_use
from gategenome.simulate.settings import SimulationSettings

__all__ = ["SimulationSettings", "run_simulate"]
__getattr__ = import_on_first_use(__name__, {"run_simulate": "run"})
