"""Training data: preloaded chromosomes, per-base targets and window sampling.

Each chromosome of a fold is read once into memory (yeast is 12 Mb): one-hot DNA
as ``uint8``, the raw ATAC signal as ``float32`` (when the model reads it), the
per-base target "inside an accessible region" and a mask of usable bases (the
blacklist, e.g. the collapsed rDNA, is masked out of the loss and the metrics).
Windows are slices of these arrays, so sampling costs no I/O.

Coordinates are 0-based half-open throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gategenome.core.encode import one_hot
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
    """

    name: str
    onehot: np.ndarray
    signal: np.ndarray | None
    labels: np.ndarray
    mask: np.ndarray
    regions: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def inputs(self, start: int, end: int, config: ModelConfig) -> np.ndarray:
        """Model input of ``[start, end)``, ``(end - start, C)`` float32."""
        signal = None if self.signal is None else self.signal[start:end]
        return model_inputs(self.onehot[start:end], signal, config)

    def boundary_mask(self, flank: int = 50) -> np.ndarray:
        """``(L,)`` bool: bases within ``flank`` bases of a region start or end."""
        near = np.zeros(len(self) + 1, dtype=np.int32)
        for edge in self.regions.reshape(-1):
            near[max(0, edge - flank)] += 1
            near[min(len(self), edge + flank)] -= 1
        return np.cumsum(near[:-1]) > 0


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
    """One batch of windows: ``x`` ``(N, L, C)`` float32, ``y`` and ``weight`` ``(N, L)`` float32."""

    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray


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
        self._regions = [(index, int(s), int(e)) for index, c in enumerate(self.chromosomes) for s, e in c.regions]
        if not self._regions and train_config.accessible_fraction > 0:
            log.warning("no accessible region on the train chromosomes; sampling background windows only")

    def _window(self, rng: np.random.Generator) -> tuple[Chromosome, int]:
        window = self.config.window
        if self._regions and rng.random() < self.config.accessible_fraction:
            index, start, end = self._regions[rng.integers(len(self._regions))]
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
        for row in range(size):
            chrom, begin = self._window(rng)
            end = min(begin + window, len(chrom))
            span = end - begin
            xs = chrom.inputs(begin, end, self.model_config)
            ys = chrom.labels[begin:end]
            ws = chrom.mask[begin:end]
            if self.config.rc_augment and rng.random() < 0.5:
                xs = xs[::-1].copy()
                xs[:, :4] = xs[:, 3::-1]
                ys, ws = ys[::-1], ws[::-1]
            x[row, :span], y[row, :span], weight[row, :span] = xs, ys, ws
        return Batch(x, y, weight)

