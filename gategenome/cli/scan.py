"""``gategenome scan``: per-base forget-gate and accessibility tracks of a genome."""

from __future__ import annotations

import re

import click

from gategenome.cli.common import (
    device_option,
    model_input_options,
    open_model_inputs,
    progress_option,
    require_writable,
    threads_option,
)
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.io.guard import guard_paths
from gategenome.scan.settings import ScanSettings

_REGION = re.compile(r"^(?P<chrom>[^:]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)$")


def _parse_region(text: str, sizes: dict[str, int]) -> tuple[str, int, int]:
    match = _REGION.match(text.strip())
    if not match:
        raise click.BadParameter(f"got {text!r}, expected CHROM:START-END (0-based, half-open)", param_hint="--region")
    chrom = match["chrom"]
    start, end = int(match["start"].replace(",", "")), int(match["end"].replace(",", ""))
    if chrom not in sizes:
        raise click.BadParameter(f"unknown chromosome {chrom!r}; expected one of {', '.join(sizes)}",
                                 param_hint="--region")
    if not 0 <= start < end <= sizes[chrom]:
        raise click.BadParameter(f"got {start}-{end}, expected 0 <= START < END <= {sizes[chrom]} ({chrom})",
                                 param_hint="--region")
    return chrom, start, end


@click.command("scan", context_settings=CONTEXT_SETTINGS)
@model_input_options(
    genome_help="Genome FASTA (plain or bgzip).",
    signal_help="ATAC-seq bigWig; required by dna+signal models (a chromosome it lacks reads as zero).",
)
@click.option("--out-dir", required=True, type=click.Path(file_okay=False),
              help="Scan directory (shards of other chromosomes already there are kept).")
@click.option("--chrom", "chroms", multiple=True, metavar="NAME",
              help="Scan only this chromosome (repeatable): one shard for workflow scatter; no bigWigs.")
@click.option("--region", default=None, metavar="CHROM:START-END",
              help="Scan only this stretch (0-based, half-open); arrays stay chromosome-long, NaN outside.")
@click.option("--strand", type=click.Choice(["both", "+", "-"]), default="both", show_default=True,
              help="Strands to scan; the minus strand is the reverse complement mapped back.")
@settings_options(ScanSettings)
@config_option(ScanSettings)
@threads_option("The LSTM is sequential in the bases and gate recovery and reading already run in their "
                "own threads, so one process uses about two cores; use more processes (--chrom shards) "
                "to use more cores.")
@click.option("--exclude-chroms", multiple=True, metavar="REGEX",
              help="Whole-genome scan: leave out chromosomes whose full name matches (case-insensitive; repeatable). "
                   "Given patterns replace the default (chrM/MT, chrEBV, *_random, *_alt, *_fix, chrUn_*, *_decoy, "
                   "HLA-*, Ensembl scaffolds such as KI270728.1); 'none' scans every contig.")
@click.option("--tracks/--no-tracks", "make_tracks", default=True, show_default=True,
              help="After a whole-genome scan (no --chrom/--region), also write the bigWigs.")
@progress_option
@device_option
@guard_paths(inputs=("model_path", "genome", "signal"), output_dirs=("out_dir",), publish="resumable",
             product="scan.json")
