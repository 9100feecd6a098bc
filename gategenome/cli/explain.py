"""``gategenome explain``: why each forget-gate drop happens (or what an insertions model's predicted counts read):
per-base attributions and the motifs behind them."""

from __future__ import annotations

import click

from gategenome.cli.common import (
    device_option,
    model_input_options,
    open_model_inputs,
    progress_option,
    refuse_same_files,
    require_writable,
    threads_option,
)
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.explain.settings import ExplainSettings, MotifSettings


@click.command("explain", context_settings=CONTEXT_SETTINGS)
@model_input_options(genome_help="Genome FASTA the drops are on.",
                     signal_help="ATAC-seq bigWig; required by dna+signal models.")
@click.option("--drops", required=True, type=click.Path(dir_okay=False),
              help="drops.bed of gategenome call (BED6+4: strand = scan direction, column 10 = summit offset); "
                   "with --target counts, peaks (BED or narrowPeak: column 7 ranks --top, column 10 = summit).")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Output directory.")
@settings_options(ExplainSettings)
@click.option("--motifs/--no-motifs", default=True, show_default=True,
              help="Find motifs with modisco-lite and match them to JASPAR (motifs.html, motifs.tsv).")
@settings_options(MotifSettings)
@config_option(ExplainSettings, MotifSettings)
@threads_option()
@progress_option
@device_option
@guard_paths(inputs=("model_path", "genome", "signal", "drops"), output_dirs=("out_dir",))
def command(model_path, genome, signal, drops, out_dir, motifs, threads, progress, device, **options):
    """Explain forget-gate drops (or predicted counts): the bases behind them, and the motifs.

    For each drop of --drops (or the --top deepest), the dip log(1 - f) of the
    mean forget gate at its summit is attributed to the --flank bases ending at
    the summit, upstream in the scan direction (the model is causal), on the
    drop's own strand.  --method ism changes every base to each other base and
    rescans only from that base, from the state the whole-chromosome scan has
    there (exact); --method ig uses integrated gradients and checks them against
    the mutagenesis on --check drops.  dna+signal models also get each drop's
    share owed to DNA versus the signal channel.

    --target counts explains a model trained with train.target insertions
    instead: the log of its predicted insertions over the --flank bases centred
    on each peak of --drops (BED or narrowPeak; the --top by column 7), by
    gradient x input, mean-normalised per base; --model-part main attributes the
    main model with Tn5's preference factored out, --model-part bias the frozen
    Tn5 bias model alone.  The motifs, report and files are those of drops.

    Writes to OUT_DIR:
    attributions.npz (one_hot and hypothetical, (N, W, 4), scan orientation,
    summit last, or in the middle for counts, for modisco-lite), modisco_ohe.npz
    and modisco_attr.npz ((N, 4, W), for 'modisco motifs'), attribution.plus.bw
    and attribution.minus.bw (contribution of each base), drops.tsv,
    explain.json (settings, what was explained), and with --motifs, motifs.html
    and motifs.tsv: modisco-lite motifs with sequence logos, seqlet counts,
    position relative to the summit and their best JASPAR matches (Tomtom q-values).

    \b
    Examples:
      gategenome explain --model model.pt --genome sacCer3.fa --drops results/drops.bed --top 2000 --out-dir explain
      gategenome explain --model model.pt --genome sacCer3.fa --signal atac.bw --drops drops.bed \\
          --method ig --no-motifs --out-dir explain
      gategenome explain --model model.pt --genome sacCer3.fa --drops drops.bed --config explain.yaml \\
          --out-dir explain      # settings from YAML (keys as the options: top, method, motif_window, ...)
      gategenome explain --model reads/model.pt --genome sacCer3.fa --drops peaks.narrowPeak --target counts \\
          --flank 400 --motif-window 400 --model-part bias --out-dir explain_bias   # Tn5's own motif
    """
    from pathlib import Path

    import torch

    from gategenome.explain.pipeline import run_explain
    from gategenome.model.insertions import TARGET_INSERTIONS, InsertionHead

    refuse_same_files({"--out-dir": out_dir}, {"--model": model_path, "--genome": genome, "--signal": signal,
                                                "--drops": drops})
    require_writable("--out-dir", out_dir, directory=True)
    settings = settings_from_options(ExplainSettings, options)
    motif_settings = settings_from_options(MotifSettings, options) if motifs else None
    layer = settings.layer
    if threads:
        torch.set_num_threads(threads)
    with open_model_inputs(model_path, genome, signal, device) as inputs:
        layers = len(inputs.model.lstm_layers)
        if not -layers <= layer < layers:
            raise click.BadParameter(f"the model has {layers} layer(s); got {layer}", param_hint="--layer")
        head = None
        if settings.target == "counts" and inputs.target == TARGET_INSERTIONS:
            head = InsertionHead.from_checkpoint(inputs.payload, model_path)
        summary = run_explain(inputs.model, inputs.fasta, inputs.track, drops, out_dir, settings, motif_settings,
                              device=inputs.device, provenance={**inputs.paths, "drops": str(Path(drops).resolve())},
                              progress=progress, head=head, model_target=inputs.target)
    what = "peaks" if settings.target == "counts" else "drops"
    click.echo(f"gategenome explain: {summary['drops']} {what} explained ({summary['explained']}) into {out_dir}",
               err=True)
