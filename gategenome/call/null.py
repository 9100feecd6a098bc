"""The null of boundary calls: accessibility steps at drops with no predicted boundary nearby.

A boundary call is a place where the forget gate drops *and* the scan's predicted
accessibility changes.  Its test statistic is the absolute **accessibility step**
``|mean(a[p:p+w]) - mean(a[p-w:p])|`` at its position ``p``, where ``a`` is the
predicted accessibility (mean of the scanned strands) and ``w`` the window.

The null is the same statistic at the **background candidates**: the merged drops
around which ``a`` stays on one side of 0.5 for ``decoy_exclusion`` bases, i.e.
where the gate closed without the model predicting a region edge (gate noise,
small signal bumps).  They are drops too, so they carry the same selection (a
drop sits where the signal wobbles) that random positions lack: random
positions give steps far smaller than the drops', and so many false calls.
Empirical p-values, ``(1 + #{null >= s}) / (1 + N)``, get an exponential tail
beyond the largest null step (:func:`tail_pvalues`), so a full region edge is not
capped at ``1 / (1 + N)``.  Where fewer than ``min_null`` background candidates
exist, random positions away from predicted edges (:func:`decoy_steps`) are used
instead, with a warning.

Everything reads windows of the tracks with ``pread``, a span of positions at a
time (:func:`_gather`), never a whole chromosome as float32 nor through the maps.
"""

from __future__ import annotations

import contextlib
import logging
import warnings

import numpy as np

from gategenome.core.stats import empirical_pvalues
from gategenome.io.scandir.reader import ScanDir, read_block

log = logging.getLogger(__name__)

#: Positions gathered at a time (each reads 2 windows per strand).
CHUNK = 8192
#: Largest span of positions whose windows are read as one block (bases).
SPAN = 1 << 20
#: Positions indexed at a time within a span (their ``(ROWS, left + right)`` int64 index is the temporary).
ROWS = 1024


def _gather(track: np.ndarray, positions: np.ndarray, left: int, right: int) -> np.ndarray:
    """``(K, left + right)`` float32 values ``track[p - left : p + right]`` (NaN beyond the ends).

    The track is read with :func:`~gategenome.io.scandir.reader.read_block` a span of at most
    :data:`SPAN` bases (plus the windows) at a time, never indexed through its memory
    map: a map's pages stay resident once touched, so windows spread over a chromosome
    (the decoys, thousands of candidates) made the peak RSS grow with its length.
    At most :data:`ROWS` positions are indexed at a time.
    """
    offsets = np.arange(-left, right, dtype=np.int64)
    values = np.full((positions.size, left + right), np.nan, dtype=np.float32)
    length = track.shape[0]
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    first = 0
    while first < ordered.size:
        last = min(int(np.searchsorted(ordered, ordered[first] + SPAN, side="right")), first + ROWS)
        lo, hi = max(int(ordered[first]) - left, 0), min(int(ordered[last - 1]) + right, length)
        if hi > lo:
            block = np.asarray(read_block(track, lo, hi), dtype=np.float32)
            index = ordered[first:last, None] + offsets[None, :]
            inside = (index >= 0) & (index < length)
            rows = np.full(index.shape, np.nan, dtype=np.float32)
            rows[inside] = block[index[inside] - lo]
            values[order[first:last]] = rows
        first = last
    return values


def _mean_windows(scan: ScanDir, chrom: str, positions: np.ndarray, left: int, right: int) -> np.ndarray:
    """The mean over strands of the predicted accessibility around ``positions``, ``(K, left + right)``."""
    tracks = [scan.accessibility(chrom, strand) for strand in scan.strands]
    total = np.zeros((positions.size, left + right), dtype=np.float32)
    for track in tracks:
        total += _gather(track, positions, left, right)
    return total / len(tracks)


def accessibility_steps(scan: ScanDir, chrom: str, positions: np.ndarray, window: int) -> np.ndarray:
    """Signed accessibility step at each position: mean of ``[p, p + w)`` minus mean of ``[p - w, p)``.

    Parameters
    ----------
    scan
        Scan directory.
    chrom
        Chromosome.
    positions
        ``(K,)`` int64 coordinates.
    window
        ``w``, bases on each side.

    Returns
    -------
    numpy.ndarray
        ``(K,)`` float32; NaN where a window has no value.
    """
    positions = np.asarray(positions, dtype=np.int64)
    steps = np.full(positions.size, np.nan, dtype=np.float32)
    for start in range(0, positions.size, CHUNK):
        values = _mean_windows(scan, chrom, positions[start:start + CHUNK], window, window)
        with _quiet():
            steps[start:start + CHUNK] = np.nanmean(values[:, window:], axis=1) - np.nanmean(values[:, :window], axis=1)
    return steps


