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

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "boundaries": ["Candidates", "call_boundaries", "cluster_labels", "merge_strands", "score_candidates",
                   "select_boundaries"],
    "contrast": ["contrast_pvalues", "estimate_dispersion", "g_statistic"],
    "drops": ["Drops", "call_drop_table", "call_drops", "find_drops", "scan_null_threshold"],
    "null": ["accessibility_steps", "decoy_positions", "decoy_steps"],
    "regions": ["boundary_qvalue", "pair_regions"],
    "run": ["run_boundaries", "run_call"],
    "settings": ["BoundaryCallSettings", "CallSettings"],
    "table": ["DropTable"],
})
