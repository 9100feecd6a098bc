"""ATAC-seq library quality: fragment lengths, FRiP, library complexity, ENCODE thresholds.

Everything here is a histogram or a counter filled one chunk of fragments at a
time, so memory is flat in the number of fragments:

* fragment lengths: a histogram to 1,000 bases (longer ones counted apart), the
  fraction under 147 bases (nucleosome-free), and the peaks found in the
  nucleosome-free, mono- and di-nucleosome ranges (ENCODE's method);
* FRiP: the fraction of fragments overlapping a called peak;
* library complexity of a BAM (ENCODE): over the fragments kept before duplicates
  are removed, keyed by ``(start, end)``, NRF = distinct / total, PBC1 = one-read
  positions / distinct, PBC2 = one-read / two-read positions, and the duplicate
  fraction 1 - NRF;
* :data:`ENCODE_THRESHOLDS`: the ENCODE ATAC-seq data standards each value is
  shown beside, with a warning when a sample falls short.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np

from gategenome.io.bed import Interval

log = logging.getLogger(__name__)

#: Longest fragment length binned (longer ones are counted as ``over``).
MAX_LENGTH = 1000
#: Fragments shorter than this are nucleosome-free.
NUCLEOSOME_FREE = 147
#: Length ranges (inclusive) in which ENCODE's ATAC-seq QC looks for the nucleosome peaks.
LENGTH_RANGES = {"nucleosome_free": (20, 90), "mono_nucleosome": (120, 250), "di_nucleosome": (300, 500)}
#: Width of the wavelet ENCODE's QC finds the fragment-length peaks with (``find_peaks_cwt``).
PEAK_WIDTH = 25

#: ENCODE ATAC-seq data standards: metric -> (lowest value meeting it, how ENCODE words it).
ENCODE_THRESHOLDS: dict[str, tuple[float, str]] = {
    "tss_enrichment": (7.0, "> 7 (ideal; 5-7 acceptable, GRCh38 RefSeq TSSs)"),
    "frip": (0.3, "> 0.3 (0.2-0.3 acceptable)"),
    "nrf": (0.9, "> 0.9"),
    "pbc1": (0.9, "> 0.9"),
    "pbc2": (3.0, "> 3"),
}


class FragmentLengths:
    """Histogram of fragment lengths: ``counts[k]`` = fragments of length ``k`` (``k <= MAX_LENGTH``)."""

    def __init__(self):
        self.counts = np.zeros(MAX_LENGTH + 1, dtype=np.int64)
        self.over = 0

    def add(self, lengths: np.ndarray) -> None:
        """Add ``(N,)`` int64 fragment lengths."""
        short = lengths <= MAX_LENGTH
        self.counts += np.bincount(lengths[short], minlength=MAX_LENGTH + 1)
        self.over += int(lengths.size - short.sum())

    def merge(self, other: FragmentLengths) -> None:
        self.counts += other.counts
        self.over += other.over

    def summary(self) -> dict:
        """Fragments, nucleosome-free fraction, median, modes per range, and the histogram."""
        total = int(self.counts.sum()) + self.over
        cumulative = np.cumsum(self.counts)
        median = int(np.searchsorted(cumulative, (total + 1) / 2)) if total else None
        return {
            "fragments": total,
            "fraction_under_147": float(self.counts[:NUCLEOSOME_FREE].sum() / total) if total else 0.0,
            "median": median if median is None or median <= MAX_LENGTH else None,
            "over_1000": self.over,
            "modes": length_modes(self.counts),
            "histogram": self.counts.tolist(),
        }


def length_modes(counts: np.ndarray) -> dict[str, int | None]:
    """The peak of the fragment-length histogram in each of :data:`LENGTH_RANGES`, or None.

    Peaks are found as ENCODE's ATAC-seq QC does (``scipy.signal.find_peaks_cwt``,
    wavelet width 25 bases), which looks past the 10-base helical ripple of the
    histogram; the highest peak in a range is its mode.
    """
    from scipy.signal import find_peaks_cwt

    counts = np.asarray(counts, dtype=np.float64)
    peaks = find_peaks_cwt(counts, np.array([PEAK_WIDTH])) if counts.any() else []
    modes: dict[str, int | None] = {}
    for name, (lo, hi) in LENGTH_RANGES.items():
        inside = [int(peak) for peak in peaks if lo <= peak <= hi and counts[peak] > 0]
        modes[name] = max(inside, key=lambda peak: counts[peak]) if inside else None
    return modes


class PeakOverlap:
    """Fragments overlapping a set of peaks, counted per chromosome.

    Parameters
    ----------
    peaks
        Peaks (any order, may overlap); merged per chromosome.
    """

    def __init__(self, peaks: Iterable[Interval]):
        by_chrom: dict[str, list[tuple[int, int]]] = {}
        for peak in peaks:
            by_chrom.setdefault(peak.chrom, []).append((peak.start, peak.end))
        self.peaks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for chrom, spans in by_chrom.items():
            spans.sort()
            starts, ends = [spans[0][0]], [spans[0][1]]
            for start, end in spans[1:]:
                if start <= ends[-1]:
                    ends[-1] = max(ends[-1], end)
                else:
                    starts.append(start)
                    ends.append(end)
            self.peaks[chrom] = (np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))

    def overlapping(self, chrom: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``(N,)`` bool: whether each fragment ``[start, end)`` overlaps a peak."""
        if chrom not in self.peaks:
            return np.zeros(starts.size, dtype=bool)
        peak_starts, peak_ends = self.peaks[chrom]
        last = np.searchsorted(peak_starts, ends, side="left") - 1  # last peak starting before the fragment ends
        return (last >= 0) & (peak_ends[np.maximum(last, 0)] > starts)


