"""``gategenome design``: long-memory DNA (or synthetic resets) under synthesis constraints."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

import click

from gategenome.cli.common import (
    OPTION_SETTINGS,
    FiniteFloat,
    device_option,
    refuse_same_files,
    require_writable,
    setting_default,
)
from gategenome.design.settings import BoundarySettings, ConstraintSettings, ContextSettings, SearchSettings

log = logging.getLogger(__name__)

#: Longest design: the search keeps a few float32 states per base and proposal.
MAX_LENGTH = 1_000_000
#: Files of ``--out-prefix P``: P.fa, P.tsv, ...
SUFFIXES = ("fa", "tsv", "png", "json", "gb", "gates.png")


@click.command("design", context_settings={"max_content_width": 100})
@click.option("--model", "model_path", type=click.Path(dir_okay=False), help="Trained model.pt to design for.")
@click.option(
    "--reference", is_flag=True, help="Use the hand-wired reference LSTM (A writes, T holds with f = 0.9995)."
)
@click.option(
    "--length",
    type=click.IntRange(1, MAX_LENGTH),
    required=True,
    help="Memory: filler length L (retention is reported L bases after the writer). Reset: element length (<= 50).",
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    default=setting_default(SearchSettings, "count"),
    help="Designs to emit (independent seeded chains).",
    **OPTION_SETTINGS,
)
@click.option(
    "--goal",
    type=click.Choice(["memory", "reset"]),
    default="memory",
    help="Long memory or a synthetic boundary.",
    **OPTION_SETTINGS,
)
@click.option(
    "--gc-min",
    type=FiniteFloat(0.0, 1.0),
    default=setting_default(ConstraintSettings, "gc_min"),
    help="Lowest GC fraction of every window.",
    **OPTION_SETTINGS,
)
@click.option(
    "--gc-max",
    type=FiniteFloat(0.0, 1.0),
    default=setting_default(ConstraintSettings, "gc_max"),
    help="Highest GC fraction of every window.",
    **OPTION_SETTINGS,
)
@click.option(
    "--gc-window",
    type=int,
    default=setting_default(ConstraintSettings, "gc_window"),
    help="Sliding window (bp) of the GC constraint.",
    **OPTION_SETTINGS,
)
@click.option(
    "--max-homopolymer",
    type=int,
    default=setting_default(ConstraintSettings, "max_homopolymer"),
    help="Longest run of one base allowed (default: no limit).",
)
@click.option("--avoid", multiple=True, help="Forbidden motif, IUPAC, both strands (repeatable), e.g. GAATTC.")
@click.option(
    "--iterations",
    type=click.IntRange(min=0),
    default=setting_default(SearchSettings, "iterations"),
    help="Search steps per design.",
    **OPTION_SETTINGS,
)
@click.option(
    "--proposals",
    type=click.IntRange(min=1),
    default=setting_default(SearchSettings, "proposals"),
    help="Mutations evaluated per design and step.",
    **OPTION_SETTINGS,
)
@click.option(
    "--unit-max-k",
    type=click.IntRange(1, 6),
    default=setting_default(SearchSettings, "unit_max_k"),
    help="Longest repeated unit (k-mer) screened.",
    **OPTION_SETTINGS,
)
@click.option(
    "--signal-value",
    type=FiniteFloat(0.0),
    default=setting_default(SearchSettings, "signal_value"),
    help="Constant raw ATAC signal fed to a dna+signal model (0 = closed chromatin).",
    **OPTION_SETTINGS,
)
@click.option(
    "--boundaries",
    type=click.Path(dir_okay=False),
    help="Reset goal: BED/narrowPeak of real boundaries (drops.bed, or peaks whose edges are used).",
)
@click.option(
    "--genome", type=click.Path(dir_okay=False), help="Reset goal: genome FASTA (.fai beside it) for --boundaries."
)
@click.option(
    "--flank",
    type=click.IntRange(min=1),
    default=setting_default(BoundarySettings, "flank"),
    help="Bases around each boundary compared with the resets.",
    **OPTION_SETTINGS,
)
@click.option(
    "--accessible",
    type=click.Path(dir_okay=False),
    help="Reset goal: BED/narrowPeak of accessible regions (prepare's accessible.bed or peaks); with --genome the "
    "resets are inserted into native closed chromatin away from them and scanned.",
)
@click.option(
    "--contexts",
    type=click.IntRange(1, 100_000),
    default=setting_default(ContextSettings, "contexts"),
    help="Closed-chromatin contexts each reset is inserted into.",
    **OPTION_SETTINGS,
)
@click.option(
    "--design-contexts",
    type=click.IntRange(min=0),
    default=setting_default(ContextSettings, "design_contexts"),
    help="Reset goal with --genome and --accessible: score every candidate inside this many other "
    "closed-chromatin windows (none of them tested), so the search finds elements that drop the gate in "
    "the genome and whose shuffles do not; 0 scores candidates between random flanks.",
    **OPTION_SETTINGS,
)
@click.option(
    "--context-margin",
    type=click.IntRange(min=0),
    default=setting_default(ContextSettings, "margin"),
    help="Least distance (bp) between a context and an accessible region.",
    **OPTION_SETTINGS,
)
@click.option(
    "--threshold",
    type=FiniteFloat(0.0, 1.0),
    default=None,
    help="Gate threshold of a drop in the contexts (default: the 0.05 quantile over dinucleotide-shuffled "
    "contexts, as call sets it from the scan's shuffled null).",
)
@click.option(
    "--min-depth",
    type=FiniteFloat(0.0, 1.0),
    default=setting_default(ContextSettings, "min_depth"),
    help="A drop in the contexts must reach 1 - min f >= this, as call reports no shallower drop (0: off).",
    **OPTION_SETTINGS,
)
@click.option(
    "--reset-shuffles",
    type=click.IntRange(0, 64),
    default=setting_default(SearchSettings, "reset_shuffles"),
    help="Reset goal: favour resets made by base order, less the mean of this many dinucleotide shuffles (0: off).",
    **OPTION_SETTINGS,
)
@click.option(
    "--max-identity",
    type=FiniteFloat(0.0, 1.0),
    default=setting_default(SearchSettings, "max_identity"),
    help="Largest aligned identity between two designs of the run.",
    **OPTION_SETTINGS,
)
@click.option(
    "--seed",
    type=int,
    default=setting_default(SearchSettings, "seed"),
    help="Seed of every random choice.",
    **OPTION_SETTINGS,
)
@device_option
@click.option(
    "--out-prefix",
    required=True,
    help="Writes PREFIX.fa, PREFIX.tsv, PREFIX.png, PREFIX.json, PREFIX.gb and PREFIX.gates.png.",
)
def command(
    model_path, reference, length, count, goal, gc_min, gc_max, gc_window, max_homopolymer, avoid,
    iterations, proposals, unit_max_k, signal_value, boundaries, genome, flank, accessible,
    contexts, design_contexts, context_margin, threshold, min_depth, reset_shuffles, max_identity, seed, device, out_prefix,
) -> None:
    """Design long-memory DNA (or synthetic resets) for a model's gates.

    Memory goal: a short writer k-mer followed by an L bp filler chosen so that
    the model's forget gates stay near 1 and the written cell difference survives.
    Repeated units (all k-mers up to 6) and writers are screened, a seeded search
    optimises the filler under the constraints (GC in every sliding window,
    longest homopolymer, forbidden motifs on both strands), and every design and
    baseline (random sequence and best single repeated unit under the same
    constraints, unconstrained best unit) is verified by the write/read test:
    retention = cell difference at distance L over the difference right after
    the writer. Impossible constraints fail at once.

    The search maximises the hold: the written difference must stay within
    [h, 1/h] of its initial size at every base of the filler (neither lost nor
    amplified), and the hold h (at most 1) is reported with the raw retention.
    The --count designs are at most --max-identity identical to each other
    (global alignment) and each meets every constraint over the whole emitted
    sequence, writer included.

    Reset goal: elements of --length <= 50 bp that drive the mean forget gate
    lowest; with --boundaries and --genome, the top reset 6-mers are counted
    around real boundaries against random genome windows; with --accessible and
    --genome each element is inserted into --contexts native closed-chromatin
    windows and scanned: how often a drop below the call threshold starts over
    the element (or the 10 bases after it), against dinucleotide-shuffled
    elements in the same windows and the windows with nothing inserted.

    Besides PREFIX.fa/.tsv/.png/.json it writes PREFIX.gb (GenBank, writer,
    filler and reset features) and PREFIX.gates.png (per-base forget gate of
    each design).

    \b
    Examples:
      gategenome design --reference --length 2000 --out-prefix ref
      gategenome design --model model.pt --length 2000 --count 4 --gc-min 0.35 --gc-max 0.65 \\
          --max-homopolymer 6 --avoid GAATTC --avoid GGATCC --out-prefix designs
      gategenome design --model model.pt --goal reset --length 30 --boundaries drops.bed \\
          --genome sacCer3.fa --accessible prep/accessible.bed --out-prefix resets
    """
    from gategenome.design.constraints import SequenceConstraints
    from gategenome.design.run import load_design_model, run_memory, run_reset

    _check_options(model_path, reference, goal, length, out_prefix, boundaries, genome, accessible)
    constraints = SequenceConstraints(gc_min, gc_max, gc_window, max_homopolymer, list(avoid))
    constraints.require_feasible(length, seed=seed)
    settings = SearchSettings(
        length=length,
        count=count,
        iterations=iterations,
        proposals=proposals,
        seed=seed,
        unit_max_k=unit_max_k,
        signal_value=signal_value,
        max_identity=max_identity,
        reset_shuffles=reset_shuffles,
    )
    model, context = load_design_model(None if reference else model_path, device, settings)
    with _progress_bars() as progress:
        if goal == "memory":
            run_memory(model, out_prefix, settings, constraints, progress=progress, provenance=context)
        else:
            comparison = BoundarySettings(boundaries, genome, flank) if boundaries else None
            closed = (
                ContextSettings(genome, accessible, contexts, context_margin, threshold, min_depth=min_depth,
                                design_contexts=design_contexts)
                if accessible
                else None
            )
            run_reset(model, out_prefix, settings, constraints, boundaries=comparison, contexts=closed,
                      progress=progress, provenance=context)
    log.info("wrote %s.{%s}", out_prefix, ",".join(SUFFIXES))


def _check_options(model_path, reference, goal, length, out_prefix, boundaries, genome, accessible) -> None:
    """Fail before any work on options that contradict each other or outputs that cannot be written."""
    from gategenome.design.reset import require_reset_length
    from gategenome.errors import ConfigError

    if bool(model_path) == bool(reference):
        raise click.UsageError("give exactly one of --model model.pt or --reference")
    refuse_same_files({f"--out-prefix's .{suffix}": f"{out_prefix}.{suffix}" for suffix in SUFFIXES},
                      {"--model": model_path, "--boundaries": boundaries, "--genome": genome,
                       "--accessible": accessible})
    for suffix in (f".{s}" for s in SUFFIXES):
        require_writable("--out-prefix", f"{out_prefix}{suffix}")
    if goal == "reset":
        require_reset_length(length)
    if bool(genome) != bool(boundaries or accessible):
        raise ConfigError(
            "--genome goes with --boundaries or --accessible (the boundary and context sequences are read from it)"
        )
    if accessible and goal != "reset":
        raise ConfigError("--accessible tests reset elements in genomic context; expected --goal reset")


@contextlib.contextmanager
def _progress_bars() -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """``progress(label, total)`` opening a progress bar on stderr; every bar is closed on exit."""
    from gategenome.core.progress import progress_bar

    bars = []

    def progress(label: str, total: int) -> Callable[[int], None]:
        bar = progress_bar(total, label, unit="step")
        bars.append(bar)
        return bar.update

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()
