"""``gategenome prepare``: accessible regions, folds and chromosome sizes."""

from __future__ import annotations

import click

from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, option_name, settings_from_options, settings_options
from gategenome.core.settings import declared_fields
from gategenome.data.chromosomes import DEFAULT_EXCLUDE
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings

#: Settings both region modes declare, each with its own default.
_PER_MODE = ("min_length", "merge_gap")


def _split_names(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _exclude_patterns(values: tuple[str, ...]) -> list[str]:
    """The --exclude-chroms patterns: ``none`` alone keeps every chromosome, none given (an empty list) the default."""
    if not values:
        return list(DEFAULT_EXCLUDE)
    return [] if [value.lower() for value in values] == ["none"] else list(values)


def _per_mode_option(name: str):
    """One option for a field of both region modes: unset, each mode keeps its own default."""
    signal_field, peak_field = ({item.name: item for item in declared_fields(cls)}[name]
                                for cls in (SignalRegionSettings, PeakRegionSettings))
    shown = f"{signal_field.default} (bigWig mode), {peak_field.default} (peaks)"
    return click.option(option_name(signal_field), name, type=click.IntRange(min=signal_field.metadata["low"]),
                        default=None, show_default=shown, help=signal_field.metadata["help"])


@click.command("prepare", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--genome",
    required=True,
    type=click.Path(dir_okay=False),
    help="Genome FASTA (plain or bgzip; a missing .fai is built).",
    show_default=True,
)
@click.option(
    "--signal",
    required=True,
    type=click.Path(dir_okay=False),
    help="ATAC-seq bigWig on the same assembly (names like chrI/I are matched).",
    show_default=True,
)
@click.option(
    "--peaks",
    type=click.Path(dir_okay=False),
    default=None,
    help="Peaks BED/narrowPeak; regions come from it instead of the bigWig.",
    show_default=True,
)
@click.option(
    "--blacklist",
    type=click.Path(dir_okay=False),
    default=None,
    help="BED of regions to cut out of the accessible regions (e.g. collapsed repeats).",
    show_default=True,
)
@settings_options(PrepareSettings)
@click.option(
    "--folds",
    "folds_file",
    type=click.Path(dir_okay=False),
    default=None,
    help='Use this folds.json ({"train": [...], "valid": [...], "test": [...]}).',
    show_default=True,
)
@settings_options(SignalRegionSettings, exclude=_PER_MODE)
@_per_mode_option("min_length")
@_per_mode_option("merge_gap")
@config_option(PrepareSettings, SignalRegionSettings, PeakRegionSettings)
@click.option(
    "--signal-summary",
    type=click.Path(dir_okay=False),
    default=None,
    help="signal.json of 'gategenome signal' that made --signal (and --peaks): its inputs, "
    "counts and MACS3 command and version go into prepare.json.",
    show_default=True,
)
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory (created; existing files of the same names are replaced).",
    show_default=True,
)
@guard_paths(inputs=("genome", "signal", "peaks", "blacklist", "folds_file", "signal_summary"),
             output_dirs=("out_dir",), product="prepare.json")
def command(genome, signal, peaks, blacklist, folds_file, signal_summary, out_dir, **options):
    """Make accessible regions, chromosome folds and sizes for training.

    Regions come from --peaks when given (merged, clipped to the chromosomes),
    otherwise from the bigWig: centred moving average of the signal (--smooth),
    accessible where it reaches --threshold-factor x the mean signal of the kept,
    non-blacklisted bases (a fold enrichment, independent of sequencing depth),
    runs joined across --merge-gap and at least --min-length long.
    Chromosomes matching --exclude-chroms are dropped and --blacklist regions
    cut out.  Whole chromosomes are split into train/valid/test (about 70/15/15%
    of bases, seeded) unless --folds or --valid-chroms/--test-chroms say
    otherwise.  Writes OUT_DIR/accessible.bed, folds.json, chrom.sizes and
    prepare.json (resolved settings and counts), all together or none.

    \b
    Examples:
      gategenome prepare --genome sacCer3.fa --signal atac.bw \\
          --peaks peaks.narrowPeak --blacklist config/sacCer3.blacklist.bed --out-dir prep
      gategenome prepare --genome hg38.fa --signal atac.bw --test-chroms chr8,chr9 \\
          --valid-chroms chr10 --out-dir prep
      gategenome prepare --genome hg38.fa --signal atac.bw --config prepare.yaml --out-dir prep   # settings from YAML
    """
    from pathlib import Path

    from gategenome.data.prepare import OUTPUTS, run_prepare

    require_writable("--out-dir", out_dir, directory=True)
    refuse_same_files({f"--out-dir's {name}": Path(out_dir) / name for name in OUTPUTS},
                      {"--genome": genome, "--signal": signal, "--peaks": peaks, "--blacklist": blacklist,
                       "--folds-file": folds_file})
    per_mode = {name: value for name in _PER_MODE if (value := options.pop(name)) is not None}
    options.update(exclude_chroms=_exclude_patterns(options["exclude_chroms"]),
                   valid_chroms=_split_names(options["valid_chroms"]), test_chroms=_split_names(options["test_chroms"]))
    settings = settings_from_options(
        PrepareSettings, options, peak_settings=PeakRegionSettings(**per_mode),
        signal_settings=settings_from_options(SignalRegionSettings, {**options, **per_mode}),
    )
    run_prepare(genome, signal, out_dir, settings, peaks=peaks, blacklist=blacklist, folds_file=folds_file,
                signal_summary=signal_summary)