def command(model_path, genome, signal, out_dir, chroms, region, strand, threads, exclude_chroms, make_tracks,
            progress, device, **options):
    """Scan a genome with a trained model: mean forget gate and accessibility per base.

    Streams every chromosome through the model in chunks, carrying the LSTM state
    across chunks (exact: independent of --chunk-size), on both strands (the minus
    strand as the reverse complement, mapped back to reference coordinates).
    Writes per chromosome and strand the mean forget gate (float16) and the
    predicted probability of accessibility (uint8, 1/254 steps) into OUT_DIR (scan.json,
    chroms/*.npy, a chroms/<chrom>.json marker written last), plus the null
    for 'gategenome call': the same model over dinucleotide-shuffled windows.
    Runs of N are NaN; the state is reset after --n-reset or more N.  A
    whole-genome scan also writes forget.plus.bw, forget.minus.bw and
    accessibility.bw (otherwise run 'gategenome tracks' after the shards).

    \b
    Examples:
      gategenome scan --model model.pt --genome sacCer3.fa --signal atac.bw --out-dir scan
      gategenome scan --model model.pt --genome hg38.fa --signal atac.bw --chrom chr1 --out-dir scan
      gategenome scan --model model.pt --genome sacCer3.fa --config scan.yaml --out-dir scan   # settings from YAML
      gategenome tracks --scan-dir scan
    """
    import logging

    import torch

    from gategenome.scan.stream import run_scan

    log = logging.getLogger("gategenome.scan.stream")
    require_writable("--out-dir", out_dir, directory=True)
    if threads:
        torch.set_num_threads(threads)
    with open_model_inputs(model_path, genome, signal, device) as inputs:
        fasta = inputs.fasta
        unknown = [name for name in chroms if name not in fasta.sizes]
        if unknown:
            raise click.BadParameter(
                f"unknown chromosome(s) {', '.join(unknown)}; expected one of {', '.join(fasta.sizes)}",
                param_hint="--chrom",
            )
        span = _parse_region(region, fasta.sizes) if region else None
        if span and chroms:
            raise click.UsageError("--region and --chrom exclude each other")
        selected = list(chroms) or (None if span else _kept_chromosomes(fasta.sizes, exclude_chroms, log))
        settings = settings_from_options(ScanSettings, options,
                                         strands=["+", "-"] if strand == "both" else [strand])
        if inputs.device.type == "cuda":
            settings = _cuda_settings(settings, len(chroms) or (1 if span else len(fasta.sizes)), log)
        run_scan(inputs.model, fasta, inputs.track, out_dir, settings, chroms=selected, region=span,
                 device=inputs.device, provenance=inputs.paths, progress=progress)
    if make_tracks and not chroms and not span:
        from gategenome.export.settings import TrackSettings
        from gategenome.export.tracks import run_tracks

        run_tracks(out_dir, None, TrackSettings())


def _cuda_settings(settings: ScanSettings, rows: int, log) -> ScanSettings:
    """The GPU defaults of the batch size, segments and burn-in not given on the command line."""
    from gategenome.scan.settings import cuda_defaults

    context = click.get_current_context()
    given = {name for name in ("batch_size", "segments", "burn_in")
             if context.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT}
    settings = cuda_defaults(settings, rows, given)
    log.info("GPU: %d rows per batch, %d segment(s) per chromosome%s (unmeasured on a GPU so far)",
             settings.batch_size, settings.segments,
             ", burn-in from the measured forgetting horizon" if settings.burn_in_from_horizon else "")
    return settings


def _kept_chromosomes(sizes: dict[str, int], exclude_chroms: tuple[str, ...], log) -> list[str] | None:
    """The chromosomes a whole-genome scan keeps after --exclude-chroms; None when it keeps them all."""
    import re

    from gategenome.io.chroms import excluded_names, exclusion_patterns

    try:
        excluded = excluded_names(sizes, exclusion_patterns(exclude_chroms))
    except re.error as exc:
        raise click.BadParameter(f"invalid regular expression ({exc})", param_hint="--exclude-chroms") from None
    if not excluded:
        return None
    if len(excluded) == len(sizes):
        raise click.BadParameter(f"every chromosome matches ({', '.join(list(sizes)[:5])}, ...); expected some left "
                                 "to scan ('none' scans every contig)", param_hint="--exclude-chroms")
    log.info("leaving out %d chromosome(s) matching --exclude-chroms: %s%s", len(excluded),
             ", ".join(list(excluded)[:10]), ", ..." if len(excluded) > 10 else "")
    return [name for name in sizes if name not in excluded]
