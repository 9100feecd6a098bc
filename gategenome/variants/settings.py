"""How to score variants (no heavy import, so the command line reads its defaults here)."""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting
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
        Seed of the null windows and of the null alleles.
    profile_window
        ``target: insertions`` models: ``h``, the bases of each strand's profile
        window (the allele's last base in the scan direction and the ``h - 1``
        after it) over which the count log fold-change and profile JSD are taken
        (:mod:`gategenome.variants.profile`); at most ``footprint_max``.
    null_alleles
        ``target: insertions`` models: random SNVs, GC-matched to the scored
        alleles, scored as the null of the empirical p-values of the count log fold-change and profile JSD
        (:mod:`gategenome.variants.allele_null`); 0: no p-values.
    """

    context: str = setting("exact", "Upstream context: exact states streamed from the reference, the measured "
                                    "forgetting horizon, or a number of bases (approximate).")
    window: int = setting(50, "w: minimum forget gate and largest accessibility change within w bases of the "
                              "allele.", low=1)
    footprint_max: int = setting(2000, "Bases scanned downstream of each allele: the longest footprint measured.",
                                 low=1)
    footprint_tol: float = setting(1e-3, "Tracks differ where the forget gate or accessibility differ by more.",
                                   low=0.0, low_open=True)
    batch_size: int = setting(64, "Rows computed together (reference and alternative, per strand).", low=2)
    grid: int = setting(512, "With --context exact, windows start at a multiple of this (shared states, long "
                             "chunks).", low=1)
    chunk_size: int = setting(8192, "Bases per forward call; results do not depend on it.", low=1)
    threshold_quantile: float = setting(0.05, "Null quantile that is the drop threshold (as in call).", low=0.0,
                                        high=1.0, low_open=True, high_open=True)
    null_windows: int = setting(16, "Shuffled windows of the null made here (without --threshold/--scan-dir).",
                                low=1)
    null_window: int = setting(20000, "Length of each null window.", low=2)
    strict: bool = setting(False, "A REF that does not match the FASTA is an error (otherwise counted and skipped).")
    symbolic: str = setting("skip", "Symbolic alleles (<DEL>, *, breakends): skipped and counted, or an error.",
                            choices=("skip", "error"))
    unknown_chroms: str = setting("error", "Records on a chromosome the FASTA lacks: an error, or skipped and "
                                           "counted.", choices=("error", "skip"))
    layer: int = setting(-1, "LSTM layer whose mean forget gate is read (-1: the last).")
    seed: int = setting(0, "Seed of the null windows and of the null alleles.")
    profile_window: int = setting(250, "target insertions: bases of each strand's profile window from the allele on "
                                       "(count log fold-change, profile JSD).", low=1)
    null_alleles: int = setting(500, "target insertions: random SNVs, GC-matched to the scored alleles, scored as "
                                     "the null of the p-values; 0: none.", low=0)

    def __post_init__(self) -> None:
        self.context = str(self.context)
        if self.context not in ("exact", "horizon") and not (self.context.isdigit()):
            raise ConfigError(f"--context: got {self.context!r}, expected exact, horizon or a number of bases")
        check_ranges(self, "variants")

    def check_profile_window(self) -> None:
        """Refuse a profile window longer than the bases scanned after each allele (a ``target: insertions``
        model's scores; a ``target: regions`` model has no profile window)."""
        if self.profile_window > self.footprint_max:
            raise ConfigError(f"--profile-window {self.profile_window}: expected at most --footprint-max "
                              f"{self.footprint_max} (the bases scanned after each allele)")
