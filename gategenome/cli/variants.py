"""``gategenome variants``: how each SNV or indel of a VCF moves the forget gate, boundaries and accessibility."""

from __future__ import annotations

import click

from gategenome.cli.common import (
    FiniteFloat,
    device_option,
    model_input_options,
    open_model_inputs,
    progress_option,
    refuse_same_files,
    require_writable,
    setting_default,
    threads_option,
)
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.variants.settings import VariantSettings


def _default(name: str):
    return setting_default(VariantSettings, name)


def _scan_threshold(scan_dir: str, model, quantile: float) -> float:
    """``call``'s drop threshold from a scan directory made with this model."""
    from gategenome.call.drops import scan_null_threshold
    from gategenome.errors import ConfigError
    from gategenome.io.scandir.reader import ScanDir

    scan = ScanDir(scan_dir)
    if scan.meta.get("model_config") != model.config.to_dict():
        raise ConfigError(f"{scan_dir}: the scan was made with another model (its model_config differs); "
                          "expected a scan of the same --model")
    return scan_null_threshold(scan, quantile)[0]


@click.command("variants", context_settings=CONTEXT_SETTINGS)
@model_input_options(genome_help="Genome FASTA the VCF is on.",
                     signal_help="ATAC-seq bigWig; required by dna+signal models, whose signal is left as measured.")
@click.option("--vcf", required=True, type=click.Path(dir_okay=False),
              help="Variants: VCF or BCF, plain or bgzip, sorted; multi-allelic records are split.")
@click.option("--out", "prefix", required=True, metavar="PREFIX",
              help="Output prefix: PREFIX.vcf.gz (+ .tbi), PREFIX.tsv, PREFIX.json.")
@click.option("--chrom", default=None, metavar="NAME",
              help="Score only this chromosome's records, read through the VCF's index (.tbi/.csi); "
                   "join the parts with 'gategenome variants-gather'.")
@click.option("--context", default=_default("context"), show_default=True, metavar="exact|horizon|BASES",
              help="Upstream context: exact states streamed from the reference, the measured forgetting "
                   "horizon, or a number of bases (approximate).")
@click.option("--window", type=click.IntRange(min=1), default=_default("window"), show_default=True,
              help="w: minimum forget gate and largest accessibility change within w bases of the allele.")
@click.option("--footprint-max", type=click.IntRange(min=1), default=_default("footprint_max"), show_default=True,
              help="Bases scanned downstream of each allele: the longest footprint measured.")
@click.option("--footprint-tol", type=FiniteFloat(min=0, min_open=True), default=_default("footprint_tol"),
              show_default=True, help="Tracks differ where the forget gate or accessibility differ by more.")
@click.option("--threshold", type=FiniteFloat(0.0, 1.0), default=None,
              help="Drop threshold on the mean forget gate (default: call's, from --scan-dir or a null made here).")
@click.option("--scan-dir", type=click.Path(file_okay=False), default=None,
              help="Scan directory of this model: the drop threshold is call's, from its null.")
@click.option("--threshold-quantile", type=FiniteFloat(0, 1, min_open=True, max_open=True),
              default=_default("threshold_quantile"), show_default=True,
              help="Null quantile that is the drop threshold (as in call).")
@click.option("--null-windows", type=click.IntRange(min=1), default=_default("null_windows"), show_default=True,
              help="Shuffled windows of the null made here (without --threshold/--scan-dir).")
@click.option("--null-window", type=click.IntRange(min=2), default=_default("null_window"), show_default=True,
              help="Length of each null window.")
@click.option("--strict/--no-strict", default=_default("strict"), show_default=True,
              help="A REF that does not match the FASTA is an error (otherwise counted and skipped).")
@click.option("--symbolic", type=click.Choice(["skip", "error"]), default=_default("symbolic"), show_default=True,
              help="Symbolic alleles (<DEL>, *, breakends): skipped and counted, or an error.")
@click.option("--unknown-chroms", type=click.Choice(["error", "skip"]), default=_default("unknown_chroms"),
              show_default=True, help="Records on a chromosome the FASTA lacks: an error, or skipped and counted.")
