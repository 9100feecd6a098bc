"""Settings of one evaluation (saved in ``evaluation.json``) and the parsing of its distances.

Free of heavy imports, so the command line reads its option defaults from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gategenome.errors import ConfigError


@dataclass
class EvaluateSettings:
    """Settings of one evaluation (saved in ``evaluation.json``)."""

    fold: str = "test"
    distances: tuple[int, ...] = (50, 100, 250)
    flank: int = 2000
    replicates: int = 1000
    seed: int = 0
    signal_window: int = 151
    signal_threshold: float | None = None
    max_auc_bases: int = 4_000_000
    max_tuning_bases: int = 50_000_000
    examples: int = 4
    example_width: int = 6000

    def check(self) -> None:
        """Raise :class:`ConfigError` on a value out of range."""
        if not self.distances or min(self.distances) < 0:
            raise ConfigError(f"--distances {self.distances}: expected one or more non-negative integers")
        if self.flank < 1:
            raise ConfigError(f"--flank {self.flank}: expected a positive number of bases")
        if self.replicates < 10:
            raise ConfigError(f"--replicates {self.replicates}: expected at least 10 bootstrap replicates")
        if self.signal_window < 1:
            raise ConfigError(f"--signal-window {self.signal_window}: expected a positive number of bases")


def format_distances(distances: Sequence[int]) -> str:
    """``(50, 100, 250)`` -> ``"50,100,250"``, the form :func:`parse_distances` reads."""
    return ",".join(str(d) for d in distances)


def parse_distances(text: str | Sequence[int]) -> tuple[int, ...]:
    """``"50,100,250"`` -> ``(50, 100, 250)``; raises :class:`ConfigError` otherwise."""
    if not isinstance(text, str):
        return tuple(int(v) for v in text)
    try:
        values = tuple(sorted({int(v) for v in text.split(",") if v.strip()}))
    except ValueError:
        raise ConfigError(f"--distances {text!r}: expected comma-separated integers, e.g. 50,100,250") from None
    if not values:
        raise ConfigError(f"--distances {text!r}: expected comma-separated integers, e.g. 50,100,250")
    return values
