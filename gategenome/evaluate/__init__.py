"""Evaluate drops against accessible-region edges: scores, meta-profiles and the HTML report.

On the chromosomes of one fold, the called drops are scored against the edges of
the accessible regions (precision, recall and F1 for entry and exit edges, and
their enrichment near edges over random positions), the forget gate is averaged
around the edges (meta-profile), the scan's accessibility is ranked against the
regions, and a signal-only caller, the boundary calls and the region calls
(with their base-level Jaccard) are scored the same way; the drops of replicate
signals are compared pair by pair (do they agree?).  The numbers go to
``evaluation.json`` and a self-contained ``report.html``.  Never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "accessibility": ["accessibility_metrics"],
    "boundaries": ["Edges", "call_positions", "drop_end_calls", "drop_summit", "nearest_distance", "region_edges",
                   "score_calls", "score_drop_ends"],
    "calls": ["base_overlap", "region_edge_calls", "score_boundary_calls", "score_region_calls"],
    "edge_enrichment": ["PositionSampler", "enrichment", "valid_runs"],
    "loci": ["locus_arrays", "pick_loci"],
    "metaprofile": ["meta_profile"],
    "plots": ["plot_boundary_curves", "plot_enrichment", "plot_history", "plot_locus", "plot_meta_profile"],
    "replicates": ["chance_within", "check_replicate_inputs", "drop_base_jaccard", "drops_within", "gate_correlation", "parse_named_paths",
                   "replicate_agreement", "window_cover"],
    "report": ["render_html", "write_report"],
    "results": ["Evaluation", "headline", "log_summary"],
    "run": ["evaluate", "read_metrics"],
    "settings": ["EvaluateSettings"],
    "signal_caller": ["SmoothedSignal", "calls_from_signal", "chromosome_calls", "read_smoothed", "region_calls",
                      "signal_baseline", "signal_chunks", "signal_length", "smooth_chunks", "smooth_log_signal",
                      "smooth_track", "strided_signal", "threshold_regions", "tune_threshold"],
})
