"""Do forget-gate drops mark accessibility boundaries?  The numbers behind the report.

:func:`evaluate` reads a scan directory, the called drops, the accessible regions
and the chromosome folds, and on the chromosomes of one fold (``test`` by default)
computes:

- boundary precision / recall / F1 of the drops against region edges, entry and
  exit edges separately, at several distances (definitions in
  :mod:`gategenome.evaluate.boundaries`), and how far each caller's calls sit
  from the nearest edge (median, quartiles, fraction within 10/25/50/100 bases);
- the enrichment of drops near edges over matched random positions, with a
  bootstrap confidence interval (:mod:`gategenome.evaluate.edge_enrichment`);
- the meta-profile: mean forget gate on each strand against the signed distance
  to entry and exit edges, oriented in scan direction (negative = before the scan
  reaches the edge);
- per-base accessibility auROC / auPRC of the scan's predictions (and of the
  smoothed ATAC signal itself, when a bigWig is given);
- the same boundary scores for a signal-only caller (:mod:`gategenome.evaluate.signal_caller`),
  so the report shows what the model adds over thresholding the signal.

:func:`gategenome.evaluate.report.write_report` writes ``evaluation.json`` (every
number and the settings) and ``report.html``; :func:`run_evaluate` does it all,
with the agreement of replicates (:mod:`gategenome.evaluate.replicates`) added.
"""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from gategenome.data.folds import FOLDS_FILE
from gategenome.data.intervals import read_regions
from gategenome.errors import InputError
from gategenome.evaluate.accessibility import accessibility_metrics
from gategenome.evaluate.boundaries import (
    STRANDS,
    Edges,
    call_positions,
    distance_summary,
    drop_end_calls,
    edge_distances,
    region_edges,
    score_calls,
    score_drop_ends,
)
from gategenome.evaluate.boundary_idr import boundary_reproducibility
from gategenome.evaluate.calls import score_boundary_calls, score_region_calls
from gategenome.evaluate.edge_enrichment import PositionSampler, enrichment, valid_runs
from gategenome.evaluate.loci import locus_arrays, pick_loci
from gategenome.evaluate.metaprofile import meta_profile
from gategenome.evaluate.replicates import replicate_agreement
from gategenome.evaluate.report import write_report
from gategenome.evaluate.results import Evaluation, log_summary
from gategenome.evaluate.settings import EvaluateSettings
from gategenome.evaluate.signal_caller import SmoothedSignal, signal_baseline
from gategenome.io.bed import Interval, iter_bed, read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.jsonfile import read_json_object
from gategenome.io.scandir.reader import ScanDir

log = logging.getLogger(__name__)


@dataclass
class _Fold:
    """The chromosomes scored and the drops and regions on them; ``all_drops`` counts every chromosome's drops."""

    sizes: dict[str, int]
    fallback: str | None
    skipped: list[str]
    drops: list[Interval]
    regions: list[Interval]
    all_drops: int


def _read_folds(path: str | os.PathLike, fold: str) -> dict[str, list[str]]:
    """The ``folds.json`` mapping (fold name -> chromosomes), which must name ``fold``.

    Raises
    ------
    InputError
        Missing or malformed file, or an unknown fold.
    """
    folds = read_json_object(path, FOLDS_FILE)
    if not isinstance(folds.get(fold), list):
        keys = ", ".join(folds)
        raise InputError(f"{path}: no fold {fold!r} (has {keys}); expected a JSON object mapping fold names to chromosome lists")
    return {name: [str(c) for c in chroms] for name, chroms in folds.items() if isinstance(chroms, list)}


def read_metrics(path: str | os.PathLike | None) -> dict[str, Any]:
    """Training metrics (``metrics.json``), or ``{}`` when no path is given.

    Raises
    ------
    InputError
        A missing or malformed file.
    """
    if path is None:
        return {}
    return read_json_object(path, "the metrics.json written by 'gategenome train'")


