"""Settings of the prepare step: how regions are made and what a run reads and writes.

Plain dataclasses that import nothing heavy (no numpy, torch or pyBigWig), so the
``prepare`` command reads its option defaults from them while ``--help`` stays
instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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

    smooth: int = 101
    threshold_factor: float = 4.0
    min_length: int = 100
    merge_gap: int = 50
    chunk_size: int = 5_000_000

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range."""
        if self.smooth < 1:
            raise ConfigError(f"--smooth: moving-average window must be >= 1 base, got {self.smooth}")
        if not self.threshold_factor > 0:
            raise ConfigError(f"--threshold-factor: must be > 0, got {self.threshold_factor}")
        if self.min_length < 1:
            raise ConfigError(f"--min-length: shortest region must be >= 1 base, got {self.min_length}")
        if self.merge_gap < 0:
            raise ConfigError(f"--merge-gap: must be >= 0 bases, got {self.merge_gap}")
        if self.chunk_size < 10 * self.smooth:
            raise ConfigError(f"chunk size must be >= 10 x the --smooth window, got {self.chunk_size}")


@dataclass
class PeakRegionSettings:
    """How regions are made from a peaks file: merged across small gaps, short ones dropped."""

    merge_gap: int = 0
    min_length: int = 1

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range."""
        if self.merge_gap < 0:
            raise ConfigError(f"--merge-gap: must be >= 0 bases, got {self.merge_gap}")
        if self.min_length < 1:
            raise ConfigError(f"--min-length: shortest region must be >= 1 base, got {self.min_length}")


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

    exclude_chroms: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    valid_chroms: list[str] = field(default_factory=list)
    test_chroms: list[str] = field(default_factory=list)
    seed: int = 0
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

    min_mapq: int = 30
    tn5_shift: bool = False
    call_peaks: bool = True
    qvalue: float = 0.01
    genome_size: int = 0
    macs3: str = "macs3"
    chunk: int = 1 << 18

    def validate(self) -> None:
        """Raise :class:`ConfigError` on a value outside its range."""
        if self.min_mapq < 0:
            raise ConfigError(f"--min-mapq: must be >= 0, got {self.min_mapq}")
        if not 0 < self.qvalue < 1:
            raise ConfigError(f"--qvalue: must be in (0, 1), got {self.qvalue}")
        if self.genome_size < 0:
            raise ConfigError(f"--genome-size: must be >= 0 (0: the genome length), got {self.genome_size}")
        if self.chunk < 1:
            raise ConfigError(f"chunk: must be >= 1 fragment, got {self.chunk}")
