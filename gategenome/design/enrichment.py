"""Compare reset elements with real boundaries: k-mer counts in windows around them.

:func:`boundary_windows` turns a BED of real boundaries into windows: the summit
of each drop (BED6+4 such as ``drops.bed``) or each interval (plain BED), or both
edges of each peak (a ``.narrowPeak`` file), ± a flank.  :func:`boundary_enrichment`
counts occurrences (both strands) of the top reset k-mers in those windows, per
kb, against random windows of the same chromosomes, with a one-sided binomial
test; :func:`compare_with_boundaries` does so for the top k-mers and for a
GC-matched control set (:func:`gc_matched_controls`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gategenome.core.encode import reverse_complement_bytes
from gategenome.design.settings import BoundarySettings
from gategenome.errors import InputError
from gategenome.io.bed import Interval, read_bed
from gategenome.io.fasta import Genome

log = logging.getLogger(__name__)


@dataclass
class BoundaryWindows:
    """Windows around real boundaries.

    Attributes
    ----------
    windows
        ``(chrom, start, end)``, 0-based, half-open, clipped at 0; chromosomes the
        genome lacks are left out.
    source
        Where the windows came from (file and rule), for the saved summary.
    genome
        Genome FASTA their sequences are read from.
    """

    windows: list[tuple[str, int, int]]
    source: str
    genome: str


def _summit(interval: Interval) -> int | None:
    """Summit offset of a BED6+4 (narrowPeak layout) record, or None."""
    if len(interval.extra) >= 4 and interval.extra[3].lstrip("-").isdigit() and int(interval.extra[3]) >= 0:
        return int(interval.extra[3])
    return None


def boundary_windows(settings: BoundarySettings) -> BoundaryWindows:
    """Windows around real boundaries: the summit of each drop (BED6+4 such as
    drops.bed) or each interval (plain BED), ± flank; or both edges of each
    narrowPeak peak (a ``.narrowPeak`` file), ± flank.

    Raises
    ------
    InputError
        The BED or the genome cannot be read, the BED has no record, or none on
        a chromosome of the genome (an enrichment from 0 windows means nothing).
    """
    boundaries, flank = settings.boundaries, settings.flank
    kind = "narrowPeak" if boundaries.endswith((".narrowPeak", ".narrowPeak.gz")) else "BED"
    intervals = read_bed(boundaries, kind)
    if not intervals:
        raise InputError(f"--boundaries {boundaries}: no boundary record (empty file); expected drops.bed or peaks")
    with Genome(settings.genome) as genome:
        sizes = genome.sizes
    past = next((i for i in intervals if i.chrom in sizes and i.end > sizes[i.chrom]), None)
    if past is not None:  # found here, before the search, not when the windows are read after it
        raise InputError(f"--boundaries {boundaries}: the record {past.chrom}:{past.start}-{past.end} ends past "
                         f"the end of {past.chrom} ({sizes[past.chrom]} bases in {settings.genome}); expected "
                         "boundaries on the genome's assembly")
    if kind == "narrowPeak":
        windows = [(i.chrom, edge - flank, edge + flank) for i in intervals for edge in (i.start, i.end)]
        source = f"{boundaries} (peak edges ± {flank} bp)"
    elif intervals and all(_summit(i) is not None for i in intervals):
        windows = [(i.chrom, i.start + _summit(i) - flank, i.start + _summit(i) + flank) for i in intervals]
        source = f"{boundaries} (drop summits ± {flank} bp)"
    else:
        windows = [(i.chrom, i.start - flank, i.end + flank) for i in intervals]
        source = f"{boundaries} (intervals ± {flank} bp)"
    windows = [(c, max(0, s), e) for c, s, e in windows if c in sizes]
    if not windows:
        raise InputError(
            f"--boundaries {boundaries}: no record on a chromosome of {settings.genome} "
            f"(first record is on {intervals[0].chrom!r}); expected boundaries on the genome's assembly"
        )
    return BoundaryWindows(windows, source, settings.genome)


def gc_matched_controls(ranked: list[str], motifs: list[str], seed: int = 0) -> list[str]:
    """For each motif, a k-mer with the same G/C count from the middle half of ``ranked``
    (neither resetting nor holding), seeded: a composition-matched control set."""
    rng = np.random.default_rng([seed, 19])
    middle = ranked[len(ranked) // 4 : 3 * len(ranked) // 4]
    controls = []
    for motif in motifs:
        gc = sum(b in "GC" for b in motif)
        pool = [k for k in middle if sum(b in "GC" for b in k) == gc and k not in controls] or middle
        controls.append(pool[int(rng.integers(len(pool)))])
    return controls


def _count(sequence: bytes, motifs: list[bytes]) -> int:
    total = 0
    for motif in motifs:
        start = sequence.find(motif)
        while start >= 0:
            total += 1
            start = sequence.find(motif, start + 1)
    return total


def _binomial_upper(successes: int, trials: int, p: float) -> float:
    """P(X >= successes) for X ~ Binomial(trials, p)."""
    if successes <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    terms = [
        math.lgamma(trials + 1)
        - math.lgamma(k + 1)
        - math.lgamma(trials - k + 1)
        + k * math.log(p)
        + (trials - k) * math.log1p(-p)
        for k in range(successes, trials + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def boundary_enrichment(
    motifs: list[str],
    windows: list[tuple[str, int, int]],
    fetch: Callable[[str, int, int], bytes],
    sizes: dict[str, int],
    seed: int = 0,
    background_factor: int = 5,
) -> dict:
    """Occurrences of ``motifs`` (both strands) in boundary windows versus random windows.

    Parameters
    ----------
    motifs
        Reset k-mers.
    windows
        Boundary windows ``(chrom, start, end)`` (0-based, half-open).
    fetch
        ``fetch(chrom, start, end) -> bytes`` of the genome.
    sizes
        Chromosome sizes (for the background windows).
    background_factor
        Random windows (same lengths, same chromosomes) per boundary window.

    Returns
    -------
    dict
        ``hits_boundary``, ``bp_boundary``, ``hits_background``, ``bp_background``,
        ``enrichment`` (ratio of hits per base, pseudocount 0.5 hit each) and the
        one-sided binomial ``p_value`` of that many boundary hits among all hits.
    """
    rng = np.random.default_rng([seed, 13])
    patterns = sorted({m.encode() for m in motifs} | {reverse_complement_bytes(m.encode()) for m in motifs})
    hits = [0, 0]
    bases = [0, 0]
    for chrom, start, end in windows:
        if chrom not in sizes or end <= start:
            continue
        sequence = fetch(chrom, max(0, start), min(end, sizes[chrom])).upper()
        hits[0] += _count(sequence, patterns)
        bases[0] += len(sequence)
        for _ in range(background_factor):
            width = end - start
            origin = int(rng.integers(0, max(1, sizes[chrom] - width)))
            sequence = fetch(chrom, origin, origin + width).upper()
            hits[1] += _count(sequence, patterns)
            bases[1] += len(sequence)
    rate = [h / max(b, 1) * 1000 for h, b in zip(hits, bases)]
    p_boundary = bases[0] / max(1, bases[0] + bases[1])
    return {
        "motifs": motifs,
        "windows": len(windows),
        "hits_boundary": hits[0],
        "bp_boundary": bases[0],
        "hits_background": hits[1],
        "bp_background": bases[1],
        "per_kb_boundary": rate[0],
        "per_kb_background": rate[1],
        "enrichment": ((hits[0] + 0.5) / max(bases[0], 1)) / ((hits[1] + 0.5) / max(bases[1], 1)),
        "p_value": _binomial_upper(hits[0], hits[0] + hits[1], p_boundary),
    }


def compare_with_boundaries(motifs: list[str], ranked: list[str], windows: BoundaryWindows, seed: int = 0) -> dict:
    """:func:`boundary_enrichment` of ``motifs`` and of GC-matched controls drawn from ``ranked``.

    Returns
    -------
    dict
        The enrichment of ``motifs`` with ``source``, ``gc_matched_control`` (the
        controls' enrichment) and ``enrichment_over_gc_matched`` added.
    """
    with Genome(windows.genome) as genome:
        args = (windows.windows, genome.fetch, genome.sizes, seed)
        enrichment = boundary_enrichment(motifs, *args)
        control = boundary_enrichment(gc_matched_controls(ranked, motifs, seed), *args)
    enrichment["source"] = windows.source
    enrichment["gc_matched_control"] = control
    enrichment["enrichment_over_gc_matched"] = enrichment["enrichment"] / control["enrichment"]
    log.info(
        "top reset 6-mers at boundaries: %.3g per kb vs %.3g background (enrichment %.2f, p = %.3g); "
        "GC-matched control k-mers: enrichment %.2f",
        enrichment["per_kb_boundary"],
        enrichment["per_kb_background"],
        enrichment["enrichment"],
        enrichment["p_value"],
        control["enrichment"],
    )
    return enrichment
