"""Prepare a genome and its ATAC-seq signal for training.

Accessible regions (the per-base target) from peaks or from the bigWig itself,
chromosomes kept or excluded, whole chromosomes split into train/valid/test folds,
blacklists and interval arithmetic; :func:`prepare` writes them all together and
:func:`load_prepared` reads them back.  Never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "chromosomes": ["DEFAULT_EXCLUDE", "ChromosomeSelection", "drop_unsequenced", "has_sequenced_base",
                    "select_chromosomes"],
    "folds": ["FOLDS", "FoldSplit", "folds_from_mapping", "folds_from_options", "read_folds", "split_chromosomes"],
    "intervals": ["overlap_summary", "read_blacklist", "read_regions", "resolve_interval_chroms", "subtract_intervals"],
    "prepare": ["OUTPUTS", "prepare"],
    "prepared": ["PreparedInputs", "load_prepared"],
    "regions": ["SignalThreshold", "region_mask", "regions_from_peaks", "regions_from_signal", "signal_threshold"],
    "settings": ["PeakRegionSettings", "PrepareSettings", "SignalRegionSettings"],
})
