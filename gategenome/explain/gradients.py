"""Integrated gradients of the dip score, and the share of a drop owed to DNA or to the signal channel.

The inputs of the attributed window are scaled from an all-zero baseline (no
base, no signal) to their values in ``steps`` points (midpoint rule), each run
from the window's carried-in state; the mean gradient times the input is each
base's and channel's attribution, and their sum approximates the score minus the
baseline's (completeness).  Far cheaper than mutagenesis on long windows (one
forward and backward pass of ``steps`` rows per drop), and approximate; the
command checks it against mutagenesis on a sample.
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.explain.scores import dip_score, last_mean_forget
from gategenome.model.network import GateLSTM, StreamState


def integrated_gradients(
    model: GateLSTM,
    x: torch.Tensor,
    state: StreamState,
    steps: int = 32,
    layer: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integrated gradients of the dip score of ``T`` windows.

    Parameters
    ----------
    x
        ``(T, W, C)`` inputs, scan orientation, summit last.
    state
        ``T``-row state where each window starts (held fixed).
    steps
        Points on the path from the zero baseline.

    Returns
    -------
    tuple
        ``(attribution (T, W, C), mean_gradient (T, W, C), gap (T,))``: input times
        mean gradient; the mean gradient itself; and the completeness gap
        ``sum(attribution) - (score(x) - score(0))``.
    """
    count, width, channels = x.shape
    alphas = (torch.arange(steps, dtype=x.dtype, device=x.device) + 0.5) / steps
    index = torch.arange(count, device=x.device).repeat_interleave(steps)
    path = (alphas.view(1, steps, 1, 1) * x.unsqueeze(1)).reshape(count * steps, width, channels)
    path.requires_grad_(True)
    starts = state.rows(index).detach()
    with torch.enable_grad():
        scores = dip_score(last_mean_forget(model, model(path, starts), layer))
        (gradient,) = torch.autograd.grad(scores.sum(), path)
    mean_gradient = gradient.view(count, steps, width, channels).mean(dim=1)
    attribution = (x * mean_gradient).detach()
    with torch.no_grad():
        ends = torch.stack([x, torch.zeros_like(x)], dim=1).reshape(count * 2, width, channels)
        both = dip_score(last_mean_forget(model, model(ends, state.rows(torch.arange(count).repeat_interleave(2))),
                                          layer)).view(count, 2)
    gap = attribution.sum(dim=(1, 2)) - (both[:, 0] - both[:, 1])
    return attribution.double().cpu().numpy(), mean_gradient.double().cpu().numpy(), gap.double().cpu().numpy()


def hypothetical_from_gradients(mean_gradient: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``(T, W, 4)`` mean-centred gradients of the DNA channels (0 at unknown bases), as modisco reads them."""
    dna = mean_gradient[..., :4]
    hypothetical = dna - dna.mean(axis=-1, keepdims=True)
    hypothetical[codes == 4] = 0.0
    return hypothetical.astype(np.float32)


def channel_shares(attribution: np.ndarray) -> np.ndarray:
    """``(T,)`` share of each drop's attribution owed to the DNA channels: ``|dna| / (|dna| + |signal|)``.

    ``attribution`` is ``(T, W, 5)`` (DNA + signal); the sums run over the window.
    """
    dna = np.abs(attribution[..., :4].sum(axis=(1, 2)))
    signal = np.abs(attribution[..., 4].sum(axis=1))
    total = dna + signal
    return np.where(total > 0, dna / np.where(total > 0, total, 1.0), np.nan)
