"""Settings of a design run (saved in the ``.json`` beside the designs).

Kept apart from the modules that use them and free of heavy imports (no torch,
no numpy), so the command line reads its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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

    length: int = 2000
    count: int = 4
    iterations: int = 60
    proposals: int = 16
    seed: int = 0
    signal_value: float = 0.0
    unit_max_k: int = 6
    writer_max_k: int = 4
    batch_size: int = 256
    max_identity: float = 0.8
    reset_shuffles: int = 0


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

    gc_min: float = 0.0
    gc_max: float = 1.0
    gc_window: int = 50
    max_homopolymer: int | None = None
    avoid: list[str] = field(default_factory=list)


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
    flank: int = 25


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
    contexts: int = 200
    margin: int = 500
    threshold: float | None = None
    threshold_quantile: float = 0.05
    min_depth: float = 0.9
    design_contexts: int = 16
