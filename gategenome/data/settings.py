"""Settings of the prepare step: how regions are made and what a run reads and writes.

Plain dataclasses that import nothing heavy (no numpy, torch or pyBigWig), so the
``prepare`` command reads its option defaults from them while ``--help`` stays
instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gategenome.core.settings import check_ranges, setting
from gategenome.data.chromosomes import DEFAULT_EXCLUDE
from gategenome.errors import ConfigError


@dataclass
class SignalRegionSettings:
    """How regions are derived from a bigWig when no peaks file is given.

    Attributes
    ----------
    smooth
        Width in bases of the centred moving average over the signal.
    threshold_factor
        A base is accessible when its smoothed signal is at least this multiple
        of the mean signal over all kept, non-blacklisted bases.
    min_length
        Shortest region kept, in bases (after merging).
    merge_gap
        Regions closer than this many bases are joined.
    chunk_size
        Bases read from the bigWig at a time (bounds memory).
    """

    smooth: int = setting(101, "bigWig mode: centred moving-average width over the signal, bases.", low=1)
    threshold_factor: float = setting(4.0, "bigWig mode: accessible where the smoothed signal >= this x the "
                                           "genome-wide mean (fold enrichment; independent of sequencing depth).",
                                      low=0.0, low_open=True)
    min_length: int = setting(100, "Shortest region kept, bases.", low=1)
    merge_gap: int = setting(50, "Join regions closer than this many bases.", low=0)
    chunk_size: int = 5_000_000

    def __post_init__(self) -> None:
        check_ranges(self, "prepare")

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range (the declared ranges are checked on creation)."""
        check_ranges(self, "prepare")
        if self.chunk_size < 10 * self.smooth:
            raise ConfigError(f"chunk size must be >= 10 x the --smooth window, got {self.chunk_size}")


@dataclass
class PeakRegionSettings:
    """How regions are made from a peaks file: merged across small gaps, short ones dropped."""

    merge_gap: int = setting(0, "Join regions closer than this many bases.", low=0)
    min_length: int = setting(1, "Shortest region kept, bases.", low=1)

    def __post_init__(self) -> None:
        check_ranges(self, "prepare")

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range (also checked on creation)."""
        check_ranges(self, "prepare")


@dataclass
class PrepareSettings:
    """Options of :func:`gategenome.data.prepare.run_prepare`; saved resolved in ``prepare.json`` with its paths.

    Attributes
    ----------
    exclude_chroms
        Regular expressions of chromosome names to drop.
    valid_chroms, test_chroms
        Optional user held-out chromosomes (instead of a ``folds.json``).
    seed
        Seed of the automatic fold split.
    peak_settings, signal_settings
        Region-making settings for each mode.
    """

    exclude_chroms: list[str] = setting(list(DEFAULT_EXCLUDE), "Drop chromosomes whose full name matches "
                                        "(regular expressions, case-insensitive; repeatable). Given patterns replace "
                                        "the default (mitochondrion, unplaced/random/alt contigs); 'none' keeps every "
                                        "chromosome.")
    valid_chroms: list[str] = setting([], "Comma-separated validation chromosomes (repeatable); the rest train.")
    test_chroms: list[str] = setting([], "Comma-separated test chromosomes (repeatable); the rest train.")
    seed: int = setting(0, "Seed of the automatic fold split.")
    peak_settings: PeakRegionSettings = field(default_factory=PeakRegionSettings)
    signal_settings: SignalRegionSettings = field(default_factory=SignalRegionSettings)


@dataclass
class SignalSettings:
    """Options of :func:`gategenome.data.signal.run_signal`; saved in ``signal.json`` with its paths.

    Attributes
    ----------
    min_mapq
        Lowest mapping quality of a BAM read kept.
    tn5_shift
        Move fragment ends by +4/-5 onto the Tn5 insertion centres.
    call_peaks
        Call peaks with MACS3 on the kept fragments.
    qvalue
        MACS3 ``-q`` cut-off.
    genome_size
        MACS3 ``-g``; 0 means the genome's length.
    macs3
        The MACS3 program.
    chunk
        About this many fragment lines are read at a time (bounds memory with the chromosome length).
    """

    min_mapq: int = setting(30, "BAM: lowest mapping quality kept.", low=0)
    tn5_shift: bool = setting(False, "Move fragment starts +4 and ends -5 onto the Tn5 insertion centres.")
    call_peaks: bool = setting(True, "Call peaks with MACS3 (callpeak -f BEDPE) on the kept fragments.")
    qvalue: float = setting(0.01, "MACS3 q-value cut-off (-q).", low=0.0, high=1.0, low_open=True, high_open=True)
    genome_size: int = setting(0, "MACS3 effective genome size (-g); 0 = the genome's length.", low=0)
    macs3: str = setting("macs3", "The MACS3 program.")
    chunk: int = 1 << 18

    def __post_init__(self) -> None:
        check_ranges(self, "signal")

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range."""
        check_ranges(self, "signal")
        if self.chunk < 1:
            raise ConfigError(f"chunk: must be >= 1 fragment, got {self.chunk}")
