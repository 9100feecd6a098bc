"""Settings of a design run (saved in the ``.json`` beside the designs).

Kept apart from the modules that use them and free of heavy imports (no torch,
no numpy), so the command line reads its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting

#: Longest design: the search keeps a few float32 states per base and proposal.
MAX_LENGTH = 1_000_000
#: Longest reset element (bases).
MAX_RESET_LENGTH = 50
#: Search settings of one goal only ('design memory', 'design reset'): not options of the other's subcommand.
MEMORY_ONLY = ("length", "unit_max_k", "max_identity")
RESET_ONLY = ("reset_shuffles",)


@dataclass
class SearchSettings:
    """Settings of the design search, memory and reset goals (saved next to the outputs).

    Attributes
    ----------
    length
        Memory: filler length ``L`` (retention is reported at distance ``L`` after
        the writer).  Reset: element length.
    count
        Designs (independent seeded chains).
    iterations
        Annealing (memory) or greedy (reset) steps per chain.
    proposals
        Mutated candidates evaluated per chain and step (one batch).
    seed
        Seed of every random choice.
    signal_value
        Constant raw ATAC signal of a ``dna+signal`` model (0 = closed chromatin).
    unit_max_k, writer_max_k
        Longest repeated unit screened, longest writer k-mer tried.
    reset_shuffles
        Reset goal: dinucleotide shuffles of each candidate whose mean minimum
        forget gate is subtracted from its own (0: the element's minimum alone).
    max_identity
        Largest pairwise identity (aligned, :mod:`gategenome.design.diversity`)
        between two designs of one run.
    batch_size
        Sequences per forward pass.
    """

    length: int = setting(2000, "Filler length L (retention is reported L bases after the writer).", low=1,
                          high=MAX_LENGTH)
    count: int = setting(4, "Designs to emit (independent seeded chains).", low=1)
    iterations: int = setting(60, "Search steps per design.", low=0)
    proposals: int = setting(16, "Mutations evaluated per design and step.", low=1)
    seed: int = setting(0, "Seed of every random choice.")
    signal_value: float = setting(0.0, "Constant raw ATAC signal fed to a dna+signal model (0 = closed chromatin).",
                                  low=0.0)
    unit_max_k: int = setting(6, "Longest repeated unit (k-mer) screened.", low=1, high=6)
    writer_max_k: int = 4
    batch_size: int = 256
    max_identity: float = setting(0.8, "Largest aligned identity between two designs of the run.", low=0.0, high=1.0)
    reset_shuffles: int = setting(0, "Favour resets made by base order, less the mean of this many dinucleotide "
                                     "shuffles (0: off).", low=0, high=64)

    def __post_init__(self) -> None:
        check_ranges(self, "design")


@dataclass
class ResetSettings:
    """What the reset goal sets beyond :class:`SearchSettings` (whose ``length`` it becomes).

    Attributes
    ----------
    element_length
        Bases of each reset element.
    """

    element_length: int = setting(30, "Length of each reset element, bases.", low=1, high=MAX_RESET_LENGTH)


@dataclass
class ConstraintSettings:
    """Synthesis constraints a designed sequence must satisfy (the values only; the
    checks are :class:`gategenome.design.constraints.SequenceConstraints`).

    Attributes
    ----------
    gc_min, gc_max
        Allowed GC fraction of every sliding window of ``gc_window`` bases.
    gc_window
        Window (bases) of the GC constraint; a shorter sequence is one window.
    max_homopolymer
        Longest run of one base allowed; ``None`` for no limit.
    avoid
        Forbidden motifs (IUPAC), refused on both strands.
    """

    gc_min: float = setting(0.0, "Lowest GC fraction of every window.", low=0.0, high=1.0)
    gc_max: float = setting(1.0, "Highest GC fraction of every window.", low=0.0, high=1.0)
    gc_window: int = setting(50, "Sliding window (bp) of the GC constraint.", low=1)
    max_homopolymer: int | None = setting(None, "Longest run of one base allowed (default: no limit).", low=1)
    avoid: list[str] = setting([], "Forbidden motif, IUPAC, both strands (repeatable), e.g. GAATTC.")

    def __post_init__(self) -> None:
        check_ranges(self, "design")


@dataclass
class BoundarySettings:
    """Real boundaries the reset elements are compared with.

    Attributes
    ----------
    boundaries
        BED of boundaries: ``drops.bed`` (BED6+4, windows around each summit), a
        plain BED (around each interval) or a ``.narrowPeak`` file (around both
        edges of each peak).
    genome
        Genome FASTA (``.fai`` beside it) the boundary sequences are read from.
    flank
        Bases on each side of a summit, interval or peak edge.
    """

    boundaries: str
    genome: str
    flank: int = setting(25, "Bases around each boundary compared with the resets.", low=1)

    def __post_init__(self) -> None:
        check_ranges(self, "design")


@dataclass
class ContextSettings:
    """Native closed-chromatin contexts the reset elements are inserted into.

    Attributes
    ----------
    genome
        Genome FASTA the contexts are read from.
    accessible
        BED (or ``.narrowPeak``) of accessible regions (the prepared
        ``accessible.bed`` or the peaks): contexts keep ``margin`` bases away.
    contexts
        Native windows sampled (seeded).
    margin
        Least distance (bases) between a context and an accessible region.
    threshold
        Gate threshold of a drop; ``None``: the ``threshold_quantile`` of the gate
        over dinucleotide-shuffled contexts, as ``call`` sets it from the scan's null.
    threshold_quantile
        Quantile of that null (``call``'s default).
    min_depth
        Shallowest drop (``1 - min f``) that counts, as ``call`` tests and reports
        only drops at least this deep (its ``min_depth``): the threshold applied is
        ``min(threshold, 1 - min_depth)``.  0 counts every crossing of the threshold.
    design_contexts
        Other closed-chromatin windows (none overlapping the tested ones) the
        search scores every candidate in (:mod:`gategenome.design.in_context`);
        0 scores candidates between random flanks.
    """

    genome: str
    accessible: str
    contexts: int = setting(200, "Closed-chromatin contexts each reset is inserted into.", low=1, high=100_000)
    margin: int = setting(500, "Least distance (bp) between a context and an accessible region.", low=0,
                          flag="--context-margin")
    threshold: float | None = setting(None, "Gate threshold of a drop in the contexts (default: the 0.05 quantile "
                                            "over dinucleotide-shuffled contexts, as call sets it from the scan's "
                                            "shuffled null).", low=0.0, high=1.0)
    threshold_quantile: float = 0.05
    min_depth: float = setting(0.9, "A drop in the contexts must reach 1 - min f >= this, as call reports no "
                                    "shallower drop (0: off).", low=0.0, high=1.0)
    design_contexts: int = setting(16, "Score every candidate inside this many other closed-chromatin windows (none "
                                       "of them tested), so the search finds elements that drop the gate in the "
                                       "genome and whose shuffles do not; 0 scores candidates between random "
                                       "flanks.", low=0)

    def __post_init__(self) -> None:
        check_ranges(self, "design")
