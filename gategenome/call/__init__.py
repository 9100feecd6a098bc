"""Call forget-gate drops: runs of low mean forget gate, tested against the null.

A drop is a run of bases whose mean forget gate falls below a threshold set from
the shuffled-sequence null that ``scan`` wrote; each carries an empirical p-value
and a Benjamini-Hochberg q-value, like a peak caller's.  Reads a scan directory
(:mod:`gategenome.io.scandir`); never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "drops": ["Drops", "call_drops", "find_drops", "null_threshold"],
    "settings": ["CallSettings"],
})
