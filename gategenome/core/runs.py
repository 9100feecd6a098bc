"""Runs of ``True`` in boolean masks, found without per-base Python loops."""

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
