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
    threads_option,
)
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.io.guard import guard_paths
from gategenome.variants.settings import VariantSettings


def _scan_threshold(scan_dir: str, inputs, model_path: str, genome_path: str, signal_path: str | None,
                    quantile: float) -> float:
    """``call``'s drop threshold from a scan directory made with this model on this genome (and signal)."""
    from gategenome.call.drops import scan_null_threshold
    from gategenome.io.checksum import file_head_checksum
    from gategenome.io.provenance import Product, genome_product, require_compatible, scan_product
    from gategenome.io.scandir.reader import ScanDir
    from gategenome.scan.stream import model_checksum

    scan = ScanDir(scan_dir)
    product = scan_product(scan.path / "scan.json", scan.meta, ("signal_checksum",) if inputs.track else ())
    require_compatible(product, Product(model_path, model_checksum=model_checksum(inputs.model)))
    require_compatible(product, genome_product(genome_path, inputs.fasta.sizes))
    if inputs.track is not None:  # a dna+signal model's null depends on the signal it read
        require_compatible(product, Product(signal_path, settings={"signal_checksum": file_head_checksum(signal_path)}))
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
@click.option("--threshold", type=FiniteFloat(0.0, 1.0), default=None,
              help="Drop threshold on the mean forget gate (default: call's, from --scan-dir or a null made here).")
@click.option("--scan-dir", type=click.Path(file_okay=False), default=None,
              help="Scan directory of this model: the drop threshold is call's, from its null.")
@settings_options(VariantSettings)
@config_option(VariantSettings)
@threads_option()
@progress_option
@device_option
@guard_paths(inputs=("model_path", "genome", "signal", "vcf"), input_dirs=("scan_dir",),
             prefixes={"prefix": (".vcf.gz", ".vcf.gz.tbi", ".tsv", ".json")})
def command(model_path, genome, signal, vcf, prefix, chrom, threshold, scan_dir, threads, progress, device, **options):
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
    sequence alone.  A model trained with train.target insertions also gives
    chromBPNet's allele scores from its predicted Tn5 insertions: the count log
    fold-change and the profile Jensen-Shannon distance within --profile-window
    bases of the allele, each with an empirical p-value against --null-alleles
    random SNVs.  Writes PREFIX.vcf.gz (+ .tbi) with GG_* INFO fields,
    PREFIX.tsv (one row per allele) and PREFIX.json (counts, threshold, settings).
    With --chrom only that chromosome's records are scored (an indexed VCF is
    needed); 'gategenome variants-gather' joins such parts into one output.

    \b
    Examples:
      gategenome variants --model model.pt --genome sacCer3.fa --vcf calls.vcf.gz --out results/variants
      gategenome variants --model model.pt --genome hg38.fa --signal atac.bw --vcf gwas.vcf \\
          --scan-dir scan --context horizon --device cuda --out gwas
      gategenome variants --model model.pt --genome sacCer3.fa --vcf calls.vcf.gz --chrom chrI --out parts/chrI
      gategenome variants --model model.pt --genome sacCer3.fa --vcf calls.vcf.gz --config variants.yaml \
          --out results/variants        # settings from YAML (keys as the options: context, window, ...)
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
    settings = settings_from_options(VariantSettings, options)
    with open_model_inputs(model_path, genome, signal, device) as inputs:
        if scan_dir is not None:
            threshold = _scan_threshold(scan_dir, inputs, model_path, genome, signal, settings.threshold_quantile)
        summary = run_variants(inputs.model, inputs.fasta, inputs.track, vcf, prefix, settings, threshold=threshold,
                               chrom=chrom, device=inputs.device, provenance={**inputs.paths, "scan_dir": scan_dir},
                               progress=progress, insertions=inputs.target == "insertions")
    click.echo(f"gategenome variants: {summary['counts']['alleles']} alleles scored on {summary['device']}, "
               f"wrote {summary['files']['vcf']}, {summary['files']['table']}", err=True)
