"""A signal-only boundary caller: edges of thresholded, smoothed ATAC signal.

This is the baseline the model's drops are compared with.  The ATAC bigWig is read
as ``log1p(signal)``, smoothed with a centred moving average of ``window`` bases, and
every run of bases above a threshold is a called region (runs closer than ``min_gap``
merged, runs shorter than ``min_length`` dropped).  The called regions' edges are the
caller's boundary calls; each is put on both strands, so the scorer in
:mod:`gategenome.evaluate.boundaries` treats them exactly like forget-gate drops.

The threshold is chosen on the training chromosomes (never the evaluated ones): the
candidate thresholds are quantiles of the smoothed signal there, and the one with the
best any-edge F1 at the tuning distance wins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext

import numpy as np

from gategenome.core.runs import RunJoiner, merge_close_runs, true_runs
from gategenome.evaluate.boundaries import STRANDS, Edges, score_calls

log = logging.getLogger(__name__)

#: Quantiles of the smoothed signal tried as thresholds when tuning.
TUNING_QUANTILES = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99)


#: Bases smoothed at a time: the float64 temporaries are a few times this, whatever the chromosome.
SMOOTH_CHUNK = 1 << 20


def smooth_log_signal(values: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average of ``log1p(values)`` (:func:`gategenome.core.runs.moving_average`).

    Parameters
    ----------
    values
        ``(L,)`` raw signal (NaN and negative read as 0).
    window
        Window width in bases (1 = no smoothing); zeros are assumed beyond the ends.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` float32.
    """
    return smooth_track(lambda start, end: np.asarray(values[start:end]), len(values), window)


def smooth_track(read: Callable[[int, int], np.ndarray], length: int, window: int,
                 chunk: int = SMOOTH_CHUNK) -> np.ndarray:
    """:func:`smooth_log_signal` of a signal read ``chunk`` bases at a time (:func:`smooth_chunks`, gathered).

    Returns
    -------
    numpy.ndarray
        ``(length,)`` float32.
    """
    out = np.empty(length, dtype=np.float32)
    for lo, values in smooth_chunks(read, length, window, chunk):
        out[lo:lo + values.size] = values
    return out


def smooth_chunks(read: Callable[[int, int], np.ndarray], length: int, window: int,
                  chunk: int = SMOOTH_CHUNK) -> Iterator[tuple[int, np.ndarray]]:
    """:func:`smooth_log_signal` of a signal read and computed ``chunk`` bases at a time, chunk by chunk.

    The running float64 sum is carried from chunk to chunk and added in the same
    order as one cumulative sum over the whole chromosome, so the chunks are
    bit-identical to smoothing the whole array at once, whatever ``chunk``, while
    the temporaries (float64 sums, positions) are a few times ``chunk`` instead of
    32 bytes per base and nothing chromosome-long is made.

    Parameters
    ----------
    read
        ``read(start, end)`` returning ``(end - start,)`` raw signal (NaN and negative read as 0).
    length
        Chromosome length.
    window
        Window width in bases; zeros are assumed beyond the ends.
    chunk
        Output bases computed at a time.

    Yields
    ------
    tuple
        ``(lo, values)``: ``values`` the ``(min(chunk, length - lo),)`` float32 smoothed
        signal from base ``lo``, for ``lo = 0, chunk, 2 chunk, ...``.
    """
    window = max(1, int(window))
    left = window // 2
    carried = 0.0  # P(first): the sum of every base before ``first``, added in chromosome order
    for lo in range(0, length, chunk):
        hi = min(lo + chunk, length)
        first, last = min(max(lo - left, 0), length), min(max(hi - 1 + window - left, 0), length)
        x = np.log1p(np.clip(np.nan_to_num(np.asarray(read(first, last), dtype=np.float64)), 0, None))
        if window == 1:  # no smoothing: the values themselves, as moving_average gives them
            values = x.astype(np.float32)
            del x
            yield lo, values
            continue
        prefix = np.cumsum(np.concatenate([[carried], x]))  # prefix[k] = P(first + k)
        positions = np.arange(lo, hi, dtype=np.int64)
        ahead = np.clip(positions + window - left, 0, length) - first
        behind = np.clip(positions - left, 0, length) - first
        carried = float(prefix[min(max(hi - left, 0), length) - first])
        values = ((prefix[ahead] - prefix[behind]) / window).astype(np.float32)
        del x, prefix, positions, ahead, behind  # not held while the caller uses the chunk
        yield lo, values


