"""Designs that differ from each other: pairwise sequence identity and greedy distinct picks.

**Identity** of two sequences is the fraction of identical aligned columns in
their global alignment (match +1, mismatch -1, gap open -2, gap extension -1;
Biopython's ``PairwiseAligner``), over the longer length.  An alignment finds a
repeat shifted by a few bases (``TGCGT...`` against ``GCGTT...`` is 100%
identical), which a position-by-position count would miss.  Long sequences are
aligned in consecutive tiles of :data:`TILE` bases (the identities summed), so
the cost stays linear in the length; two unrelated random sequences are about
55% identical by this measure.

:func:`pick_distinct` keeps, best first, every sequence whose identity to each
one already kept is at most ``max_identity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

#: Bases per aligned tile of :func:`identity`.
TILE = 1000
#: Default largest pairwise identity between two designs of one run.
MAX_IDENTITY = 0.8


@lru_cache(maxsize=1)
def _aligner():
    from Bio.Align import PairwiseAligner

    return PairwiseAligner(
        mode="global", match_score=1.0, mismatch_score=-1.0, open_gap_score=-2.0, extend_gap_score=-1.0
    )


def _tile_identities(a: str, b: str) -> int:
    if not a or not b:
        return 0
    alignment = _aligner().align(a, b)[0]
    return int(alignment.counts().identities)


def identity(a: str, b: str, tile: int = TILE) -> float:
    """Fraction of identical aligned columns of ``a`` and ``b`` (0 .. 1; see the module docstring).

    Parameters
    ----------
    a, b
        Sequences (upper case; any lengths).
    tile
        Bases aligned at a time (the ``k``-th tile of ``a`` with the ``k``-th of ``b``).

    Returns
    -------
    float
        Identities over ``max(len(a), len(b))``; 1.0 for two empty sequences.
    """
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    same = sum(_tile_identities(a[i : i + tile], b[i : i + tile]) for i in range(0, longest, tile))
    return same / longest


def pick_distinct(
    sequences: Sequence[str], max_identity: float, wanted: int | None = None, kept: Sequence[str] = ()
) -> list[int]:
    """Indices of ``sequences`` (taken in order, best first) that are at most
    ``max_identity`` identical to every sequence kept before them.

    Parameters
    ----------
    sequences
        Candidates, best first.
    max_identity
        Largest identity allowed between two kept sequences.
    wanted
        Stop after this many (default: every candidate is considered).
    kept
        Sequences already kept (the candidates must differ from them too).

    Returns
    -------
    list[int]
        Indices into ``sequences``, in order.
    """
    chosen: list[int] = []
    pool = list(kept)
    for index, sequence in enumerate(sequences):
        if wanted is not None and len(chosen) >= wanted:
            break
        if all(identity(sequence, other) <= max_identity for other in pool):
            chosen.append(index)
            pool.append(sequence)
    return chosen


def max_pairwise_identity(sequences: Sequence[str]) -> float:
    """Largest identity between two of ``sequences`` (0.0 for fewer than two)."""
    return max(
        (identity(a, b) for i, a in enumerate(sequences) for b in sequences[i + 1 :]),
        default=0.0,
    )
