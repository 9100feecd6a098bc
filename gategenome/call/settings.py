"""Settings of a drop call (saved in the ``.json`` beside ``drops.bed``).

Kept apart from :mod:`gategenome.call.drops` and free of heavy imports, so the
command line reads its option defaults from here without importing numpy.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CallSettings:
    """How drops are called and which are reported.

    Attributes
    ----------
    fdr : float
        Report drops with Benjamini-Hochberg ``q <= fdr``.
    min_length : int
        Minimum length (bases) of a drop tested and reported.  The null keeps
        drops of every length, so short null drops still calibrate the depth.
    threshold_quantile : float
        Quantile of the null values used as the drop threshold.
    min_depth : float
        Shallowest drop (``1 - min f``) tested and reported; like ``min_length``
        it leaves the null untouched.  A model trained with an edge term closes
        its gate almost fully at region edges, while gate noise in the background
        gives shallow drops.
    """

    fdr: float = 0.05
    min_length: int = 1
    threshold_quantile: float = 0.05
    min_depth: float = 0.9


@dataclass(frozen=True)
class BoundaryCallSettings:
    """How the two strands' drops become boundary calls, and how those are tested.

    Attributes
    ----------
    fdr : float
        Report boundaries with Benjamini-Hochberg ``q <= fdr`` against the decoy null.
    merge_distance : int
        Drop summits (of either strand) closer than this are one boundary.
    window : int
        Bases on each side of a boundary over which the predicted accessibility is
        averaged; the step (right minus left) says opening (> 0) or closing (< 0).
    ci_pad : int
        Bases added on each side of the span of the merged summits (and the
        refined position): the interval (columns 2-3) the boundary is reported in.
    refine : bool
        Move each position to the nearest half-way crossing of the predicted
        accessibility (a drop's summit lies past the edge in its scan direction).
    decoy_exclusion : int
        A candidate is background (part of the null) when the predicted
        accessibility does not cross 0.5 within this many bases of it.
    min_null : int
        Fewer background candidates than this: the null is drawn from ``decoys``
        random positions away from predicted edges instead.
    decoys : int
        Random positions drawn for that fallback null.
    seed : int
        Seed of the decoy positions.
    signal_test : bool
        Also test the ATAC signal on the side called accessible against the
        other side (:mod:`gategenome.call.contrast`); the p-value is the larger
        of that and the step's.  Without it, background bumps the model answers
        are called, even on a genome with no region.
    signal_window : int
        Bases on each side over which the signal test sums the signal (longer
        than ``window``: more counts, more power, for regions of a few hundred bases).
    """

    fdr: float = 0.05
    merge_distance: int = 50
    window: int = 100
    ci_pad: int = 10
    refine: bool = True
    decoy_exclusion: int = 300
    min_null: int = 10
    decoys: int = 100_000
    seed: int = 0
    signal_test: bool = True
    signal_window: int = 200
