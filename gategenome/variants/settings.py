"""How to score variants (no heavy import, so the command line reads its defaults here)."""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.errors import ConfigError


@dataclass
class VariantSettings:
    """How to score variants (saved in ``PREFIX.json``).

    Attributes
    ----------
    context
        Upstream context of each scanned window: ``"exact"`` (the reference
        chromosome is streamed once per strand and each window starts from the
        exact state the whole-chromosome scan has there), ``"horizon"`` (each window
        starts from zeros ``H`` bases early, ``H`` the measured forgetting
        horizon) or a number of bases (as a string, e.g. ``"5000"``).
    window
        ``w``: the minimum forget gate and the largest accessibility change are
        taken within ``w`` bases of the allele.
    footprint_max
        Bases scanned downstream of each allele (in the scan direction): the
        longest memory footprint that can be measured.
    footprint_tol
        Tracks differ where the mean forget gate or the accessibility differ by
        more than this.
    batch_size
        Windows (allele x reference/alternative x strand) computed together.
    grid
        In ``exact`` mode, window starts are moved down to a multiple of this, so
        that dense variants share states and the reference stream stays in long chunks.
    chunk_size
        Bases per forward call (reference stream and windows; bounds the memory of a batch).
    threshold_quantile
        Quantile of the shuffled-sequence null that is the drop threshold, as in
        ``gategenome call`` (used when no ``--threshold`` or ``--scan-dir`` is given).
    null_windows, null_window
        Number and length of the dinucleotide-shuffled windows of that null.
    strict
        A REF that does not match the FASTA is an error (otherwise counted and skipped).
    symbolic
        ``"skip"`` (counted) or ``"error"`` for symbolic alleles (``<DEL>``, ``*``, breakends).
    unknown_chroms
        ``"error"`` or ``"skip"`` (counted) for records on a chromosome the FASTA lacks.
    layer
        LSTM layer whose mean forget gate is read (-1: the last).
    seed
        Seed of the null windows.
    """

    context: str = "exact"
    window: int = 50
    footprint_max: int = 2000
    footprint_tol: float = 1e-3
    batch_size: int = 64
    grid: int = 512
    chunk_size: int = 8192
    threshold_quantile: float = 0.05
    null_windows: int = 16
    null_window: int = 20000
    strict: bool = False
    symbolic: str = "skip"
    unknown_chroms: str = "error"
    layer: int = -1
    seed: int = 0

    def __post_init__(self) -> None:
        self.context = str(self.context)
        if self.context not in ("exact", "horizon") and not (self.context.isdigit()):
            raise ConfigError(f"--context: got {self.context!r}, expected exact, horizon or a number of bases")
        for name in ("window", "footprint_max", "batch_size", "grid", "chunk_size", "null_windows", "null_window"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"--{name.replace('_', '-')}: got {getattr(self, name)!r}, expected a positive integer")
        if not 0.0 < self.threshold_quantile < 1.0:
            raise ConfigError(f"--threshold-quantile: got {self.threshold_quantile!r}, expected a number in (0, 1)")
        if self.footprint_tol <= 0:
            raise ConfigError(f"--footprint-tol: got {self.footprint_tol!r}, expected a positive number")
        if self.symbolic not in ("skip", "error"):
            raise ConfigError(f"--symbolic: got {self.symbolic!r}, expected skip or error")
        if self.unknown_chroms not in ("skip", "error"):
            raise ConfigError(f"--unknown-chroms: got {self.unknown_chroms!r}, expected skip or error")