def signal_chunks(smoothed: Mapping[str, np.ndarray], chrom: str) -> Iterator[tuple[int, np.ndarray]]:
    """``(lo, values)`` chunks of one chromosome of ``smoothed``: computed chunk by chunk for a
    :class:`SmoothedSignal`, the whole array at once for a plain mapping of arrays."""
    chunks = getattr(smoothed, "chunks", None)
    if chunks is not None:
        yield from chunks(chrom)
    else:
        yield 0, np.asarray(smoothed[chrom])


def signal_length(smoothed: Mapping[str, np.ndarray], chrom: str) -> int:
    """Length of one chromosome of ``smoothed`` (without computing it for a :class:`SmoothedSignal`)."""
    sizes = getattr(smoothed, "sizes", None)
    return int(sizes[chrom]) if sizes is not None else len(smoothed[chrom])


def strided_signal(smoothed: Mapping[str, np.ndarray], chrom: str, stride: int) -> np.ndarray:
    """``smoothed[chrom][::stride]``, gathered chunk by chunk: ``(ceil(L / stride),)`` float32."""
    parts = [values[(-lo) % stride::stride].copy() for lo, values in signal_chunks(smoothed, chrom)]  # not views
    return np.concatenate([np.zeros(0, dtype=np.float32), *parts])


def threshold_regions(smoothed: np.ndarray, threshold: float, min_gap: int = 50, min_length: int = 50) -> np.ndarray:
    """Runs of ``smoothed > threshold`` as ``(R, 2)`` int64 half-open intervals.

    Runs separated by fewer than ``min_gap`` bases are merged; runs shorter than
    ``min_length`` are then dropped.
    """
    return _regions(*true_runs(smoothed > threshold), min_gap, min_length)


def _regions(starts: np.ndarray, ends: np.ndarray, min_gap: int, min_length: int) -> np.ndarray:
    """:func:`threshold_regions` of the runs ``(starts, ends)`` above the threshold."""
    starts, ends = merge_close_runs(starts, ends, min_gap - 1)
    runs = np.stack([starts, ends], axis=1)
    return runs[(runs[:, 1] - runs[:, 0]) >= min_length]


def region_calls(runs: np.ndarray, length: int) -> np.ndarray:
    """Sorted edge positions of called runs (chromosome ends excluded), ``(E,)``."""
    edges = np.concatenate([runs[:, 0], runs[:, 1]]) if len(runs) else np.zeros(0, dtype=np.int64)
    return np.unique(edges[(edges > 0) & (edges < length)])


def chromosome_calls(smoothed: Mapping[str, np.ndarray], chrom: str, thresholds: Sequence[float],
                     min_gap: int = 50, min_length: int = 50) -> list[np.ndarray]:
    """The signal-only caller's edge positions on one chromosome at each threshold, ``(E_t,)`` each.

    The smoothed signal is read chunk by chunk (:func:`signal_chunks`) and the
    runs above each threshold joined across chunks (:class:`gategenome.core.runs.RunJoiner`):
    the same calls as thresholding the whole chromosome at once.
    """
    joiners = [RunJoiner() for _ in thresholds]
    for _, values in signal_chunks(smoothed, chrom):
        for joiner, threshold in zip(joiners, thresholds):
            joiner.add(values > threshold)
    length = signal_length(smoothed, chrom)
    return [region_calls(_regions(*joiner.finish(), min_gap, min_length), length) for joiner in joiners]


