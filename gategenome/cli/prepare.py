"""``gategenome prepare``: accessible regions, folds and chromosome sizes."""

from __future__ import annotations

import click

from gategenome.cli.common import FiniteFloat, refuse_same_files, require_writable, setting_default
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings


def _split_names(values: tuple[str, ...]) -> list[str]:
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


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
@click.option(
    "--exclude-chroms",
    multiple=True,
    metavar="REGEX",
    default=setting_default(PrepareSettings, "exclude_chroms"),
    show_default=True,
    help="Drop chromosomes whose full name matches (case-insensitive; repeatable). "
    "Given patterns replace the default (mitochondrion, unplaced/random/alt "
    "contigs); 'none' keeps every chromosome.",
)
@click.option(
    "--folds",
    "folds_file",
    type=click.Path(dir_okay=False),
    default=None,
    help='Use this folds.json ({"train": [...], "valid": [...], "test": [...]}).',
    show_default=True,
)
@click.option(
    "--valid-chroms",
    multiple=True,
    metavar="NAMES",
    help="Comma-separated validation chromosomes (repeatable); the rest train.",
    show_default=True,
)
@click.option(
    "--test-chroms",
    multiple=True,
    metavar="NAMES",
    help="Comma-separated test chromosomes (repeatable); the rest train.",
    show_default=True,
)
@click.option(
    "--seed",
    type=int,
    default=setting_default(PrepareSettings, "seed"),
    show_default=True,
    help="Seed of the automatic fold split.",
)
@click.option(
    "--smooth",
    type=int,
    default=setting_default(SignalRegionSettings, "smooth"),
    show_default=True,
    help="bigWig mode: centred moving-average width over the signal, bases.",
)
@click.option(
    "--threshold-factor",
    type=FiniteFloat(0.0, min_open=True),
    default=setting_default(SignalRegionSettings, "threshold_factor"),
    show_default=True,
    help="bigWig mode: accessible where the smoothed signal >= this x the genome-wide mean "
    "(fold enrichment; independent of sequencing depth).",
)
@click.option(
    "--min-length",
    type=int,
    default=None,
    show_default=f"{setting_default(SignalRegionSettings, 'min_length')} (bigWig mode), "
    f"{setting_default(PeakRegionSettings, 'min_length')} (peaks)",
    help="Shortest region kept, bases.",
)
@click.option(
    "--merge-gap",
    type=int,
    default=None,
    show_default=f"{setting_default(SignalRegionSettings, 'merge_gap')} (bigWig mode), "
    f"{setting_default(PeakRegionSettings, 'merge_gap')} (peaks)",
    help="Join regions closer than this many bases.",
)
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
def command(
    genome,
    signal,
    peaks,
    blacklist,
    exclude_chroms,
    folds_file,
    valid_chroms,
    test_chroms,
    seed,
    smooth,
    threshold_factor,
    min_length,
    merge_gap,
    signal_summary,
    out_dir,
):
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
    """
    from pathlib import Path

    from gategenome.data.chromosomes import DEFAULT_EXCLUDE
    from gategenome.data.prepare import OUTPUTS, PrepareSettings, run_prepare
    from gategenome.data.regions import PeakRegionSettings, SignalRegionSettings

    require_writable("--out-dir", out_dir, directory=True)
    refuse_same_files({f"--out-dir's {name}": Path(out_dir) / name for name in OUTPUTS},
                      {"--genome": genome, "--signal": signal, "--peaks": peaks, "--blacklist": blacklist,
                       "--folds-file": folds_file})
    if not exclude_chroms:
        patterns = list(DEFAULT_EXCLUDE)
    elif [p.lower() for p in exclude_chroms] == ["none"]:
        patterns = []
    else:
        patterns = list(exclude_chroms)
    signal_defaults = SignalRegionSettings()
    peak_defaults = PeakRegionSettings()
    settings = PrepareSettings(
        exclude_chroms=patterns,
        valid_chroms=_split_names(valid_chroms),
        test_chroms=_split_names(test_chroms),
        seed=seed,
        peak_settings=PeakRegionSettings(
            merge_gap=peak_defaults.merge_gap if merge_gap is None else merge_gap,
            min_length=peak_defaults.min_length if min_length is None else min_length,
        ),
        signal_settings=SignalRegionSettings(
            smooth=smooth,
            threshold_factor=threshold_factor,
            min_length=signal_defaults.min_length if min_length is None else min_length,
            merge_gap=signal_defaults.merge_gap if merge_gap is None else merge_gap,
        ),
    )
    run_prepare(genome, signal, out_dir, settings, peaks=peaks, blacklist=blacklist, folds_file=folds_file,
                signal_summary=signal_summary)
