"""ATAC-like coverage over the planted regions, and peaks called back from it.

The coverage is a fragment pileup: each region receives a Poisson number of short
fragments (so counts are over-dispersed, negative-binomial-like, across regions),
the rest of the genome a thin background of longer fragments.  Peaks are called
from that coverage by a simple Poisson threshold, so they miss weak regions and
blur edges like a real peak caller does: they are not the truth.
"""

from __future__ import annotations

import math

import numpy as np

from gategenome.core.runs import merge_close_runs, true_runs
from gategenome.io.bed import Interval
from gategenome.simulate.settings import SimulationSettings
from gategenome.simulate.truth import Region


def coverage(
    rng: np.random.Generator, length: int, regions: list[Region], settings: SimulationSettings
) -> np.ndarray:
    """ATAC-like fragment pileup over one chromosome.

    Parameters
    ----------
    rng
        Random generator.
    length
        Chromosome length.
    regions
        Planted regions of this chromosome.
    settings
        Simulation parameters.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` float32 fragment coverage (integer counts).
    """
    starts = np.array([region.start for region in regions], dtype=np.int64)
    widths = np.array([region.end - region.start for region in regions], dtype=np.int64)
    strengths = np.array([region.strength for region in regions])
    counts = rng.poisson(settings.depth * strengths * widths / 250.0)
    owner = np.repeat(np.arange(len(regions)), counts)
    mids = starts[owner] + (rng.random(owner.size) * widths[owner]).astype(np.int64)
    sizes = np.clip(rng.lognormal(math.log(80), 0.3, owner.size), 40, 250).astype(np.int64)
    background_size = 180
    n_background = rng.poisson(settings.background * length / background_size)
    background_mids = rng.integers(0, length, n_background)
    all_mids = np.concatenate([mids, background_mids])
    all_sizes = np.concatenate([sizes, np.full(n_background, background_size, dtype=np.int64)])
    left = np.clip(all_mids - all_sizes // 2, 0, length)
    right = np.clip(left + all_sizes, 0, length)
    delta = np.zeros(length + 1, dtype=np.int64)
    np.add.at(delta, left, 1)
    np.add.at(delta, right, -1)
    return np.cumsum(delta[:-1]).astype(np.float32)


def _poisson_log10_sf(count: float, mean: float) -> float:
    """-log10 P(X >= count) for X ~ Poisson(mean), summed in log space."""
    k = int(math.ceil(count))
    if k <= 0:
        return 0.0
    log_terms = [j * math.log(mean) - mean - math.lgamma(j + 1) for j in range(k, k + 200)]
    top = max(log_terms)
    log_sf = top + math.log(sum(math.exp(term - top) for term in log_terms))
    return max(0.0, -log_sf / math.log(10))


def call_poisson_peaks(chrom: str, values: np.ndarray, window: int = 50, min_length: int = 80) -> list[Interval]:
    """Call narrowPeak-style peaks from coverage with a Poisson threshold.

    Parameters
    ----------
    chrom
        Chromosome name.
    values
        ``(L,)`` coverage.
    window
        Smoothing window (bases) and the largest gap merged inside a peak.
    min_length
        Shortest peak kept.

    Returns
    -------
    list[Interval]
        Peaks with narrowPeak columns (signalValue = fold enrichment, pValue =
        -log10 Poisson p of the summit, qValue filled in by :func:`gategenome.simulate.run.run_simulate`,
        peak = summit offset).
    """
    smooth = np.convolve(values, np.ones(window) / window, mode="same")
    background = max(float(np.median(values)), 0.1)
    threshold = max(4.0, 5.0 * background)
    merged = merge_close_runs(*true_runs(smooth > threshold), window)
    peaks: list[Interval] = []
    for start, end in zip(*(bounds.tolist() for bounds in merged)):
        if end - start < min_length:
            continue
        summit = int(np.argmax(values[start:end]))
        height = float(values[start + summit])
        pvalue = _poisson_log10_sf(height, background)
        peaks.append(Interval(
            chrom, start, end, ".", 0, ".",
            (f"{height / background:.3f}", f"{pvalue:.3f}", "0", str(summit)),
        ))
    return peaks
