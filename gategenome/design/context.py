"""Reset elements tested in genomic context: do they make the gate drop inside closed chromatin?

A reset element scored between random flanks may behave differently inside a
real genome.  Here each element is **inserted** into native stretches of closed
chromatin taken from the genome itself: windows of :data:`BEFORE` bases, the
element, then :data:`AFTER` bases, placed uniformly (seeded) on the chromosomes
of the accessible-regions BED (the prepared ``accessible.bed`` or the peaks), at
least ``margin`` bases from every accessible region and free of ``N``.  Each
window is run by the genomic model from the zero state (the first
:data:`BEFORE` bases are the burn-in), and the element **drops the gate** when a
drop as ``call`` finds them (a run of bases whose per-base mean forget gate of the
last layer, the track ``scan`` reports, is below the threshold) *starts* over the
element or the :data:`TAIL` bases after it.  A run already under way at the
insertion point belongs to the upstream sequence (``call`` would place it there),
so it counts only if the gate rises above the threshold and falls again in the
span.  Native closed chromatin is itself often inside such a run, so "below the
threshold anywhere over the span" (reported too, as ``below_fraction``) would
credit every element with those drops.

The same test is run, in the same contexts, on a dinucleotide-shuffled version
of each element (:func:`gategenome.core.shuffle.dinucleotide_shuffle`, one
shuffle per context) and on the native context without an insertion.

The threshold is the one ``call`` uses: the ``threshold_quantile`` (default
0.05) quantile of the gate over dinucleotide-shuffled sequence, here the
shuffled context windows (burn-in left out), as ``scan``'s null is shuffled
genome windows; or a value given (``--threshold``, e.g. the ``threshold`` a
``call`` run reports); capped at ``1 - min_depth`` (``call``'s ``min_depth``,
default 0.9), since ``call`` neither tests nor reports a shallower drop.  (Each
insertion is one test: the false-discovery control ``call`` applies across a
genome's drops is not.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from gategenome.core.shuffle import shuffled_text
from gategenome.errors import InputError
from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM

#: Native bases before the insertion (burn-in) and after it.
BEFORE, AFTER = 1000, 200
#: Bases after the element still read for a drop.
TAIL = 10


@dataclass
class Context:
    """One native closed-chromatin window: ``chrom:start-end`` and its sequence (upper case)."""

    chrom: str
    start: int
    sequence: str


def _closed_mask(intervals, chrom: str, margin: int) -> tuple[np.ndarray, np.ndarray]:
    spans = sorted((i.start - margin, i.end + margin) for i in intervals if i.chrom == chrom)
    return np.array([s for s, _ in spans], dtype=np.int64), np.array([e for _, e in spans], dtype=np.int64)


def closed_contexts(
    genome_path: str, accessible_path: str, count: int, margin: int = 500, seed: int = 0
) -> list[Context]:
    """``count`` seeded native windows of ``BEFORE + AFTER`` bases outside accessible chromatin.

    Raises
    ------
    InputError
        The BED is empty, shares no chromosome with the genome, or fewer than
        ``count`` closed windows were found in ``200 * count`` tries.
    """
    intervals = read_bed(accessible_path, "narrowPeak" if accessible_path.endswith(".narrowPeak") else "BED")
    if not intervals:
        raise InputError(f"--accessible {accessible_path}: no region (empty file); expected accessible.bed or peaks")
    width = BEFORE + AFTER
    rng = np.random.default_rng([seed, 23])
    contexts: list[Context] = []
    with Genome(genome_path) as genome:
        chroms = [c for c in dict.fromkeys(i.chrom for i in intervals) if genome.sizes.get(c, 0) > width]
        if not chroms:
            raise InputError(
                f"--accessible {accessible_path}: no region on a chromosome of {genome_path} "
                f"(first is on {intervals[0].chrom!r}); expected regions on the genome's assembly"
            )
        sizes = np.array([genome.sizes[c] - width for c in chroms], dtype=np.float64)
        masks = {c: _closed_mask(intervals, c, margin) for c in chroms}
        seen = set()
        for _ in range(200 * count):
            if len(contexts) >= count:
                break
            chrom = chroms[int(rng.choice(len(chroms), p=sizes / sizes.sum()))]
            start = int(rng.integers(0, genome.sizes[chrom] - width))
            starts, ends = masks[chrom]
            # a region (widened by margin) overlaps [start, start + width) when it starts before
            # the window's end and ends after its start
            before = int(np.searchsorted(starts, start + width))
            if (before and bool(np.any(ends[:before] > start))) or (chrom, start) in seen:
                continue
            sequence = genome.fetch(chrom, start, start + width).decode("ascii").upper()
            if set(sequence) - set("ACGT"):
                continue
            seen.add((chrom, start))
            contexts.append(Context(chrom, start, sequence))
    if len(contexts) < count:
        raise InputError(
            f"--accessible {accessible_path}: only {len(contexts)} of {count} closed-chromatin windows of {width} bp "
            f"found at least {margin} bp from every region; expected a genome with more closed chromatin "
            "(or fewer --contexts)"
        )
    return contexts


def _gates(model: GateLSTM, sequences: list[str], signal_value: float, batch_size: int = 64) -> np.ndarray:
    """``(n, L)`` per-base mean forget gate (last layer) of equal-length sequences."""
    out = []
    with torch.no_grad():
        for first in range(0, len(sequences), batch_size):
            x = encode_batch(sequences[first : first + batch_size], model.config, signal_value, model.device)
            out.append(mean_forget_gate(model, model(x)).float().cpu().numpy())
    return np.concatenate(out)


def context_null_threshold(
    model: GateLSTM, contexts: list[Context], quantile: float, signal_value: float = 0.0, seed: int = 0
) -> float:
    """The ``quantile`` of the gate over dinucleotide-shuffled context windows, burn-in left out."""
    rng = np.random.default_rng([seed, 29])
    gates = _gates(model, [shuffled_text(c.sequence, rng) for c in contexts], signal_value)
    return float(np.quantile(gates[:, BEFORE:], quantile))


def _drops(model: GateLSTM, sequences: list[str], length: int, threshold: float,
           signal_value: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sequence, whether a drop starts over ``[BEFORE, BEFORE + length + TAIL)``, and
    whether the gate is below ``threshold`` anywhere there.

    A drop starts at a base below ``threshold`` whose previous base is not (the base
    before the span is the last native base upstream).
    """
    gates = _gates(model, sequences, signal_value)[:, BEFORE - 1 : BEFORE + length + TAIL]
    below = gates < threshold
    return (below[:, 1:] & ~below[:, :-1]).any(axis=1), below[:, 1:].any(axis=1)


