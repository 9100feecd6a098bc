"""Stage-independent building blocks: base encoding, shuffles, runs and statistics.

Pure numpy, no file formats and no torch: base codes and one-hot encoding,
dinucleotide shuffles (the null of the drop caller), runs of true values and
moving averages, and ranking and multiple-testing statistics; settings read from
plain dictionaries with their types checked, progress reporting on stderr,
where the workflow files are (the checkout, or a wheel's copy), and the malloc setting that keeps
a training step's freed buffers in the process.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "encode": ["ALPHABET", "encode_codes", "one_hot", "reverse_complement", "reverse_complement_bytes",
               "reverse_complement_codes"],
    "runs": ["RunJoiner", "complement_intervals", "merge_close_runs", "moving_average", "true_runs", "value_runs"],
    "shuffle": ["dinucleotide_counts", "dinucleotide_shuffle"],
    "allocator": ["retain_freed_memory"],
    "checkout": ["CONFIG_SCHEMA", "ENV_VAR", "PACKAGED_WORKFLOW", "workflow_root"],
    "progress": ["LogProgress", "progress_bar"],
    "settings": ["check_type", "settings_from_dict"],
    "stats": ["ScoreHistogram", "auprc", "auroc", "bh_qvalues", "empirical_pvalues", "float16_rank_keys",
              "ranking_metrics"],
})
