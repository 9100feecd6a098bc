"""Reproducibility of boundary calls between two replicates: the IDR of Li et al. (2011).

Two replicates' boundary calls (``gategenome boundaries``) are matched one to one:
a call of A and a call of B match when their positions (start + peak) lie
within ``tolerance`` bases on the same chromosome and they have the same
direction (opening / closing); pairs are taken closest first, so each call is in
at most one pair.  Each call is ranked by its q-value (column 9, ``-log10 q``;
ties by the p-value, then the step).

On the matched pairs the copula mixture model of Li, Brown, Huang and Bickel
(2011, *Ann. Appl. Stat.* 5:1752, the ``idr`` of ENCODE) is fitted: the ranks'
normal scores come from a mixture of a reproducible component (bivariate normal,
mean ``mu``, standard deviation ``sigma``, correlation ``rho``) and an
irreproducible one (independent standard normals), in proportions ``p`` and
``1 - p``.  The fit alternates between the pseudo-data (each rank's quantile
under the current mixture marginal) and an EM step, as the ``idr`` R package's
``est.IDR`` does.  A pair's local idr is its posterior probability of being
irreproducible; taking the pairs by increasing local idr, the IDR of the top
``k`` is the mean local idr of those ``k`` (the expected fraction irreproducible).
The reproducible boundaries are the largest top set with IDR <= the threshold
(ENCODE uses 0.05).  Unmatched calls are counted, not modelled.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import numpy as np
from scipy.special import ndtr

from gategenome.errors import InputError
from gategenome.io.reading import open_text, reading

log = logging.getLogger(__name__)

#: Fewest matched pairs the mixture is fitted on.
MIN_PAIRS = 20


def read_boundary_calls(path: str | os.PathLike, option: str = "--replicate-boundaries") -> dict[str, np.ndarray]:
    """Boundary calls as arrays: ``chrom`` (str), ``position``, ``opening`` (bool) and ``score`` (rank key).

    Raises
    ------
    InputError
        A missing file or a line that is not a ``gategenome boundaries`` call (named with its number).
    """
    chroms, positions, opening, keys = [], [], [], []
    if not os.path.isfile(path):
        raise InputError(f"{option} {path}: file not found; expected the boundaries BED of 'gategenome boundaries'")
    with reading(path, f"the boundaries BED of 'gategenome boundaries' ({option})"), open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            try:
                if len(fields) < 11 or fields[10] not in ("opening", "closing", "."):
                    raise ValueError
                chrom, position = fields[0], int(fields[1]) + int(fields[9])
                key = (float(fields[8]), float(fields[7]), float(fields[6]))
            except ValueError:
                raise InputError(f"{option} {path}: line {number}: expected a boundary call (BED6+7: qValue in "
                                 f"column 9, peak in 10, direction in 11), got {line.strip()[:80]!r}") from None
            if fields[10] == ".":
                continue
            chroms.append(chrom)
            positions.append(position)
            opening.append(fields[10] == "opening")
            keys.append(key)
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    score = np.empty(len(keys))
    score[order] = np.arange(len(keys))  # rank by q-value, then p-value, then step (higher = stronger)
    return {"chrom": np.array(chroms, dtype=object), "position": np.array(positions, dtype=np.int64),
            "opening": np.array(opening, dtype=bool), "score": score}


def match_calls(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray], tolerance: int) -> np.ndarray:
    """One-to-one pairs ``(index in a, index in b)`` within ``tolerance`` bases, same chromosome and direction.

    Returns
    -------
    numpy.ndarray
        ``(M, 2)`` int64, closest pairs taken first.
    """
    candidates = []
    for chrom in sorted(set(a["chrom"].tolist()) & set(b["chrom"].tolist())):
        for direction in (True, False):
            ia = np.flatnonzero((a["chrom"] == chrom) & (a["opening"] == direction))
            ib = np.flatnonzero((b["chrom"] == chrom) & (b["opening"] == direction))
            if not ia.size or not ib.size:
                continue
            ib = ib[np.argsort(b["position"][ib], kind="stable")]
            positions_b = b["position"][ib]
            for i in ia:
                lo = np.searchsorted(positions_b, a["position"][i] - tolerance, side="left")
                hi = np.searchsorted(positions_b, a["position"][i] + tolerance, side="right")
                for j in range(lo, hi):
                    candidates.append((abs(int(positions_b[j]) - int(a["position"][i])), int(i), int(ib[j])))
    candidates.sort()
    used_a, used_b, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _ranks(values: np.ndarray) -> np.ndarray:
    """``(M,)`` ranks 1..M of ``values``, ties given their mean rank."""
    order = np.argsort(values, kind="stable")
    ordinal = np.empty(values.size)
    ordinal[order] = np.arange(1, values.size + 1)
    _, inverse = np.unique(values, return_inverse=True)
    return (np.bincount(inverse, weights=ordinal) / np.bincount(inverse))[inverse]


def _normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def _bivariate_pdf(x: np.ndarray, y: np.ndarray, mu: float, sigma: float, rho: float) -> np.ndarray:
    """Density of the bivariate normal with means ``mu``, standard deviations ``sigma`` and correlation ``rho``."""
    dx, dy = (x - mu) / sigma, (y - mu) / sigma
    quadratic = (dx * dx - 2 * rho * dx * dy + dy * dy) / (1 - rho * rho)
    return np.exp(-0.5 * quadratic) / (2 * np.pi * sigma * sigma * np.sqrt(1 - rho * rho))


def _mixture_quantiles(u: np.ndarray, p: float, mu: float, sigma: float) -> np.ndarray:
    """Quantiles of ``u`` under the marginal ``p N(mu, sigma) + (1 - p) N(0, 1)`` (by interpolation on a grid)."""
    lo = min(-6.0, mu - 6 * sigma)
    hi = max(6.0, mu + 6 * sigma)
    grid = np.linspace(lo, hi, 4000)
    cdf = p * ndtr((grid - mu) / sigma) + (1 - p) * ndtr(grid)
    return np.interp(u, cdf, grid)


def fit_idr(x: np.ndarray, y: np.ndarray, *, p: float = 0.5, mu: float = 1.0, sigma: float = 1.0, rho: float = 0.5,
            iterations: int = 200, tolerance: float = 1e-6) -> dict:
    """Fit the copula mixture to paired scores (higher = stronger) and return each pair's local idr.

    Parameters
    ----------
    x, y
        ``(M,)`` scores of the matched pairs in the two replicates.
    p, mu, sigma, rho
        Starting values (those of the ``idr`` package).

    Returns
    -------
    dict
        ``p``, ``mu``, ``sigma``, ``rho``, ``iterations`` and ``local_idr``: ``(M,)`` posterior
        probability that each pair is irreproducible.
    """
    n = x.size
    u = _ranks(x) / (n + 1)
    v = _ranks(y) / (n + 1)
    done = 0
    for done in range(1, iterations + 1):
        zx = _mixture_quantiles(u, p, mu, sigma)
        zy = _mixture_quantiles(v, p, mu, sigma)
        reproducible = p * _bivariate_pdf(zx, zy, mu, sigma, rho)
        irreproducible = (1 - p) * _normal_pdf(zx) * _normal_pdf(zy)
        weight = reproducible / np.maximum(reproducible + irreproducible, 1e-300)
        total = max(weight.sum(), 1e-12)
        new_p = float(np.clip(weight.mean(), 1e-6, 1 - 1e-6))
        new_mu = float((weight * (zx + zy)).sum() / (2 * total))
        dx, dy = zx - new_mu, zy - new_mu
        new_sigma = float(np.sqrt(max((weight * (dx ** 2 + dy ** 2)).sum() / (2 * total), 1e-6)))
        new_rho = float(np.clip((weight * dx * dy).sum() / (total * new_sigma ** 2), -0.99, 0.99))
        change = max(abs(new_p - p), abs(new_mu - mu), abs(new_sigma - sigma), abs(new_rho - rho))
        p, mu, sigma, rho = new_p, new_mu, new_sigma, new_rho
        if change < tolerance:
            break
    return {"p": p, "mu": mu, "sigma": sigma, "rho": rho, "iterations": done, "local_idr": 1 - weight}


def global_idr(local_idr: np.ndarray) -> np.ndarray:
    """``(M,)`` IDR of each pair: the mean local idr of all pairs with a local idr no larger than its own."""
    order = np.argsort(local_idr, kind="stable")
    cumulative = np.cumsum(local_idr[order]) / np.arange(1, local_idr.size + 1)
    result = np.empty_like(local_idr)
    result[order] = cumulative
    return result


def boundary_reproducibility(a_path: str | os.PathLike, b_path: str | os.PathLike, tolerance: int,
                             threshold: float, names: tuple[str, str] = ("A", "B")) -> dict:
    """Match two replicates' boundary calls and estimate their irreproducible discovery rate.

    Returns
    -------
    dict
        ``a``, ``b`` (names), ``calls_a``, ``calls_b``, ``matched``, ``tolerance``,
        ``idr_threshold``, ``reproducible`` (pairs with IDR <= the threshold; None
        with fewer than :data:`MIN_PAIRS` pairs) and the fitted ``model``.
    """
    a, b = read_boundary_calls(a_path), read_boundary_calls(b_path)
    pairs = match_calls(a, b, tolerance)
    result = {"a": names[0], "b": names[1], "calls_a": int(a["score"].size), "calls_b": int(b["score"].size),
              "matched": len(pairs), "tolerance": tolerance, "idr_threshold": threshold,
              "reproducible": None, "model": None}
    if len(pairs) < MIN_PAIRS:
        log.warning("replicates %s and %s: %d matched boundary calls, fewer than %d; no IDR fitted",
                    names[0], names[1], len(pairs), MIN_PAIRS)
        return result
    fit = fit_idr(a["score"][pairs[:, 0]], b["score"][pairs[:, 1]])
    idr = global_idr(fit.pop("local_idr"))
    result["reproducible"] = int((idr <= threshold).sum())
    result["model"] = {key: round(float(value), 4) if isinstance(value, float) else value for key, value in fit.items()}
    log.info("replicates %s and %s: %d of %d / %d boundary calls matched within %d bp, %d reproducible at IDR %.2f",
             names[0], names[1], result["matched"], result["calls_a"], result["calls_b"], tolerance,
             result["reproducible"], threshold)
    return result
