"""How to explain drops (no heavy import, so the command line reads its defaults here)."""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.errors import ConfigError

METHODS = ("ism", "ig")


@dataclass
class ExplainSettings:
    """How to attribute each drop to the bases upstream of it (saved in ``explain.json``).

    Attributes
    ----------
    flank
        ``W``: bases attributed per drop, the summit and the ``W - 1`` bases
        upstream of it in the scan direction (the model is causal: downstream
        bases cannot move the gate at the summit).
    top
        Explain only the ``top`` deepest drops (0: every drop of the file).
    method
        ``"ism"``: exact in-silico saturation mutagenesis (every base of the window
        changed to each other base); ``"ig"``: integrated gradients (faster, approximate).
    context
        Upstream of the window: ``"exact"`` (the state of the whole-chromosome
        scan, streamed once per chromosome and strand) or a number of bases (as a
        string; the window starts from zeros that far upstream: an approximation).
    block
        Mutagenesis: mutants of ``block`` consecutive positions start together from
        the reference state at the first of them (rows per forward call: 3 x block x targets).
    targets
        Drops computed together.
    ig_steps
        Integrated gradients: points on the straight path from the all-zero baseline.
    check
        With ``method="ig"``: also run the mutagenesis on this many drops and report
        how well the two agree (Pearson correlation of the per-base scores).
    layer
        LSTM layer whose mean forget gate is explained (-1: the last).
    chunk_size
        Bases per forward call when streaming the upstream state.
    """

    flank: int = 200
    top: int = 0
    method: str = "ism"
    context: str = "exact"
    block: int = 16
    targets: int = 8
    ig_steps: int = 32
    check: int = 20
    layer: int = -1
    chunk_size: int = 8192

    def __post_init__(self) -> None:
        self.context = str(self.context)
        if self.context != "exact" and not self.context.isdigit():
            raise ConfigError(f"--context: got {self.context!r}, expected exact or a number of bases")
        if self.method not in METHODS:
            raise ConfigError(f"--method: got {self.method!r}, expected one of {', '.join(METHODS)}")
        for name in ("flank", "block", "targets", "ig_steps", "chunk_size"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"--{name.replace('_', '-')}: got {getattr(self, name)!r}, expected a positive integer")
        for name in ("top", "check"):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"--{name}: got {getattr(self, name)!r}, expected 0 or more")


@dataclass
class MotifSettings:
    """How motifs are found in the attributions and matched to JASPAR.

    Attributes
    ----------
    window
        Bases around each drop given to modisco (the last ``window`` bases of the
        attributed stretch, ending at the summit).
    max_seqlets
        Seqlets per metacluster at most (modisco's ``max_seqlets_per_metacluster``).
    min_metacluster
        Fewest seqlets for a metacluster to be clustered (``min_metacluster_size``).
    leiden_runs
        Leiden clustering runs (``n_leiden_runs``; fewer is faster).
    jaspar_release
        JASPAR release of pyjaspar's offline database.
    tax_group
        JASPAR taxonomic group the matches are drawn from (``all`` for every one).
    top_matches
        JASPAR matches listed per motif.
    """

    window: int = 200
    max_seqlets: int = 20000
    min_metacluster: int = 30
    leiden_runs: int = 8
    jaspar_release: str = "JASPAR2024"
    tax_group: str = "fungi"
    top_matches: int = 3

    def __post_init__(self) -> None:
        for name in ("window", "max_seqlets", "min_metacluster", "leiden_runs", "top_matches"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"--{name.replace('_', '-')}: got {getattr(self, name)!r}, expected a positive integer")
