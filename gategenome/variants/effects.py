"""Effects of one allele on one strand, from its reference and alternative tracks.

Everything here is in **scan coordinates**: the plus strand reads the chromosome
left to right, the minus strand reads its reverse complement, so "downstream"
is the direction the LSTM reads.  A scanned window starts at scan position ``s``;
the reference allele sits at ``[u, u + len(ref))`` (``off = u - s`` in the window).

Indels are compared on positions aligned to the reference: a reference position
before the allele is the same position in the alternative window; one after it is
shifted by ``len(alt) - len(ref)``; inside the allele, bases of the common prefix
(the VCF anchor base on the plus strand) and of the common suffix (the anchor on
the minus strand) are aligned, deleted bases have no counterpart and inserted
bases no reference position.  The minimum forget gate near the variant is taken on
each allele's own sequence (``w`` bases either side of the allele, inserted
bases included), so a drop made by inserted sequence is seen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StrandEffect:
    """The effect of one allele on one strand.

    Attributes
    ----------
    access_at
        Mean accessibility over the alternative allele's bases minus that over the
        reference allele's bases.
    access_max
        The aligned accessibility change of largest magnitude within ``w`` bases of the allele (signed).
    min_ref, min_alt
        Minimum mean forget gate within ``w`` bases of the allele, on each sequence.
    footprint
        Bases downstream of the allele end (scan direction) to the last aligned
        position where the tracks still differ by more than the tolerance; 0 if none.
    capped
        The tracks still differ at the end of the scanned window (``footprint`` is a lower bound).
    """

    access_at: float
    access_max: float
    min_ref: float
    min_alt: float
    footprint: int
    capped: bool


def common_ends(ref: str, alt: str) -> tuple[int, int]:
    """``(prefix, suffix)`` lengths shared by two alleles, not overlapping."""
    shortest = min(len(ref), len(alt))
    prefix = 0
    while prefix < shortest and ref[prefix] == alt[prefix]:
        prefix += 1
    if len(ref) == len(alt):  # substitution: every base is aligned to itself
        return len(ref), 0
    suffix = 0
    while suffix < shortest - prefix and ref[-1 - suffix] == alt[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def aligned_index(length: int, off: int, ref_len: int, alt_len: int, prefix: int, suffix: int) -> np.ndarray:
    """``(length,)`` index into the alternative window of each reference-window position, -1 where none."""
    index = np.arange(length, dtype=np.int64)
    shift = alt_len - ref_len
    out = np.where(index < off + prefix, index, -1)
    after = index >= off + ref_len - suffix
    out[after] = index[after] + shift
    return out


def _window_min(values: np.ndarray, start: int, end: int) -> float:
    piece = values[max(0, start):max(0, min(end, values.shape[0]))]
    if piece.size == 0 or np.all(np.isnan(piece)):
        return float("nan")
    return float(np.nanmin(piece))


def strand_effect(
    forget_ref: np.ndarray,
    access_ref: np.ndarray,
    forget_alt: np.ndarray,
    access_alt: np.ndarray,
    off: int,
    ref: str,
    alt: str,
    window: int,
    tol: float,
) -> StrandEffect:
    """The effect of one allele on one strand.

    Parameters
    ----------
    forget_ref, access_ref
        ``(L,)`` mean forget gate and accessibility of the reference window (float32, NaN at unknown bases).
    forget_alt, access_alt
        ``(L + len(alt) - len(ref),)`` the same for the alternative window.
    off
        Start of the reference allele in the window.
    ref, alt
        The alleles in scan orientation (reverse-complemented on the minus strand).
    window
        ``w``.
    tol
        Tracks differ where ``|delta f|`` or ``|delta accessibility|`` exceeds this.

    Returns
    -------
    StrandEffect
    """
    ref_len, alt_len = len(ref), len(alt)
    length = forget_ref.shape[0]
    prefix, suffix = common_ends(ref, alt)
    index = aligned_index(length, off, ref_len, alt_len, prefix, suffix)
    valid = (index >= 0) & (index < forget_alt.shape[0])
    d_forget = np.full(length, np.nan, dtype=np.float32)
    d_access = np.full(length, np.nan, dtype=np.float32)
    d_forget[valid] = forget_alt[index[valid]] - forget_ref[valid]
    d_access[valid] = access_alt[index[valid]] - access_ref[valid]
    with np.errstate(invalid="ignore"):
        at = float(np.nanmean(access_alt[off:off + alt_len]) - np.nanmean(access_ref[off:off + ref_len])) \
            if alt_len and ref_len else float("nan")
    near = d_access[max(0, off - window):off + ref_len + window]
    near = near[~np.isnan(near)]
    access_max = float(near[np.argmax(np.abs(near))]) if near.size else 0.0
    min_ref = _window_min(forget_ref, off - window, off + ref_len + window)
    min_alt = _window_min(forget_alt, off - window, off + alt_len + window)
    downstream = np.fmax(np.abs(d_forget[off + ref_len:]), np.abs(d_access[off + ref_len:]))
    bad = np.flatnonzero(downstream > tol)
    footprint = int(bad[-1]) + 1 if bad.size else 0
    capped = bool(bad.size) and footprint == downstream.shape[0] and off + ref_len < length
    return StrandEffect(at, access_max, min_ref, min_alt, footprint, capped)


def combine(effects: dict[str, StrandEffect], threshold: float) -> dict[str, object]:
    """One row of results from the per-strand effects.

    ``access_at`` is the mean over strands (as the accessibility track is); the
    largest accessibility change and the minimum forget gate change are those of the
    strand where they are largest in magnitude; the footprint is the longest.  A drop
    is *gained* where a strand's alternative minimum is below ``threshold`` and its
    reference minimum is not, *lost* the other way round.
    """
    strands = list(effects)
    row: dict[str, object] = {}
    row["d_access"] = float(np.mean([effects[s].access_at for s in strands]))
    row["d_access_max"] = max((effects[s].access_max for s in strands), key=abs)
    deltas = {s: effects[s].min_alt - effects[s].min_ref for s in strands}
    worst = max(strands, key=lambda s: abs(deltas[s]) if not np.isnan(deltas[s]) else -1.0)
    row["d_min_forget"] = float(deltas[worst])
    row["min_forget_ref"] = float(effects[worst].min_ref)
    row["min_forget_alt"] = float(effects[worst].min_alt)
    gained = [s for s in strands if effects[s].min_alt < threshold <= effects[s].min_ref]
    lost = [s for s in strands if effects[s].min_ref < threshold <= effects[s].min_alt]
    row["drop"] = "gained+lost" if gained and lost else "gained" if gained else "lost" if lost else "none"
    row["drop_strands"] = ",".join(gained + lost) or "."
    longest = max(strands, key=lambda s: effects[s].footprint)
    row["footprint"] = int(effects[longest].footprint)
    row["footprint_capped"] = bool(any(effects[s].capped for s in strands))
    for s in strands:
        name = "plus" if s == "+" else "minus"
        row[f"d_min_forget_{name}"] = float(deltas[s])
        row[f"footprint_{name}"] = int(effects[s].footprint)
    return row
