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

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "settings": ["ScanSettings"],
    "jobs": ["GenomeJob", "NullJob", "Sources", "scan_codes"],
    "plan": ["ChromosomePlan", "Step", "plan_chromosome", "plan_steps", "scan_segments", "unknown_runs"],
    "compute": ["forward_gates", "gate_outputs", "run_steps", "stored_outputs"],
    "horizon": ["forgetting_horizon", "measure_horizon"],
    "stream": ["check_scan_inputs", "run_scan", "scan_metadata"],
})