def calls_from_signal(
    smoothed: Mapping[str, np.ndarray],
    threshold: float,
    min_gap: int = 50,
    min_length: int = 50,
) -> dict[tuple[str, str], np.ndarray]:
    """Boundary calls of the signal-only caller, on both strands.

    Parameters
    ----------
    smoothed
        Chromosome -> ``(L,)`` smoothed log1p signal (a :class:`SmoothedSignal` is
        read chunk by chunk).
    threshold
        Regions are where the smoothed signal exceeds this.

    Returns
    -------
    dict[tuple[str, str], numpy.ndarray]
        ``(chrom, strand)`` -> sorted edge positions (the same on both strands).
    """
    calls = {}
    for chrom in smoothed:
        (edges,) = chromosome_calls(smoothed, chrom, [threshold], min_gap, min_length)
        for strand in STRANDS:
            calls[(chrom, strand)] = edges
    return calls


def tune_threshold(
    smoothed: Mapping[str, np.ndarray],
    edges: Mapping[str, Edges],
    distance: int = 100,
    min_gap: int = 50,
    min_length: int = 50,
) -> tuple[float, list[dict[str, float]]]:
    """Pick the threshold with the best any-edge F1 at ``distance`` on these chromosomes.

    Parameters
    ----------
    smoothed
        Training chromosomes -> smoothed log1p signal.
    edges
        The same chromosomes -> region edges.

    Returns
    -------
    tuple
        The best threshold and the tuning table (threshold, quantile, f1) tried.
    """
    pooled = np.concatenate([strided_signal(smoothed, chrom, max(1, signal_length(smoothed, chrom) // 200_000))
                             for chrom in smoothed])
    candidates = sorted({float(np.quantile(pooled, q)) for q in TUNING_QUANTILES})
    calls: dict[float, dict] = {threshold: {} for threshold in candidates}
    for chrom in reversed(list(smoothed)):  # one chromosome at a time, every threshold in one pass
        for threshold, found in zip(candidates, chromosome_calls(smoothed, chrom, candidates, min_gap, min_length)):
            calls[threshold].update({(chrom, strand): found for strand in STRANDS})
    table = []
    best = (-1.0, candidates[0] if candidates else 0.0)
    for threshold in candidates:
        f1 = score_calls(calls[threshold], edges, [distance])["any"]["both"][str(distance)]["f1"]
        table.append({"threshold": threshold, "quantile": float((pooled <= threshold).mean()), "f1": f1})
        if f1 > best[0]:
            best = (f1, threshold)
    log.info("signal-only caller: threshold %.3f (log1p, smoothed) has the best training F1 %.3f", best[1], best[0])
    return best[1], table


class SmoothedSignal(Mapping):
    """Chromosome -> ``(L,)`` float32 smoothed log1p signal, computed when asked, one chromosome held at a time.

    The caller, the tuning and the accessibility scores read it with :meth:`chunks`
    (a chunk at a time, nothing chromosome-long); indexing makes the whole
    chromosome (4 bytes a base) and is left to small genomes and tests.

    Parameters
    ----------
    open_track
        ``open_track()`` returns a context manager giving a
        :class:`gategenome.io.bigwig.SignalTrack` (opened for each computation).
    sizes
        Chromosome -> length, the chromosomes of the mapping, in order.
    window
        Smoothing window (bases).
    chunk
        Bases smoothed at a time by :meth:`chunks` (the results do not depend on it).
    """

    def __init__(self, open_track: Callable, sizes: Mapping[str, int], window: int, chunk: int = SMOOTH_CHUNK):
        self.open_track = open_track
        self.chunk = chunk
        self.sizes = dict(sizes)
        self.window = window
        self._held: tuple[str, np.ndarray] | None = None

    def __getitem__(self, chrom: str) -> np.ndarray:
        if self._held is None or self._held[0] != chrom:
            length = self.sizes[chrom]  # KeyError for a chromosome not in the mapping
            self._held = None  # release the previous chromosome first
            with self.open_track() as track:
                self._held = (chrom, smooth_track(lambda a, b: track.values(chrom, a, b, count_nan=False),
                                                  length, self.window))
        return self._held[1]

    def __iter__(self):
        return iter(self.sizes)

    def __contains__(self, chrom: object) -> bool:
        return chrom in self.sizes  # Mapping's own would smooth the whole chromosome to find out

    def chunks(self, chrom: str) -> Iterator[tuple[int, np.ndarray]]:
        """``(lo, values)`` chunks of one chromosome's smoothed signal (:func:`smooth_chunks`): nothing
        chromosome-long is made (the held chromosome, if it is this one, is given whole)."""
        if self._held is not None and self._held[0] == chrom:
            yield 0, self._held[1]
            return
        length = self.sizes[chrom]
        with self.open_track() as track:
            yield from smooth_chunks(lambda a, b: track.values(chrom, a, b, count_nan=False), length, self.window,
                                     self.chunk)

    def __len__(self) -> int:
        return len(self.sizes)

    def region(self, chrom: str, start: int, end: int) -> np.ndarray:
        """``(end - start,)`` smoothed signal of one stretch, without smoothing the whole chromosome."""
        if self._held is not None and self._held[0] == chrom:
            return self._held[1][start:end]
        length = self.sizes[chrom]
        lo, hi = max(0, start - self.window), min(length, end + self.window)
        with self.open_track() as track:
            values = track.values(chrom, lo, hi, count_nan=False)
        return smooth_track(lambda a, b: values[a:b], hi - lo, self.window)[start - lo:end - lo]


def read_smoothed(track, sizes: Mapping[str, int], window: int) -> SmoothedSignal:
    """Smoothed log1p signal of whole chromosomes of an open :class:`SignalTrack`, one chromosome at a time."""
    return SmoothedSignal(lambda: nullcontext(track), sizes, window)


def signal_baseline(
    track,
    eval_sizes: Mapping[str, int],
    eval_edges: Mapping[str, Edges],
    train_sizes: Mapping[str, int],
    train_edges: Mapping[str, Edges],
    distances: Sequence[int],
    window: int = 151,
    threshold: float | None = None,
    min_gap: int = 50,
    min_length: int = 50,
) -> dict:
    """Run and score the signal-only caller.

    Returns
    -------
    dict
        ``settings`` (window, threshold, how it was chosen, tuning table),
        ``scores`` (as :func:`gategenome.evaluate.boundaries.score_calls`), ``calls``
        (number of boundary calls per strand) and, under ``smoothed``, the evaluated
        chromosomes' smoothed signal (for plots; not serialised).
    """
    table: list[dict[str, float]] = []
    chosen = "given"
    if threshold is None:
        if train_sizes:
            threshold, table = tune_threshold(read_smoothed(track, train_sizes, window), train_edges,
                                              100 if 100 in distances else distances[0], min_gap, min_length)
            chosen = "tuned on training chromosomes (best any-edge F1)"
        else:
            threshold = 1.0
            chosen = "default (no training chromosome to tune on)"
            log.warning("signal-only caller: no training chromosome to tune on; using threshold %.2f", threshold)
    smoothed = read_smoothed(track, eval_sizes, window)
    calls = calls_from_signal(smoothed, threshold, min_gap, min_length)
    return {
        "settings": {"window": window, "threshold": float(threshold), "threshold_choice": chosen,
                     "min_gap": min_gap, "min_length": min_length, "tuning": table},
        "scores": score_calls(calls, eval_edges, distances),
        "calls": int(sum(len(calls[(c, "+")]) for c in eval_sizes)),
        "call_positions": calls,
        "smoothed": smoothed,
    }
