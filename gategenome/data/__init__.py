"""Prepare a genome and its ATAC-seq signal for training.

The signal itself can be made here from aligned reads: fragments files or
paired-end BAMs piled up into coverage and Tn5 cut-site bigWigs (bulk, pooled
replicates or single-cell pseudo-bulk per barcode group), with MACS3 peaks
(:func:`run_signal`).

Accessible regions (the per-base target) from peaks or from the bigWig itself, held
as int64 arrays per chromosome so that prepare does not grow by a record per peak,
chromosomes kept or excluded, whole chromosomes split into train/valid/test folds,
blacklists and interval arithmetic; :func:`run_prepare` writes them all together and
:func:`~gategenome.data.prepared.load_prepared` reads them back.
:func:`~gategenome.data.cache.open_genome_cache` encodes the genome
and signal once into per-chromosome arrays on disk (1 + 2 bytes per base) that
training reads slice by slice.  Never imports torch.
"""

from gategenome import import_on_first_use
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings, SignalSettings

__all__ = ["PeakRegionSettings", "PrepareSettings", "SignalRegionSettings", "SignalSettings", "run_prepare",
           "run_signal"]
__getattr__ = import_on_first_use(__name__, {"run_prepare": "prepare", "run_signal": "signal"})
