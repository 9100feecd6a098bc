"""Training windows: the chromosome interface, preloaded chromosomes and window sampling.

A chromosome of a fold answers, for any ``[start, end)``: the model inputs
(:meth:`Chromosome.inputs`), the per-base target "inside an accessible region"
and the mask of usable bases (:meth:`Chromosome.targets`; the blacklist, e.g.
the collapsed rDNA, is masked out of the loss and the metrics), and the bases
near a region edge (:meth:`Chromosome.near_boundary`), plus its ``name``,
``regions`` and length.  Training reads chromosomes from the genome cache
(:class:`gategenome.train.cached.CachedChromosome`, bounded memory);
:class:`Chromosome` holds whole arrays in memory (about 10 bytes per base) for
small inputs, tests and the baselines.

Coordinates are 0-based half-open throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gategenome.core.encode import one_hot
from gategenome.data.intervals import IntervalIndex
from gategenome.errors import InputError
from gategenome.io.bed import Interval
from gategenome.model.config import ModelConfig
from gategenome.model.inputs import model_inputs
from gategenome.train.config import TrainConfig

log = logging.getLogger(__name__)

@dataclass
class Chromosome:
    """One preloaded chromosome.

    Attributes
    ----------
    name
        Chromosome name (as in the FASTA).
    onehot
        ``(L, 4)`` uint8 one-hot DNA.
    signal
        ``(L,)`` float32 raw ATAC signal, or None for a ``dna`` model.
    labels
        ``(L,)`` uint8, 1 inside an accessible region.
    mask
        ``(L,)`` bool, False on blacklisted bases.
    regions
        ``(K, 2)`` int64 region starts and ends on this chromosome, sorted.
    counts
        ``(L,)`` float32 Tn5 insertions per base, or None (``target: regions``).
    """

    name: str
    onehot: np.ndarray
    signal: np.ndarray | None
    labels: np.ndarray
    mask: np.ndarray
    regions: np.ndarray
    counts: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def inputs(self, start: int, end: int, config: ModelConfig) -> np.ndarray:
        """Model input of ``[start, end)``, ``(end - start, C)`` float32."""
        signal = None if self.signal is None else self.signal[start:end]
        return model_inputs(self.onehot[start:end], signal, config)

    def targets(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Labels (``uint8``) and mask (``bool``) of ``[start, end)``, each ``(end - start,)``."""
        return self.labels[start:end], self.mask[start:end]

    def insertions(self, start: int, end: int) -> np.ndarray:
        """``(end - start,)`` float32 Tn5 insertions per base of ``[start, end)``."""
        if self.counts is None:
            raise ValueError(f"{self.name}: loaded without insertions")
        return self.counts[start:end].astype(np.float32)

    def boundary_mask(self, flank: int = 50) -> np.ndarray:
        """``(L,)`` bool: bases within ``flank`` bases of a region start or end."""
        return edge_index(self.regions, len(self), flank).mask(0, len(self))

    def near_boundary(self, start: int, end: int, flank: int = 50) -> np.ndarray:
        """``(end - start,)`` bool: bases of ``[start, end)`` within ``flank`` bases of a region edge."""
        return edge_index(self.regions, len(self), flank).mask(start, end)

    def reverse_complement(self) -> Chromosome:
        """The other strand read 5' to 3': position ``i`` here is ``L - 1 - i`` there.

        One-hot channels A, C, G, T reversed are the complements T, G, C, A; labels,
        mask and signal are reversed, each region ``[s, e)`` becomes ``[L - e, L - s)``.
        """
        length = len(self)
        regions = (length - self.regions[::-1, ::-1]).copy()
        signal = None if self.signal is None else self.signal[::-1].copy()
        counts = None if self.counts is None else self.counts[::-1].copy()
        return Chromosome(self.name, self.onehot[::-1, ::-1].copy(), signal, self.labels[::-1].copy(),
                          self.mask[::-1].copy(), regions, counts)


def edge_index(regions: np.ndarray, length: int, flank: int) -> IntervalIndex:
    """The bases ``[edge - flank, edge + flank)`` around every start and end of ``(K, 2)`` ``regions``."""
    edges = np.asarray(regions, dtype=np.int64).reshape(-1)
    return IntervalIndex(edges - flank, edges + flank, length)


def _intervals_by_chrom(intervals: Sequence[Interval]) -> dict[str, np.ndarray]:
    by_chrom: dict[str, list[tuple[int, int]]] = {}
    for interval in intervals:
        by_chrom.setdefault(interval.chrom, []).append((interval.start, interval.end))
    return {chrom: np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2) for chrom, pairs in by_chrom.items()}


