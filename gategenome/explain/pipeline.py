"""The whole ``gategenome explain`` run: attributions, tracks, motifs and report, published together.

What is explained (``settings.target``: the gate's dips, or the predicted counts of
the main model or of its Tn5 bias model) is said in ``explain.json`` (``explained``,
``score``, the settings) and at the top of ``motifs.html``.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from gategenome.explain.counts import SCORES, require_head
from gategenome.explain.jaspar import jaspar_motifs, match_motifs
from gategenome.explain.motifs import find_motifs, motif_span
from gategenome.explain.outputs import write_arrays, write_attribution_tracks, write_drop_table
from gategenome.explain.report import write_motif_report, write_motif_table
from gategenome.explain.run import agreement, explain_drops
from gategenome.explain.settings import ExplainSettings, MotifSettings
from gategenome.explain.targets import read_targets
from gategenome.io.atomic import atomic_directory
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import write_json
from gategenome.model.insertions import TARGET_INSERTIONS, InsertionHead
from gategenome.model.network import GateLSTM

log = logging.getLogger(__name__)


def explained_name(settings: ExplainSettings) -> str:
    """``drops``, ``counts:main`` or ``counts:bias``: what a run explains, as ``explain.json`` and the report say."""
    return "drops" if settings.target == "drops" else f"counts:{settings.model_part}"


def _motif_outputs(stage: Path, explained, motif_settings: MotifSettings, summary: dict, references: list) -> dict:
    """Run modisco and Tomtom against the JASPAR ``references``, write ``motifs.html`` and ``motifs.tsv``; the
    motif part of the summary."""
    started = time.perf_counter()
    motifs, matches = [], []
    if explained.targets:
        motifs = find_motifs(explained.one_hot, explained.hypothetical, motif_settings, explained.summit)
        matches = match_motifs([m.ppm for m in motifs], references, motif_settings.top_matches)
    start, end = motif_span(explained.codes.shape[1], motif_settings.window, explained.summit)
    name = summary["explained"]
    if name == "drops":
        header = {"drops explained": len(explained.targets), "method": summary["settings"]["method"]}
    else:
        header = {"peaks explained": len(explained.targets), "explained": name, "score": summary["score"],
                  "method": "gradient x input (mean-normalised per base)"}
    header["JASPAR"] = f"{motif_settings.jaspar_release} CORE, {motif_settings.tax_group} ({len(references)} matrices)"
    write_motif_report(stage / "motifs.html", motifs, matches, header, end - start, name,
                       explained.summit - start)
    write_motif_table(stage / "motifs.tsv", motifs, matches)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "motifs": [{"name": m.name, "seqlets": m.seqlets, "consensus": m.consensus,
                    "median_offset": float(np.median(m.offsets)), "ppm": np.round(m.ppm, 4).tolist(),
                    "matches": [asdict(x) for x in found]} for m, found in zip(motifs, matches)],
    }


def run_explain(model: GateLSTM, genome: Genome, signal, drops: str | os.PathLike, out: str | os.PathLike,
                settings: ExplainSettings, motif_settings: MotifSettings | None, *,
                device: torch.device | str = "cpu", provenance: dict | None = None, progress: bool = False,
                head: InsertionHead | None = None, model_target: str = TARGET_INSERTIONS) -> dict:
    """Explain the drops of ``drops`` (or the predicted counts around its peaks) and write everything into the
    directory ``out`` (all files or none).

    Writes ``attributions.npz``, ``modisco_ohe.npz``, ``modisco_attr.npz``,
    ``attribution.plus.bw``, ``attribution.minus.bw``, ``drops.tsv``, ``explain.json``
    and, unless ``motif_settings`` is None, ``motifs.html`` and ``motifs.tsv``.

    Parameters
    ----------
    model
        The model (eval mode, on ``device``).
    genome
        The genome the drops are on.
    signal
        The ATAC bigWig (:class:`gategenome.io.bigwig.SignalTrack`) of a ``dna+signal`` model, else None.
    drops
        ``drops.bed`` of ``gategenome call``; with ``settings.target == "counts"``, peaks
        (BED or narrowPeak: column 7 ranks ``--top``, column 10 is the summit; no strand: plus).
    out
        Output directory.
    settings, motif_settings
        How to attribute, and how to find motifs (None: no motifs).
    device
        Where to compute.
    provenance
        Paths saved in the summary.
    progress
        A progress bar on stderr.
    head, model_target
        With ``settings.target == "counts"``: the model's :class:`InsertionHead` and what it was
        trained on (``regions`` or ``insertions``), checked before any work.

    Returns
    -------
    dict
        The summary saved as ``explain.json``.

    Raises
    ------
    ConfigError
        ``target`` counts with a model trained on regions, or ``model_part`` bias with no bias model.
    """
    device = torch.device(device)
    counts = settings.target == "counts"
    if counts:
        require_head(model_target, head, settings.model_part, (provenance or {}).get("model", "model"))
    targets = read_targets(drops, genome.sizes, settings.top, unstranded="+" if counts else None)
    if not targets:
        log.warning("%s has no %s: nothing to explain (the outputs are written empty)", drops,
                    "peaks" if counts else "drops")
    references = None  # read before the attributions: a bad --jaspar-release fails before the work
    if motif_settings is not None:
        references = jaspar_motifs(motif_settings.jaspar_release, motif_settings.tax_group)
    started = time.perf_counter()
    explained = explain_drops(model, genome, signal, targets, settings, device, progress, head if counts else None)
    seconds = time.perf_counter() - started
    name = explained_name(settings)
    log.info("explained %d %s in %.1f s (%.2f/s, %s)", len(explained.targets), "peaks" if counts else "drops",
             seconds, len(explained.targets) / max(seconds, 1e-9), name if counts else settings.method)
    summary = {
        "explained": name, "drops": len(explained.targets),
        "skipped_near_ends" if counts else "skipped_near_start": explained.skipped, "seconds": round(seconds, 2),
        "settings": asdict(settings), "inputs": provenance or {}, "model_inputs": model.config.inputs,
        "score": SCORES[settings.model_part] if counts else "log(1 - mean forget gate) at the summit",
        "attribution": ("gradient x input, mean-normalised per base" if counts else
                        {"ism": "saturation mutagenesis", "ig": "integrated gradients"}[settings.method]),
        "agreement_with_mutagenesis": agreement(model, genome, signal, explained, settings, device),
    }
    if explained.dna_share is not None and explained.dna_share.size:
        summary["dna_share_median"] = float(np.nanmedian(explained.dna_share))
    with atomic_directory(out) as stage:
        write_arrays(stage, explained)
        write_attribution_tracks(stage, explained, genome.sizes)
        write_drop_table(stage / "drops.tsv", explained, "signal" if counts else "depth")
        if motif_settings is not None:
            summary["motif_settings"] = asdict(motif_settings)
            summary["motif_results"] = _motif_outputs(stage, explained, motif_settings, summary, references)
        write_json(stage / "explain.json", summary)
    return summary
