"""Yeast-like background sequence, and accessible regions planted into it with the motifs that explain them.

The background is a first-order Markov chain with the base and dinucleotide
composition of S. cerevisiae sacCer3.  Each planted region carries clusters of
real yeast transcription-factor motifs (Reb1, Abf1, Rap1) and usually an AT-rich
poly(dA:dT) stretch that excludes nucleosomes; how open it is grows with its
motif content, times a log-normal noise, and some regions are weak.
"""

from __future__ import annotations

import numpy as np

from gategenome.simulate.settings import SimulationSettings
from gategenome.simulate.truth import Region

#: ASCII codes of A, C, G, T: ``BASES[codes]`` turns base codes 0-3 into sequence.
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
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
    run[noisy] = BASES[rng.integers(0, 4, noisy.sum())]
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
