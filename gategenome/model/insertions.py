"""Predicted Tn5 insertion counts of a model trained with ``target: insertions``.

Such a model's per-base logit is ``log(rate / mean rate)``: the log of its
predicted insertion rate relative to the mean rate per base of the train
chromosomes, Tn5's sequence preference left out.  Its sigmoid,
``rate / (rate + mean rate)``, is the accessibility that scan, tracks and call
read (0.5 where the rate is the genome mean, towards 1 where it is many times
higher).  The checkpoint keeps the mean rate and the frozen Tn5 bias model
(:class:`~gategenome.model.tn5bias.Tn5Bias`), so the insertion counts the
sequencing would show are::

    log rate_t = logit_t + log(mean rate) + log b_t        (b: Tn5 bias, 1 without it)

:func:`predict_insertions` returns them with BPNet's split into a profile (the
share of each base in the window's insertions) and a total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from gategenome.errors import ModelError
from gategenome.model.network import GateLSTM, StreamState
from gategenome.model.tn5bias import Tn5Bias

TARGET_REGIONS = "regions"
TARGET_INSERTIONS = "insertions"


def checkpoint_target(payload: dict[str, Any]) -> str:
    """``"regions"`` or ``"insertions"``: what a checkpoint's head was trained on (older ones: regions)."""
    return str(payload.get("target", TARGET_REGIONS))


@dataclass
class InsertionHead:
    """What turns a model's logits into insertion counts.

    Attributes
    ----------
    log_mean_rate
        Log of the mean insertions per base of the train chromosomes.
    bias
        The frozen Tn5 bias model, or None when none was fitted.
    """

    log_mean_rate: float
    bias: Tn5Bias | None = None

    def to_entry(self) -> dict:
        """Plain-type checkpoint entry."""
        return {"log_mean_rate": float(self.log_mean_rate),
                "bias": None if self.bias is None else self.bias.to_entry()}

    @classmethod
    def from_checkpoint(cls, payload: dict[str, Any], path: str = "model") -> InsertionHead:
        """The head of a ``target: insertions`` checkpoint.

        Raises
        ------
        ModelError
            The checkpoint was trained on regions, or its insertion entry is malformed.
        """
        if checkpoint_target(payload) != TARGET_INSERTIONS:
            raise ModelError(f"{path}: the model was trained on accessible regions (target regions); "
                             "expected a model trained with target insertions")
        entry = payload.get("insertions")
        try:
            bias = None if entry.get("bias") is None else Tn5Bias.from_entry(entry["bias"])
            return cls(float(entry["log_mean_rate"]), bias)
        except (AttributeError, KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ModelError(f"{path}: malformed 'insertions' entry in the checkpoint ({exc})") from None

    def offset(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, L)`` log offset added to the logits: the mean rate and Tn5's preference of ``(N, L, C)`` inputs."""
        offset = torch.full(x.shape[:2], self.log_mean_rate, dtype=x.dtype, device=x.device)
        if self.bias is not None:
            offset = offset + self.bias.to(x.device)(x)
        return offset


@dataclass
class InsertionPrediction:
    """Predicted insertions of a batch of windows.

    Attributes
    ----------
    counts
        ``(N, L)`` expected insertions per base (``profile * total``).
    profile
        ``(N, L)`` each base's share of its window's insertions (rows sum to 1).
    total
        ``(N,)`` expected insertions per window.
    log_rate
        ``(N, L)`` log expected insertions per base.
    """

    counts: torch.Tensor
    profile: torch.Tensor
    total: torch.Tensor
    log_rate: torch.Tensor


def split_profile(log_rate: torch.Tensor) -> InsertionPrediction:
    """``(N, L)`` log rates -> :class:`InsertionPrediction` (softmax profile, total ``sum exp``)."""
    log_total = torch.logsumexp(log_rate, dim=1)
    profile = torch.exp(log_rate - log_total[:, None])
    total = torch.exp(log_total)
    return InsertionPrediction(profile * total[:, None], profile, total, log_rate)


def predict_insertions(
    model: GateLSTM,
    head: InsertionHead,
    x: torch.Tensor,
    *,
    with_bias: bool = True,
    state: StreamState | None = None,
) -> InsertionPrediction:
    """Predicted per-base insertion counts of one-hot windows.

    Parameters
    ----------
    model
        A model trained with ``target: insertions`` (see :func:`gategenome.model.load_model`).
    head
        Its :class:`InsertionHead` (:meth:`InsertionHead.from_checkpoint` of the payload).
    x
        ``(N, L, C)`` model inputs (one-hot DNA, plus the signal channel for a ``dna+signal`` model).
    with_bias
        Add Tn5's sequence preference (the counts a sequencing run would show);
        False gives the bias-free counts of the accessibility alone.
    state
        Stream state of the bases before the windows (None: zeros).

    Returns
    -------
    InsertionPrediction
    """
    with torch.no_grad():
        logits = model(x, state).logits
        log_rate = logits + (head.offset(x) if with_bias else head.log_mean_rate)
    return split_profile(log_rate)
