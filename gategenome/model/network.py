"""The gate-exposing LSTM.

Per base the model reads one-hot DNA (A, C, G, T), optionally with the ATAC signal
as a fifth channel (``log1p``, clipped), passes it through an optional causal
convolutional stem (motif detectors), a stack of unidirectional LSTM layers and a
per-base linear head that predicts "inside an accessible region" (a logit).

Each LSTM layer is its own single-layer fused :class:`torch.nn.LSTM`, so the
hidden states of every layer are available and the gates of every layer can be
recovered exactly afterwards (:mod:`gategenome.model.gates`).  The coupled-gate variant
(:class:`CoupledLSTM`, input gate = 1 - forget gate) runs the same fused kernel
with tied input/forget-gate weights.

Everything is streaming-friendly: :meth:`GateLSTM.forward` takes and returns a
:class:`StreamState` (the stem's last inputs and each layer's ``(h, c)``), so a
sequence cut into chunks gives the same result as the whole sequence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import _VF, nn

from gategenome.model.config import ModelConfig


class CoupledLSTM(nn.Module):
    """Single-layer LSTM whose input gate is tied to one minus the forget gate.

    ``c_t = f_t * c_{t-1} + (1 - f_t) * g_t``: the cell is an exponential moving
    average of ``g`` with per-unit, per-base retention rate ``f_t``.  Parameters
    use :class:`torch.nn.LSTM`'s names and layout (gate rows i, f, g, o); the
    input-gate rows exist but are unused, so gate recovery is shared.

    Since ``1 - sigmoid(a) = sigmoid(-a)``, the coupled cell is a standard LSTM
    whose input-gate weights and biases are the negated forget-gate ones; the
    forward pass builds those tied weights and runs PyTorch's fused LSTM kernel
    (the one behind :class:`torch.nn.LSTM`), so the coupled variant trains as
    fast as the plain one.

    Parameters
    ----------
    input_size, hidden_size
        As for :class:`torch.nn.LSTM`.
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.empty(4 * hidden_size))
        bound = 1.0 / math.sqrt(hidden_size)
        for weight in self.parameters():
            nn.init.uniform_(weight, -bound, bound)

    def tied_weights(self) -> list[torch.Tensor]:
        """``[W_ih, W_hh, b_ih, b_hh]`` with the input-gate rows set to minus the forget-gate rows."""
        size = self.hidden_size
        tied = []
        for weight in (self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0):
            forget = weight[size:2 * size]
            tied.append(torch.cat([-forget, weight[size:]], dim=0))
        return tied

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]):
        """Run the layer.

        Parameters
        ----------
        x
            ``(N, L, D)`` inputs.
        state
            ``(h0, c0)``, each ``(1, N, H)`` as for :class:`torch.nn.LSTM`.

        Returns
        -------
        tuple
            ``(h, (h_L, c_L))``: ``h`` is ``(N, L, H)``; the final states ``(1, N, H)``.
        """
        # arguments: input, hx, weights, has_biases, num_layers, dropout, train, bidirectional, batch_first
        output, h_n, c_n = _VF.lstm(x, state, self.tied_weights(), True, 1, 0.0, self.training, False, True)
        return output, (h_n, c_n)


@dataclass
class StreamState:
    """State carried from one chunk of a sequence to the next.

    Attributes
    ----------
    stem_tail
        ``(N, conv_width - 1, C)`` last inputs seen by the causal stem, or None.
    layers
        Per LSTM layer ``(h, c)``, each ``(N, H)``.
    """

    stem_tail: torch.Tensor | None
    layers: list[tuple[torch.Tensor, torch.Tensor]] = field(default_factory=list)

    def _map(self, op) -> StreamState:
        tail = None if self.stem_tail is None else op(self.stem_tail)
        return StreamState(tail, [(op(h), op(c)) for h, c in self.layers])

    def detach(self) -> StreamState:
        """A copy cut from the autograd graph."""
        return self._map(torch.Tensor.detach)

    def rows(self, index) -> StreamState:
        """The rows ``index`` (an index tensor or a slice) of every tensor."""
        return self._map(lambda tensor: tensor[index])

    def expand(self, n: int) -> StreamState:
        """A one-row state repeated to ``n`` rows (contiguous copies)."""
        return self._map(lambda tensor: tensor.expand(n, *tensor.shape[1:]).contiguous())

    @staticmethod
    def cat(states: list[StreamState]) -> StreamState:
        """The rows of ``states`` stacked in order."""
        first = states[0]
        tail = None if first.stem_tail is None else torch.cat([s.stem_tail for s in states])
        layers = [
            (torch.cat([s.layers[i][0] for s in states]), torch.cat([s.layers[i][1] for s in states]))
            for i in range(len(first.layers))
        ]
        return StreamState(tail, layers)


