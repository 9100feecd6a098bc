"""The training data: folds read, and each fold's chromosomes opened from the genome cache.

The genome (and signal) are encoded once into the cache directory
(:func:`gategenome.data.cache.open_genome_cache`; a temporary one when none is
named) and read window by window; regions and blacklist stay intervals.  Memory
does not grow with the genome.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gategenome.data.cache import GenomeCache, open_genome_cache
from gategenome.data.folds import read_folds
from gategenome.data.intervals import read_blacklist, read_regions
from gategenome.errors import ConfigError, InputError
from gategenome.io.bed import Interval
from gategenome.io.bigwig import SignalTrack, bigwig_chroms
from gategenome.io.fasta import Genome
from gategenome.io.provenance import Product, require_compatible
from gategenome.model.config import ModelConfig
from gategenome.train.cached import CachedChromosome
from gategenome.train.files import TrainInputs

log = logging.getLogger(__name__)

FOLD_NAMES = ("train", "valid", "test")


@dataclass
class TrainingData:
    """The folds and their chromosomes, read from an open genome cache (close it when done).

    Attributes
    ----------
    folds
        Fold -> chromosome names.
    data
        Fold -> its :class:`~gategenome.train.cached.CachedChromosome` objects.
    cache
        The open cache.
    """

    folds: dict[str, list[str]]
    data: dict[str, list[CachedChromosome]]
    cache: GenomeCache
    counts: GenomeCache | None = None
    _temporary: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def close(self) -> None:
        """Close the cache files (and remove a temporary cache)."""
        self.cache.close()
        if self.counts is not None:
            self.counts.close()
        if self._temporary is not None:
            self._temporary.cleanup()

    def __enter__(self) -> TrainingData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _require_insertions_compatible(inputs: TrainInputs, genome: Genome, uses_signal: bool) -> None:
    """The insertions bigWig must belong with the FASTA, and with the input signal it is read beside
    (:func:`~gategenome.io.provenance.require_compatible`): both are compared to the FASTA, then to each other
    (a chromosome the FASTA lacks may still be named by both).

    Raises
    ------
    InputError
        Not a bigWig, no chromosome shared with the FASTA, or a chromosome of another length in the FASTA or
        the signal.
    """
    SignalTrack(inputs.insertions, genome.sizes, str(inputs.genome)).close()
    if uses_signal and inputs.signal:
        SignalTrack(inputs.signal, genome.sizes, str(inputs.genome)).close()
        require_compatible(Product(inputs.signal, chroms=bigwig_chroms(inputs.signal)),
                           Product(inputs.insertions, chroms=bigwig_chroms(inputs.insertions)), shared=True)


def open_training_data(
    inputs: TrainInputs, model_config: ModelConfig, cache_dir: str | os.PathLike | None = None
) -> TrainingData:
    """Read the folds and open every fold chromosome from the genome cache, encoding what is missing.

    Parameters
    ----------
    inputs
        Genome, regions, folds, and the signal and blacklist when given.
    model_config
        Whether the model reads the signal.
    cache_dir
        The genome cache directory (see :mod:`gategenome.data.cache`); None uses
        a temporary one, removed by :meth:`TrainingData.close`.

    Returns
    -------
    TrainingData

    Raises
    ------
    ConfigError
        The model reads the signal but no bigWig was given.
    InputError
        An empty valid or test fold, no region, or no region on the valid or test chromosomes.
    """
    if model_config.uses_signal and not inputs.signal:
        raise ConfigError("model.inputs is dna+signal but no signal bigWig was given; pass --signal or set inputs: dna")
    with Genome(inputs.genome) as genome:
        folds = read_folds(inputs.folds, genome.sizes).folds
        for fold in ("valid", "test"):
            if not folds[fold]:
                raise InputError(f"{inputs.folds}: the {fold} fold is empty; training needs held-out valid and test chromosomes")
        # Same chromosome-name matching as prepare, so a blacklist written as XII masks chrXII here too.
        regions = read_regions(inputs.regions, genome.sizes)
        _require_fold_regions(inputs.regions, folds, {iv.chrom for iv in regions})
        blacklist = read_blacklist(inputs.blacklist, genome.sizes)
        if inputs.insertions:  # a bad insertions bigWig is refused before any cache is built
            _require_insertions_compatible(inputs, genome, model_config.uses_signal)
    temporary = tempfile.TemporaryDirectory(prefix="gategenome-cache-") if cache_dir is None else None
    directory = Path(temporary.name if temporary is not None else cache_dir)
    names = [name for fold in FOLD_NAMES for name in folds[fold]]
    signal = inputs.signal if model_config.uses_signal else None
    counts = None
    try:
        cache = open_genome_cache(directory, inputs.genome, signal, names)
        if inputs.insertions:
            try:
                counts = open_genome_cache(directory, inputs.genome, inputs.insertions, names)
            except BaseException:
                cache.close()
                raise
    except BaseException:
        if temporary is not None:
            temporary.cleanup()
        raise
    region_map, black_map = _intervals_by_chrom(regions), _intervals_by_chrom(blacklist)
    empty = np.zeros((0, 2), dtype=np.int64)
    data = {
        fold: [CachedChromosome(name, cache, region_map.get(name, empty), black_map.get(name, empty), counts)
               for name in folds[fold]]
        for fold in FOLD_NAMES
    }
    for fold in FOLD_NAMES:
        log.info("%s fold: %d chromosome(s), %d bases", fold, len(data[fold]), sum(len(c) for c in data[fold]))
    return TrainingData(folds, data, cache, counts, temporary)


def _intervals_by_chrom(intervals: Sequence[Interval]) -> dict[str, np.ndarray]:
    """Chromosome -> ``(K, 2)`` int64 starts and ends of ``intervals``."""
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for interval in intervals:
        by_chrom.setdefault(interval.chrom, []).append((interval.start, interval.end))
    return {chrom: np.array(pairs, dtype=np.int64).reshape(-1, 2) for chrom, pairs in by_chrom.items()}


def _require_fold_regions(path, folds: dict[str, list[str]], region_chroms: set[str]) -> None:
    """The valid and test folds need a region each: auROC/auPRC are undefined without a positive base."""
    for fold in ("valid", "test"):
        if not region_chroms.intersection(folds[fold]):
            raise InputError(
                f"{path}: no accessible region on the {fold} chromosomes ({', '.join(folds[fold][:5])}); "
                f"expected regions on every fold (the {fold} auROC/auPRC is undefined without one)"
            )
