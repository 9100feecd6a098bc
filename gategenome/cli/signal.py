"""``gategenome signal``: coverage and cut-site bigWigs (and MACS3 peaks) from fragments or BAMs."""

from __future__ import annotations

import click

from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.io.guard import guard_paths
from gategenome.data.settings import SignalSettings


@click.command("signal", context_settings=CONTEXT_SETTINGS)
@click.option("--genome", required=True, type=click.Path(dir_okay=False),
              help="Genome FASTA: its chromosomes name and size the bigWigs (chrI/I are matched).")
@click.option("--fragments", multiple=True, type=click.Path(dir_okay=False),
              help="Fragments file, plain or gzip/bgzip, sorted by chromosome and start: BEDPE "
              "'chrom start end' or 10x-style 'chrom start end barcode count' (repeatable: replicates "
              "are pooled).")
@click.option("--bam", multiple=True, type=click.Path(dir_okay=False),
              help="Paired-end BAM, coordinate-sorted and indexed (repeatable: pooled).")
@click.option("--barcodes", type=click.Path(dir_okay=False), default=None,
              help="Cells to keep, one barcode per line; 'barcode<TAB>group' lines make one signal per group.")
@click.option("--tss", type=click.Path(dir_okay=False), default=None,
              help="TSSs for the TSS enrichment score: a BED (the 5' end by column 6's strand) or a GTF "
              "(transcript lines).")
@settings_options(SignalSettings)
@config_option(SignalSettings)
@click.option("--out-dir", required=True, type=click.Path(file_okay=False),
              help="Output directory (created; existing files of the same names are replaced).")
@guard_paths(inputs=("genome", "fragments", "bam", "barcodes", "tss"), output_dirs=("out_dir",))
def command(genome, fragments, bam, barcodes, tss, out_dir, **options):
    """Make ATAC-seq coverage and Tn5 cut-site bigWigs from fragments or a BAM.

    Every fragment adds 1 to the coverage of the bases it spans and 1 to the
    cut sites at its two ends (start and end - 1; +4/-5 with --tn5-shift).  A
    BAM keeps proper pairs of MAPQ >= --min-mapq and drops duplicates,
    secondary and supplementary reads; mitochondrial fragments are counted.
    Inputs given several times are replicates pooled into one signal.  With
    --barcodes only the listed cells are kept, one signal per group when the
    file has a group column.  MACS3 peaks are called on the kept fragments
    unless --no-call-peaks.  Writes OUT_DIR/coverage.bw, cutsites.bw,
    peaks.narrowPeak (GROUP.coverage.bw ... per group) and signal.json (counts,
    MACS3 command and version), all together or none.  Library QC per input
    and group goes into signal.json and qc.png: fragment-length distribution
    and modes, FRiP, TSS enrichment (with --tss) and, from a BAM, NRF, PBC1,
    PBC2 and the duplicate fraction, each beside its ENCODE threshold (a
    warning when short of it).

    \b
    Examples:
      gategenome signal --genome sacCer3.fa --fragments atac.bedpe.gz --out-dir signal
      gategenome signal --genome hg38.fa --bam rep1.bam --bam rep2.bam --tn5-shift --out-dir signal
      gategenome signal --genome hg38.fa --fragments fragments.tsv.gz \\
          --barcodes cell_types.tsv --no-call-peaks --out-dir pseudobulk
      gategenome signal --genome hg38.fa --bam rep1.bam --config signal.yaml --out-dir signal   # settings from YAML
    """
    from gategenome.data.signal import run_signal

    require_writable("--out-dir", out_dir, directory=True)
    refuse_same_files({"--out-dir": out_dir}, {**{f"--fragments {f}": f for f in fragments}, **{f"--bam {b}": b for b in bam}})
    settings = settings_from_options(SignalSettings, options)
    run_signal(genome, list(fragments), list(bam), out_dir, settings, barcodes=barcodes, tss=tss)
