"""A synthetic genome and ATAC-seq track with known accessibility boundaries.

The genome is a yeast-like background (a first-order Markov chain with the base
and dinucleotide composition of S. cerevisiae sacCer3) into which accessible
regions are planted.  Each region carries sequence that explains it: clusters of
real yeast transcription-factor motifs (Reb1, Abf1, Rap1) and AT-rich
poly(dA:dT) stretches that exclude nucleosomes.  How open a region is grows with
its motif content, times a log-normal noise, and some regions are weak.

The ATAC-like coverage is a fragment pileup: each region receives a Poisson
number of short fragments (so counts are over-dispersed, negative-binomial-like,
across regions), the rest of the genome a thin background of longer fragments.
Peaks are called back from that coverage by a simple Poisson threshold, so they
miss weak regions and blur edges like a real peak caller does: they are not the
truth.  The truth is written separately: the planted regions, and their edges as
strand-aware boundaries (see :func:`boundaries`).

Everything is drawn from one seeded :class:`numpy.random.Generator`: the same
seed gives byte-identical files.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from gategenome.core.runs import merge_close_runs, true_runs
from gategenome.core.stats import bh_qvalues
from gategenome.io.atomic import atomic_open
from gategenome.io.bed import Interval, write_bed
from gategenome.io.bigwig import write_bigwig
from gategenome.io.jsonfile import write_json

log = logging.getLogger(__name__)

#: Output file names inside the simulation directory.
FILES = {
    "genome": "genome.fa",
    "sizes": "genome.chrom.sizes",
    "signal": "atac.bw",
    "peaks": "peaks.narrowPeak",
    "accessible": "truth.accessible.bed",
    "boundaries": "truth.boundaries.bed",
    "settings": "simulate.json",
}

_BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
#: First-order transition probabilities P(next | previous) in A, C, G, T order,
#: measured on the whole sacCer3 genome (rows sum to 1 after normalisation).
_YEAST_TRANSITIONS = np.array(
    [
        [0.351, 0.170, 0.188, 0.291],
        [0.339, 0.204, 0.153, 0.304],
        [0.326, 0.196, 0.203, 0.275],
        [0.241, 0.201, 0.208, 0.350],
    ]
)
_YEAST_COMPOSITION = np.array([0.310, 0.191, 0.191, 0.309])

#: Yeast transcription-factor motifs (IUPAC), planted in either orientation.
MOTIFS = {
    "Reb1": "TTACCCGG",
    "Abf1": "RTCRYNNNNNACG",
    "Rap1": "ACACCCATACATT",
}
_IUPAC = {
    "A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT",
    "K": "GT", "M": "AC", "N": "ACGT",
}
_COMPLEMENT = bytes.maketrans(b"ACGT", b"TGCA")


@dataclass(frozen=True)
class SimulationSettings:
    """Parameters of a simulation (saved as ``simulate.json``).

    Attributes
    ----------
    seed : int
        Seed of the random generator.
    chroms : int
        Number of chromosomes (named ``chrS1``, ``chrS2``, ...).
    length : int
        Length of each chromosome in bases.
    spacing : int
        Mean distance between planted accessible regions (bases).
    min_width, max_width : int
        Range of accessible-region widths (bases).
    depth : float
        Mean number of ATAC fragments in an average region of 250 bp.
    background : float
        Mean background coverage outside accessible regions (fragments per base).
    weak_fraction : float
        Fraction of regions made four times weaker.
    """

    seed: int = 1
    chroms: int = 5
    length: int = 500_000
    spacing: int = 3_000
    min_width: int = 150
    max_width: int = 500
    depth: float = 60.0
    background: float = 0.6
    weak_fraction: float = 0.15


@dataclass
class Region:
    """One planted accessible region (0-based, half-open) and what it holds."""

    chrom: str
    start: int
    end: int
    motifs: int
    poly_at: bool
    strength: float


def markov_background(rng: np.random.Generator, length: int, stream_length: int = 256) -> np.ndarray:
    """Draw yeast-like background sequence from a first-order Markov chain.

    The chromosome is cut into independent streams of ``stream_length`` bases
    that are stepped together, so the Python loop runs ``stream_length`` times
    whatever the length; each stream starts from the genome composition.

    Parameters
    ----------
    rng
        Random generator.
    length
        Number of bases.
    stream_length
        Bases per stream.

    Returns
    -------
    numpy.ndarray
        ``(length,)`` uint8 codes 0-3 (A, C, G, T).
    """
    transitions = _YEAST_TRANSITIONS / _YEAST_TRANSITIONS.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(transitions, axis=1)
    streams = -(-length // stream_length)
    uniform = rng.random((stream_length, streams))
    codes = np.empty((stream_length, streams), dtype=np.uint8)
    codes[0] = np.searchsorted(np.cumsum(_YEAST_COMPOSITION / _YEAST_COMPOSITION.sum()), uniform[0])
    for step in range(1, stream_length):
        codes[step] = (uniform[step][:, None] > cumulative[codes[step - 1]]).sum(axis=1)
    return np.minimum(codes.T.reshape(-1)[:length], 3)


def _motif_instance(rng: np.random.Generator, pattern: str) -> bytes:
    """One instance of an IUPAC pattern, in a random orientation."""
    site = bytes(ord(rng.choice(list(_IUPAC[letter]))) for letter in pattern)
    if rng.random() < 0.5:
        site = site.translate(_COMPLEMENT)[::-1]
    return site


def _poly_at(rng: np.random.Generator) -> bytes:
    """A poly(dA:dT) stretch of 12-30 bases with ~5% other bases."""
    length = int(rng.integers(12, 31))
    base = ord("A") if rng.random() < 0.5 else ord("T")
    run = np.full(length, base, dtype=np.uint8)
    noisy = rng.random(length) < 0.05
    run[noisy] = _BASES[rng.integers(0, 4, noisy.sum())]
    return run.tobytes()


def plant_regions(
    rng: np.random.Generator, chrom: str, sequence: np.ndarray, settings: SimulationSettings
) -> list[Region]:
    """Place accessible regions along one chromosome and write their sequence.

    Parameters
    ----------
    rng
        Random generator.
    chrom
        Chromosome name.
    sequence
        ``(L,)`` uint8 ASCII bases, modified in place.
    settings
        Simulation parameters.

    Returns
    -------
    list[Region]
        The planted regions, sorted by start.
    """
    length = sequence.shape[0]
    margin = 2_000
    expected = max(1, (length - 2 * margin) // settings.spacing)
    widths = rng.integers(settings.min_width, settings.max_width + 1, expected)
    gaps = rng.exponential(settings.spacing - widths.mean() - 400, expected).astype(int) + 400
    starts = margin + np.cumsum(gaps) + np.concatenate([[0], np.cumsum(widths)[:-1]])
    keep = starts + widths < length - margin
    regions: list[Region] = []
    for start, width in zip(starts[keep].tolist(), widths[keep].tolist()):
        elements: list[bytes] = []
        poly = bool(rng.random() < 0.8)
        if poly:
            elements.append(_poly_at(rng))
        names = list(MOTIFS)
        count = int(rng.integers(1, 4))
        for _ in range(count):
            elements.append(_motif_instance(rng, MOTIFS[names[int(rng.integers(0, len(names)))]]))
        order = rng.permutation(len(elements))
        free = width - 20 - sum(len(element) for element in elements)
        cuts = np.sort(rng.integers(0, max(free, 1), len(elements)))
        offset = 10
        previous_cut = 0
        for index, cut in zip(order.tolist(), cuts.tolist()):
            offset += cut - previous_cut
            previous_cut = cut
            element = elements[index]
            sequence[start + offset:start + offset + len(element)] = np.frombuffer(element, dtype=np.uint8)
            offset += len(element)
        strength = (0.4 + 0.5 * count + 0.6 * poly) * float(rng.lognormal(0.0, 0.4))
        if rng.random() < settings.weak_fraction:
            strength *= 0.25
        regions.append(Region(chrom, start, start + width, count, poly, strength))
    return regions


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


def call_peaks(chrom: str, values: np.ndarray, window: int = 50, min_length: int = 80) -> list[Interval]:
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
        -log10 Poisson p of the summit, qValue filled in by :func:`write_outputs`,
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


def boundaries(regions: list[Region]) -> list[Interval]:
    """Strand-aware edges of the planted regions as 1-base BED records.

    A boundary is the first base of the new state in the scan direction.  On
    ``+`` (left to right) a region ``[s, e)`` is entered at base ``s`` and left
    at base ``e``; on ``-`` (right to left) it is entered at base ``e - 1`` and
    left at base ``s - 1``.  Names are ``{region}:entry`` / ``{region}:exit``;
    the score is the region strength x 100 (capped at 1000).
    """
    records: list[Interval] = []
    for index, region in enumerate(regions):
        name = f"{region.chrom}_r{index}"
        score = min(1000, int(round(region.strength * 100)))
        for position, strand, kind in (
            (region.start, "+", "entry"), (region.end, "+", "exit"),
            (region.end - 1, "-", "entry"), (region.start - 1, "-", "exit"),
        ):
            records.append(Interval(region.chrom, position, position + 1, f"{name}:{kind}", score, strand))
    return sorted(records, key=lambda iv: (iv.chrom, iv.start, iv.strand))


def _write_fasta(path: Path, sequences: dict[str, np.ndarray], width: int = 60) -> None:
    with atomic_open(path, "wb") as handle:
        for name, sequence in sequences.items():
            handle.write(f">{name}\n".encode())
            raw = sequence.tobytes()
            handle.write(b"\n".join(raw[i:i + width] for i in range(0, len(raw), width)) + b"\n")
    import pysam

    pysam.faidx(str(path))


def _uncovered_as_gaps(values: np.ndarray):
    """A :func:`gategenome.io.bigwig.write_bigwig` reader that leaves zero-coverage bases out."""

    def read(start: int, end: int) -> np.ndarray:
        piece = values[start:end].astype(np.float32)
        piece[piece == 0] = np.nan
        return piece

    return read


def simulate(out_dir: str | os.PathLike, settings: SimulationSettings = SimulationSettings()) -> dict[str, Path]:
    """Write a synthetic genome, ATAC coverage, peaks and truth to ``out_dir``.

    Parameters
    ----------
    out_dir
        Output directory (created).
    settings
        Simulation parameters.

    Returns
    -------
    dict[str, Path]
        The written files, keyed as in :data:`FILES`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(settings.seed)
    sequences: dict[str, np.ndarray] = {}
    tracks: dict[str, np.ndarray] = {}
    regions: list[Region] = []
    peaks: list[Interval] = []
    for number in range(1, settings.chroms + 1):
        name = f"chrS{number}"
        sequence = _BASES[markov_background(rng, settings.length)]
        chrom_regions = plant_regions(rng, name, sequence, settings)
        values = coverage(rng, settings.length, chrom_regions, settings)
        sequences[name], tracks[name] = sequence, values
        regions += chrom_regions
        peaks += call_peaks(name, values)
        log.info("%s: %d bases, %d accessible regions", name, settings.length, len(chrom_regions))

    paths = {key: out / name for key, name in FILES.items()}
    _write_fasta(paths["genome"], sequences)
    with atomic_open(paths["sizes"]) as handle:
        for name, sequence in sequences.items():
            handle.write(f"{name}\t{sequence.shape[0]}\n")
    write_bigwig(
        paths["signal"], {name: v.shape[0] for name, v in tracks.items()},
        {name: _uncovered_as_gaps(v) for name, v in tracks.items()},
    )
    log10_p = np.array([float(peak.extra[1]) for peak in peaks])
    qvalues = -np.log10(np.maximum(bh_qvalues(10.0 ** -log10_p), 1e-300))
    peaks = [
        Interval(peak.chrom, peak.start, peak.end, f"peak_{index + 1}",
                 min(1000, int(10 * float(peak.extra[1]))), ".",
                 (peak.extra[0], peak.extra[1], f"{q:.3f}", peak.extra[3]))
        for index, (peak, q) in enumerate(zip(peaks, qvalues.tolist()))
    ]
    write_bed(paths["peaks"], peaks)
    write_bed(paths["accessible"], [
        Interval(r.chrom, r.start, r.end, f"{r.chrom}_r{i}", min(1000, int(round(r.strength * 100))), ".",
                 (str(r.motifs), str(int(r.poly_at))))
        for i, r in enumerate(regions)
    ])
    write_bed(paths["boundaries"], boundaries(regions))
    summary = {
        "settings": asdict(settings),
        "regions": len(regions),
        "peaks": len(peaks),
        "genome_size": settings.chroms * settings.length,
        "files": {key: path.name for key, path in paths.items()},
        "motifs": MOTIFS,
    }
    write_json(paths["settings"], summary)
    log.info("wrote %d regions, %d peaks to %s", len(regions), len(peaks), out)
    return paths
