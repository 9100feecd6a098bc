"""Settings of one evaluation (saved in ``evaluation.json``).

Free of heavy imports, so the command line reads its options from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting
from gategenome.errors import ConfigError


@dataclass
class EvaluateSettings:
    """Settings of one evaluation (saved in ``evaluation.json``).

    ``distances`` are kept sorted and distinct; the fields without a help text
    (``max_auc_bases`` ...) bound the work and have no option.
    """

    fold: str = setting("test", "Fold of folds.json whose chromosomes are scored.", choices=("train", "valid", "test"))
    distances: tuple[int, ...] = setting((25, 50, 100, 250), "Comma-separated tolerances d, bases.", comma_separated=True)
    flank: int = setting(2000, "Meta-profile half-width, bases.", low=1)
    replicates: int = setting(1000, "Bootstrap replicates of the enrichment.", low=10)
    seed: int = setting(0, "Seed of the random positions and the bootstrap.")
    signal_window: int = setting(151, "Signal-only caller: moving-average width over log1p(signal), bases.", low=1)
    signal_threshold: float | None = setting(None, "Signal-only caller: threshold on the smoothed log1p signal; "
                                                   "default: tuned on the train fold.")
    boundary_tolerance: int = setting(50, "Replicate boundary calls match within this many bases (same direction).",
                                      low=0)
    idr_threshold: float = setting(0.05, "IDR at or below which matched replicate boundary calls are reproducible.",
                                   low=0.0, high=1.0, low_open=True)
    max_auc_bases: int = 4_000_000
    max_tuning_bases: int = 50_000_000
    examples: int = 4
    example_width: int = 6000

    def __post_init__(self) -> None:
        self.distances = tuple(sorted(set(self.distances)))
        check_ranges(self, "evaluate")

    def check(self) -> None:
        """Raise :class:`ConfigError` on a value out of range."""
        check_ranges(self, "evaluate")
        if not self.distances or min(self.distances) < 0:
            raise ConfigError(f"--distances {self.distances}: expected one or more non-negative integers")


@dataclass
class ReviewSettings:
    """Settings of the review page (:func:`gategenome.evaluate.review.run_review`)."""

    top: int = setting(20, "Top boundary calls shown (by q-value), and replicate disagreements per replicate.", low=1)
    flank: int = setting(1000, "Bases shown on each side of a locus.", low=10)
    boundary_tolerance: int = setting(50, "Replicate boundary calls match within this many bases (same direction).",
                                      low=0)

    def __post_init__(self) -> None:
        check_ranges(self, "review")

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value out of range."""
        check_ranges(self, "review")
