"""Boundary calls: one record per boundary, the two strands' drops merged.

The plus-strand scan closes its gate on entering a region at its left edge, the
minus-strand scan at its right edge, and either can also drop on leaving, so one
edge often carries a drop of each strand a few bases apart (each strand's minimum
lies just past the edge in its own scan direction).  :func:`merge_strands` joins
drop summits of either strand closer than ``merge_distance`` (single linkage) into
one candidate; its position is the mean of the summit of the deepest drop of each
supporting strand, moved (with ``refine``) to the nearest half-way crossing of
the predicted accessibility (:func:`gategenome.call.null.refine_positions`), and
its interval spans the merged summits and that position, widened by ``ci_pad``
on each side.  Each candidate is then tested against the null of
:mod:`gategenome.call.null` (the predicted-accessibility step at the candidate
against the same step at the candidates with no predicted edge nearby), BH
q-values are computed over all candidates, and those with ``q <= fdr`` are reported.

Output is BED6+7 whose first ten columns keep the narrowPeak layout (0-based,
half-open; autoSql in :data:`gategenome.export.boundary_files.BOUNDARY_AUTOSQL`)::

    chrom start end name score strand signalValue pValue qValue peak direction strands depth

``start``/``end`` is the interval the boundary lies in, ``name`` ``boundary_<n>``,
``score`` ``round(1000 * |step|)``, ``strand`` ``.``, ``signalValue`` the
accessibility step ``|step|``, ``pValue``/``qValue`` ``-log10`` values, ``peak`` the
position as an offset from ``start``, ``direction`` ``opening`` (accessibility
rises left to right) or ``closing``, ``strands`` the supporting scan strands
(``+``, ``-`` or ``+-``), ``depth`` the deepest supporting drop (``1 - min f``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gategenome.call.contrast import contrast_pvalues, estimate_dispersion, side_sums
from gategenome.call.drops import call_drop_table
from gategenome.call.null import accessibility_steps, decoy_steps, near_crossing, refine_positions, tail_pvalues
from gategenome.call.regions import boundary_qvalue
from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.core.stats import bh_qvalues
from gategenome.errors import InputError
from gategenome.io.bed import Interval, sort_intervals
from gategenome.io.bigwig import SignalTrack
from gategenome.io.scandir.reader import ScanDir

log = logging.getLogger(__name__)


@dataclass
class Candidates:
    """Merged drops of one chromosome, ``(K,)`` arrays in position order.

    ``positions`` are the boundary positions, ``lo``/``hi`` the half-open interval,
    ``plus``/``minus`` whether each strand supports it, ``depths`` the deepest drop.
    """

    positions: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    plus: np.ndarray
    minus: np.ndarray
    depths: np.ndarray


def cluster_labels(positions: np.ndarray, merge_distance: int) -> np.ndarray:
    """Single-linkage cluster of sorted positions: neighbours closer than ``merge_distance`` join.

    Parameters
    ----------
    positions
        ``(N,)`` sorted coordinates.
    merge_distance
        Largest gap (exclusive) bridged.

    Returns
    -------
    numpy.ndarray
        ``(N,)`` int64 cluster index, 0, 1, ... in position order.
    """
    positions = np.asarray(positions, dtype=np.int64)
    if positions.size == 0:
        return np.zeros(0, dtype=np.int64)
    breaks = np.diff(positions) >= merge_distance
    return np.concatenate([[0], np.cumsum(breaks)]).astype(np.int64)


def merge_strands(summits: np.ndarray, strands: np.ndarray, depths: np.ndarray,
                  merge_distance: int, ci_pad: int) -> Candidates:
    """Merge the drops of both strands of one chromosome into candidate boundaries.

    Parameters
    ----------
    summits, strands, depths
        ``(N,)`` drop summits, strands (``"+"``/``"-"``) and depths, any order.
    merge_distance
        Summits closer than this (either strand) are one boundary.
    ci_pad
        Bases added on each side of the span of the merged summits.

    Returns
    -------
    Candidates
        One entry per cluster; the position is the mean of each supporting
        strand's deepest summit, rounded half up: summits at ``b + k`` (plus,
        after the edge) and ``b - 1 - k`` (minus) give the boundary ``b`` between
        bases ``b - 1`` and ``b``.
    """
    order = np.lexsort((-np.asarray(depths), np.asarray(summits)))
    summits = np.asarray(summits, dtype=np.int64)[order]
    strands = np.asarray(strands)[order]
    depths = np.asarray(depths, dtype=np.float64)[order]
    labels = cluster_labels(summits, merge_distance)
    k = int(labels[-1]) + 1 if labels.size else 0
    lo = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    hi = np.full(k, -1, dtype=np.int64)
    np.minimum.at(lo, labels, summits)
    np.maximum.at(hi, labels, summits)
    best = np.full(k, -1.0)
    np.maximum.at(best, labels, depths)
    support = {}
    position_sum = np.zeros(k)
    for strand in ("+", "-"):
        mine = strands == strand
        deepest = np.full(k, -1.0)
        np.maximum.at(deepest, labels[mine], depths[mine])
        at_deepest = mine & (depths == deepest[labels])
        first = np.unique(labels[at_deepest], return_index=True)
        where = np.full(k, -1, dtype=np.int64)
        where[first[0]] = summits[at_deepest][first[1]]
        support[strand] = where >= 0
        position_sum += np.where(where >= 0, where, 0)
    count = support["+"].astype(int) + support["-"].astype(int)
    positions = np.floor(position_sum / np.maximum(count, 1) + 0.5).astype(np.int64)
    return Candidates(positions, np.maximum(lo - ci_pad, 0), hi + ci_pad + 1, support["+"], support["-"], best)


def _candidates(scan: ScanDir, call_settings: CallSettings, settings: BoundaryCallSettings) -> dict[str, Candidates]:
    """Every drop the call tests (depth and length filters, any q), merged per chromosome."""
    drops, _ = call_drop_table(scan.path, replace(call_settings, fdr=1.0))
    result = {}
    for chrom in dict.fromkeys([*scan.sizes, *drops.chroms]):
        rows = drops.chrom_rows(chrom)
        result[chrom] = merge_strands(drops.summits[rows], drops.strand[rows], drops.rounded_depths(rows),
                                      settings.merge_distance, settings.ci_pad)
    return result


def _records(chrom: str, cand: Candidates, steps: np.ndarray, p: np.ndarray, q: np.ndarray,
             length: int) -> list[Interval]:
    """BED6+7 records (unnamed) of the candidates."""
    records = []
    for i in range(cand.positions.size):
        start, end = int(cand.lo[i]), int(min(cand.hi[i], length))
        step = float(steps[i])
        # no step where a window holds no scanned base (a chromosome end, a run of N): p = 1, no direction
        direction = "." if np.isnan(step) else "opening" if step > 0 else "closing"
        step = 0.0 if np.isnan(step) else step
        strands = ("+" if cand.plus[i] else "") + ("-" if cand.minus[i] else "")
        records.append(Interval(
            chrom, start, end, ".", int(np.clip(round(1000 * abs(step)), 0, 1000)), ".",
            # 0 - log10(p), not -log10(p): p = 1 gives 0.0000, never -0.0000
            (f"{abs(step):.4f}", f"{0.0 - np.log10(p[i]):.4f}", f"{0.0 - np.log10(q[i]):.4f}",
             str(int(cand.positions[i]) - start), direction, strands,
             f"{cand.depths[i]:.4f}"),
        ))
    return records


def _signal_path(scan: ScanDir, signal: str | os.PathLike | None) -> Path | None:
    """The signal the contrast test reads: ``signal``, else the one ``scan.json`` names; None when neither."""
    if signal is not None:
        return Path(signal)
    named = scan.meta.get("signal")
    if not named:
        return None
    if not Path(named).exists():
        raise InputError(f"{scan.path}/scan.json: its signal {named} is not found; pass --signal with that bigWig, "
                         "or --no-signal-test")
    return Path(named)


def signal_pvalues(scan: ScanDir, candidates: dict[str, Candidates], steps: dict[str, np.ndarray],
                   track: SignalTrack, window: int) -> tuple[np.ndarray, dict]:
    """Contrast-test p-values (:mod:`gategenome.call.contrast`) of every candidate, in chromosome order.

    The open side is the side the model calls accessible (the sign of its step).

    Returns
    -------
    tuple
        ``(p, summary)``: ``(K,)`` float64 p-values, and ``{"signal", "dispersion"}``.
    """
    def read(chrom, start, end):
        return track.values(chrom, start, end, count_nan=False)

    dispersion = estimate_dispersion(read, scan.sizes, window)
    parts = []
    for chrom, cand in candidates.items():
        left, right = side_sums(read, chrom, cand.positions, window, scan.sizes[chrom])
        opening = np.nan_to_num(steps[chrom], nan=0.0) > 0
        parts.append(contrast_pvalues(np.where(opening, right, left), np.where(opening, left, right), dispersion))
    p = np.concatenate(parts) if parts else np.zeros(0)
    log.info("%s: signal dispersion %.1f units per count over %d-base windows", track.path, dispersion, window)
    return p, {"signal": str(track.path), "dispersion": round(dispersion, 3)}


def _step_pvalues(scan: ScanDir, candidates: dict[str, Candidates], steps: dict[str, np.ndarray],
                  settings: BoundaryCallSettings) -> tuple[np.ndarray, dict]:
    """Step-test p-values of every candidate (in chromosome order) against the background candidates, and the null's summary."""
    background = {c: ~near_crossing(scan, c, cand.positions, settings.decoy_exclusion) for c, cand in candidates.items()}
    all_steps = np.concatenate([steps[c] for c in candidates]) if candidates else np.zeros(0)
    in_null = np.concatenate([background[c] for c in candidates]) if candidates else np.zeros(0, dtype=bool)
    statistic = np.nan_to_num(np.abs(all_steps), nan=-1.0)
    null = statistic[in_null & (statistic >= 0)]
    null_summary = {"source": "background candidates", "size": int(null.size)}
    if null.size < settings.min_null:
        log.warning("%s: only %d candidate(s) away from predicted edges; the null uses random positions instead",
                    scan.path, null.size)
        null, decoys = decoy_steps(scan, settings.window, settings.decoys, settings.decoy_exclusion, settings.seed)
        null_summary = {"source": "random positions", "size": int(null.size), **decoys}
    return (tail_pvalues(statistic, null) if null.size else np.ones_like(statistic)), null_summary


