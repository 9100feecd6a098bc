"""Scan chromosomes with a trained model: per-base mean forget gate and accessibility.

Each chromosome and strand streams through the model in chunks with its state
carried across them (exact, whatever the chunk size); the minus strand is the
reverse complement mapped back to reference coordinates.  Dinucleotide-shuffled
windows of each chromosome are scanned too, as the null of ``call``.  Settings
(:mod:`.settings`) -> chromosome plans and jobs (:mod:`.plan`, :mod:`.jobs`) ->
the three-thread compute pipeline (:mod:`.compute`) -> a scan directory
(:mod:`gategenome.io.scandir`), driven by :func:`run_scan` (:mod:`.stream`).
:mod:`.horizon` measures how long the model remembers its start state, for
``--segments``.
"""

from gategenome import import_on_first_use
from gategenome.scan.settings import ScanSettings

__all__ = ["ScanSettings", "run_scan"]
__getattr__ = import_on_first_use(__name__, {"run_scan": "stream"})
