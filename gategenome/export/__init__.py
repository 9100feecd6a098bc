"""Genome-browser output: bigWig tracks, bigBed, the UCSC track hub and the IGV session.

``tracks`` gathers a scan directory's shards into bigWigs of the forget gate of
each strand and of the predicted accessibility; ``export`` writes the drops as
bigBed and tabix-indexed BED and puts them, the bigWigs and the FASTA into one
directory that is both a UCSC track hub and an IGV session, with the boundary
and region calls of ``gategenome boundaries`` as bigBed tracks when given.  Never imports torch.
"""

from gategenome import import_on_first_use
from gategenome.export.settings import ExportSettings, TrackSettings

__all__ = ["ExportSettings", "TrackSettings", "run_export", "run_tracks"]
__getattr__ = import_on_first_use(__name__, {"run_export": "hub", "run_tracks": "tracks"})
