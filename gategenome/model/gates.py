"""Exact recovery of LSTM gates after the fused forward pass.

A fused :class:`torch.nn.LSTM` returns every hidden state ``h_t`` but not its
gates.  Since ``f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)`` depends
only on the layer input and the previous hidden state, all forget gates of a
sequence are one batched matrix product once ``h`` is known (PyTorch gate row
order: i, f, g, o).  This costs a fraction of the forward pass, against many
times more for a Python or TorchScript step loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from gategenome.model.network import CoupledLSTM, GateLSTM, ModelOutput

_GATE_ROWS = {"input": 0, "forget": 1, "cell": 2, "output": 3}


def _previous_hidden(hidden: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """``(N, L, H)`` states ``h_0 .. h_{L-1}`` from ``h_1 .. h_L`` and ``h_0``."""
    return torch.cat([h0.unsqueeze(1), hidden[:, :-1]], dim=1)


def gate_preactivation(
    layer: nn.Module, layer_input: torch.Tensor, hidden: torch.Tensor, h0: torch.Tensor, gate: str
) -> torch.Tensor:
    """Pre-activation of one gate at every position of one layer.

    Parameters
    ----------
    layer
        A single-layer :class:`torch.nn.LSTM` or :class:`~gategenome.model.network.CoupledLSTM`.
    layer_input
        ``(N, L, D)`` what the layer read.
    hidden
        ``(N, L, H)`` its hidden states ``h_1 .. h_L``.
    h0
        ``(N, H)`` its hidden state before the first position.
    gate
        ``"input"``, ``"forget"``, ``"cell"`` or ``"output"``.

    Returns
    -------
    torch.Tensor
        ``(N, L, H)`` pre-activations (apply a sigmoid for i, f, o; tanh for g).
    """
    size = layer.hidden_size
    rows = slice(_GATE_ROWS[gate] * size, (_GATE_ROWS[gate] + 1) * size)
    bias = layer.bias_ih_l0[rows] + layer.bias_hh_l0[rows]
    previous = _previous_hidden(hidden, h0)
    return (
        torch.matmul(layer_input, layer.weight_ih_l0[rows].t())
        + torch.matmul(previous, layer.weight_hh_l0[rows].t())
        + bias
    )


def forget_gates(layer: nn.Module, layer_input: torch.Tensor, hidden: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """Forget gate ``f_t`` at every position of one layer, ``(N, L, H)`` in (0, 1).

    See :func:`gate_preactivation` for the parameters.
    """
    return torch.sigmoid(gate_preactivation(layer, layer_input, hidden, h0, "forget"))


def input_gates(layer: nn.Module, layer_input: torch.Tensor, hidden: torch.Tensor, h0: torch.Tensor) -> torch.Tensor:
    """Input gate ``i_t`` at every position of one layer, ``(N, L, H)``.

    For a coupled layer this is ``1 - f_t``.  See :func:`gate_preactivation`.
    """
    if isinstance(layer, CoupledLSTM):
        return 1.0 - forget_gates(layer, layer_input, hidden, h0)
    return torch.sigmoid(gate_preactivation(layer, layer_input, hidden, h0, "input"))


@dataclass
class LayerGates:
    """Gates of one layer: ``forget`` and ``input``, each ``(N, L, H)``."""

    forget: torch.Tensor
    input: torch.Tensor


def layer_tensors(output: ModelOutput, index: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """What gate recovery needs of one layer of a forward ``output``.

    Returns
    -------
    tuple
        ``(layer_input (N, L, D), hidden (N, L, H), h0 (N, H))``.
    """
    return output.layer_inputs[index], output.hidden[index], output.initial.layers[index][0]


def model_gates(model: GateLSTM, output: ModelOutput, with_input: bool = True) -> list[LayerGates]:
    """Recover the gates of every layer of ``model`` from one forward ``output``.

    Parameters
    ----------
    model
        The model that produced ``output``.
    output
        Result of ``model(x, state)``.
    with_input
        Also recover input gates (skip for speed when only ``f`` is needed).

    Returns
    -------
    list[LayerGates]
        One entry per layer, bottom first; tensors are ``(N, L, H)``.
    """
    gates = []
    for index, layer in enumerate(model.lstm_layers):
        tensors = layer_tensors(output, index)
        forget = forget_gates(layer, *tensors)
        inp = None
        if with_input:  # a coupled layer's input gate is 1 - f: no second matrix product
            inp = 1.0 - forget if isinstance(layer, CoupledLSTM) else input_gates(layer, *tensors)
        gates.append(LayerGates(forget, inp))
    return gates


def layer_forget_gates(model: GateLSTM, output: ModelOutput, layer: int = -1) -> torch.Tensor:
    """Forget gates of one layer (default: last) of a forward ``output``, ``(N, L, H)``."""
    index = layer % len(model.lstm_layers)
    return forget_gates(model.lstm_layers[index], *layer_tensors(output, index))


def mean_forget_gate(model: GateLSTM, output: ModelOutput, layer: int = -1) -> torch.Tensor:
    """Per-base mean forget gate over the hidden units of one layer (default: last).

    On the CPU without autograd (scanning, validation) this is
    :func:`blocked_mean_forget_gate`, which never materialises the ``(N, L, H)``
    gates; otherwise the direct, differentiable computation.

    Returns
    -------
    torch.Tensor
        ``(N, L)``.
    """
    if not torch.is_grad_enabled() and output.hidden[layer % len(model.lstm_layers)].device.type == "cpu":
        return blocked_mean_forget_gate(model, output, layer)
    return layer_forget_gates(model, output, layer).mean(dim=-1)


def _time_major(tensor: torch.Tensor) -> torch.Tensor:
    """``(L * N, D)`` rows in time-major order (t, n) of an ``(N, L, D)`` tensor.

    The fused LSTM kernel returns its ``(N, L, H)`` output as a transposed view of a
    time-major buffer, so for hidden states this is a free view; other inputs are
    copied.
    """
    major = tensor.transpose(0, 1)
    if not major.is_contiguous():
        major = major.contiguous()
    return major.reshape(-1, tensor.shape[-1])


def blocked_mean_forget_gate(model: GateLSTM, output: ModelOutput, layer: int = -1, block: int = 8192) -> torch.Tensor:
    """:func:`mean_forget_gate` computed block by block (CPU inference; no autograd).

    Same values, but the ``(N, L, H)`` pre-activations are never materialised: the
    rows are taken in the fused kernel's own time-major order (no copy of the
    hidden states), ``block`` rows at a time into a buffer that stays in cache;
    the previous hidden state of row ``(t, n)`` is row ``(t - 1, n)``, a shifted
    view; the sigmoid and the mean are applied in place.

    Returns
    -------
    torch.Tensor
        ``(N, L)`` mean forget gate over the layer's hidden units (a transposed view).
    """
    index = layer % len(model.lstm_layers)
    lstm = model.lstm_layers[index]
    size = lstm.hidden_size
    rows = slice(size, 2 * size)
    batch, length, _ = output.hidden[index].shape
    x = _time_major(output.layer_inputs[index])
    hidden = _time_major(output.hidden[index])
    h0 = output.initial.layers[index][0]
    w_input = lstm.weight_ih_l0[rows].t().contiguous()
    w_hidden = lstm.weight_hh_l0[rows].t().contiguous()
    bias = lstm.bias_ih_l0[rows] + lstm.bias_hh_l0[rows]
    total = batch * length
    step = max(1, block // batch) * batch  # whole time steps per block
    result = torch.empty(total, dtype=hidden.dtype, device=hidden.device)
    buffer = torch.empty(min(step, total), size, dtype=hidden.dtype, device=hidden.device)
    for start in range(0, total, step):
        end = min(start + step, total)
        pre = torch.addmm(bias, x[start:end], w_input, out=buffer[: end - start])
        if start == 0:
            pre[:batch].addmm_(h0, w_hidden)
            if end > batch:
                pre[batch:].addmm_(hidden[: end - batch], w_hidden)
        else:
            pre.addmm_(hidden[start - batch : end - batch], w_hidden)
        torch.sigmoid_(pre)
        torch.mean(pre, dim=1, out=result[start:end])
    return result.view(length, batch).t()