class LibraryComplexity:
    """ENCODE library complexity of fragments arriving sorted by start within each chromosome.

    Reads at one ``(start, end)`` are counted while their start is current; a
    finished start adds its positions to the counters, so memory holds one
    start's fragments.
    """

    def __init__(self):
        self.total = self.distinct = self.one = self.two = 0
        self._chrom: str | None = None
        self._start = -1
        self._ends: dict[int, int] = {}

    def add(self, chrom: str, start: int, end: int) -> None:
        """Count one fragment (duplicates included)."""
        if chrom != self._chrom or start != self._start:
            self._flush()
            self._chrom, self._start = chrom, start
        self._ends[end] = self._ends.get(end, 0) + 1

    def _flush(self) -> None:
        for reads in self._ends.values():
            self.total += reads
            self.distinct += 1
            self.one += reads == 1
            self.two += reads == 2
        self._ends = {}

    def summary(self) -> dict:
        """``fragments``, ``distinct``, ``nrf``, ``pbc1``, ``pbc2`` (None when undefined), ``duplicate_fraction``."""
        self._flush()
        nrf = self.distinct / self.total if self.total else None
        return {
            "fragments": self.total,
            "distinct": self.distinct,
            "nrf": nrf,
            "pbc1": self.one / self.distinct if self.distinct else None,
            "pbc2": self.one / self.two if self.two else None,
            "duplicate_fraction": 1 - nrf if nrf is not None else None,
        }


def judge(values: Mapping[str, float | None]) -> dict[str, dict]:
    """Each value of :data:`ENCODE_THRESHOLDS` present: ``{value, threshold, encode, passes}``."""
    judged = {}
    for metric, (threshold, words) in ENCODE_THRESHOLDS.items():
        value = values.get(metric)
        if value is None:
            continue
        judged[metric] = {"value": value, "threshold": threshold, "encode": words, "passes": bool(value > threshold)}
    return judged


def log_judgement(label: str, judged: Mapping[str, dict], modes: Mapping[str, int | None] | None = None) -> None:
    """Log each value beside its ENCODE threshold; one warning line per value that falls short."""
    for metric, entry in judged.items():
        text = f"{label}: {metric} {entry['value']:.3g} (ENCODE {entry['encode']})"
        if entry["passes"]:
            log.info(text)
        else:
            log.warning("%s: below the ENCODE standard", text)
    if modes is not None:
        for name in ("nucleosome_free", "mono_nucleosome"):
            if modes.get(name) is None:
                log.warning("%s: no %s peak in the fragment-length distribution (ENCODE expects one)",
                            label, name.replace("_", "-"))
