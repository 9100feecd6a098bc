"""Attributions of predicted insertion counts: what in the sequence a ``target: insertions`` model reads.

For each window (a peak, with ``burn_in`` bases of upstream context before it) the
score is the log of the predicted total insertions over the window's last ``W``
bases; its gradient with respect to the one-hot DNA, centred over the four bases,
is the hypothetical contribution modisco reads (as :mod:`gategenome.explain.gradients`
gives for the gate).  Two scores are offered:

* ``"model"``: the main model alone, Tn5's preference left out (its logits:
  ``log(rate / mean rate)``), the accessibility the cell makes;
* ``"bias"``: the frozen Tn5 bias model alone, the enzyme's own preference.
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.explain.gradients import hypothetical_from_gradients
from gategenome.model.insertions import InsertionHead
from gategenome.model.network import GateLSTM

SOURCES = ("model", "bias")


def count_attributions(
    model: GateLSTM, head: InsertionHead, x: np.ndarray, codes: np.ndarray, width: int, source: str = "model",
    batch: int = 32,
) -> np.ndarray:
    """Hypothetical contributions ``(N, width, 4)`` to the log predicted total of each window's last ``width`` bases.

    Parameters
    ----------
    model, head
        A ``target: insertions`` model and its :class:`InsertionHead` (with a bias model for ``source="bias"``).
    x
        ``(N, L, C)`` model inputs (upstream context first, the scored window last).
    codes
        ``(N, width)`` base codes of the scored windows (4 = unknown: no contribution).
    source
        ``"model"`` or ``"bias"`` (see the module docstring).
    """
    if source not in SOURCES:
        raise ValueError(f"source: got {source!r}, expected one of {SOURCES}")
    if source == "bias" and head.bias is None:
        raise ValueError("the checkpoint has no Tn5 bias model")
    gradients = np.zeros((len(x), width, x.shape[2]), dtype=np.float64)
    model.eval()
    for first in range(0, len(x), batch):
        inputs = torch.from_numpy(np.ascontiguousarray(x[first:first + batch], dtype=np.float32)).requires_grad_(True)
        per_base = model(inputs).logits if source == "model" else head.bias(inputs)
        score = torch.logsumexp(per_base[:, -width:], dim=1)
        (gradient,) = torch.autograd.grad(score.sum(), inputs)
        gradients[first:first + batch] = gradient[:, -width:].double().numpy()
    return hypothetical_from_gradients(gradients, codes)
