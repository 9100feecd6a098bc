"""The signal test of a boundary: does the ATAC signal differ between its two sides?

The accessibility step of :mod:`gategenome.call.null` is the model's evidence for
a boundary; its null (the step at drops with no predicted edge nearby) leaves out
by construction the background drops where the model *does* predict a short
accessible stretch, so on its own it calls false boundaries at background bumps
the model answers, even on a genome with no region at all.  This module adds the
input signal's evidence.

With ``S_open`` and ``S_closed`` the summed signal over the ``w`` bases on the
side the model calls accessible and on the other side, and ``D`` the signal's
dispersion (below), ``a = S_open / D`` and ``b = S_closed / D`` are treated as
Poisson counts.  Under "no boundary here" the two sides share one rate, so given
``n = a + b``, ``a`` is Binomial(n, 1/2); the p-value is the two-sided
likelihood-ratio (G) test of that, with a continuity correction of half a count
(two-sided because the model, which reads the signal, chose the open side).

The **dispersion** ``D`` is how many signal units one independent count is worth:
a coverage track made of fragments of length ``F`` has, in ``w``-base windows,
variance about ``D`` times the mean with ``D`` near ``min(w, F)`` (each fragment
adds up to that much to a window), not 1.  It is estimated once per genome from
adjacent windows ``(x, y)`` (``w`` bases each, tiled along the genome): under a
shared rate ``(x - y)^2 / (x + y)`` is about ``D`` times a chi-square with one
degree of freedom, so ``D = median / 0.4549``; the median ignores the few pairs
that straddle a real region edge.

What the test assumes: background signal is a sum of independent fragments at a
rate that does not change within ``2 w`` bases of a position, with one
over-dispersion ``D`` for the whole genome.  Stretches whose background varies
more than that (copy number, mappability, strong nucleosome phasing) make it
liberal there.  The boundary's p-value is the larger of the step's and this
test's (an intersection-union test: a call needs both the model and the signal).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

#: Bases read at a time when estimating the dispersion.
DISPERSION_CHUNK = 1_000_000


def _window_pairs(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Adjacent ``window``-base sums ``(x, y)`` of ``values``, tiled; pairs with ``x + y > 0``."""
    count = values.size // window
    sums = values[:count * window].reshape(count, window).sum(axis=1, dtype=np.float64)
    x, y = sums[:-1:2], sums[1::2]
    keep = x + y > 0
    return x[keep], y[keep]


def g_statistic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Likelihood-ratio statistic that counts ``a`` and ``b`` share one rate, ``a`` tested as the larger.

    ``G = 2 [a' ln(2a'/n) + b' ln(2b'/n)]`` with ``n = a + b`` and ``a' = max(a - 1/2, n/2)``
    (continuity correction), ``b' = n - a'``; 0 where ``a <= b``.

    Returns
    -------
    numpy.ndarray
        ``(K,)`` float64, >= 0; about chi-square (1 degree of freedom) when ``a + b`` is large.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    n = a + b
    half = n / 2
    corrected = np.maximum(a - 0.5, half)
    rest = n - corrected
    with np.errstate(divide="ignore", invalid="ignore"):
        g = 2 * (np.where(corrected > 0, corrected * np.log(2 * corrected / n), 0.0)
                 + np.where(rest > 0, rest * np.log(2 * rest / n), 0.0))
    return np.where((n > 0) & (corrected > half), np.maximum(g, 0.0), 0.0)


def estimate_dispersion(read, sizes: Mapping[str, int], window: int, max_chunks: int = 200,
                        quantile: float = 0.5) -> float:
    """The signal's dispersion ``D`` in ``window``-base windows (see the module docstring).

    ``D`` is set so that the ``quantile`` of :func:`g_statistic` over adjacent
    window pairs (larger side first) equals that of a chi-square variable with one
    degree of freedom: the test then holds its level on the bulk of the genome,
    whose few pairs across real region edges only lengthen the upper tail.

    Parameters
    ----------
    read
        ``read(chrom, start, end)`` returning ``(end - start,)`` signal values.
    sizes
        Chromosome -> length.
    window
        ``w``, bases per window.
    max_chunks
        At most this many chunks of :data:`DISPERSION_CHUNK` bases are read, evenly
        spaced over the genome, so a large genome is sampled, not read whole.
    quantile
        Where the two distributions are matched.

    Returns
    -------
    float
        ``D`` in ``[1, 1e9]``; 1 when no window pair has any signal.
    """
    chunks = [(chrom, start, min(start + DISPERSION_CHUNK, length))
              for chrom, length in sizes.items() for start in range(0, length, DISPERSION_CHUNK)]
    if len(chunks) > max_chunks:
        chunks = [chunks[i] for i in np.linspace(0, len(chunks) - 1, max_chunks).astype(int)]
    pairs = [_window_pairs(np.asarray(read(chrom, start, end), dtype=np.float64), window)
             for chrom, start, end in chunks]
    if not pairs or sum(x.size for x, _ in pairs) == 0:
        return 1.0
    x, y = np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])
    high, low = np.maximum(x, y), np.minimum(x, y)
    target = _chi2_1_quantile(quantile)
    lo, hi = 0.0, 9.0  # log10 D
    if np.quantile(g_statistic(high, low), quantile) <= target:
        return 1.0
    for _ in range(50):  # the quantile of G falls as D grows
        mid = (lo + hi) / 2
        if np.quantile(g_statistic(high / 10 ** mid, low / 10 ** mid), quantile) > target:
            lo = mid
        else:
            hi = mid
    return float(10 ** hi)


def _chi2_1_quantile(q: float) -> float:
    """Quantile of a chi-square variable with one degree of freedom: the square of a normal quantile."""
    lo, hi = 0.0, 40.0  # z with erfc(z / sqrt 2) = 1 - q
    for _ in range(80):
        mid = (lo + hi) / 2
        if math.erfc(mid / math.sqrt(2)) > 1 - q:
            lo = mid
        else:
            hi = mid
    return hi * hi


def side_sums(read, chrom: str, positions: np.ndarray, window: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Summed signal over ``[p - w, p)`` and ``[p, p + w)`` at each position (clipped to the chromosome).

    Returns
    -------
    tuple
        ``(left, right)``, ``(K,)`` float64 each.
    """
    positions = np.asarray(positions, dtype=np.int64)
    left, right = np.zeros(positions.size), np.zeros(positions.size)
    for i, p in enumerate(positions.tolist()):
        lo, hi = max(p - window, 0), min(p + window, length)
        values = np.asarray(read(chrom, lo, hi), dtype=np.float64)
        cut = max(min(p, hi) - lo, 0)
        left[i], right[i] = values[:cut].sum(), values[cut:].sum()
    return left, right


def contrast_pvalues(open_sum: np.ndarray, closed_sum: np.ndarray, dispersion: float) -> np.ndarray:
    """Two-sided p-values that the open and closed sides share one rate (see the module docstring).

    Parameters
    ----------
    open_sum, closed_sum
        ``(K,)`` summed signal on the side called accessible and on the other side.
    dispersion
        ``D``, signal units per count.

    Returns
    -------
    numpy.ndarray
        ``(K,)`` float64 in (0, 1]; 1 where the open side has no more signal than the closed one.
    """
    g = g_statistic(np.asarray(open_sum, dtype=np.float64) / dispersion,
                    np.asarray(closed_sum, dtype=np.float64) / dispersion)
    return np.array([math.erfc(math.sqrt(v / 2)) for v in g.tolist()], dtype=np.float64).clip(1e-300, 1.0)