@contextlib.contextmanager
def _quiet():
    """Silence numpy's 'mean of empty slice' warnings (all-NaN windows give NaN on purpose)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


def refine_positions(scan: ScanDir, chrom: str, positions: np.ndarray, window: int, smooth: int = 11) -> np.ndarray:
    """Move each position to the nearest half-way crossing of the predicted accessibility.

    Around each position ``p`` the mean accessibility of the strands is smoothed
    (``smooth`` bases) over ``[p - window, p + window)``; the level half-way between
    the means of the two halves is the edge, and the crossing of that level (in
    the direction of the step) nearest to ``p`` is the refined position.  A drop's
    summit lies past the edge in its own scan direction (by about 5-50 bases,
    depending on the model), so a boundary supported by one strand only is
    biased; the accessibility step, the mean of two strands, is not.

    Returns
    -------
    numpy.ndarray
        ``(K,)`` int64 refined positions (unchanged where no crossing is found).
    """
    positions = np.asarray(positions, dtype=np.int64)
    refined = positions.copy()
    kernel = np.ones(smooth) / smooth
    for start in range(0, positions.size, CHUNK):
        values = _mean_windows(scan, chrom, positions[start:start + CHUNK], window, window)
        for row, v in enumerate(values):
            if np.isnan(v).any():
                continue
            v = np.convolve(v, kernel, mode="same")
            left, right = v[smooth:window].mean(), v[window:-smooth].mean()
            above = v >= (left + right) / 2 if right > left else v < (left + right) / 2
            crossings = np.flatnonzero(above[1:] & ~above[:-1]) + 1
            crossings = crossings[(crossings > smooth) & (crossings < v.size - smooth)]
            if crossings.size:
                best = crossings[np.argmin(np.abs(crossings - window))]
                refined[start + row] = positions[start + row] - window + int(best)
    return refined


def near_crossing(scan: ScanDir, chrom: str, positions: np.ndarray, exclusion: int) -> np.ndarray:
    """Whether the predicted accessibility crosses 0.5 within ``exclusion`` bases of each position, ``(K,)`` bool.

    Positions whose neighbourhood holds no value count as near a crossing (they
    cannot serve as background).
    """
    positions = np.asarray(positions, dtype=np.int64)
    near = np.ones(positions.size, dtype=bool)
    for start in range(0, positions.size, CHUNK):
        values = _mean_windows(scan, chrom, positions[start:start + CHUNK], exclusion, exclusion)
        with _quiet():
            low, high = np.nanmin(values, axis=1), np.nanmax(values, axis=1)
        near[start:start + CHUNK] = ~((high < 0.5) | (low >= 0.5))
    return near


def tail_pvalues(statistic: np.ndarray, null: np.ndarray, tail_fraction: float = 0.1) -> np.ndarray:
    """Empirical p-values of ``statistic`` against ``null``, with an exponential tail beyond the null.

    Within the range of the null, ``p = (1 + #{null >= s}) / (1 + N)``.  Beyond its
    largest value ``m`` the empirical value stops at ``1 / (1 + N)``, so a statistic
    far past every null value is extrapolated with an exponential tail fitted to the
    top ``tail_fraction`` of the null (peaks over a threshold ``u``; mean excess
    ``mu``): ``p = 1 / (1 + N) * exp(-(s - m) / mu)``.

    Parameters
    ----------
    statistic
        ``(K,)`` values; larger is more significant.  Negative values get p = 1.
    null
        ``(N,)`` null values (N >= 1).

    Returns
    -------
    numpy.ndarray
        ``(K,)`` float64 p-values in (0, 1] (at least the smallest normal float64, about 2.2e-308).
    """
    statistic = np.asarray(statistic, dtype=np.float64)
    null = np.sort(np.asarray(null, dtype=np.float64))
    p = empirical_pvalues(statistic, null)
    top = null[int(np.floor((1.0 - tail_fraction) * (null.size - 1))):]
    mu = max(float(np.mean(top - top[0])), 1e-3)
    beyond = statistic > null[-1]
    p[beyond] = np.exp(-(statistic[beyond] - null[-1]) / mu) / (1.0 + null.size)
    # far beyond the null exp() underflows to 0, and -log10 p would be written as inf
    p = np.maximum(p, np.finfo(np.float64).tiny)
    return np.where(statistic < 0, 1.0, p)


def decoy_positions(sizes: dict[str, int], count: int, seed: int) -> dict[str, np.ndarray]:
    """``count`` positions uniform over the bases of ``sizes``, seeded, sorted per chromosome."""
    chroms = list(sizes)
    lengths = np.array([sizes[c] for c in chroms], dtype=np.int64)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, int(lengths.sum()), count) if lengths.sum() else np.zeros(0, dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    which = np.searchsorted(bounds, draws, side="right") - 1
    return {c: np.sort(draws[which == i] - bounds[i]) for i, c in enumerate(chroms)}


def decoy_steps(scan: ScanDir, window: int, count: int, exclusion: int, seed: int) -> tuple[np.ndarray, dict]:
    """``|step|`` at the kept decoys (see the module docstring), and counts.

    Returns
    -------
    tuple
        ``(steps, summary)``: ``(N,)`` float32 absolute steps of the kept decoys, and
        ``{"drawn", "kept", "near_crossing", "missing"}``.
    """
    reach = max(window, exclusion)
    kept, drawn, crossing, missing = [], 0, 0, 0
    for chrom, positions in decoy_positions(dict(scan.sizes), count, seed).items():
        drawn += positions.size
        for start in range(0, positions.size, CHUNK):
            chunk = positions[start:start + CHUNK]
            values = _mean_windows(scan, chrom, chunk, reach, reach)
            centre = values[:, reach - window:reach + window]
            near = values[:, reach - exclusion:reach + exclusion]
            with _quiet():
                crosses = (np.nanmin(near, axis=1) < 0.5) & (np.nanmax(near, axis=1) >= 0.5)
                step = np.nanmean(centre[:, window:], axis=1) - np.nanmean(centre[:, :window], axis=1)
            bad = np.isnan(step)
            crossing += int((crosses & ~bad).sum())
            missing += int(bad.sum())
            kept.append(np.abs(step[~bad & ~crosses]))
    steps = np.concatenate(kept) if kept else np.zeros(0, dtype=np.float32)
    summary = {"drawn": drawn, "kept": int(steps.size), "near_crossing": crossing, "missing": missing}
    if steps.size == 0:
        log.warning("%s: no decoy position kept; every boundary gets p = 1", scan.path)
    return steps.astype(np.float32), summary
