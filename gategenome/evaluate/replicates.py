"""Do the drops of replicate signals agree?

Rows of one sample in the sample sheet are replicates: the workflow pools them into
one signal to train and scan the sample, and also scans each replicate's own signal
with the same model and calls its drops.  Here those per-replicate drops are
compared pair by pair, on the evaluated chromosomes:

- **Drops within d** (both directions): the fraction of the drops of replicate A
  whose summit lies within ``d`` bases of the summit of a drop of replicate B on
  the same chromosome and strand, and the same from B to A; beside it the fraction
  expected by chance, were A's summits uniform on their chromosomes (the share of
  bases within ``d`` of a summit of B).
- **Jaccard of drop bases**: bases covered by the drops of both replicates over
  bases covered by either, strand by strand (a base drops on ``+`` and ``-``
  separately).
- **Forget-gate correlation**: Pearson correlation of the per-base mean forget
  gate (averaged over the scanned strands) of the two replicate scans, on a seeded
  sample of bases where both have a value.

Identical drop sets agree with 1.0 on every measure of drops; disjoint ones far
apart with 0.0.  Never imports torch.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.data.intervals import IntervalIndex
from gategenome.errors import ConfigError, InputError
from gategenome.evaluate.boundaries import STRANDS, call_positions, nearest_distance
from gategenome.evaluate.calls import base_overlap
from gategenome.io.bed import Interval, read_bed
from gategenome.io.provenance import Product, require_compatible
from gategenome.io.scandir.reader import ScanDir


def parse_named_paths(values: Sequence[str], option: str) -> dict[str, str]:
    """``["r1=a.bed", "b.bed"]`` -> ``{"r1": "a.bed", "b.bed": "b.bed"}``: NAME=PATH, or PATH named by itself.

    Raises :class:`ConfigError` on an empty name or path, or a name given twice.
    """
    named: dict[str, str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep:
            name, path = value, value
        if not name or not path:
            raise ConfigError(f"{option} {value!r}: expected NAME=PATH or PATH")
        if name in named:
            raise ConfigError(f"{option}: replicate name {name!r} given twice; expected distinct names")
        named[name] = path
    return named


def check_replicate_inputs(drops: Mapping[str, str | os.PathLike], scans: Mapping[str, str | os.PathLike]) -> None:
    """Raise before any work unless every replicate's drops file and scan directory exist (scans named in drops)."""
    unknown = sorted(set(scans) - set(drops))
    if unknown:
        raise ConfigError(f"--replicate-scan: {', '.join(unknown)} has no --replicate-drops of the same name")
    for name, path in drops.items():
        if not Path(path).is_file():
            raise InputError(f"--replicate-drops {name}: {path} not found or not a file; expected the drops BED of "
                             "'gategenome call' on that replicate's scan")
    for name, path in scans.items():
        ScanDir(path)


def drops_within(a: Mapping[tuple[str, str], np.ndarray], b: Mapping[tuple[str, str], np.ndarray],
                 distance: int) -> float:
    """Fraction of the summits of ``a`` within ``distance`` of a summit of ``b`` on the same chromosome and strand.

    Parameters
    ----------
    a, b
        ``(chrom, strand)`` -> sorted ``(N,)`` int64 summits (:func:`call_positions`).
    distance
        Tolerance, bases.

    Returns
    -------
    float
        In [0, 1]; 0.0 when ``a`` has no drop.
    """
    hits = total = 0
    for key, positions in a.items():
        total += len(positions)
        targets = b.get(key, np.empty(0, dtype=np.int64))
        hits += int((nearest_distance(positions, targets) <= distance).sum())
    return hits / total if total else 0.0


def window_cover(positions: np.ndarray, distance: int, size: int) -> int:
    """Bases of ``[0, size)`` within ``distance`` of one of the sorted ``(N,)`` ``positions``."""
    positions = np.asarray(positions, dtype=np.int64)
    return IntervalIndex(positions - distance, positions + distance + 1, size).covered


def chance_within(a: Mapping[tuple[str, str], np.ndarray], b: Mapping[tuple[str, str], np.ndarray],
                  sizes: Mapping[str, int], distance: int) -> float:
    """Expected :func:`drops_within` of ``a`` in ``b`` were ``a``'s summits uniform on their chromosome and strand.

    The share of each chromosome within ``distance`` of a summit of ``b`` (same strand),
    weighted by the number of summits of ``a`` there; 0.0 when ``a`` has no drop.
    """
    expected = total = 0.0
    for (chrom, strand), positions in a.items():
        if len(positions):
            targets = b.get((chrom, strand), np.empty(0, dtype=np.int64))
            expected += len(positions) * window_cover(targets, distance, sizes[chrom]) / sizes[chrom]
            total += len(positions)
    return expected / total if total else 0.0


def drop_base_jaccard(a: Sequence[Interval], b: Sequence[Interval], chroms: Sequence[str]) -> float:
    """Jaccard of the bases covered by two drop sets, strand by strand (unstranded drops count on both)."""
    shared = union = 0
    for strand in STRANDS:
        def on(drops):
            return [Interval(d.chrom, d.start, d.end) for d in drops if d.strand in (strand, ".")]
        overlap = base_overlap(on(a), on(b), chroms)
        shared += overlap["shared_bases"]
        union += overlap["called_bases"] + overlap["region_bases"] - overlap["shared_bases"]
    return shared / union if union else 0.0


