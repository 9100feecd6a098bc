"""Do forget-gate drops mark accessibility boundaries?  The numbers behind the report.

:func:`evaluate` reads a scan directory, the called drops, the accessible regions
and the chromosome folds, and on the chromosomes of one fold (``test`` by default)
computes:

- boundary precision / recall / F1 of the drops against region edges, entry and
  exit edges separately, at several distances (definitions in
  :mod:`gategenome.evaluate.boundaries`);
- the enrichment of drops near edges over matched random positions, with a
  bootstrap confidence interval;
- the meta-profile: mean forget gate on each strand against the signed distance
  to entry and exit edges, oriented in scan direction (negative = before the scan
  reaches the edge);
- per-base accessibility auROC / auPRC of the scan's predictions (and of the
  smoothed ATAC signal itself, when a bigWig is given);
- the same boundary scores for a signal-only caller (:mod:`gategenome.evaluate.signal_caller`),
  so the report shows what the model adds over thresholding the signal.

:func:`write_report` writes ``evaluation.json`` (every number and the settings) and
``report.html`` (:mod:`gategenome.evaluate.report`).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.core.stats import ranking_metrics
from gategenome.data.folds import FOLDS_FILE
from gategenome.errors import ConfigError, InputError
from gategenome.evaluate.boundaries import (
    STRANDS,
    PositionSampler,
    call_positions,
    drop_end_calls,
    drop_summit,
    enrichment,
    nearest_distance,
    region_edges,
    score_calls,
    score_drop_ends,
    valid_runs,
)
from gategenome.evaluate.metaprofile import meta_profile
from gategenome.io.bed import Interval, read_bed
from gategenome.io.jsonfile import read_json_object, write_json
from gategenome.io.scandir import ScanDir

log = logging.getLogger(__name__)


@dataclass
class EvaluateSettings:
    """Settings of one evaluation (saved in ``evaluation.json``)."""

    fold: str = "test"
    distances: tuple[int, ...] = (50, 100, 250)
    flank: int = 2000
    replicates: int = 1000
    seed: int = 0
    signal_window: int = 151
    signal_threshold: float | None = None
    max_auc_bases: int = 4_000_000
    max_tuning_bases: int = 50_000_000
    examples: int = 4
    example_width: int = 6000

    def check(self) -> None:
        """Raise :class:`ConfigError` on a value out of range."""
        if not self.distances or min(self.distances) < 0:
            raise ConfigError(f"--distances {self.distances}: expected one or more non-negative integers")
        if self.flank < 1:
            raise ConfigError(f"--flank {self.flank}: expected a positive number of bases")
        if self.replicates < 10:
            raise ConfigError(f"--replicates {self.replicates}: expected at least 10 bootstrap replicates")
        if self.signal_window < 1:
            raise ConfigError(f"--signal-window {self.signal_window}: expected a positive number of bases")


@dataclass
class Evaluation:
    """Everything :func:`evaluate` computed.

    ``results`` is JSON-serialisable; ``profiles`` and ``loci`` hold the arrays the
    plots need.
    """

    results: dict[str, Any]
    profiles: dict[str, np.ndarray] = field(default_factory=dict)
    loci: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


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


def _accessibility_metrics(scan: ScanDir, sizes: dict[str, int], regions: list[Interval], max_bases: int,
                           smoothed: dict[str, np.ndarray] | None) -> dict[str, Any]:
    total = sum(sizes.values())
    stride = max(1, -(-total // max_bases))
    scores, signal_scores, labels = [], [], []
    by_chrom: dict[str, list[Interval]] = {}
    for region in regions:
        by_chrom.setdefault(region.chrom, []).append(region)
    for chrom, length in sizes.items():
        label = np.zeros(length, dtype=bool)
        for region in by_chrom.get(chrom, []):
            label[region.start:min(region.end, length)] = True
        stacked = np.stack([np.asarray(scan.accessibility(chrom, s)[::stride], dtype=np.float32) for s in scan.strands])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (gaps) stay NaN
            prediction = np.nanmean(stacked, axis=0)
        keep = np.isfinite(prediction)
        scores.append(prediction[keep])
        labels.append(label[::stride][keep])
        if smoothed is not None:
            signal_scores.append(smoothed[chrom][::stride][keep])
    score = np.concatenate(scores)
    label = np.concatenate(labels)
    result = {"bases": int(len(score)), "stride": stride, "accessible_fraction": float(label.mean()) if len(label) else 0.0,
              "model": ranking_metrics(score, label)}
    if smoothed is not None:
        signal = np.concatenate(signal_scores)
        result["signal"] = ranking_metrics(signal, label)
    return result


def _pick_loci(drops: list[Interval], edges: dict, count: int, spacing: int,
               sizes: dict[str, int]) -> list[tuple[str, int, str]]:
    """A few loci to show: the strongest drops within 100 bp of an edge, and the strongest beyond 250 bp.

    Drops closer than ``spacing / 2`` to a chromosome end (telomeres) are passed over.
    """
    candidates = [(drop, drop_summit(drop)) for drop in drops if drop.chrom in edges]
    candidates = [(d, s) for d, s in candidates if spacing // 2 <= s < sizes[d.chrom] - spacing // 2]
    by_chrom: dict[str, list[int]] = {}
    for i, (drop, _) in enumerate(candidates):
        by_chrom.setdefault(drop.chrom, []).append(i)
    distances: dict[int, int] = {}
    for chrom, index in by_chrom.items():  # one vectorised lookup per chromosome
        summits = np.array([candidates[i][1] for i in index])
        distances.update(zip(index, nearest_distance(summits, edges[chrom].all()).tolist()))
    near, far = [], []
    for i, (drop, summit) in enumerate(candidates):
        distance = distances[i]
        if distance <= 100:
            near.append((-drop.score, drop.chrom, summit, "strong drop, summit within 100 bp of a region edge"))
        elif distance > 250:
            far.append((-drop.score, drop.chrom, summit, "strong drop, summit over 250 bp from any region edge"))
    picked: list[tuple[str, int, str]] = []
    for _, chrom, summit, label in sorted(near)[: 10 * count] + sorted(far)[:1]:
        if len(picked) >= max(1, count - 1) and "over 250 bp" not in label:
            continue
        if all(c != chrom or abs(s - summit) > spacing for c, s, _ in picked):
            picked.append((chrom, summit, label))
    return picked[:count]


def _locus_arrays(scan: ScanDir, chrom: str, centre: int, width: int, regions: list[Interval],
                  drops: list[Interval], smoothed: dict[str, np.ndarray] | None, label: str) -> dict[str, Any]:
    length = scan.sizes[chrom]
    start = max(0, min(centre - width // 2, length - width))
    end = min(length, start + width)
    locus: dict[str, Any] = {"chrom": chrom, "start": start, "end": end, "label": label,
                             "regions": [(r.start, r.end) for r in regions if r.chrom == chrom and r.end > start and r.start < end],
                             "drops": [(d.start, d.end, d.strand) for d in drops if d.chrom == chrom and d.end > start and d.start < end]}
    for strand in scan.strands:
        locus[f"forget{strand}"] = np.asarray(scan.forget(chrom, strand)[start:end], dtype=np.float32)
        locus[f"accessibility{strand}"] = np.asarray(scan.accessibility(chrom, strand)[start:end], dtype=np.float32)
    if smoothed is not None and chrom in smoothed:
        locus["signal"] = smoothed[chrom][start:end]
    return locus


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


def evaluate(
    drops_path: str | os.PathLike,
    scan_dir: str | os.PathLike,
    regions_path: str | os.PathLike,
    folds_path: str | os.PathLike,
    settings: EvaluateSettings | None = None,
    metrics_path: str | os.PathLike | None = None,
    signal_path: str | os.PathLike | None = None,
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

    Returns
    -------
    Evaluation
    """
    settings = settings or EvaluateSettings()
    settings.check()
    scan = ScanDir(scan_dir)
    drops = read_bed(drops_path, "drops")
    regions = read_bed(regions_path, "regions")
    folds = _read_folds(folds_path, settings.fold)
    fold_chroms = folds[settings.fold]
    metrics = read_metrics(metrics_path)
    sizes, fallback = _scored_chromosomes(scan, folds_path, folds, settings.fold)
    skipped = [c for c in fold_chroms if c not in scan.sizes]
    if skipped and not fallback:
        log.warning("%s fold chromosome(s) not in the scan, left out: %s", settings.fold, ", ".join(skipped))
    fold_drops = [d for d in drops if d.chrom in sizes]
    fold_regions = [r for r in regions if r.chrom in sizes]
    if not fold_drops:
        log.warning("%s: no drop on the %s chromosomes; every boundary score will be 0", drops_path, settings.fold)
    if not fold_regions:
        log.warning("%s: no accessible region on the %s chromosomes", regions_path, settings.fold)
    edges = region_edges(regions, sizes)
    calls = call_positions(fold_drops, sizes)
    distances = list(settings.distances)
    log.info("evaluating %d drops against %d region edges on %d %s chromosome(s)",
             len(fold_drops), sum(len(e.left) + len(e.right) for e in edges.values()), len(sizes), settings.fold)

    sampler = PositionSampler({c: valid_runs(scan.forget(c, scan.strands[0])) for c in sizes})
    results: dict[str, Any] = {
        "settings": {**asdict(settings), "drops": str(drops_path), "scan_dir": str(scan_dir), "regions": str(regions_path),
                     "folds": str(folds_path), "metrics": str(metrics_path) if metrics_path else None,
                     "signal": str(signal_path) if signal_path else None},
        "fold": {"name": settings.fold, "chromosomes": list(sizes), "skipped": skipped, "bases": sum(sizes.values()),
                 "fallback": fallback},
        "counts": {"drops": len(fold_drops), "drops_all_chromosomes": len(drops),
                   "drops_per_strand": {s: sum(len(calls[(c, s)]) for c in sizes) for s in STRANDS},
                   "regions": len(fold_regions),
                   "edges_left": sum(len(e.left) for e in edges.values()),
                   "edges_right": sum(len(e.right) for e in edges.values())},
        "scan": {key: value for key, value in scan.meta.items() if key != "chroms"},
        "boundaries": {"model": score_calls(calls, edges, distances),
                       "drop_ends": score_drop_ends(*drop_end_calls(fold_drops, sizes), edges, distances)},
        "enrichment": enrichment(calls, edges, sampler, distances, settings.replicates, settings.seed),
        "training": {key: value for key, value in metrics.items() if key != "history"},
    }
    smoothed = None
    if signal_path is not None:
        from gategenome.evaluate.signal_caller import signal_baseline
        from gategenome.io.bigwig import SignalTrack

        genome_sizes = {c: int(n) for c, n in scan.meta.get("chroms", scan.sizes).items()}
        train_sizes: dict[str, int] = {}
        for chrom in folds.get("train", []):  # tune on up to ~50 Mb of the training chromosomes
            if chrom in genome_sizes and chrom not in sizes and sum(train_sizes.values()) < settings.max_tuning_bases:
                train_sizes[chrom] = genome_sizes[chrom]
        with SignalTrack(signal_path, genome_sizes) as track:
            baseline = signal_baseline(track, sizes, edges, train_sizes, region_edges(regions, train_sizes), distances,
                                       settings.signal_window, settings.signal_threshold)
        smoothed = baseline.pop("smoothed")
        baseline_calls = baseline.pop("call_positions")
        results["boundaries"]["signal"] = baseline["scores"]
        results["signal_caller"] = {"settings": baseline["settings"], "calls": baseline["calls"]}
        unstranded = {key: value for key, value in baseline_calls.items() if key[1] == "+"}
        results["enrichment_signal"] = enrichment(unstranded, edges, sampler, distances, settings.replicates, settings.seed)
    results["accessibility"] = _accessibility_metrics(scan, sizes, fold_regions, settings.max_auc_bases, smoothed)
    profiles, results["meta_profile"] = meta_profile(scan, edges, settings.flank)
    loci = [_locus_arrays(scan, chrom, centre, settings.example_width, fold_regions, fold_drops, smoothed, label)
            for chrom, centre, label in _pick_loci(fold_drops, edges, settings.examples, settings.example_width, sizes)]
    results["examples"] = [{k: locus[k] for k in ("chrom", "start", "end", "label")} for locus in loci]
    history = metrics.get("history") if isinstance(metrics.get("history"), list) else []
    return Evaluation(results, profiles, loci, [h for h in history if isinstance(h, dict)])


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_report(evaluation: Evaluation, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write ``evaluation.json`` and ``report.html`` into ``out_dir`` (each atomically).

    Returns
    -------
    dict[str, Path]
        ``{"json": ..., "html": ...}``.
    """
    from gategenome.evaluate.report import render_html
    from gategenome.io.atomic import atomic_open

    out = Path(out_dir)
    html = render_html(evaluation)
    paths = {"json": out / "evaluation.json", "html": out / "report.html"}
    write_json(paths["json"], _jsonable(evaluation.results))
    with atomic_open(paths["html"]) as handle:
        handle.write(html)
    return paths


def headline(results: dict[str, Any], distance: int = 100) -> dict[str, float | None]:
    """Key numbers at one distance: any-edge P/R/F1 of the model and of the signal caller, enrichment and CI."""
    key = str(distance)
    model = results["boundaries"]["model"]["any"]["both"].get(key, {})
    signal = results["boundaries"].get("signal", {}).get("any", {}).get("both", {}).get(key, {})
    enrich = results["enrichment"].get(key, {})
    return {
        "distance": distance,
        "model_precision": model.get("precision"), "model_recall": model.get("recall"), "model_f1": model.get("f1"),
        "signal_precision": signal.get("precision"), "signal_recall": signal.get("recall"), "signal_f1": signal.get("f1"),
        "enrichment": enrich.get("enrichment"), "ci_low": enrich.get("ci_low"), "ci_high": enrich.get("ci_high"),
    }


def parse_distances(text: str | Sequence[int]) -> tuple[int, ...]:
    """``"50,100,250"`` -> ``(50, 100, 250)``; raises :class:`ConfigError` otherwise."""
    if not isinstance(text, str):
        return tuple(int(v) for v in text)
    try:
        values = tuple(sorted({int(v) for v in text.split(",") if v.strip()}))
    except ValueError:
        raise ConfigError(f"--distances {text!r}: expected comma-separated integers, e.g. 50,100,250") from None
    if not values:
        raise ConfigError(f"--distances {text!r}: expected comma-separated integers, e.g. 50,100,250")
    return values
