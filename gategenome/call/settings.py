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