def _mean_gate(scan: ScanDir, chrom: str, positions: np.ndarray) -> np.ndarray:
    """``(N,)`` float64 mean forget gate over the scanned strands at ``positions`` (NaN where none)."""
    values = np.stack([np.asarray(scan.forget(chrom, s)[positions], dtype=np.float64) for s in scan.strands])
    with np.errstate(invalid="ignore"):
        counts = np.isfinite(values).sum(axis=0)
        return np.where(counts > 0, np.nansum(values, axis=0) / np.maximum(counts, 1), np.nan)


def gate_correlation(a: ScanDir, b: ScanDir, chroms: Sequence[str], max_bases: int = 200_000,
                     seed: int = 0) -> dict[str, Any]:
    """Pearson correlation of the per-base mean forget gate of two scans on a seeded sample of bases.

    Parameters
    ----------
    a, b
        Scan directories of two replicates (same genome).
    chroms
        Chromosomes to sample; those not scanned in both are left out.
    max_bases
        Bases sampled, spread over the chromosomes in proportion to their length.
    seed
        Seed of the sample.

    Returns
    -------
    dict
        ``pearson`` (None when fewer than 3 bases or a constant gate) and ``bases`` used.
    """
    shared = [c for c in chroms if c in a.sizes and c in b.sizes and a.sizes[c] == b.sizes[c]]
    total = sum(a.sizes[c] for c in shared)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for chrom in shared:
        n = min(a.sizes[chrom], max(1, round(max_bases * a.sizes[chrom] / total)))
        positions = np.sort(rng.choice(a.sizes[chrom], size=n, replace=False))
        xs.append(_mean_gate(a, chrom, positions))
        ys.append(_mean_gate(b, chrom, positions))
    x = np.concatenate(xs) if xs else np.empty(0)
    y = np.concatenate(ys) if ys else np.empty(0)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return {"pearson": None, "bases": int(len(x))}
    return {"pearson": float(np.corrcoef(x, y)[0, 1]), "bases": int(len(x))}


def replicate_agreement(drops: Mapping[str, str | os.PathLike], sizes: Mapping[str, int], distances: Sequence[int],
                        scans: Mapping[str, str | os.PathLike] | None = None, max_bases: int = 200_000,
                        seed: int = 0) -> dict[str, Any]:
    """Agreement of every pair of replicates' drops (and scans, where given) on ``chroms``.

    Parameters
    ----------
    drops
        Replicate name -> drops BED (``gategenome call``); two or more.
    sizes
        Chromosomes compared (the evaluated fold's) -> length.
    distances
        Tolerances d of "drops within d", bases.
    scans
        Optional replicate name -> scan directory, for the forget-gate correlation.
    max_bases, seed
        Sample of bases of the correlation (:func:`gate_correlation`).

    Returns
    -------
    dict
        ``replicates`` (name -> path and drop count) and ``pairs``: one entry per pair
        with ``a``, ``b``, ``a_within_b`` and ``b_within_a`` (distance -> fraction),
        ``a_within_b_chance`` and ``b_within_a_chance`` (the same by chance),
        ``jaccard`` and ``gate_correlation``.
    """
    if len(drops) < 2:
        raise ConfigError(f"--replicate-drops: {len(drops)} replicate(s) given; expected two or more")
    scans = dict(scans or {})
    check_replicate_inputs(drops, scans)
    chroms = list(sizes)
    keep = set(chroms)
    sets = {name: [d for d in read_bed(path, f"drops of replicate {name}") if d.chrom in keep]
            for name, path in drops.items()}
    summits = {name: call_positions(found, chroms) for name, found in sets.items()}
    opened = {name: ScanDir(path) for name, path in scans.items()}
    products = [Product(scan.path / "scan.json", genome_checksum=scan.meta.get("genome_checksum"),
                        chroms=scan.meta.get("chroms")) for scan in opened.values()]
    for product in products[1:]:  # replicate models of one genome: the gates are compared base by base
        require_compatible(products[0], product)
    pairs = []
    for a, b in itertools.combinations(drops, 2):
        pair: dict[str, Any] = {
            "a": a, "b": b,
            "a_within_b": {str(d): drops_within(summits[a], summits[b], d) for d in distances},
            "b_within_a": {str(d): drops_within(summits[b], summits[a], d) for d in distances},
            "a_within_b_chance": {str(d): chance_within(summits[a], summits[b], sizes, d) for d in distances},
            "b_within_a_chance": {str(d): chance_within(summits[b], summits[a], sizes, d) for d in distances},
            "jaccard": drop_base_jaccard(sets[a], sets[b], chroms),
            "gate_correlation": None,
        }
        if a in opened and b in opened:
            pair["gate_correlation"] = gate_correlation(opened[a], opened[b], chroms, max_bases, seed)
        pairs.append(pair)
    return {"replicates": {name: {"drops": str(Path(path)), "count": len(sets[name]),
                                  "scan": str(scans[name]) if name in scans else None} for name, path in drops.items()},
            "chromosomes": list(chroms), "pairs": pairs}
