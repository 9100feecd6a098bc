"""Readers and writers for genomes (FASTA), signal (bigWig) and intervals (BED).

Also chromosome-name matching across files (``chrI`` / ``I``), atomic writes (a
killed run never leaves a finished-looking file), JSON files and the scan-directory
format.  All coordinates are 0-based and half-open, as in BED and bigWig.
pyBigWig and pysam are imported when a file is opened.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "atomic": ["atomic_directory", "atomic_open", "atomic_path", "remove_abandoned"],
    "bed": ["BedColumns", "Interval", "merge_intervals", "read_bed", "read_bed_columns", "sort_intervals", "write_bed"],
    "bigwig": ["SignalTrack", "write_bigwig"],
    "checksum": ["arrays_checksum", "file_head_checksum", "sizes_checksum"],
    "chroms": ["match_chromosomes", "name_lookup", "normalise_name"],
    "fasta": ["Genome", "check_records", "fresh_fai", "read_chrom_sizes", "write_chrom_sizes"],
    "index": ["require_fresh_index", "stale_index"],
    "jsonfile": ["finite_json", "json_text", "read_json_object", "write_json"],
    "scandir": ["ScanDir", "gather_shards"],
})