def load_chromosomes(
    genome,
    names: Sequence[str],
    regions: Sequence[Interval],
    signal=None,
    blacklist: Sequence[Interval] = (),
) -> list[Chromosome]:
    """Preload chromosomes with their targets.

    Parameters
    ----------
    genome
        A :class:`~gategenome.io.fasta.Genome`.
    names
        Chromosomes to load.
    regions
        Accessible regions (the targets), any chromosomes.
    signal
        A :class:`~gategenome.io.bigwig.SignalTrack`, or None for a ``dna`` model.
    blacklist
        Intervals to leave out of the loss and the metrics.

    Returns
    -------
    list[Chromosome]
    """
    region_map = _intervals_by_chrom(regions)
    black_map = _intervals_by_chrom(blacklist)
    loaded = []
    for name in names:
        length = genome.sizes[name]
        onehot = one_hot(genome.fetch(name, 0, length), dtype=np.uint8)
        values = None if signal is None else signal.values(name, 0, length)
        labels = np.zeros(length, dtype=np.uint8)
        spans = region_map.get(name, np.zeros((0, 2), dtype=np.int64))
        spans = np.clip(spans, 0, length)
        for start, end in spans:
            labels[start:end] = 1
        mask = np.ones(length, dtype=bool)
        for start, end in black_map.get(name, ()):
            mask[max(0, start):min(length, end)] = False
        loaded.append(Chromosome(name, onehot, values, labels, mask, spans))
    return loaded


@dataclass
class Batch:
    """One batch of windows: ``x`` ``(N, L, C)`` float32, ``y`` and ``weight`` ``(N, L)`` float32,
    and ``counts`` ``(N, L)`` float32 insertions per base (``target: insertions``) or None."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    counts: np.ndarray | None = None


class WindowSampler:
    """Draw training windows from preloaded chromosomes.

    A fraction ``accessible_fraction`` of windows is anchored on a random
    accessible region (its centre plus a uniform shift of up to ``shift_jitter``
    bases); the rest start uniformly at random along the chromosomes (weighted by
    length).  Half the windows are reverse-complemented when ``rc_augment`` is on.
    Chromosomes shorter than the window are zero-padded with zero loss weight.

    Parameters
    ----------
    chromosomes
        The train fold.
    model_config, train_config
        Decide the input channels, window length and sampling.
    """

    def __init__(self, chromosomes: Sequence[Chromosome], model_config: ModelConfig, train_config: TrainConfig):
        if not chromosomes:
            raise InputError("no training chromosomes: the train fold is empty")
        self.chromosomes = list(chromosomes)
        self.model_config = model_config
        self.config = train_config
        lengths = np.array([len(c) for c in self.chromosomes], dtype=np.float64)
        self._chrom_p = lengths / lengths.sum()
        # (chromosome index, start, end) of every region, as one int64 array
        self._regions = np.concatenate(
            [np.column_stack([np.full(len(c.regions), index), c.regions]).astype(np.int64).reshape(-1, 3)
             for index, c in enumerate(self.chromosomes)]
        )
        if not len(self._regions) and train_config.accessible_fraction > 0:
            log.warning("no accessible region on the train chromosomes; sampling background windows only")

    def _window(self, rng: np.random.Generator) -> tuple[Chromosome, int]:
        window = self.config.window
        if len(self._regions) and rng.random() < self.config.accessible_fraction:
            index, start, end = (int(value) for value in self._regions[rng.integers(len(self._regions))])
            jitter = self.config.shift_jitter
            centre = (start + end) // 2 + int(rng.integers(-jitter, jitter + 1))
            chrom = self.chromosomes[index]
            begin = centre - window // 2
        else:
            chrom = self.chromosomes[rng.choice(len(self.chromosomes), p=self._chrom_p)]
            begin = int(rng.integers(0, max(1, len(chrom) - window + 1)))
        begin = int(min(max(begin, 0), max(0, len(chrom) - window)))
        return chrom, begin

    def sample(self, rng: np.random.Generator) -> Batch:
        """Draw one batch of ``batch_size`` windows with ``rng``."""
        size, window = self.config.batch_size, self.config.window
        channels = self.model_config.input_channels
        x = np.zeros((size, window, channels), dtype=np.float32)
        y = np.zeros((size, window), dtype=np.float32)
        weight = np.zeros((size, window), dtype=np.float32)
        reads = self.config.target == "insertions"
        counts = np.zeros((size, window), dtype=np.float32) if reads else None
        for row in range(size):
            chrom, begin = self._window(rng)
            end = min(begin + window, len(chrom))
            span = end - begin
            xs = chrom.inputs(begin, end, self.model_config)
            ys, ws = chrom.targets(begin, end)
            cs = clip_insertions(chrom.insertions(begin, end), self.config.insertion_clip) if reads else None
            if self.config.rc_augment and rng.random() < 0.5:
                xs = xs[::-1].copy()
                xs[:, :4] = xs[:, 3::-1]
                ys, ws = ys[::-1], ws[::-1]
                cs = None if cs is None else cs[::-1]
            x[row, :span], y[row, :span], weight[row, :span] = xs, ys, ws
            if reads:
                counts[row, :span] = cs
        return Batch(x, y, weight, counts)


def clip_insertions(counts: np.ndarray, clip: float) -> np.ndarray:
    """``counts`` with values above ``clip`` set to ``clip`` (``clip`` 0: unchanged)."""
    return np.minimum(counts, np.float32(clip)) if clip > 0 else counts

