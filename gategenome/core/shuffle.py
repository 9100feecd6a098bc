"""Exact dinucleotide shuffle (Altschul-Erickson, by a random Eulerian path).

A sequence defines a multigraph whose vertices are letters and whose edges are its
``L - 1`` overlapping dinucleotides.  Every Eulerian path from the first letter
that uses each edge once spells a sequence with exactly the same dinucleotide
counts (and the same first and last letter).  Following Altschul & Erickson (1985)
and Kandel et al. (1996), a path is drawn uniformly among them by choosing each
vertex's last exit edge as a random arborescence rooted at the last letter
(Wilson's loop-erased random walk, edges weighted by multiplicity), shuffling the
other exits of every vertex, and walking.

Letters are small integer codes (e.g. :func:`gategenome.core.encode.encode_codes`, where
``N`` is its own letter 4), so the shuffle also keeps runs of N in dinucleotide
context.
"""

from __future__ import annotations

import numpy as np

from gategenome.core.encode import encode_codes

#: Text of the codes of :func:`gategenome.core.encode.encode_codes` (anything not ACGT comes back as N).
_LETTERS = np.frombuffer(b"ACGTN", dtype=np.uint8)


def dinucleotide_shuffle(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Shuffle a sequence keeping its dinucleotide counts exactly.

    Parameters
    ----------
    codes
        ``(L,)`` integer letter codes (any small non-negative integers).
    rng
        Source of randomness (seed it for reproducible nulls).

    Returns
    -------
    numpy.ndarray
        ``(L,)`` same dtype: a uniformly random sequence with the same first and
        last letter and the same count of every ordered pair of adjacent letters.
    """
    codes = np.asarray(codes)
    length = codes.shape[0]
    if length <= 2:
        return codes.copy()
    letters = int(codes.max()) + 1
    source, target = codes[:-1].astype(np.int64), codes[1:].astype(np.int64)
    # exits[v]: the letters that follow v, one entry per dinucleotide v->w
    order = np.argsort(source, kind="stable")
    bounds = np.searchsorted(source[order], np.arange(letters + 1))
    exits = [target[order[bounds[v]:bounds[v + 1]]] for v in range(letters)]
    last = int(codes[-1])

    # Wilson's algorithm: a random arborescence of last exits rooted at `last`.
    in_tree = np.zeros(letters, dtype=bool)
    in_tree[last] = True
    last_exit = np.full(letters, -1, dtype=np.int64)
    present = [v for v in range(letters) if exits[v].size]
    for start in present:
        vertex = start
        while not in_tree[vertex]:
            last_exit[vertex] = rng.integers(exits[vertex].size)
            vertex = int(exits[vertex][last_exit[vertex]])
        vertex = start
        while not in_tree[vertex]:
            in_tree[vertex] = True
            vertex = int(exits[vertex][last_exit[vertex]])

    # Shuffle every vertex's exits, keeping the chosen last exit at the end.
    ordered = []
    for vertex in range(letters):
        edges = exits[vertex]
        if vertex == last or edges.size == 0:
            ordered.append(rng.permutation(edges).tolist())
            continue
        keep = edges[last_exit[vertex]]
        rest = np.delete(edges, last_exit[vertex])
        ordered.append(rng.permutation(rest).tolist() + [int(keep)])

    out = np.empty(length, dtype=codes.dtype)
    position = [0] * letters
    vertex = int(codes[0])
    out[0] = vertex
    walk = []
    append = walk.append
    for _ in range(length - 1):
        step = position[vertex]
        position[vertex] = step + 1
        vertex = ordered[vertex][step]
        append(vertex)
    out[1:] = walk
    return out


def dinucleotide_counts(codes: np.ndarray, letters: int = 5) -> np.ndarray:
    """``(letters, letters)`` counts of ordered adjacent pairs in ``codes``."""
    codes = np.asarray(codes, dtype=np.int64)
    pairs = codes[:-1] * letters + codes[1:]
    return np.bincount(pairs, minlength=letters * letters).reshape(letters, letters)


def shuffled_text(sequence: str, rng: np.random.Generator) -> str:
    """A dinucleotide shuffle of ``sequence`` as upper-case text (letters other than ACGT become N)."""
    return _LETTERS[dinucleotide_shuffle(encode_codes(sequence), rng)].tobytes().decode("ascii")