def _scored_chromosomes(
    scan: ScanDir, folds_path, folds: dict[str, list[str]], fold: str
) -> tuple[dict[str, int], str | None]:
    """The chromosomes to score: the fold's scanned ones, or a stated fallback.

    A scan may cover only some chromosomes (``scan --chroms``).  When none of the
    fold's chromosomes was scanned, the other held-out fold's scanned chromosomes are
    used, then any scanned chromosome outside the train fold, then every scanned
    chromosome (the reason is logged and kept in ``evaluation.json``).  Fold
    chromosomes the genome does not have at all mean another genome: an error.
    """
    fold_chroms = folds[fold]
    sizes = {c: scan.sizes[c] for c in fold_chroms if c in scan.sizes}
    if sizes:
        return sizes, None
    genome = scan.meta.get("chroms") or scan.sizes
    if fold_chroms and not any(c in genome for c in fold_chroms):
        raise InputError(
            f"{folds_path}: none of the {fold!r} chromosomes ({', '.join(fold_chroms)}) is in the genome of the scan "
            f"directory {scan.path} (has {', '.join(list(genome)[:8])}); expected the folds of the same genome"
        )
    train = set(folds.get("train", []))
    other = "valid" if fold == "test" else "test"
    choices = [
        ([c for c in folds.get(other, []) if c in scan.sizes], f"the {other!r} fold"),
        ([c for c in scan.sizes if c not in train], "scanned chromosomes outside the train fold"),
        (list(scan.sizes), "every scanned chromosome, training chromosomes included"),
    ]
    for chroms, what in choices:
        if chroms:
            reason = f"no {fold!r} chromosome was scanned; scored {what} instead ({', '.join(chroms)})"
            log.warning("%s", reason)
            return {c: scan.sizes[c] for c in chroms}, reason
    raise InputError(f"{scan.path}: no scanned chromosome to evaluate")  # unreachable: ScanDir needs one


def _fold(scan: ScanDir, regions: list[Interval], folds: dict[str, list[str]],
          fold: str, paths: dict[str, Any]) -> _Fold:
    """The scored chromosomes of ``fold`` (see :func:`_scored_chromosomes`) and what lies on them.

    ``paths`` holds the input paths (``drops``, ``regions``, ``folds``) named in warnings.  Only
    the drops on the scored chromosomes are kept (a genome's drops.bed is read one record at a time).
    """
    sizes, fallback = _scored_chromosomes(scan, paths["folds"], folds, fold)
    skipped = [c for c in folds[fold] if c not in scan.sizes]
    if skipped and not fallback:
        log.warning("%s fold chromosome(s) not in the scan, left out: %s", fold, ", ".join(skipped))
    fold_drops, all_drops = [], 0
    for drop in iter_bed(paths["drops"], "drops"):
        all_drops += 1
        if drop.chrom in sizes:
            fold_drops.append(drop)
    fold_regions = [r for r in regions if r.chrom in sizes]
    if not fold_drops:
        log.warning("%s: no drop on the %s chromosomes; every boundary score will be 0", paths["drops"], fold)
    if not fold_regions:
        log.warning("%s: no accessible region on the %s chromosomes", paths["regions"], fold)
    return _Fold(sizes, fallback, skipped, fold_drops, fold_regions, all_drops)


def _counts(fold: _Fold, all_drops: int, calls: dict, edges: dict[str, Edges]) -> dict[str, Any]:
    """Drops, regions and edges scored (the ``counts`` of ``evaluation.json``)."""
    return {"drops": len(fold.drops), "drops_all_chromosomes": all_drops,
            "drops_per_strand": {s: sum(len(calls[(c, s)]) for c in fold.sizes) for s in STRANDS},
            "regions": len(fold.regions),
            "edges_left": sum(len(e.left) for e in edges.values()),
            "edges_right": sum(len(e.right) for e in edges.values())}


def _add_signal_baseline(results: dict[str, Any], scan: ScanDir, signal_path: str | os.PathLike,
                         folds: dict[str, list[str]], fold: _Fold, regions: list[Interval], edges: dict[str, Edges],
                         sampler: PositionSampler, settings: EvaluateSettings) -> SmoothedSignal:
    """Score the signal-only caller into ``results``; return the smoothed signal of the scored chromosomes
    (a :class:`SmoothedSignal`: one chromosome computed at a time, when asked).

    Its threshold is tuned on up to ``settings.max_tuning_bases`` of the training
    chromosomes.  Adds ``boundaries.signal``, ``signal_caller`` and ``enrichment_signal``.
    """
    distances = list(settings.distances)
    genome_sizes = {c: int(n) for c, n in scan.meta.get("chroms", scan.sizes).items()}
    train_sizes: dict[str, int] = {}
    for chrom in folds.get("train", []):  # tune on up to ~50 Mb of the training chromosomes
        if chrom in genome_sizes and chrom not in fold.sizes and sum(train_sizes.values()) < settings.max_tuning_bases:
            train_sizes[chrom] = genome_sizes[chrom]
    with SignalTrack(signal_path, genome_sizes, str(scan.path)) as track:
        baseline = signal_baseline(track, fold.sizes, edges, train_sizes, region_edges(regions, train_sizes), distances,
                                   settings.signal_window, settings.signal_threshold)
    baseline.pop("smoothed")  # its track is closed: read again, one chromosome at a time, when asked
    smoothed = SmoothedSignal(lambda: SignalTrack(signal_path, genome_sizes), fold.sizes, settings.signal_window)
    baseline_calls = baseline.pop("call_positions")
    results["boundaries"]["signal"] = baseline["scores"]
    results["signal_caller"] = {"settings": baseline["settings"], "calls": baseline["calls"]}
    unstranded = {key: value for key, value in baseline_calls.items() if key[1] == "+"}
    results["enrichment_signal"] = enrichment(unstranded, edges, sampler, distances, settings.replicates, settings.seed)
    results["distance_to_edge"]["signal"] = distance_summary(edge_distances(unstranded, edges))
    return smoothed


