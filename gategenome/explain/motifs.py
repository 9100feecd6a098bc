"""Motifs that close the gate: modisco-lite over the attributions, each motif placed relative to the summits.

TF-MoDISco (its maintained modisco-lite) cuts high-attribution stretches
(seqlets) out of the hypothetical scores and clusters them into motifs; each
comes with its contribution weight matrix (CWM), position probability matrix
(PPM) and seqlets.  Positive metacluster motifs deepen the dip (close the
gate); negative ones hold it open.  Imports no torch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from gategenome.explain.settings import MotifSettings

log = logging.getLogger(__name__)


@dataclass
class Motif:
    """One motif found by modisco.

    Attributes
    ----------
    name
        ``pos_1``, ``neg_2``...: metacluster (pos: deepens the dip) and rank by seqlet count.
    sign
        +1 or -1.
    cwm, ppm
        ``(K, 4)`` contribution weight and position probability matrices, trimmed to
        the positions carrying at least 30% of the largest total ``|CWM|`` (plus 2 either side).
    seqlets
        Number of seqlets.
    offsets
        ``(seqlets,)`` centre of each seqlet relative to the summit, bases in the scan
        direction (negative: upstream of the summit).  With counts attributions ``pos``
        motifs raise the predicted insertions and ``neg`` ones lower them.
    reverse
        Fraction of seqlets found on the reverse complement of the scanned sequence.
    """

    name: str
    sign: int
    cwm: np.ndarray
    ppm: np.ndarray
    seqlets: int
    offsets: np.ndarray
    reverse: float

    @property
    def consensus(self) -> str:
        """Most probable base of each position (lowercase where below 0.5)."""
        bases = np.array(list("ACGT"))[self.ppm.argmax(axis=1)]
        return "".join(b if p >= 0.5 else b.lower() for b, p in zip(bases, self.ppm.max(axis=1)))


def trim_bounds(cwm: np.ndarray, threshold: float = 0.3, pad: int = 2) -> tuple[int, int]:
    """``(start, end)`` of the positions of a ``(K, 4)`` CWM kept by :class:`Motif`'s trimming rule."""
    score = np.abs(cwm).sum(axis=1)
    keep = np.flatnonzero(score >= threshold * score.max()) if score.max() > 0 else np.arange(score.size)
    return max(int(keep.min()) - pad, 0), min(int(keep.max()) + pad + 1, score.size)


def _motifs(patterns, sign: int, summit: int) -> list[Motif]:
    found = []
    for rank, pattern in enumerate(patterns or [], 1):
        cwm = np.asarray(pattern.contrib_scores, dtype=np.float64)
        start, end = trim_bounds(cwm)
        seqlets = pattern.seqlets
        centres = np.array([(s.start + s.end) / 2.0 for s in seqlets], dtype=np.float64)
        found.append(Motif(
            name=f"{'pos' if sign > 0 else 'neg'}_{rank}", sign=sign, cwm=cwm[start:end],
            ppm=np.asarray(pattern.sequence, dtype=np.float64)[start:end], seqlets=len(seqlets),
            offsets=centres - summit, reverse=float(np.mean([bool(s.is_revcomp) for s in seqlets])),
        ))
    return found


def motif_span(length: int, window: int, summit: int = -1) -> tuple[int, int]:
    """``(start, end)`` of the ``window`` positions (at most ``length``) of a window given to modisco.

    With the summit last (``summit`` -1 or ``length - 1``) they are the last ``window``
    positions; otherwise ``window`` positions centred on ``summit``, shifted to fit.
    """
    width = min(window, length)
    summit %= max(length, 1)
    if summit == length - 1:
        return length - width, length
    start = min(max(summit - width // 2, 0), length - width)
    return start, start + width


def windows_take_both_signs(one_hot: np.ndarray, hypothetical: np.ndarray, window: int) -> bool:
    """Whether the summed contributions of the ``window``-base windows of ``(N, W, 4)`` attributions take both
    signs (some ``< 0``, some ``>= 0``): modisco fits its seqlet threshold on each side and fails on an empty one."""
    contributions = (one_hot * hypothetical).sum(axis=-1, dtype=np.float64)
    sums = np.lib.stride_tricks.sliding_window_view(contributions, window, axis=1).sum(axis=-1)
    return bool((sums < 0).any() and (sums >= 0).any())


def find_motifs(one_hot: np.ndarray, hypothetical: np.ndarray, settings: MotifSettings,
                summit: int = -1) -> list[Motif]:
    """Motifs of the attributions: positive metacluster first, each by decreasing seqlet count.

    Parameters
    ----------
    one_hot, hypothetical
        ``(N, W, 4)`` sequences and hypothetical scores (only the ``settings.window``
        positions of :func:`motif_span` are used).
    summit
        Index of the summit in the windows (-1: the last base, as for drops); seqlet
        offsets are measured from it.

    Returns
    -------
    list[Motif]
        Empty when modisco finds no metacluster large enough.
    """
    from modiscolite.tfmodisco import TFMoDISco

    start, end = motif_span(one_hot.shape[1], settings.window, summit)
    width = end - start
    sequences = np.ascontiguousarray(one_hot[:, start:end], dtype=np.float32)
    scores = np.ascontiguousarray(hypothetical[:, start:end], dtype=np.float32)
    if sequences.shape[0] == 0 or width < 30 or not np.any(scores):
        log.warning("modisco: nothing to cluster (%d drops, window %d)", sequences.shape[0], width)
        return []
    sliding = min(21, width // 3)
    if not windows_take_both_signs(sequences, scores, sliding):
        log.warning("modisco: every %d-base window's contribution has one sign; its seqlet thresholds need both, "
                    "so no motif is sought", sliding)
        return []
    positive, negative = TFMoDISco(
        one_hot=sequences, hypothetical_contribs=scores, max_seqlets_per_metacluster=settings.max_seqlets,
        min_metacluster_size=settings.min_metacluster, n_leiden_runs=settings.leiden_runs,
        sliding_window_size=sliding, flank_size=min(10, width // 6), verbose=False,
    )
    centre = summit % max(one_hot.shape[1], 1) - start
    motifs = _motifs(positive, 1, centre) + _motifs(negative, -1, centre)
    log.info("modisco: %d motifs (%d positive, %d negative)", len(motifs),
             sum(m.sign > 0 for m in motifs), sum(m.sign < 0 for m in motifs))
    return motifs