def score_candidates(scan_dir: str | os.PathLike, call_settings: CallSettings | None = None,
                    settings: BoundaryCallSettings | None = None,
                    signal: str | os.PathLike | None = None) -> tuple[list[Interval], dict]:
    """Every candidate boundary of a scan directory, tested: BED6+7 records of any q-value.

    Parameters are those of :func:`call_boundaries` (``settings.fdr`` is not used).

    Returns
    -------
    tuple
        ``(intervals, summary)``: unnamed records in genome order, and
        ``{"candidates", "null", "signal_test", "settings"}``.
    """
    call_settings = call_settings or CallSettings()
    settings = settings or BoundaryCallSettings()
    scan = ScanDir(scan_dir)
    signal_path = _signal_path(scan, signal) if settings.signal_test else None
    if settings.signal_test and signal_path is None:
        log.warning("%s: no signal named in scan.json and none given; boundary p-values come from the "
                    "accessibility step alone, which calls background bumps (see docs/call.md)", scan.path)
    with contextlib.ExitStack() as stack:  # the signal is opened (and checked) before the work
        track = stack.enter_context(SignalTrack(signal_path, dict(scan.sizes), str(scan.path))) if signal_path else None
        candidates = _candidates(scan, call_settings, settings)
        if settings.refine:
            for chrom, cand in candidates.items():
                cand.positions = refine_positions(scan, chrom, cand.positions, settings.window)
                cand.lo = np.maximum(np.minimum(cand.lo, cand.positions - settings.ci_pad), 0)
                cand.hi = np.maximum(cand.hi, cand.positions + settings.ci_pad + 1)
        steps = {c: accessibility_steps(scan, c, cand.positions, settings.window) for c, cand in candidates.items()}
        pvalues, null_summary = _step_pvalues(scan, candidates, steps, settings)
        signal_summary = None
        if track is not None:
            contrast, signal_summary = signal_pvalues(scan, candidates, steps, track, settings.signal_window)
            pvalues = np.maximum(pvalues, contrast)
    qvalues = bh_qvalues(pvalues)
    records, offset = [], 0
    for chrom, cand in candidates.items():
        n = cand.positions.size
        records += _records(chrom, cand, steps[chrom], pvalues[offset:offset + n],
                            qvalues[offset:offset + n], scan.sizes[chrom])
        offset += n
    records = sort_intervals(records, list(scan.meta.get("chroms", scan.sizes)))
    summary = {
        "candidates": int(pvalues.size), "null": null_summary, "signal_test": signal_summary,
        "settings": {**settings.__dict__, "min_depth": call_settings.min_depth,
                     "min_length": call_settings.min_length, "threshold_quantile": call_settings.threshold_quantile},
    }
    return records, summary


