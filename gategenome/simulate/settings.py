"""Parameters of a simulation (saved as ``simulate.json``).

Free of heavy imports, so the command line reads its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting

#: Longest simulated chromosome (a little over hg38's chr1), and most simulated bases in all:
#: memory does not grow with either (chromosomes are drawn a piece at a time), disk and time do.
MAX_LENGTH = 300_000_000
MAX_BASES = 1_000_000_000
#: Most fragments per average region: more only slows the pileup down.
MAX_DEPTH = 100_000.0


@dataclass(frozen=True)
class SimulationSettings:
    """Parameters of a simulation (saved as ``simulate.json``).

    Attributes
    ----------
    seed : int
        Seed of the random generator.
    chroms : int
        Number of chromosomes (named ``chrS1``, ``chrS2``, ...).
    length : int
        Length of each chromosome in bases.
    spacing : int
        Mean distance between planted accessible regions (bases).
    min_width, max_width : int
        Range of accessible-region widths (bases).
    depth : float
        Mean number of ATAC fragments in an average region of 250 bp.
    background : float
        Mean background coverage outside accessible regions (fragments per base).
    weak_fraction : float
        Fraction of regions made four times weaker.
    regions : bool
        Plant accessible regions; False gives background sequence and signal only
        (no boundary anywhere: the null check of the boundary caller).
    gap_length : int
        Bases of N in the middle of each chromosome (a centromere), with 10 kb
        of N at each end (telomeres); 0 = no N at all.
    """

    seed: int = setting(1, "Random seed (same seed, same files).")
    chroms: int = setting(5, "Number of chromosomes.", low=1, high=100)
    length: int = setting(500_000, "Length of each chromosome (bp).", low=10_000, high=MAX_LENGTH)
    spacing: int = setting(3_000, "Mean distance between planted accessible regions (bp).", low=1_000, high=MAX_LENGTH)
    min_width: int = 150
    max_width: int = 500
    depth: float = setting(60.0, "Mean ATAC fragments in an average (250 bp) accessible region.", low=0.0,
                           high=MAX_DEPTH, low_open=True)
    background: float = 0.6
    weak_fraction: float = 0.15
    regions: bool = setting(True, "Plant accessible regions; --no-regions: background only, no boundary anywhere.")
    gap_length: int = setting(0, "Bases of N in the middle of each chromosome (a centromere), plus 10 kb of N at "
                                 "each end; 0: none.", low=0, high=MAX_LENGTH)

    def __post_init__(self) -> None:
        check_ranges(self, "simulate")
