"""chromBPNet's allele scores from the predicted Tn5 insertion profile of a ``target: insertions`` model.

Such a model's logit at a base is its log insertion rate relative to the genome's
mean rate (:mod:`gategenome.model.insertions`); Tn5's sequence preference is left
out, so the scores are those of the accessibility alone (chromBPNet scores its
bias-free model the same way).  The LSTM reads in one direction, so an allele can
only change the predictions at and after it in each scan direction: the
**profile window** of an allele is, on each strand, the allele's last base in the
scan direction and the ``h - 1`` bases after it (``h`` = ``profile_window``), the
minus strand's read back into genome order before the plus strand's.  Positions
after the allele are aligned between the reference and the alternative sequence,
indels included.  Over that window:

- **count log fold-change** ``log2(sum alt counts / sum ref counts)`` of the
  predicted insertions;
- **profile JSD**: the Jensen-Shannon distance (base 2, in [0, 1]) between the
  reference's and the alternative's insertion profiles (each window's counts
  divided by their sum; :func:`scipy.spatial.distance.jensenshannon`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.special import logsumexp, softmax


@dataclass(frozen=True)
class StrandProfile:
    """Predicted log insertion rates of one strand's profile window.

    Attributes
    ----------
    ref, alt
        ``(h,)`` float64 log rates (relative to the mean rate) in scan order, on the
        reference and the alternative sequence; shorter where the window reaches
        the end of the scanned row.
    """

    ref: np.ndarray
    alt: np.ndarray


def strand_profile(logits_ref: np.ndarray, logits_alt: np.ndarray, off: int, ref: str, alt: str,
                   window: int) -> StrandProfile:
    """The profile window of one strand.

    Parameters
    ----------
    logits_ref, logits_alt
        ``(L_ref,)``, ``(L_alt,)`` logits of the scanned rows (scan coordinates).
    off
        Offset of the allele in both rows.
    ref, alt
        The alleles, in scan orientation.
    window
        ``h``: bases of the window.

    Returns
    -------
    StrandProfile
        The aligned windows (both cut to the shorter one's length).
    """
    first_ref, first_alt = off + len(ref) - 1, off + len(alt) - 1
    values_ref = np.asarray(logits_ref[first_ref:first_ref + window], dtype=np.float64)
    values_alt = np.asarray(logits_alt[first_alt:first_alt + window], dtype=np.float64)
    size = min(values_ref.size, values_alt.size)
    return StrandProfile(values_ref[:size], values_alt[:size])


def allele_profile_scores(profiles: dict[str, StrandProfile]) -> dict[str, float]:
    """The count log fold-change and profile JSD of one allele from its strands' profile windows.

    Parameters
    ----------
    profiles
        ``"+"`` and/or ``"-"`` -> :class:`StrandProfile`.

    Returns
    -------
    dict
        ``count_lfc`` (log2 alt / ref of the predicted insertions) and
        ``profile_jsd``; NaN where the window holds an unknown base.
    """
    # genome order: the minus strand's window (read right to left) reversed, then the plus strand's
    ref = np.concatenate([profiles[s].ref[::-1] if s == "-" else profiles[s].ref for s in ("-", "+") if s in profiles])
    alt = np.concatenate([profiles[s].alt[::-1] if s == "-" else profiles[s].alt for s in ("-", "+") if s in profiles])
    if ref.size == 0 or not (np.isfinite(ref).all() and np.isfinite(alt).all()):
        return {"count_lfc": float("nan"), "profile_jsd": float("nan")}
    count_lfc = float((logsumexp(alt) - logsumexp(ref)) / np.log(2.0))
    distance = float(jensenshannon(softmax(ref), softmax(alt), base=2.0))
    return {"count_lfc": count_lfc, "profile_jsd": distance if np.isfinite(distance) else 0.0}


def empirical_p_values(observed: np.ndarray, null: np.ndarray) -> np.ndarray:
    """One-sided empirical p-values ``(1 + #{null >= observed}) / (1 + N)`` of scores where larger is stronger.

    Parameters
    ----------
    observed
        ``(A,)`` scores (NaN gives NaN).
    null
        ``(N,)`` scores of the null alleles (NaN left out).

    Returns
    -------
    numpy.ndarray
        ``(A,)`` float64 p-values in ``(0, 1]``.
    """
    observed = np.asarray(observed, dtype=np.float64)
    null = np.sort(np.asarray(null, dtype=np.float64)[np.isfinite(null)])
    at_least = null.size - np.searchsorted(null, observed, side="left")
    values = (1.0 + at_least) / (1.0 + null.size)
    return np.where(np.isfinite(observed), values, np.nan)
