"""Settings of a drop call (saved in the ``.json`` beside ``drops.bed``).

Kept apart from :mod:`gategenome.call.drops` and free of heavy imports, so the
command line reads its option defaults from here without importing numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting


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

    fdr: float = setting(0.05, "Report drops with Benjamini-Hochberg q-value at most this.", low=0.0, high=1.0)
    min_length: int = setting(1, "Shortest drop tested and reported, bases (the null keeps drops of every length).",
                              low=1)
    threshold_quantile: float = setting(0.05, "Drop threshold: this quantile of the null's mean forget gate.",
                                        low=0.0, high=1.0, low_open=True)
    min_depth: float = setting(0.9, "Shallowest drop (1 - min forget gate) tested and reported; 0 tests every drop.",
                               low=0.0, high=1.0)

    def __post_init__(self) -> None:
        check_ranges(self, "call")


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

    fdr: float = setting(0.05, "Report boundaries with Benjamini-Hochberg q-value at most this.", low=0.0, high=1.0)
    merge_distance: int = setting(50, "Drop summits of either strand closer than this are one boundary, bases.",
                                  low=1)
    window: int = setting(100, "Bases on each side over which the predicted accessibility step is measured.", low=1)
    ci_pad: int = setting(10, "Bases added on each side of the merged summits' span (the reported interval).",
                          low=0)
    refine: bool = setting(True, "Move each boundary to the nearest half-way crossing of the predicted "
                                 "accessibility.")
    decoy_exclusion: int = setting(300, "A candidate is background (null) when predicted accessibility stays on "
                                        "one side of 0.5 within this many bases.", low=1)
    min_null: int = setting(10, "Fewer background candidates than this: the null uses random positions instead.",
                            low=1)
    decoys: int = setting(100_000, "Random positions of that fallback null.", low=1)
    seed: int = setting(0, "Seed of the random positions.")
    signal_test: bool = setting(True, "Also require the signal on the accessible side to exceed the other side's.")
    signal_window: int = setting(200, "Bases on each side over which the signal test sums the signal.", low=1)

    def __post_init__(self) -> None:
        check_ranges(self, "boundaries")
