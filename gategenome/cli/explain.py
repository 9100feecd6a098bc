"""``gategenome explain``: why each forget-gate drop happens: per-base attributions and the motifs behind them."""

from __future__ import annotations

import click

from gategenome.cli.common import (
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
from gategenome.explain.settings import METHODS, ExplainSettings, MotifSettings


def _default(name: str):
    return setting_default(ExplainSettings, name)


def _motif(name: str):
    return setting_default(MotifSettings, name)


@click.command("explain", context_settings=CONTEXT_SETTINGS)
@model_input_options(genome_help="Genome FASTA the drops are on.",
                     signal_help="ATAC-seq bigWig; required by dna+signal models.")
@click.option("--drops", required=True, type=click.Path(dir_okay=False),
              help="drops.bed of gategenome call (BED6+4: strand = scan direction, column 10 = summit offset).")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--top", type=click.IntRange(min=0), default=_default("top"), show_default=True,
              help="Explain only the N deepest drops (column 7); 0: all.")
@click.option("--flank", type=click.IntRange(min=1), default=_default("flank"), show_default=True,
              help="Bases attributed per drop: the summit and those upstream of it in the scan direction.")
@click.option("--method", type=click.Choice(METHODS), default=_default("method"), show_default=True,
              help="ism: exact saturation mutagenesis; ig: integrated gradients (faster, approximate).")
@click.option("--context", default=_default("context"), show_default=True, metavar="exact|BASES",
              help="State where each window starts: the whole-chromosome scan's (exact) or zeros BASES upstream.")
@click.option("--block", type=click.IntRange(min=1), default=_default("block"), show_default=True,
              help="Mutagenesis: positions whose mutants share one forward call.")
@click.option("--targets", type=click.IntRange(min=1), default=_default("targets"), show_default=True,
              help="Drops computed together.")
@click.option("--ig-steps", type=click.IntRange(min=1), default=_default("ig_steps"), show_default=True,
              help="Integrated gradients: points on the path from the all-zero baseline.")
@click.option("--check", type=click.IntRange(min=0), default=_default("check"), show_default=True,
              help="With --method ig: drops also run by mutagenesis to report the agreement.")
@click.option("--layer", type=int, default=_default("layer"), show_default=True,
              help="LSTM layer whose mean forget gate is explained (-1: the last).")
@click.option("--chunk-size", type=click.IntRange(min=1), default=_default("chunk_size"), show_default=True,
              help="Bases per forward call when streaming the upstream state.")
@click.option("--motifs/--no-motifs", default=True, show_default=True,
              help="Find motifs with modisco-lite and match them to JASPAR (motifs.html, motifs.tsv).")
@click.option("--motif-window", "window", type=click.IntRange(min=30), default=_motif("window"), show_default=True,
              help="Bases before each summit given to modisco.")
@click.option("--max-seqlets", type=click.IntRange(min=1), default=_motif("max_seqlets"), show_default=True,
              help="Seqlets per metacluster at most.")
@click.option("--min-metacluster", type=click.IntRange(min=1), default=_motif("min_metacluster"),
              show_default=True, help="Fewest seqlets for modisco to cluster a metacluster.")
@click.option("--leiden-runs", type=click.IntRange(min=1), default=_motif("leiden_runs"), show_default=True,
              help="Leiden clustering runs of modisco.")
@click.option("--jaspar-release", default=_motif("jaspar_release"), show_default=True,
              help="JASPAR release of pyjaspar's offline database.")
@click.option("--tax-group", default=_motif("tax_group"), show_default=True,
              help="JASPAR taxonomic group matched against (fungi, vertebrates, plants, insects, ... or all).")
@click.option("--top-matches", type=click.IntRange(min=1), default=_motif("top_matches"), show_default=True,
              help="JASPAR matches listed per motif.")
@threads_option()
@progress_option
@device_option
def command(model_path, genome, signal, drops, out_dir, top, flank, method, context, block, targets, ig_steps, check,
            layer, chunk_size, motifs, window, max_seqlets, min_metacluster, leiden_runs, jaspar_release, tax_group,
            top_matches, threads, progress, device):
    """Explain forget-gate drops: which upstream bases make the gate dip, and the motifs behind them.

    For each drop of --drops (or the --top deepest), the dip log(1 - f) of the
    mean forget gate at its summit is attributed to the --flank bases ending at
    the summit, upstream in the scan direction (the model is causal), on the
    drop's own strand.  --method ism changes every base to each other base and
    rescans only from that base, from the state the whole-chromosome scan has
    there (exact); --method ig uses integrated gradients and checks them against
    the mutagenesis on --check drops.  dna+signal models also get each drop's
    share owed to DNA versus the signal channel.  Writes to OUT_DIR:
    attributions.npz (one_hot and hypothetical, (N, W, 4), scan orientation,
    summit last, for modisco-lite), modisco_ohe.npz and modisco_attr.npz
    ((N, 4, W), for 'modisco motifs'), attribution.plus.bw and
    attribution.minus.bw (contribution of each base), drops.tsv, explain.json,
    and with --motifs, motifs.html and motifs.tsv: modisco-lite motifs with
    sequence logos, seqlet counts, position relative to the summit and their best
    JASPAR matches (Tomtom q-values).

    \b
    Examples:
      gategenome explain --model model.pt --genome sacCer3.fa --drops results/drops.bed --top 2000 --out-dir explain
      gategenome explain --model model.pt --genome sacCer3.fa --signal atac.bw --drops drops.bed \\
          --method ig --no-motifs --out-dir explain
    """
    from pathlib import Path

    import torch

    from gategenome.explain.pipeline import run_explain

    refuse_same_files({"--out-dir": out_dir}, {"--model": model_path, "--genome": genome, "--signal": signal,
                                                "--drops": drops})
    require_writable("--out-dir", out_dir, directory=True)
    settings = ExplainSettings(flank=flank, top=top, method=method, context=context, block=block, targets=targets,
                               ig_steps=ig_steps, check=check, layer=layer, chunk_size=chunk_size)
    motif_settings = MotifSettings(window=window, max_seqlets=max_seqlets, min_metacluster=min_metacluster,
                                   leiden_runs=leiden_runs, jaspar_release=jaspar_release, tax_group=tax_group,
                                   top_matches=top_matches) if motifs else None
    if threads:
        torch.set_num_threads(threads)
    with open_model_inputs(model_path, genome, signal, device) as inputs:
        layers = len(inputs.model.lstm_layers)
        if not -layers <= layer < layers:
            raise click.BadParameter(f"the model has {layers} layer(s); got {layer}", param_hint="--layer")
        summary = run_explain(inputs.model, inputs.fasta, inputs.track, drops, out_dir, settings, motif_settings,
                              device=inputs.device, provenance={**inputs.paths, "drops": str(Path(drops).resolve())},
                              progress=progress)
    click.echo(f"gategenome explain: {summary['drops']} drops explained into {out_dir}", err=True)