@dataclass
class ModelOutput:
    """Everything a forward pass exposes.

    Attributes
    ----------
    logits
        ``(N, L)`` per-base logit of "inside an accessible region".
    layer_inputs
        Per layer, ``(N, L, D_l)`` the input the layer read.
    hidden
        Per layer, ``(N, L, H)`` all hidden states ``h_1 .. h_L``.
    initial
        The :class:`StreamState` the pass started from.
    final
        The :class:`StreamState` after the last base (feed it to the next chunk).
    """

    logits: torch.Tensor
    layer_inputs: list[torch.Tensor]
    hidden: list[torch.Tensor]
    initial: StreamState
    final: StreamState


class GateLSTM(nn.Module):
    """Stem + stacked LSTM + per-base head; see the module docstring.

    Parameters
    ----------
    config
        The architecture.
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        channels = config.input_channels
        if config.conv_channels:
            self.stem = nn.Conv1d(channels, config.conv_channels, config.conv_width)
            layer_input = config.conv_channels
        else:
            self.stem = None
            layer_input = channels
        layers = []
        for _ in range(config.num_layers):
            if config.coupled:
                layers.append(CoupledLSTM(layer_input, config.hidden_size))
            else:
                layers.append(nn.LSTM(layer_input, config.hidden_size, batch_first=True))
            layer_input = config.hidden_size
        self.lstm_layers = nn.ModuleList(layers)
        head_input = config.hidden_size * (config.num_layers if config.head_reads == "all" else 1)
        self.head = nn.Linear(head_input, 1)
        self.reset_forget_bias()

    @property
    def device(self) -> torch.device:
        """Device the model's parameters are on."""
        return next(self.parameters()).device

    def reset_forget_bias(self) -> None:
        """Initialise the forget-gate biases as the config says.

        The sum ``b_if + b_hf`` is set (``b_hf`` carries it, ``b_if`` is zeroed):
        constant ``b``, or chrono ``log(U(1, T_max - 1))`` per unit.
        """
        hidden = self.config.hidden_size
        with torch.no_grad():
            for layer in self.lstm_layers:
                if self.config.forget_bias == "chrono":
                    bias = torch.log(torch.empty(hidden).uniform_(1.0, self.config.chrono_max - 1.0))
                    # chrono also sets the input gate bias to -b_f
                    layer.bias_hh_l0[:hidden] = -bias
                    layer.bias_ih_l0[:hidden] = 0.0
                else:
                    bias = torch.full((hidden,), float(self.config.forget_bias))
                layer.bias_ih_l0[hidden : 2 * hidden] = 0.0
                layer.bias_hh_l0[hidden : 2 * hidden] = bias

    def initial_state(self, batch: int, device: torch.device | str | None = None) -> StreamState:
        """Zero state for ``batch`` sequences (all-zero stem padding and ``(h, c)``)."""
        device = device or self.head.weight.device
        like = {"device": device, "dtype": self.head.weight.dtype}
        hidden = self.config.hidden_size
        tail = None
        if self.stem is not None:
            tail = torch.zeros(batch, self.config.conv_width - 1, self.config.input_channels, **like)
        zeros = [(torch.zeros(batch, hidden, **like), torch.zeros(batch, hidden, **like)) for _ in self.lstm_layers]
        return StreamState(tail, zeros)

    def forward(self, x: torch.Tensor, state: StreamState | None = None) -> ModelOutput:
        """Run the model over a batch of sequences (or chunks of them).

        Parameters
        ----------
        x
            ``(N, L, C)`` inputs, ``C`` = :attr:`ModelConfig.input_channels`.
        state
            State after the previous chunk; ``None`` starts from zeros.

        Returns
        -------
        ModelOutput
            Logits ``(N, L)``, per-layer inputs and hidden states, and the states.
        """
        if state is None:
            state = self.initial_state(x.shape[0], x.device)
        tail = None
        if self.stem is not None:
            padded = torch.cat([state.stem_tail, x], dim=1)
            width = self.config.conv_width
            tail = padded[:, padded.shape[1] - (width - 1):]
            layer_input = torch.relu(self.stem(padded.transpose(1, 2))).transpose(1, 2)
        else:
            layer_input = x
        layer_inputs, hidden, finals = [], [], []
        for layer, (h0, c0) in zip(self.lstm_layers, state.layers):
            layer_inputs.append(layer_input)
            out, (h_n, c_n) = layer(layer_input, (h0.unsqueeze(0).contiguous(), c0.unsqueeze(0).contiguous()))
            hidden.append(out)
            finals.append((h_n[0], c_n[0]))
            layer_input = out
        if self.config.head_reads == "all" and len(hidden) > 1:
            layer_input = torch.cat(hidden, dim=-1)  # (N, L, layers * H)
        major = layer_input.transpose(0, 1)
        if major.is_contiguous():  # the fused kernel's time-major output: no (N, L, H) copy
            logits = self.head(major).squeeze(-1).t()
        else:
            logits = self.head(layer_input).squeeze(-1)
        return ModelOutput(logits, layer_inputs, hidden, state, StreamState(tail, finals))
