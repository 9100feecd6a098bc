"""How to scan: the settings saved in ``scan.json`` (no heavy import, so the CLI reads its defaults here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gategenome.core.settings import check_ranges, setting
from gategenome.errors import ConfigError

#: Leading bases of a null window left out, unless the window is shorter than twice this.
DEFAULT_NULL_BURN_IN = 2000


@dataclass
class ScanSettings:
    """How to scan (saved in ``scan.json``).

    Attributes
    ----------
    strands
        ``["+", "-"]``, ``["+"]`` or ``["-"]``.
    chunk_size
        Bases per chunk and row; the result does not depend on it.  2048 keeps the
        fused LSTM's buffers (rows x chunk) nearer the CPU cache than longer chunks.
    batch_size
        Most rows (jobs) computed together; the scan takes fewer when more would not
        finish sooner (:func:`gategenome.scan.plan.batch_rows`).
    layer
        LSTM layer whose mean forget gate is written (-1: the last).
    segments
        Pieces per chromosome scanned in parallel (1: exact streaming).
    burn_in
        Bases each piece starts early when ``segments > 1``.
    n_reset
        A run of at least this many unknown bases is skipped and the state reset.
    null_fraction
        Fraction of each chromosome's scanned bases sampled for the null.
    null_window
        Length of each shuffled null window.
    null_burn_in
        Leading bases of each null window left out (start-up transient);
        ``None``: 2000, or half the window when that is shorter.
    null_signal
        Signal of the null windows for ``dna+signal`` models: ``"mean"`` (the
        window's mean everywhere: no signal edges at all, so null drops come from
        the shuffled DNA alone) or ``"permute"`` (the window's values in random
        order: an edge at nearly every base, which a model trained to close its
        gate at region edges answers with drops everywhere, so nothing is called).
    seed
        Seed of the null windows, shuffles and signal permutations.
    horizon_tol
        Agreement tolerance of the forgetting-horizon measurement.
    horizon_max
        Longest stretch the forgetting horizon is measured over.
    burn_in_from_horizon
        With ``segments > 1``: set ``burn_in`` to the measured forgetting horizon
        (keeping ``burn_in`` where the horizon is not reached within ``horizon_max``).
    """

    strands: list[str] = field(default_factory=lambda: ["+", "-"])
    chunk_size: int = setting(2048, "Bases per chunk and row; results do not depend on it (state is carried).", low=1)
    batch_size: int = setting(32, "Rows (strands/stretches/null windows) computed together.", low=1)
    layer: int = setting(-1, "LSTM layer whose mean forget gate is written (-1: the last).")
    segments: int = setting(1, "Pieces per chromosome scanned in parallel with burn-in (approximate; 1 is exact). "
                               "On --device cuda, unless given: enough to fill a 256-row batch, with the measured "
                               "forgetting horizon as burn-in.", low=1)
    burn_in: int = setting(10000, "Bases each piece starts early when --segments > 1.", low=0)
    n_reset: int = setting(1000, "A run of at least this many N is skipped and the state reset after it.", low=1)
    null_fraction: float = setting(0.05, "Fraction of each chromosome scanned again dinucleotide-shuffled, as the "
                                         "null of 'call'.", low=0.0, high=1.0)
    null_window: int = setting(50000, "Length of each shuffled null window.", low=2)
    null_burn_in: int | None = None
    null_signal: str = setting("mean", "Null signal of dna+signal models: the window's mean everywhere (no signal "
                                       "edges), or its values permuted.", choices=("mean", "permute"))
    seed: int = setting(0, "Seed of the null windows and shuffles.")
    horizon_tol: float = 1e-3
    horizon_max: int = 100000
    burn_in_from_horizon: bool = False

    def __post_init__(self) -> None:
        if self.null_burn_in is None:
            self.null_burn_in = min(DEFAULT_NULL_BURN_IN, int(self.null_window) // 2)
        bad = [s for s in self.strands if s not in ("+", "-")]
        if bad or not self.strands:
            raise ConfigError(f"strands: got {self.strands!r}, expected '+', '-' or both")
        check_ranges(self, "scan")
        if int(self.horizon_max) < 1:
            raise ConfigError(f"scan.horizon_max: got {self.horizon_max!r}, expected a positive integer")
        if int(self.null_burn_in) < 0:
            raise ConfigError(f"scan.null_burn_in: got {self.null_burn_in!r}, expected >= 0")
        if self.null_burn_in >= self.null_window:
            raise ConfigError(f"null_burn_in {self.null_burn_in} must be shorter than null_window {self.null_window}")


#: Rows per batch on a GPU: one LSTM step of 256 rows costs a GPU about what one row does.
CUDA_BATCH = 256


def cuda_defaults(settings: ScanSettings, chroms: int, given: set[str]) -> ScanSettings:
    """Settings for a GPU where the user left them at their defaults.

    A GPU computes many rows of a batch at the cost of one, but a scan has only
    two rows per chromosome (its strands); so the batch is :data:`CUDA_BATCH` rows
    and each chromosome is cut into enough segments to fill it, each starting the
    measured forgetting horizon early (``burn_in_from_horizon``).  Segments are an
    approximation (see :mod:`gategenome.scan.horizon`); unmeasured on a GPU so far.

    Parameters
    ----------
    settings
        The settings as given.
    chroms
        Chromosomes to scan.
    given
        Names of the settings the user set (these are kept).
    """
    from dataclasses import replace

    changes = {}
    if "batch_size" not in given:
        changes["batch_size"] = CUDA_BATCH
    batch = changes.get("batch_size", settings.batch_size)
    if "segments" not in given:
        rows = max(1, len(settings.strands) * max(1, chroms))
        changes["segments"] = max(1, -(-batch // rows))
    if changes.get("segments", settings.segments) > 1 and "burn_in" not in given:
        changes["burn_in_from_horizon"] = True
    return replace(settings, **changes)
