"""ATAC-like Tn5 fragments over the planted regions, their coverage, and peaks called back from it.

Each region receives a Poisson number of fragments (so counts are
over-dispersed, negative-binomial-like, across regions): nucleosome-free ones with
both Tn5 insertions inside it, mono-nucleosome ones with one insertion inside and
the other beyond the flanking nucleosome; the rest of the genome a thin
background.  Lengths come from the usual nucleosome-free / mono-nucleosome
mixture.  The coverage is the fragments'
pileup.  Peaks are called
from that coverage by a simple Poisson threshold, so they miss weak regions and
blur edges like a real peak caller does: they are not the truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gategenome.core.runs import merge_close_runs, true_runs
from gategenome.io.bed import Interval
from gategenome.simulate.settings import SimulationSettings
from gategenome.simulate.truth import Region


#: Fragment lengths: a mixture of nucleosome-free fragments (log-normal around 70 bp)
#: and mono-nucleosome fragments (log-normal around 190 bp), as ``(median, log-sd)``.
NFR_LENGTH = (70.0, 0.25)
MONO_LENGTH = (190.0, 0.08)
#: Fraction of nucleosome-free fragments inside accessible regions and in the background.
REGION_NFR_FRACTION = 0.85
BACKGROUND_NFR_FRACTION = 0.3
#: Shortest fragment drawn (bases).
MIN_FRAGMENT = 20


@dataclass(frozen=True)
class Fragments:
    """Fragments of one stretch of a chromosome, sorted by start then end.

    Attributes
    ----------
    starts, ends : numpy.ndarray
        ``(N,)`` int64, 0-based half-open; ``starts`` and ``ends - 1`` are the
        two Tn5 insertions.
    """

    starts: np.ndarray
    ends: np.ndarray


def fragment_lengths(rng: np.random.Generator, count: int, nfr_fraction: float) -> np.ndarray:
    """Draw ``count`` fragment lengths from the nucleosome-free / mono-nucleosome mixture.

    Parameters
    ----------
    rng
        Random generator.
    count
        Number of fragments.
    nfr_fraction
        Probability that a fragment is nucleosome-free.

    Returns
    -------
    numpy.ndarray
        ``(count,)`` int64 lengths, at least :data:`MIN_FRAGMENT`.
    """
    nucleosome_free = rng.random(count) < nfr_fraction
    nfr = rng.lognormal(math.log(NFR_LENGTH[0]), NFR_LENGTH[1], count)
    mono = rng.lognormal(math.log(MONO_LENGTH[0]), MONO_LENGTH[1], count)
    return np.maximum(np.where(nucleosome_free, nfr, mono).round(), MIN_FRAGMENT).astype(np.int64)


def draw_fragments(
    rng: np.random.Generator, length: int, regions: list[Region], settings: SimulationSettings
) -> Fragments:
    """Tn5 fragments of one chromosome: over the planted regions, and a thin background.

    Each planted region receives a Poisson number of fragments (``depth x strength
    x width / 250``; counts are over-dispersed across regions).  A nucleosome-free
    one (:data:`REGION_NFR_FRACTION` of them) has both Tn5 insertions inside the
    region: cut to the region's width when longer, its start uniform over the
    places it fits.  A mono-nucleosome one has one insertion anywhere in the region
    and reaches, left or right at random, across the flanking nucleosome, so its
    other insertion lies about 190 bp away, often in the linker beyond the region's
    edge: the coverage spreads past the edges as real ATAC-seq coverage does, the
    insertions much less.  The rest of the genome receives a thin background
    (``background`` fragments covering a base on average) of mostly
    mono-nucleosome fragments placed anywhere.

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
    Fragments
        The fragments, inside ``[0, length)``, sorted by start then end.
    """
    starts = np.array([region.start for region in regions], dtype=np.int64)
    widths = np.array([region.end - region.start for region in regions], dtype=np.int64)
    strengths = np.array([region.strength for region in regions])
    counts = rng.poisson(settings.depth * strengths * widths / 250.0)
    owner = np.repeat(np.arange(len(regions)), counts)
    n = owner.size
    region_starts, region_widths = starts[owner], widths[owner]
    nfr_sizes = np.minimum(fragment_lengths(rng, n, 1.0), region_widths)
    nfr_lefts = region_starts + (rng.random(n) * (region_widths - nfr_sizes + 1)).astype(np.int64)
    mono_sizes = np.minimum(fragment_lengths(rng, n, 0.0), length)
    inner = region_starts + (rng.random(n) * region_widths).astype(np.int64)
    mono_lefts = np.where(rng.random(n) < 0.5, inner, inner - mono_sizes + 1)
    mono = rng.random(n) >= REGION_NFR_FRACTION
    sizes = np.where(mono, mono_sizes, nfr_sizes)
    lefts = np.clip(np.where(mono, mono_lefts, nfr_lefts), 0, length - sizes)
    mean_background = (BACKGROUND_NFR_FRACTION * NFR_LENGTH[0] + (1 - BACKGROUND_NFR_FRACTION) * MONO_LENGTH[0])
    n_background = rng.poisson(settings.background * length / mean_background)
    background_sizes = np.minimum(fragment_lengths(rng, n_background, BACKGROUND_NFR_FRACTION), length)
    background_lefts = (rng.random(n_background) * (length - background_sizes + 1)).astype(np.int64)
    all_lefts = np.concatenate([lefts, background_lefts])
    all_rights = all_lefts + np.concatenate([sizes, background_sizes])
    order = np.lexsort((all_rights, all_lefts))
    return Fragments(all_lefts[order], all_rights[order])


def coverage(fragments: Fragments, length: int) -> np.ndarray:
    """Fragment pileup of one chromosome: how many fragments cover each base.

    The same counts as ``gategenome signal`` (and ``macs3 pileup -f BEDPE``) make
    from the fragments file.

    Parameters
    ----------
    fragments
        Fragments inside ``[0, length)``.
    length
        Chromosome length.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` float32 fragment coverage (integer counts).
    """
    delta = np.zeros(length + 1, dtype=np.int64)
    np.add.at(delta, fragments.starts, 1)
    np.add.at(delta, fragments.ends, -1)
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
