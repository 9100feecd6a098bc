"""Runs along a sequence, found without per-base Python loops: runs of ``True`` in
masks, runs of equal values, complements of intervals, and moving averages."""

from __future__ import annotations

import numpy as np


def true_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every run of ``True`` in a 1-D mask.

    Parameters
    ----------
    mask
        ``(L,)`` boolean array.

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends)``, each ``(R,)`` int64: run ``r`` covers
        ``mask[starts[r]:ends[r]]`` (0-based, half-open), in increasing order.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    edges = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return starts.astype(np.int64), ends.astype(np.int64)


def merge_close_runs(starts: np.ndarray, ends: np.ndarray, max_gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge sorted, disjoint runs separated by at most ``max_gap`` bases.

    Parameters
    ----------
    starts, ends
        ``(R,)`` run bounds (half-open), in increasing order, as from :func:`true_runs`.
    max_gap
        Largest gap ``starts[r + 1] - ends[r]`` that is bridged; negative keeps every run.

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends)`` of the merged runs, int64.
    """
    starts, ends = np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)
    if starts.size < 2:
        return starts.copy(), ends.copy()
    split = (starts[1:] - ends[:-1]) > max_gap
    return starts[np.concatenate([[True], split])], ends[np.concatenate([split, [True]])]


def complement_intervals(intervals: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The parts of ``[0, length)`` not covered by sorted, disjoint ``intervals``."""
    gaps, position = [], 0
    for start, end in intervals:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


def moving_average(values: np.ndarray, window: int, causal: bool = False, dtype=np.float32) -> np.ndarray:
    """Moving average over a window centred on (or, ``causal``, ending at) each base.

    A float64 cumulative sum, so the cost does not grow with ``window``.

    Parameters
    ----------
    values
        ``(L,)`` array.
    window
        Window width in bases; position ``i`` averages ``values[i - left :
        i - left + window]`` with ``left = window // 2`` (centred) or
        ``window - 1`` (causal), with zeros beyond both ends.
    causal
        Average the window that ends at each base (the bases a left-to-right
        reader has seen) instead of the centred one.
    dtype
        Type of the result.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` of ``dtype``.
    """
    if window <= 1:
        return values.astype(dtype, copy=True)
    left = window - 1 if causal else window // 2
    cumsum = np.zeros(len(values) + window + 1, dtype=np.float64)
    np.cumsum(values, out=cumsum[left + 1 : left + 1 + len(values)])
    cumsum[left + 1 + len(values) :] = cumsum[left + len(values)]
    return ((cumsum[window : window + len(values)] - cumsum[: len(values)]) / window).astype(dtype)


def value_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal, non-NaN values.

    Parameters
    ----------
    values
        ``(L,)`` float array (float16 in practice).

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends, run_values)``: run ``r`` covers ``[starts[r], ends[r])``
        where every value equals ``run_values[r]`` (float32); NaN bases are left out.
    """
    values = np.asarray(values)
    if values.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.float32)
    nan = np.isnan(values)
    change = np.ones(values.size, dtype=bool)
    change[1:] = (values[1:] != values[:-1]) | (nan[1:] != nan[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], values.size)
    keep = ~nan[starts]
    return starts[keep].astype(np.int64), ends[keep].astype(np.int64), values[starts[keep]].astype(np.float32)


class RunJoiner:
    """Runs of ``True`` in a mask given one block at a time, in order: a run crossing block edges comes out whole.

    :meth:`add` each consecutive block of the mask, then :meth:`finish`; the runs
    are those :func:`true_runs` finds in the whole mask, while only one block is
    held at a time.
    """

    def __init__(self):
        self._starts: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._open: int | None = None  # start of a run reaching the end of the blocks so far
        self._end = 0

    def add(self, mask: np.ndarray) -> None:
        """Append the next ``(B,)`` block of the mask."""
        mask = np.asarray(mask, dtype=bool)
        if mask.size == 0:
            return
        lo, self._end = self._end, self._end + mask.size
        starts, ends = true_runs(mask)
        starts, ends = starts + lo, ends + lo
        if self._open is not None:
            if starts.size and starts[0] == lo:
                starts[0] = self._open
            else:
                self._starts.append(np.array([self._open], dtype=np.int64))
                self._ends.append(np.array([lo], dtype=np.int64))
            self._open = None
        if ends.size and ends[-1] == self._end:
            self._open = int(starts[-1])
            starts, ends = starts[:-1], ends[:-1]
        self._starts.append(starts)
        self._ends.append(ends)

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """``(starts, ends)``, each ``(R,)`` int64, of every run, in increasing order."""
        if self._open is not None:
            self._starts.append(np.array([self._open], dtype=np.int64))
            self._ends.append(np.array([self._end], dtype=np.int64))
            self._open = None
        empty = np.zeros(0, dtype=np.int64)
        return np.concatenate([empty, *self._starts]), np.concatenate([empty, *self._ends])
