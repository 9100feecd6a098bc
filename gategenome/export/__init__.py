"""Genome-browser output: bigWig tracks, bigBed, the UCSC track hub and the IGV session.

``tracks`` gathers a scan directory's shards into bigWigs of the forget gate of
each strand and of the predicted accessibility; ``export`` writes the drops as
bigBed and tabix-indexed BED and puts them, the bigWigs and the FASTA into one
directory that is both a UCSC track hub and an IGV session, with the boundary
and region calls of ``gategenome boundaries`` as bigBed tracks when given.  Never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "boundary_files": ["BOUNDARY_AUTOSQL", "REGION_AUTOSQL", "add_igv_tracks", "check_calls", "track_stanzas",
                       "write_calls_bigbed"],
    "drop_files": ["check_drops", "check_span", "write_bigbed", "write_tabix_bed"],
    "hub": ["igv_session", "run_export", "track_db"],
    "hub_validation": ["bigwig_problem", "has_magic", "parse_stanzas", "validate_hub"],
    "out_dir": ["check_out_dir", "replace_export"],
    "settings": ["ExportSettings", "TrackSettings"],
    "tracks": ["run_tracks"],
})