@click.option("--batch-size", type=click.IntRange(min=2), default=_default("batch_size"), show_default=True,
              help="Rows computed together (reference and alternative, per strand).")
@click.option("--grid", type=click.IntRange(min=1), default=_default("grid"), show_default=True,
              help="With --context exact, windows start at a multiple of this (shared states, long chunks).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=_default("chunk_size"), show_default=True,
              help="Bases per forward call; results do not depend on it.")
@click.option("--layer", type=int, default=_default("layer"), show_default=True,
              help="LSTM layer whose mean forget gate is read (-1: the last).")
@click.option("--seed", type=int, default=_default("seed"), show_default=True, help="Seed of the null windows.")
@threads_option()
@progress_option
@device_option
def command(model_path, genome, signal, vcf, prefix, chrom, context, window, footprint_max, footprint_tol, threshold,
            scan_dir, threshold_quantile, null_windows, null_window, strict, symbolic, unknown_chroms, batch_size,
            grid, chunk_size, layer, seed, threads, progress, device):
    """Score variants: how each SNV or indel moves the forget gate, boundaries and accessibility.

    For every ALT allele of the VCF (REF checked against the FASTA), the
    reference and alternative sequence are scanned on both strands from the
    same upstream state (--context exact: the state of the whole-chromosome
    scan, so the result equals scanning both chromosomes whole) to
    --footprint-max bases past the allele, and compared on positions aligned to
    the reference: the change in predicted accessibility over the allele and the
    largest within --window, the change in the minimum forget gate within
    --window, a forget-gate drop gained or lost under call's threshold, and the
    memory footprint (how far downstream the tracks stay different).  A
    dna+signal model reads the measured signal as it is: the effect through
    sequence alone.  Writes PREFIX.vcf.gz (+ .tbi) with GG_* INFO fields,
    PREFIX.tsv (one row per allele) and PREFIX.json (counts, threshold, settings).
    With --chrom only that chromosome's records are scored (an indexed VCF is
    needed); 'gategenome variants-gather' joins such parts into one output.

    \b
    Examples:
      gategenome variants --model model.pt --genome sacCer3.fa --vcf calls.vcf.gz --out results/variants
      gategenome variants --model model.pt --genome hg38.fa --signal atac.bw --vcf gwas.vcf \\
          --scan-dir scan --context horizon --device cuda --out gwas
      gategenome variants --model model.pt --genome sacCer3.fa --vcf calls.vcf.gz --chrom chrI --out parts/chrI
    """
    import torch

    from gategenome.variants.run import run_variants

    if threshold is not None and scan_dir is not None:
        raise click.UsageError("--threshold and --scan-dir exclude each other")
    outputs = {f"--out's {suffix}": f"{prefix}{suffix}" for suffix in (".vcf.gz", ".vcf.gz.tbi", ".tsv", ".json")}
    refuse_same_files(outputs, {"--vcf": vcf, "--model": model_path, "--genome": genome, "--signal": signal})
    for path in outputs.values():
        require_writable("--out", path)
    if threads:
        torch.set_num_threads(threads)
    settings = VariantSettings(
        context=context, window=window, footprint_max=footprint_max, footprint_tol=footprint_tol,
        batch_size=batch_size, grid=grid, chunk_size=chunk_size, threshold_quantile=threshold_quantile,
        null_windows=null_windows, null_window=null_window, strict=strict, symbolic=symbolic,
        unknown_chroms=unknown_chroms, layer=layer, seed=seed,
    )
    with open_model_inputs(model_path, genome, signal, device) as inputs:
        if scan_dir is not None:
            threshold = _scan_threshold(scan_dir, inputs.model, threshold_quantile)
        summary = run_variants(inputs.model, inputs.fasta, inputs.track, vcf, prefix, settings, threshold=threshold,
                               chrom=chrom, device=inputs.device, provenance={**inputs.paths, "scan_dir": scan_dir},
                               progress=progress)
    click.echo(f"gategenome variants: {summary['counts']['alleles']} alleles scored on {summary['device']}, "
               f"wrote {summary['files']['vcf']}, {summary['files']['table']}", err=True)
