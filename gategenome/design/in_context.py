"""Design reset elements inside native closed chromatin, not between random flanks.

An element that shuts the gate between random flanks often does not inside a
genome: the state the upstream sequence leaves behind decides whether the same
bases close it.  The search can score every candidate where it will be used.

:func:`design_contexts` draws the search's own **design contexts** (native
closed-chromatin windows, :func:`gategenome.design.context.closed_contexts`, with
another seed and none overlapping the windows the final test reads, so that test
stays held out); :class:`ContextObjective` runs each one's
:data:`~gategenome.design.context.BEFORE` upstream bases once, keeps the state,
and keeps only windows whose gate is open (at or above the threshold) at the
insertion point, since the test counts drops that start over the element.  A
candidate is then scored from those cached states over its own bases and the
:data:`~gategenome.design.context.TAIL` native bases after it: ``min f``, the
lowest per-base mean forget gate of the last layer, the quantity the context
test thresholds.

The objective (lower is better) of an element is, with ``t`` the drop threshold
(set from untested windows as the test sets it), a target ``t / MARGIN`` below
it and a level ``u = min(t * SHUFFLE_MARGIN, sqrt(t))`` above it (``sqrt(t)`` is
half-way from ``t`` to 1 on the log scale),

    mean over contexts of max(0, log min f - log(t / MARGIN))
    + mean over contexts and shuffles of max(0, log u - log min f_shuffled)

the first term asks the element to drop the gate in every context, the second
that its dinucleotide shuffles (``reset_shuffles`` per context, each context its
own, as the test draws a new shuffle per window) stay well above the threshold:
the drop must come from the order of the bases, not from their composition.
Both margins matter for the held-out test: with the shuffles aiming only at
``t``, the search would fit its few shuffles and windows rather than the
element's behaviour in new ones.

Cost: ``(length + TAIL) x contexts x (1 + reset_shuffles)`` bases run per
candidate (30 bp elements, 16 contexts, 8 shuffles: 5,760 bases), whatever the
genome; the contexts' upstream bases once (16 x 1000).
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.design.context import BEFORE, TAIL, Context, closed_contexts
from gategenome.design.reset import shuffled_element
from gategenome.errors import InputError
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM

#: The element aims this many times below the threshold (log margin), so it still drops in unseen contexts.
MARGIN = 3.0
#: The shuffles aim this many times above the threshold (log margin), so they still hold in unseen contexts.
SHUFFLE_MARGIN = 8.0
#: Rows (candidate x context) run at a time.
ROWS = 4096
#: Offset of the design contexts' seed from the test's.
SEED_OFFSET = 1_000_003


class ContextObjective:
    """The reset search's objective read in cached native contexts.

    Parameters
    ----------
    model
        The genomic model.
    contexts
        Design contexts (their first ``BEFORE`` bases are run once; the ``TAIL``
        bases after the insertion point are read after every candidate).
    threshold
        Drop threshold ``t`` of the mean forget gate.
    shuffles
        Dinucleotide shuffles of each candidate scored in every context (0: none).
    seed
        Seed of the shuffles.
    signal_value
        Constant signal of a ``dna+signal`` model.
    count
        Contexts kept: the first ``count`` whose gate is at or above ``t`` at the
        last upstream base (``None``: all such).  In the others a drop is under way
        at the insertion point: it belongs to the upstream sequence (the test
        counts a drop that starts over the element), and any candidate's
        ``min f`` there is below ``t``, which tells the search nothing.
    """

    def __init__(self, model: GateLSTM, contexts: list[Context], threshold: float, shuffles: int = 0,
                 seed: int = 0, signal_value: float = 0.0, count: int | None = None):
        self.model, self.threshold, self.shuffles = model, float(threshold), int(shuffles)
        self.seed, self.signal_value = seed, signal_value
        with torch.no_grad():
            x = encode_batch([c.sequence[:BEFORE] for c in contexts], model.config, signal_value, model.device)
            output = model(x)
            open_gate = mean_forget_gate(model, output)[:, -1] >= self.threshold
        kept = open_gate.nonzero().flatten()[:count]
        self.tails = [contexts[int(i)].sequence[BEFORE:BEFORE + TAIL] for i in kept]
        self.states = output.final.rows(kept)  # (C rows) the state at the insertion point

    @property
    def count(self) -> int:
        """Number of design contexts."""
        return len(self.tails)

    def min_forget(self, elements: list[str]) -> np.ndarray:
        """``(E, C)`` lowest mean forget gate over each equal-length element and the tail, per context."""
        contexts = self.count
        rows = [(elements[e], c) for e in range(len(elements)) for c in range(contexts)]
        return self._min_forget_rows(rows).reshape(len(elements), contexts)

    def _min_forget_rows(self, rows: list[tuple[str, int]]) -> np.ndarray:
        """``(R,)`` lowest mean forget gate over each ``(element, context index)`` row's element and tail."""
        out = np.empty(len(rows), dtype=np.float64)
        with torch.no_grad():
            for first in range(0, len(rows), ROWS):
                group = rows[first:first + ROWS]
                index = torch.tensor([c for _, c in group], device=self.model.device)
                state = self.states.rows(index)
                x = encode_batch([e + self.tails[c] for e, c in group], self.model.config,
                                 self.signal_value, self.model.device)
                gate = mean_forget_gate(self.model, self.model(x, state))
                out[first:first + len(group)] = gate.min(dim=1).values.double().cpu().numpy()
        return out

    def __call__(self, elements: list[str]) -> np.ndarray:
        """``(E,)`` objective of the elements (see the module docstring); lower is better."""
        if not elements:
            return np.zeros(0)
        log_t = np.log(self.threshold)
        fails = np.maximum(np.log(self.min_forget(elements)) - (log_t - np.log(MARGIN)), 0.0).mean(axis=1)
        if self.shuffles <= 0:
            return fails
        # every context reads its own shuffles (as the test does), so no few shuffles can be fitted
        shuffled = [(shuffled_element(e, c * self.shuffles + k, self.seed), c)
                    for e in elements for c in range(self.count) for k in range(self.shuffles)]
        log_u = min(log_t + np.log(SHUFFLE_MARGIN), log_t / 2)
        drops = np.maximum(log_u - np.log(self._min_forget_rows(shuffled)), 0.0)
        return fails + drops.reshape(len(elements), -1).mean(axis=1)

    def drop_fraction(self, elements: list[str]) -> np.ndarray:
        """``(E,)`` fraction of the design contexts where each element drops the gate below ``t``."""
        return (self.min_forget(elements) < self.threshold).mean(axis=1)


def design_contexts(genome: str, accessible: str, count: int, margin: int, seed: int,
                    held_out: list[Context]) -> list[Context]:
    """``count`` closed-chromatin windows for the search, none overlapping a ``held_out`` window.

    Drawn with the seed ``seed + SEED_OFFSET`` (a few more than needed, then the
    overlapping ones left out; on a genome with little closed chromatin fewer, or none).
    """
    width = len(held_out[0].sequence) if held_out else 0
    taken: dict[str, list[int]] = {}
    for window in held_out:
        taken.setdefault(window.chrom, []).append(window.start)
    drawn = []
    for wanted in (count + len(held_out) // 4 + 8, count):  # no room for the extra windows: as many as asked
        try:
            drawn = closed_contexts(genome, accessible, wanted, margin, seed + SEED_OFFSET)
            break
        except InputError:
            continue
    kept = [w for w in drawn if all(abs(w.start - s) >= width for s in taken.get(w.chrom, []))]
    return kept[:count]