def select_boundaries(tested: list[Interval], fdr: float) -> list[Interval]:
    """The tested records with ``q <= fdr``, named ``boundary_<n>`` in their order."""
    kept = [r for r in tested if boundary_qvalue(r) <= fdr]
    return [Interval(r.chrom, r.start, r.end, f"boundary_{i}", r.score, r.strand, r.extra) for i, r in enumerate(kept, 1)]


def call_boundaries(scan_dir: str | os.PathLike, call_settings: CallSettings | None = None,
                    settings: BoundaryCallSettings | None = None,
                    signal: str | os.PathLike | None = None) -> tuple[list[Interval], dict]:
    """Boundary calls of a scan directory: both strands' drops merged and tested; those with ``q <= fdr``.

    Parameters
    ----------
    scan_dir
        The scan directory (with its shuffled-sequence null, which sets the drop threshold).
    call_settings
        Which drops are candidates (``min_depth``, ``min_length``, ``threshold_quantile``;
        its ``fdr`` is not used).
    settings
        :class:`BoundaryCallSettings`.
    signal
        The ATAC bigWig of the contrast test; None: the one ``scan.json`` names.
        Without either (a scan of a sequence-only model given no signal) the
        p-values come from the accessibility step alone, with a warning.

    Returns
    -------
    tuple
        ``(intervals, summary)``: BED6+7 records in genome order named
        ``boundary_<n>``, and the counts and settings as plain types.
    """
    settings = settings or BoundaryCallSettings()
    tested, summary = score_candidates(scan_dir, call_settings, settings, signal)
    records = select_boundaries(tested, settings.fdr)
    return records, summarise(summary, records, settings.fdr)


def summarise(summary: dict, records: list[Interval], fdr: float) -> dict:
    """``summary`` of :func:`test_boundaries` with the counts of the calls ``records`` added."""
    two = sum(1 for r in records if r.extra[5] == "+-")
    log.info("%d boundaries at q <= %g of %d candidates (%d on both strands); null: %d %s",
             len(records), fdr, summary["candidates"], two, summary["null"]["size"], summary["null"]["source"])
    return {**summary, "called": len(records), "both_strands": two,
            "opening": sum(1 for r in records if r.extra[4] == "opening")}
