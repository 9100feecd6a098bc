"""Chromosomes of a fold read from the genome cache: memory that does not grow with the genome.

A :class:`CachedChromosome` holds only its regions and blacklist as intervals;
the model inputs of a window are read from the cache
(:mod:`gategenome.data.cache`: 1 byte per base of codes, 2 of float16 signal, on
disk) and its labels and mask are painted from the intervals, so a training or
evaluation step costs the same whatever the length of the genome.
"""

from __future__ import annotations

import numpy as np

from gategenome.core.encode import ONE_HOT_CODE
from gategenome.data.cache import GenomeCache
from gategenome.data.intervals import IntervalIndex
from gategenome.model.config import ModelConfig
from gategenome.model.inputs import model_inputs
from gategenome.train.windows import edge_index


class CachedChromosome:
    """One chromosome of a fold, read window by window from a :class:`~gategenome.data.cache.GenomeCache`.

    Has the interface of :class:`gategenome.train.windows.Chromosome` that
    training and evaluation use: ``name``, ``regions``, ``len()``,
    :meth:`inputs`, :meth:`targets` and :meth:`near_boundary`.

    Parameters
    ----------
    name
        Chromosome name (as in the FASTA).
    cache
        The opened cache holding it.
    regions
        ``(K, 2)`` accessible regions (start, end) on it.
    blacklist
        ``(B, 2)`` intervals left out of the loss and metrics.
    counts
        A cache whose signal is the Tn5 insertions per base (``target: insertions``), or None.
    """

    def __init__(self, name: str, cache: GenomeCache, regions: np.ndarray, blacklist: np.ndarray,
                 counts: GenomeCache | None = None):
        self.name = name
        self._cache = cache
        self._counts = counts
        self._length = int(cache.sizes[name])
        regions = np.clip(np.asarray(regions, dtype=np.int64).reshape(-1, 2), 0, self._length)
        #: ``(K, 2)`` int64 region starts and ends, sorted, clipped to the chromosome.
        self.regions = regions[np.lexsort((regions[:, 1], regions[:, 0]))]
        self._labels = IntervalIndex(self.regions[:, 0], self.regions[:, 1], self._length)
        blacklist = np.asarray(blacklist, dtype=np.int64).reshape(-1, 2)
        self._blacklist = IntervalIndex(blacklist[:, 0], blacklist[:, 1], self._length)
        self._edges: dict[int, IntervalIndex] = {}

    def __len__(self) -> int:
        return self._length

    def inputs(self, start: int, end: int, config: ModelConfig) -> np.ndarray:
        """Model input of ``[start, end)``, ``(end - start, C)`` float32."""
        onehot = ONE_HOT_CODE[self._cache.codes(self.name, start, end)]
        signal = self._cache.signal(self.name, start, end).astype(np.float32) if config.uses_signal else None
        return model_inputs(onehot, signal, config)

    def targets(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Labels (``uint8``, 1 inside a region) and mask (``bool``, False on the blacklist) of ``[start, end)``."""
        return self._labels.mask(start, end).view(np.uint8), ~self._blacklist.mask(start, end)

    def insertions(self, start: int, end: int) -> np.ndarray:
        """``(end - start,)`` float32 Tn5 insertions per base of ``[start, end)``."""
        if self._counts is None:
            raise ValueError(f"{self.name}: opened without an insertions bigWig")
        return self._counts.signal(self.name, start, end).astype(np.float32)

    def near_boundary(self, start: int, end: int, flank: int = 50) -> np.ndarray:
        """``(end - start,)`` bool: bases of ``[start, end)`` within ``flank`` bases of a region edge."""
        if flank not in self._edges:
            self._edges[flank] = edge_index(self.regions, self._length, flank)
        return self._edges[flank].mask(start, end)

    @property
    def masked_bases(self) -> int:
        """Number of blacklisted bases."""
        return self._blacklist.covered