def _add_calls(results: dict[str, Any], boundaries_path, region_calls_path, regions: list[Interval],
               sizes: dict[str, int], edges: dict[str, Edges], distances: list[int]) -> None:
    """Score boundary calls and region calls into ``results`` (``boundaries.boundary_calls``,
    ``boundaries.region_calls``, ``region_calls``) when their paths are given."""
    if boundaries_path is not None:
        results["settings"]["boundaries"] = str(boundaries_path)
        boundary_calls = read_bed(boundaries_path, "boundary calls")
        results["boundaries"]["boundary_calls"] = score_boundary_calls(boundary_calls, sizes, edges, distances)
        once = call_positions([replace(call, strand="+") for call in boundary_calls if call.chrom in sizes], sizes)
        results["distance_to_edge"]["boundary_calls"] = distance_summary(edge_distances(once, edges))
    if region_calls_path is not None:
        results["settings"]["region_calls"] = str(region_calls_path)
        results["boundaries"]["region_calls"], results["region_calls"] = score_region_calls(
            read_bed(region_calls_path, "region calls"), regions, sizes, edges, distances)


def evaluate(
    drops_path: str | os.PathLike,
    scan_dir: str | os.PathLike,
    regions_path: str | os.PathLike,
    folds_path: str | os.PathLike,
    settings: EvaluateSettings | None = None,
    metrics_path: str | os.PathLike | None = None,
    signal_path: str | os.PathLike | None = None,
    boundaries_path: str | os.PathLike | None = None,
    region_calls_path: str | os.PathLike | None = None,
) -> Evaluation:
    """Evaluate drops and the scan against the accessible regions of one fold.

    Parameters
    ----------
    drops_path
        ``drops.bed`` (BED6+4, narrowPeak layout) from ``gategenome call``.
    scan_dir
        Scan directory from ``gategenome scan``.
    regions_path
        Accessible regions (BED, 3+ columns), e.g. ``accessible.bed`` from ``prepare``.
    folds_path
        ``folds.json``.
    settings
        :class:`EvaluateSettings` (defaults when omitted).
    metrics_path
        Optional training ``metrics.json``, summarised in the report.
    signal_path
        Optional ATAC bigWig for the signal-only baseline.
    boundaries_path, region_calls_path
        Optional boundary and region calls of ``gategenome boundaries``, scored
        beside the drops (:mod:`gategenome.evaluate.calls`).

    Returns
    -------
    Evaluation
    """
    settings = settings or EvaluateSettings()
    settings.check()
    scan = ScanDir(scan_dir)
    regions = read_regions(regions_path, scan.meta.get("chroms") or scan.sizes)
    folds = _read_folds(folds_path, settings.fold)
    metrics = read_metrics(metrics_path)
    fold = _fold(scan, regions, folds, settings.fold,
                 {"drops": drops_path, "regions": regions_path, "folds": folds_path})
    sizes = fold.sizes
    edges = region_edges(regions, sizes)
    calls = call_positions(fold.drops, sizes)
    distances = list(settings.distances)
    log.info("evaluating %d drops against %d region edges on %d %s chromosome(s)",
             len(fold.drops), sum(len(e.left) + len(e.right) for e in edges.values()), len(sizes), settings.fold)

    sampler = PositionSampler({c: valid_runs(scan.forget(c, scan.strands[0])) for c in sizes})
    results: dict[str, Any] = {
        "settings": {**asdict(settings), "drops": str(drops_path), "scan_dir": str(scan_dir), "regions": str(regions_path),
                     "folds": str(folds_path), "metrics": str(metrics_path) if metrics_path else None,
                     "signal": str(signal_path) if signal_path else None},
        "fold": {"name": settings.fold, "chromosomes": list(sizes), "skipped": fold.skipped, "bases": sum(sizes.values()),
                 "fallback": fold.fallback},
        "counts": _counts(fold, fold.all_drops, calls, edges),
        "scan": {key: value for key, value in scan.meta.items() if key != "chroms"},
        "boundaries": {"model": score_calls(calls, edges, distances),
                       "drop_ends": score_drop_ends(*drop_end_calls(fold.drops, sizes), edges, distances)},
        "enrichment": enrichment(calls, edges, sampler, distances, settings.replicates, settings.seed),
        "distance_to_edge": {"model": distance_summary(edge_distances(calls, edges))},
        "training": {key: value for key, value in metrics.items() if key != "history"},
    }
    _add_calls(results, boundaries_path, region_calls_path, regions, sizes, edges, distances)
    smoothed = None
    if signal_path is not None:
        smoothed = _add_signal_baseline(results, scan, signal_path, folds, fold, regions, edges, sampler, settings)
    results["accessibility"] = accessibility_metrics(scan, sizes, fold.regions, settings.max_auc_bases, smoothed)
    profiles, results["meta_profile"] = meta_profile(scan, edges, settings.flank)
    loci = [locus_arrays(scan, chrom, centre, settings.example_width, fold.regions, fold.drops, smoothed, label)
            for chrom, centre, label in pick_loci(fold.drops, edges, settings.examples, settings.example_width, sizes)]
    results["examples"] = [{k: locus[k] for k in ("chrom", "start", "end", "label")} for locus in loci]
    history = metrics.get("history") if isinstance(metrics.get("history"), list) else []
    return Evaluation(results, profiles, loci, [h for h in history if isinstance(h, dict)])


