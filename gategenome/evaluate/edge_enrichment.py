"""Enrichment of boundary calls near region edges over matched random positions.

The statistic at a distance ``d`` is the fraction of calls within ``d`` of any
region edge (:mod:`gategenome.evaluate.boundaries`); random positions are drawn
uniformly among the scanned, non-gap bases of the same chromosomes, and a
percentile bootstrap gives its confidence interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from gategenome.core.progress import progress_bar
from gategenome.evaluate.boundaries import STRANDS, Edges, nearest_distance
from gategenome.io.scandir.reader import read_block


class PositionSampler:
    """Uniform random positions among the valid (non-gap) bases of chromosomes.

    Parameters
    ----------
    valid_runs
        Chromosome -> ``(R, 2)`` int64 half-open runs of valid bases.
    """

    def __init__(self, valid_runs: Mapping[str, np.ndarray]):
        self.runs = {chrom: np.asarray(runs, dtype=np.int64).reshape(-1, 2) for chrom, runs in valid_runs.items()}
        self.cumulative = {chrom: np.cumsum(runs[:, 1] - runs[:, 0]) for chrom, runs in self.runs.items()}

    def sample(self, chrom: str, count: int, rng: np.random.Generator) -> np.ndarray:
        """``(count,)`` int64 positions drawn uniformly from the valid bases of ``chrom``."""
        cumulative = self.cumulative[chrom]
        if count == 0 or len(cumulative) == 0 or cumulative[-1] == 0:
            return np.zeros(0, dtype=np.int64)
        rank = rng.integers(0, cumulative[-1], size=count)
        run = np.searchsorted(cumulative, rank, side="right")
        offset = rank - np.concatenate([[0], cumulative])[run]
        return self.runs[chrom][run, 0] + offset


def valid_runs(values: np.ndarray, chunk: int = 1 << 22) -> np.ndarray:
    """Half-open runs of finite values in a (memory-mapped) ``(L,)`` array.

    Returns
    -------
    numpy.ndarray
        ``(R, 2)`` int64 ``[start, end)`` runs, read chunk by chunk (a map with ``pread``).
    """
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    previous = False
    length = len(values)
    for offset in range(0, length, chunk):
        finite = np.isfinite(np.asarray(read_block(values, offset, offset + chunk), dtype=np.float32))
        padded = np.concatenate([[previous], finite])
        change = np.flatnonzero(padded[1:] != padded[:-1])
        rising = finite[change]
        starts.append(offset + change[rising])
        ends.append(offset + change[~rising])
        previous = bool(finite[-1]) if len(finite) else previous
    if previous:
        ends.append(np.array([length]))
    if not starts or not len(np.concatenate(starts)):
        return np.zeros((0, 2), dtype=np.int64)
    return np.stack([np.concatenate(starts), np.concatenate(ends)], axis=1).astype(np.int64)


def _quantile(values: np.ndarray, q: float) -> float:
    """Lower-interpolated quantile that tolerates ``inf`` values."""
    return float(np.sort(values)[min(len(values) - 1, int(np.floor(q * (len(values) - 1))))]) if len(values) else float("nan")


def enrichment(
    calls: Mapping[tuple[str, str], np.ndarray],
    edges: Mapping[str, Edges],
    sampler: PositionSampler,
    distances: Sequence[int],
    replicates: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict:
    """Enrichment of calls near edges over matched random positions, with a bootstrap CI.

    The statistic at distance ``d`` is the fraction of calls (both strands pooled)
    within ``d`` of any edge.  Each replicate resamples the calls with replacement
    and draws a fresh random set of the same size on the same chromosomes (the same
    number per chromosome) among valid bases; the replicate's enrichment is the ratio
    of the two fractions.

    Returns
    -------
    dict
        ``result[str(d)]`` with ``observed`` (fraction of calls near an edge),
        ``random`` (mean fraction of random positions), ``enrichment``
        (observed / random), ``ci_low``/``ci_high`` (percentile bootstrap interval of
        the ratio) and ``p_value`` (one-sided, the share of random sets at least as
        close as the calls, with the +1 correction), plus ``calls``, ``replicates``
        and ``seed``.
    """
    rng = np.random.default_rng(seed)
    empty = np.zeros(0, dtype=np.int64)
    chroms = [c for c in edges if c in sampler.runs]
    per_chrom = {c: np.concatenate([calls.get((c, s), empty) for s in STRANDS]) for c in chroms}
    all_edges = {c: edges[c].all() for c in chroms}
    call_dist = np.concatenate([nearest_distance(per_chrom[c], all_edges[c]) for c in chroms] or [empty])
    n = len(call_dist)
    d_array = np.asarray(distances, dtype=np.int64)
    result: dict = {"calls": n, "replicates": replicates, "seed": seed, "confidence": confidence}
    if n == 0:
        for d in distances:
            result[str(d)] = {"observed": 0.0, "random": 0.0, "enrichment": float("nan"),
                              "ci_low": float("nan"), "ci_high": float("nan"), "p_value": 1.0}
        return result
    observed = (call_dist[:, None] <= d_array[None, :]).mean(axis=0)
    boot_observed = np.empty((replicates, len(d_array)))
    boot_random = np.empty((replicates, len(d_array)))
    with progress_bar(replicates, "bootstrap", unit="replicate") as bar:
        for b in range(replicates):
            resampled = call_dist[rng.integers(0, n, size=n)]
            boot_observed[b] = (resampled[:, None] <= d_array[None, :]).mean(axis=0)
            random_dist = np.concatenate([
                nearest_distance(sampler.sample(c, len(per_chrom[c]), rng), all_edges[c]) for c in chroms
            ])
            boot_random[b] = (random_dist[:, None] <= d_array[None, :]).mean(axis=0)
            bar.update()
    alpha = (1 - confidence) / 2
    for j, d in enumerate(distances):
        random_mean = float(boot_random[:, j].mean())
        with np.errstate(divide="ignore", invalid="ignore"):
            # A replicate whose random set has no position near an edge has an infinite ratio; it is
            # kept (dropping it would bias the interval down), so tiny call sets get an open interval.
            ratios = np.where(boot_random[:, j] > 0, boot_observed[:, j] / np.maximum(boot_random[:, j], 1e-300), np.inf)
        result[str(d)] = {
            "observed": float(observed[j]),
            "random": random_mean,
            "enrichment": float(observed[j] / random_mean) if random_mean > 0 else float("inf"),
            "ci_low": _quantile(ratios, alpha),
            "ci_high": _quantile(ratios, 1 - alpha),
            "p_value": float((1 + (boot_random[:, j] >= observed[j]).sum()) / (replicates + 1)),
        }
    return result
