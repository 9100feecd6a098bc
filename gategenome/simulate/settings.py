"""Parameters of a simulation (saved as ``simulate.json``).

Free of heavy imports, so the command line reads its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    seed: int = 1
    chroms: int = 5
    length: int = 500_000
    spacing: int = 3_000
    min_width: int = 150
    max_width: int = 500
    depth: float = 60.0
    background: float = 0.6
    weak_fraction: float = 0.15
    regions: bool = True
    gap_length: int = 0
