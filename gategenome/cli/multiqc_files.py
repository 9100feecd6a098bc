"""``gategenome multiqc-files``: a sample's QC, training and call numbers as MultiQC custom-content files."""

from __future__ import annotations

import click

from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths

_FILE = click.Path(dir_okay=False)


@click.command("multiqc-files", context_settings=CONTEXT_SETTINGS)
@click.option("--sample", required=True, help="Sample name shown by MultiQC.")
@click.option("--signal-summary", type=_FILE, default=None, help="signal.json of 'gategenome signal' (library QC).")
@click.option("--metrics", type=_FILE, default=None, help="metrics.json of 'gategenome train'.")
@click.option("--drops", type=_FILE, default=None, help="Drop calls of 'gategenome call'.")
@click.option("--boundaries", type=_FILE, default=None, help="Boundary calls of 'gategenome boundaries'.")
@click.option("--region-calls", type=_FILE, default=None, help="Region calls of 'gategenome boundaries'.")
@click.option("--evaluation", type=_FILE, default=None,
              help="evaluation.json of 'gategenome evaluate' (replicate boundary agreement).")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False),
              help="Output directory (replaced): gategenome_<section>_mqc.json files.")
@guard_paths(inputs=("signal_summary", "metrics", "drops", "boundaries", "region_calls", "evaluation"),
             replaced_dirs=("out_dir",), publish="directory")
def command(sample, signal_summary, metrics, drops, boundaries, region_calls, evaluation, out_dir):
    """Write one sample's numbers as MultiQC custom-content files.

    Each section found among the inputs becomes OUT_DIR/gategenome_<section>_mqc.json
    with its plot configuration: general statistics (FRiP, TSS enrichment,
    fraction < 147 bp, NRF, test auPRC, boundaries), the library QC table, the
    fragment-length and TSS line graphs, the model's held-out metrics, the call
    counts and the replicate boundary agreement.  Every sample writes the same
    section ids, so 'multiqc results/' merges the samples into one section each,
    beside the other tools' sections.

    \b
    Examples:
      gategenome multiqc-files --sample yeast --signal-summary signal/signal.json --out-dir mqc
      gategenome multiqc-files --sample yeast --metrics model/metrics.json --boundaries boundaries.bed \\
          --region-calls region_calls.bed --drops drops.bed --out-dir results/yeast/multiqc
      multiqc results/
    """
    from gategenome.export.multiqc import run_multiqc_files

    run_multiqc_files(sample, out_dir, signal_summary=signal_summary, metrics=metrics, drops=drops,
                      boundaries=boundaries, region_calls=region_calls, evaluation=evaluation)
