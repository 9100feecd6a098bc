"""Score a VCF: read and check the alleles, score them, write the TSV, the annotated VCF and a summary."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from gategenome import __version__
from gategenome.errors import ConfigError
from gategenome.io.checksum import sizes_checksum
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import write_json
from gategenome.model.network import GateLSTM
from gategenome.scan.stream import model_checksum
from gategenome.variants.allele_null import add_p_values, matched_snvs
from gategenome.variants.null import genome_null_threshold
from gategenome.variants.outputs import refuse_annotated, write_allele_table, write_annotated_vcf
from gategenome.variants.score import score_alleles
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import read_alleles

log = logging.getLogger(__name__)


def output_paths(prefix: str | os.PathLike) -> dict[str, Path]:
    """``{"vcf", "index", "table", "summary"}`` paths of an output prefix."""
    prefix = str(prefix)
    return {"vcf": Path(prefix + ".vcf.gz"), "index": Path(prefix + ".vcf.gz.tbi"),
            "table": Path(prefix + ".tsv"), "summary": Path(prefix + ".json")}


def run_variants(
    model: GateLSTM,
    genome: Genome,
    signal: Any | None,
    vcf: str | os.PathLike,
    out: str | os.PathLike,
    settings: VariantSettings,
    *,
    threshold: float | None = None,
    chrom: str | None = None,
    device: torch.device | str = "cpu",
    provenance: dict[str, Any] | None = None,
    progress: bool = False,
    insertions: bool = False,
) -> dict[str, Any]:
    """Score every allele of a VCF and write ``OUT.tsv``, ``OUT.vcf.gz`` (+ ``.tbi``), ``OUT.json``.

    Parameters
    ----------
    model
        The model (eval mode, on ``device``).
    genome
        The FASTA the VCF is on.
    signal
        The ATAC bigWig (:class:`gategenome.io.bigwig.SignalTrack`) of a
        ``dna+signal`` model, left as measured (see :mod:`gategenome.variants.windows`); else None.
    vcf
        VCF or BCF, plain or bgzip, sorted.
    out
        Output prefix.
    settings
        :class:`VariantSettings`.
    threshold
        Drop threshold; None computes ``call``'s null threshold here (:mod:`gategenome.variants.null`).
    chrom
        Score only this chromosome's records, read through the VCF's index (the
        workflow's scatter; :func:`gategenome.variants.gather.gather_parts` joins the parts).
    device
        Where to compute.
    provenance
        Paths saved in the summary.
    progress
        A tqdm bar (alleles) on stderr.
    insertions
        The model was trained with ``target: insertions``: add the profile scores
        (:mod:`gategenome.variants.profile`) and their p-values against
        ``settings.null_alleles`` random SNVs (:mod:`gategenome.variants.allele_null`).

    Returns
    -------
    dict
        The summary written to ``OUT.json``.
    """
    if model.config.uses_signal and signal is None:
        raise ConfigError("the model reads DNA + ATAC signal (inputs: dna+signal); pass the bigWig it was trained with "
                          "(--signal)")
    if insertions:
        settings.check_profile_window()
    device = torch.device(device)
    began = time.perf_counter()
    refuse_annotated(vcf)  # before the scoring, not when the annotated VCF is written after it
    found = read_alleles(vcf, genome, settings, chrom)
    if threshold is None:
        threshold = genome_null_threshold(model, genome, signal, settings, device)
        log.info("drop threshold %.4f (quantile %g of the shuffled-sequence null)", threshold,
                 settings.threshold_quantile)
    null_alleles = []
    if insertions and settings.null_alleles and found.alleles:
        null_alleles = matched_snvs(genome, found.alleles, settings.null_alleles, settings.seed)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(found.alleles) + len(null_alleles), unit="allele", desc="variants", leave=False)
    try:
        rows, context = score_alleles(model, genome, signal, [*found.alleles, *null_alleles], settings, threshold,
                                      device, bar, insertions=insertions)
    finally:
        if bar is not None:
            bar.close()
    rows, null_rows = rows[:len(found.alleles)], rows[len(found.alleles):]
    if null_rows:
        add_p_values(rows, null_rows)
    paths = output_paths(out)
    write_annotated_vcf(vcf, paths["vcf"], found.chroms, found.alleles, rows, found.contigs)
    write_allele_table(paths["table"], found.alleles, rows)
    summary = _summary(model, genome, found, rows, context, threshold, settings, device, paths,
                       dict(provenance or {}, vcf=str(vcf), chrom=chrom), time.perf_counter() - began)
    summary["target"] = "insertions" if insertions else "regions"
    summary["null_alleles"] = len(null_rows)
    write_json(paths["summary"], summary)
    log.info("scored %d alleles of %d records in %.1f s (%s)", len(rows), found.counts["records"], summary["seconds"],
             ", ".join(f"{k} {v}" for k, v in summary["counts"].items() if v and k not in ("records", "alleles")) or
             "nothing skipped")
    return summary


def _summary(model, genome, found, rows, context, threshold, settings, device, paths, inputs,
             elapsed) -> dict[str, Any]:
    """What ``PREFIX.json`` says: inputs (and the checksums of the model state and genome index), threshold,
    context, counts, drops, settings, files."""
    return {
        "gategenome": __version__,
        "inputs": inputs,
        "model_checksum": model_checksum(model),
        "genome_checksum": sizes_checksum(genome.sizes),
        "model_config": model.config.to_dict(),
        "device": str(device),
        "threshold": threshold,
        "context": "exact" if context is None else context,
        "counts": {key: int(found.counts[key]) for key in
                   ("records", "alleles", "ref_mismatch", "symbolic", "alt_is_ref", "unknown_chrom", "no_alt")},
        "drops": {kind: sum(1 for row in rows if row["drop"] == kind) for kind in ("gained", "lost", "gained+lost")},
        "seconds": round(elapsed, 3),
        "settings": asdict(settings),
        "files": {key: str(path) for key, path in paths.items()},
    }