def run_evaluate(
    signal: str | os.PathLike | None,
    regions: str | os.PathLike,
    folds: str | os.PathLike,
    scan_dir: str | os.PathLike,
    drops: str | os.PathLike,
    out: str | os.PathLike,
    settings: EvaluateSettings,
    *,
    metrics: str | os.PathLike | None = None,
    boundaries: str | os.PathLike | None = None,
    region_calls: str | os.PathLike | None = None,
    replicate_drops: dict[str, str] | None = None,
    replicate_scans: dict[str, str] | None = None,
    replicate_boundaries: dict[str, str] | None = None,
    explain_report: str | os.PathLike | None = None,
) -> Evaluation:
    """Evaluate drops (:func:`evaluate`) and write ``evaluation.json`` and ``report.html`` into the directory ``out``.

    Parameters
    ----------
    signal
        ATAC bigWig for the signal-only baseline, or None.
    regions, folds, scan_dir, drops, metrics, boundaries, region_calls
        As in :func:`evaluate`.
    out
        Output directory.
    settings
        :class:`EvaluateSettings`.
    replicate_drops, replicate_scans
        Replicate name -> its drops (two or more) and, where given, its scan
        directory: every pair is compared (:func:`gategenome.evaluate.replicates.replicate_agreement`).
    replicate_boundaries
        Replicate name -> its boundary calls (two or more): every pair's matched and
        reproducible boundaries (:func:`gategenome.evaluate.boundary_idr.boundary_reproducibility`).
    explain_report
        The motif report of ``gategenome explain``, linked by its path relative to ``out``.

    Returns
    -------
    Evaluation
    """
    evaluation = evaluate(drops, scan_dir, regions, folds, settings, metrics, signal, boundaries, region_calls)
    if replicate_drops:
        scanned = ScanDir(scan_dir).sizes
        sizes = {chrom: scanned[chrom] for chrom in evaluation.results["fold"]["chromosomes"]}
        evaluation.results["replicates"] = replicate_agreement(replicate_drops, sizes, settings.distances,
                                                               replicate_scans, seed=settings.seed)
    if replicate_boundaries:
        evaluation.results["boundary_reproducibility"] = [
            boundary_reproducibility(replicate_boundaries[a], replicate_boundaries[b], settings.boundary_tolerance,
                                     settings.idr_threshold, names=(a, b))
            for a, b in itertools.combinations(replicate_boundaries, 2)]
    if explain_report is not None:
        if not Path(explain_report).is_file():
            raise InputError(f"--explain-report {explain_report}: no such file; expected the motifs.html of "
                             "'gategenome explain' (the report links it)")
        evaluation.results["explain_report"] = os.path.relpath(Path(explain_report).absolute(), Path(out).absolute())
    paths = write_report(evaluation, out)
    for distance in [d for d in (25, 100) if d in settings.distances] or settings.distances[:1]:
        log_summary(evaluation.results, distance)
    log.info("wrote %s and %s", paths["html"], paths["json"])
    return evaluation
