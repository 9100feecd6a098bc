"""``gategenome design memory`` and ``design reset``: long-memory DNA or synthetic resets under constraints."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator

import click

from gategenome.cli.common import device_option, refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.design.settings import (
    MEMORY_ONLY,
    RESET_ONLY,
    BoundarySettings,
    ConstraintSettings,
    ContextSettings,
    ResetSettings,
    SearchSettings,
)

log = logging.getLogger(__name__)

#: Files of ``--out-prefix P``: P.fa, P.tsv, ...
SUFFIXES = ("fa", "tsv", "png", "json", "gb", "gates.png")


def model_options(function: Callable) -> Callable:
    """``--model`` or ``--reference``: the LSTM designed for."""
    function = click.option("--reference", is_flag=True,
                            help="Use the hand-wired reference LSTM (A writes, T holds with f = 0.9995).")(function)
    return click.option("--model", "model_path", type=click.Path(dir_okay=False),
                        help="Trained model.pt to design for.")(function)


def output_options(function: Callable) -> Callable:
    """``--device`` and ``--out-prefix``."""
    function = click.option("--out-prefix", required=True,
                            help="Writes PREFIX.fa, PREFIX.tsv, PREFIX.png, PREFIX.json, PREFIX.gb and "
                                 "PREFIX.gates.png.")(function)
    return device_option(function)


@click.group("design", context_settings=CONTEXT_SETTINGS)
def command() -> None:
    """Design DNA for a model's gates: long memory ('design memory') or synthetic resets ('design reset').

    Both write PREFIX.fa/.tsv/.png/.json, PREFIX.gb (GenBank, writer, filler and
    reset features) and PREFIX.gates.png (per-base forget gate of each design).

    \b
    Examples:
      gategenome design memory --reference --length 2000 --out-prefix ref
      gategenome design reset --model model.pt --element-length 30 --out-prefix resets
    """


@command.command("memory", context_settings=CONTEXT_SETTINGS)
@model_options
@settings_options(SearchSettings, ConstraintSettings, exclude=RESET_ONLY)
@config_option(SearchSettings, ConstraintSettings, exclude=RESET_ONLY)
@output_options
@guard_paths(inputs=("model_path",), prefixes={"out_prefix": tuple(f".{s}" for s in SUFFIXES)})
def memory(model_path, reference, device, out_prefix, **options) -> None:
    """Design long-memory DNA: a writer k-mer, then a filler the model's forget gates hold across.

    A short writer k-mer is followed by an L bp filler chosen so that the
    model's forget gates stay near 1 and the written cell difference survives.
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

    \b
    Examples:
      gategenome design memory --reference --length 2000 --out-prefix ref
      gategenome design memory --model model.pt --length 2000 --count 4 --gc-min 0.35 --gc-max 0.65 \\
          --max-homopolymer 6 --avoid GAATTC --avoid GGATCC --out-prefix designs
      gategenome design memory --model model.pt --config design.yaml --out-prefix designs   # settings from YAML
    """
    from gategenome.design.constraints import SequenceConstraints
    from gategenome.design.run import load_design_model, run_memory

    _check_model(model_path, reference)
    _check_outputs(out_prefix, {"--model": model_path})
    settings = settings_from_options(SearchSettings, options)
    constraints = settings_from_options(SequenceConstraints, options)
    constraints.require_feasible(settings.length, seed=settings.seed)
    model, context = load_design_model(None if reference else model_path, device, settings)
    with _progress_bars() as progress:
        run_memory(model, out_prefix, settings, constraints, progress=progress, provenance=context)
    log.info("wrote %s.{%s}", out_prefix, ",".join(SUFFIXES))


@command.command("reset", context_settings=CONTEXT_SETTINGS)
@model_options
@settings_options(ResetSettings, SearchSettings, ConstraintSettings, exclude=MEMORY_ONLY)
@click.option("--boundaries", type=click.Path(dir_okay=False),
              help="BED/narrowPeak of real boundaries (drops.bed, or peaks whose edges are used).")
@click.option("--genome", type=click.Path(dir_okay=False), help="Genome FASTA (.fai beside it) of --boundaries "
                                                                 "and --accessible.")
@settings_options(BoundarySettings)
@click.option("--accessible", type=click.Path(dir_okay=False),
              help="BED/narrowPeak of accessible regions (prepare's accessible.bed or peaks); with --genome the "
                   "resets are inserted into native closed chromatin away from them and scanned.")
@settings_options(ContextSettings)
@config_option(ResetSettings, SearchSettings, ConstraintSettings, BoundarySettings, ContextSettings,
               exclude=MEMORY_ONLY)
@output_options
@guard_paths(inputs=("model_path", "boundaries", "genome", "accessible"),
             prefixes={"out_prefix": tuple(f".{s}" for s in SUFFIXES)})
def reset(model_path, reference, boundaries, genome, accessible, device, out_prefix, **options) -> None:
    """Design synthetic resets: short elements that drive the mean forget gate lowest.

    Elements of --element-length <= 50 bp are searched to drive the mean forget
    gate lowest; with --boundaries and --genome, the top reset 6-mers are counted
    around real boundaries against random genome windows; with --accessible and
    --genome each element is inserted into --contexts native closed-chromatin
    windows and scanned: how often a drop below the call threshold starts over
    the element (or the 10 bases after it), against dinucleotide-shuffled
    elements in the same windows and the windows with nothing inserted.

    \b
    Examples:
      gategenome design reset --reference --element-length 12 --out-prefix resets
      gategenome design reset --model model.pt --element-length 30 --boundaries drops.bed \\
          --genome sacCer3.fa --accessible prep/accessible.bed --out-prefix resets
      gategenome design reset --model model.pt --config resets.yaml --out-prefix resets   # settings from YAML
    """
    from gategenome.design.constraints import SequenceConstraints
    from gategenome.design.run import load_design_model, run_reset
    from gategenome.errors import ConfigError

    _check_model(model_path, reference)
    _check_outputs(out_prefix, {"--model": model_path, "--boundaries": boundaries, "--genome": genome,
                                "--accessible": accessible})
    if bool(genome) != bool(boundaries or accessible):
        raise ConfigError(
            "--genome goes with --boundaries or --accessible (the boundary and context sequences are read from it)"
        )
    element = settings_from_options(ResetSettings, options)
    settings = settings_from_options(SearchSettings, options, length=element.element_length)
    constraints = settings_from_options(SequenceConstraints, options)
    constraints.require_feasible(settings.length, seed=settings.seed)
    comparison = settings_from_options(BoundarySettings, options, boundaries=boundaries, genome=genome) \
        if boundaries else None
    closed = settings_from_options(ContextSettings, options, genome=genome, accessible=accessible) \
        if accessible else None
    model, context = load_design_model(None if reference else model_path, device, settings)
    with _progress_bars() as progress:
        run_reset(model, out_prefix, settings, constraints, boundaries=comparison, contexts=closed,
                  progress=progress, provenance=context)
    log.info("wrote %s.{%s}", out_prefix, ",".join(SUFFIXES))


def _check_model(model_path, reference) -> None:
    if bool(model_path) == bool(reference):
        raise click.UsageError("give exactly one of --model model.pt or --reference")


def _check_outputs(out_prefix, inputs) -> None:
    """Fail before any work on outputs that are inputs or cannot be written."""
    refuse_same_files({f"--out-prefix's .{suffix}": f"{out_prefix}.{suffix}" for suffix in SUFFIXES}, inputs)
    for suffix in (f".{s}" for s in SUFFIXES):
        require_writable("--out-prefix", f"{out_prefix}{suffix}")


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
