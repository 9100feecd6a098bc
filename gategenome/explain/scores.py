"""The score that is explained: how far the forget gate dips at a drop's summit.

``score = log(1 - f)``, ``f`` the mean forget gate (over the hidden units of one
layer) at the summit, the last base of the attributed stretch.  It is very
negative where the gate holds (``f`` near 1) and rises toward 0 as the gate
closes, so a base whose presence deepens the dip has a positive attribution.
"""

from __future__ import annotations

import torch

from gategenome.model.gates import forget_gates
from gategenome.model.network import GateLSTM, ModelOutput


def last_mean_forget(model: GateLSTM, output: ModelOutput, layer: int = -1) -> torch.Tensor:
    """``(N,)`` mean forget gate of one layer at the last position of a forward ``output`` (differentiable)."""
    index = layer % len(model.lstm_layers)
    hidden = output.hidden[index]
    previous = hidden[:, -2] if hidden.shape[1] > 1 else output.initial.layers[index][0]
    gates = forget_gates(model.lstm_layers[index], output.layer_inputs[index][:, -1:], hidden[:, -1:], previous)
    return gates[:, 0].mean(dim=-1)


def dip_score(forget: torch.Tensor) -> torch.Tensor:
    """``log(1 - f)`` of mean forget gates, elementwise (``f`` clamped below 1)."""
    return torch.log1p(-forget.clamp(max=1.0 - 1e-7))
