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
        direction (negative: upstream of the summit).
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


def _motifs(patterns, sign: int, width: int) -> list[Motif]:
    found = []
    for rank, pattern in enumerate(patterns or [], 1):
        cwm = np.asarray(pattern.contrib_scores, dtype=np.float64)
        start, end = trim_bounds(cwm)
        seqlets = pattern.seqlets
        centres = np.array([(s.start + s.end) / 2.0 for s in seqlets], dtype=np.float64)
        found.append(Motif(
            name=f"{'pos' if sign > 0 else 'neg'}_{rank}", sign=sign, cwm=cwm[start:end],
            ppm=np.asarray(pattern.sequence, dtype=np.float64)[start:end], seqlets=len(seqlets),
            offsets=centres - (width - 1), reverse=float(np.mean([bool(s.is_revcomp) for s in seqlets])),
        ))
    return found


def find_motifs(one_hot: np.ndarray, hypothetical: np.ndarray, settings: MotifSettings) -> list[Motif]:
    """Motifs of the attributions: positive metacluster first, each by decreasing seqlet count.

    Parameters
    ----------
    one_hot, hypothetical
        ``(N, W, 4)`` sequences and hypothetical scores, summit last (only the last
        ``settings.window`` positions are used).

    Returns
    -------
    list[Motif]
        Empty when modisco finds no metacluster large enough.
    """
    from modiscolite.tfmodisco import TFMoDISco

    width = min(settings.window, one_hot.shape[1])
    sequences = np.ascontiguousarray(one_hot[:, -width:], dtype=np.float32)
    scores = np.ascontiguousarray(hypothetical[:, -width:], dtype=np.float32)
    if sequences.shape[0] == 0 or width < 30 or not np.any(scores):
        log.warning("modisco: nothing to cluster (%d drops, window %d)", sequences.shape[0], width)
        return []
    positive, negative = TFMoDISco(
        one_hot=sequences, hypothetical_contribs=scores, max_seqlets_per_metacluster=settings.max_seqlets,
        min_metacluster_size=settings.min_metacluster, n_leiden_runs=settings.leiden_runs,
        sliding_window_size=min(21, width // 3), flank_size=min(10, width // 6), verbose=False,
    )
    motifs = _motifs(positive, 1, width) + _motifs(negative, -1, width)
    log.info("modisco: %d motifs (%d closing the gate, %d holding it)", len(motifs),
             sum(m.sign > 0 for m in motifs), sum(m.sign < 0 for m in motifs))
    return motifs