def drops_in_contexts(
    model: GateLSTM,
    elements: list[str],
    contexts: list[Context],
    threshold: float,
    signal_value: float = 0.0,
    seed: int = 0,
) -> dict:
    """Insert each element (and a dinucleotide shuffle of it) into every context.

    Returns
    -------
    dict
        ``threshold``, ``contexts`` (count), ``native_drop_fraction`` (windows
        without an insertion, read over the first element's span) and per element
        (in order) ``element``, ``drop_fraction`` and ``shuffled_drop_fraction``
        (a drop starts in the span), ``below_fraction`` and
        ``shuffled_below_fraction`` (the gate is below the threshold anywhere in
        it), plus each pooled over the elements (``native_below_fraction`` too).
    """
    rng = np.random.default_rng([seed, 31])
    rows = []
    pooled: dict[str, list[np.ndarray]] = {key: [] for key in ("designed", "shuffled", "designed_below", "shuffled_below")}
    for element in elements:
        inserted = [c.sequence[:BEFORE] + element + c.sequence[BEFORE:] for c in contexts]
        controls = [c.sequence[:BEFORE] + shuffled_text(element, rng) + c.sequence[BEFORE:] for c in contexts]
        designed, designed_below = _drops(model, inserted, len(element), threshold, signal_value)
        shuffled, shuffled_below = _drops(model, controls, len(element), threshold, signal_value)
        for key, value in zip(pooled, (designed, shuffled, designed_below, shuffled_below)):
            pooled[key].append(value)
        rows.append(
            {
                "element": element,
                "drop_fraction": float(designed.mean()),
                "shuffled_drop_fraction": float(shuffled.mean()),
                "below_fraction": float(designed_below.mean()),
                "shuffled_below_fraction": float(shuffled_below.mean()),
            }
        )
    span = len(elements[0]) if elements else 0
    native, native_below = _drops(model, [c.sequence for c in contexts], span, threshold, signal_value)
    means = {key: float(np.mean(values)) if values else None for key, values in pooled.items()}
    return {
        "threshold": threshold,
        "contexts": len(contexts),
        "context_layout": f"{BEFORE} native bp, the element, {AFTER} native bp; a drop starting over the element "
                          f"+ {TAIL} bp counts",
        "native_drop_fraction": float(native.mean()),
        "drop_fraction": means["designed"],
        "shuffled_drop_fraction": means["shuffled"],
        "native_below_fraction": float(native_below.mean()),
        "below_fraction": means["designed_below"],
        "shuffled_below_fraction": means["shuffled_below"],
        "elements": rows,
        "windows": [f"{c.chrom}:{c.start}-{c.start + BEFORE + AFTER}" for c in contexts[:5]],
    }
