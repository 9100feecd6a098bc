"""How to explain drops or predicted counts (no heavy import, so the command line reads its defaults here)."""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting
from gategenome.errors import ConfigError

METHODS = ("ism", "ig")
#: What is explained: the forget gate's dip at each drop, or a ``target: insertions`` model's predicted counts.
TARGETS = ("drops", "counts")
#: Which part of an insertions model ``counts`` explains: the bias-factored main model or the Tn5 bias model.
MODEL_PARTS = ("main", "bias")


@dataclass
class ExplainSettings:
    """How to attribute each drop (or peak) to its bases (saved in ``explain.json``).

    Attributes
    ----------
    target
        ``"drops"``: the dip of the forget gate at each drop's summit;
        ``"counts"``: the log predicted insertions of a ``target: insertions``
        model over a window centred on each record (a peak), by gradient x input.
    model_part
        With ``target="counts"``: ``"main"``, the model with Tn5's preference
        factored out (the bias offset is not attributed), or ``"bias"``, the
        frozen Tn5 bias model alone (its log insertion preference).
    flank
        ``W``: bases attributed per drop, the summit and the ``W - 1`` bases
        upstream of it in the scan direction (the model is causal: downstream
        bases cannot move the gate at the summit); with ``target="counts"``, the
        window of ``W`` bases centred on the summit whose predicted insertions are explained.
    top
        Explain only the ``top`` deepest drops (0: every drop of the file).
    method
        Drops: ``"ism"``: exact in-silico saturation mutagenesis (every base of the window
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

    target: str = setting("drops", "What is explained: drops (the forget gate's dip at each drop) or counts (the "
                                   "log predicted insertions around each peak; target insertions models).",
                          choices=TARGETS)
    model_part: str = setting("main", "With --target counts: main (the model with Tn5's preference factored out) or "
                                      "bias (the frozen Tn5 bias model alone).", choices=MODEL_PARTS)
    flank: int = setting(200, "Bases attributed per drop: the summit and those upstream of it in the scan "
                              "direction (--target counts: the window centred on each peak's summit).", low=1)
    top: int = setting(0, "Explain only the N deepest drops (column 7); 0: all.", low=0)
    method: str = setting("ism", "Drops: ism, exact saturation mutagenesis; ig, integrated gradients (faster, "
                                 "approximate).", choices=METHODS)
    context: str = setting("exact", "State where each window starts: the whole-chromosome scan's (exact) or zeros "
                                    "BASES upstream.")
    block: int = setting(16, "Mutagenesis: positions whose mutants share one forward call.", low=1)
    targets: int = setting(8, "Drops computed together.", low=1)
    ig_steps: int = setting(32, "Integrated gradients: points on the path from the all-zero baseline.", low=1)
    check: int = setting(20, "With --method ig: drops also run by mutagenesis to report the agreement.", low=0)
    layer: int = setting(-1, "LSTM layer whose mean forget gate is explained (-1: the last).")
    chunk_size: int = setting(8192, "Bases per forward call when streaming the upstream state.", low=1)

    def __post_init__(self) -> None:
        self.context = str(self.context)
        if self.context != "exact" and not self.context.isdigit():
            raise ConfigError(f"--context: got {self.context!r}, expected exact or a number of bases")
        check_ranges(self, "explain")
        if self.model_part != "main" and self.target != "counts":
            raise ConfigError(f"--model-part {self.model_part}: only predicted counts have parts (the Tn5 bias model "
                              "has no forget gate); expected --target counts, or --model-part main")


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

    window: int = setting(200, "Bases before each summit given to modisco.", low=30, flag="--motif-window")
    max_seqlets: int = setting(20000, "Seqlets per metacluster at most.", low=1)
    min_metacluster: int = setting(30, "Fewest seqlets for modisco to cluster a metacluster.", low=1)
    leiden_runs: int = setting(8, "Leiden clustering runs of modisco.", low=1)
    jaspar_release: str = setting("JASPAR2024", "JASPAR release of pyjaspar's offline database.")
    tax_group: str = setting("fungi", "JASPAR taxonomic group matched against (fungi, vertebrates, plants, insects, "
                                      "... or all).")
    top_matches: int = setting(3, "JASPAR matches listed per motif.", low=1)

    def __post_init__(self) -> None:
        check_ranges(self, "explain")
