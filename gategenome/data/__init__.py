"""Prepare a genome and its ATAC-seq signal for training.

The signal itself can be made here from aligned reads: fragments files or
paired-end BAMs piled up into coverage and Tn5 cut-site bigWigs (bulk, pooled
replicates or single-cell pseudo-bulk per barcode group), with MACS3 peaks.

Accessible regions (the per-base target) from peaks or from the bigWig itself, held
as int64 arrays per chromosome so that prepare does not grow by a record per peak,
chromosomes kept or excluded, whole chromosomes split into train/valid/test folds,
blacklists and interval arithmetic; :func:`run_prepare` writes them all together and
:func:`load_prepared` reads them back.  :func:`open_genome_cache` encodes the genome
and signal once into per-chromosome arrays on disk (1 + 2 bytes per base) that
training reads slice by slice.  Never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "chromosomes": ["DEFAULT_EXCLUDE", "ChromosomeSelection", "drop_unsequenced", "has_sequenced_base",
                    "select_chromosomes"],
    "bam": ["open_bam", "read_bam_fragments"],
    "cache": ["CACHE_FORMAT", "CACHE_VERSION", "GenomeCache", "file_sha256", "open_genome_cache"],
    "cache_entries": ["is_stale", "remove_stale_entries"],
    "fragments": ["FragmentChunk", "FragmentCounts", "read_barcodes", "read_fragment_file"],
    "folds": ["FOLDS", "FoldSplit", "folds_from_mapping", "folds_from_options", "read_folds", "split_chromosomes"],
    "intervals": ["IntervalIndex", "overlap_summary", "read_blacklist", "read_regions", "resolve_interval_chroms", "subtract_intervals"],
    "peaks": ["call_peaks", "callpeak_command", "find_macs3", "macs3_version"],
    "pileup": ["TN5_SHIFT", "ChromPileup", "RunStore", "accumulate", "shift_fragments", "write_pileup_tracks"],
    "prepare": ["OUTPUTS", "run_prepare"],
    "prepared": ["PreparedInputs", "load_prepared"],
    "region_arrays": ["RegionArrays", "count_regions", "from_intervals", "peak_regions", "read_peak_columns",
                      "region_bases", "subtract_blacklist", "write_regions"],
    "regions": ["SignalThreshold", "merge_columns", "region_mask", "regions_from_peaks", "regions_from_signal",
                "signal_region_arrays", "signal_threshold"],
    "settings": ["PeakRegionSettings", "PrepareSettings", "SignalRegionSettings", "SignalSettings"],
    "signal": ["run_signal"],
})
