"""Memory of a sequence: the write/read retention test, and the hand-wired reference LSTM.

The write/read test runs a model twice from the same (zero) state: on
``writer + filler`` and on ``control + filler``, where ``control`` has the length
of the writer (by default the writer replaced by a holding base).  The cell states
of all LSTM layers are concatenated; the per-unit difference
``d_t = |c_with(t) - c_without(t)|`` summed over units, divided by its value once
the write is complete (right after the writer's last base, or for a model with a
convolutional stem ``conv_width - 1`` bases later, when the stem no longer sees the
writer: :func:`write_span`), is the **retention** at distance ``t`` into the
filler.  Retention at the filler's end is "retention at L"; the **half-life** is
the first distance where retention drops below 0.5.

Cell states are exact: the model runs fused in float64, the gates ``i, f, g`` are
recovered from the hidden states (:mod:`gategenome.model.gates`) and
``c_t = f_t c_{t-1} + i_t g_t`` is accumulated in one vectorised pass over
positions (cheap elementwise work; the matrix products stay fused).

The reference LSTM (:func:`reference_model`) is the idea written out by hand, so
the whole design path can be checked against arithmetic: ``A`` opens the input
gate and writes ``tanh(10) ~ 1`` into the cell (after resetting it), ``T`` holds
with forget gate exactly 0.9995 and a closed input gate, so after ``L`` bases of
``T`` the retention is ``0.9995 ** L`` (0.37 at 2000 bp).
"""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass

import numpy as np
import torch

from gategenome.model.config import ModelConfig
from gategenome.model.gates import gate_preactivation, layer_tensors, model_gates
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM, StreamState

log = logging.getLogger(__name__)

#: Forget gate of each base in the reference LSTM (A resets before writing).
REFERENCE_FORGET = {"A": 0.0, "C": 0.999, "G": 0.99, "T": 0.9995}
#: Pre-activation magnitude that saturates a gate (sigmoid(20) = 1 - 2e-9).
_SATURATE = 20.0


def _logit(p: float) -> float:
    if p <= 0.0:
        return -_SATURATE
    return math.log(p / (1.0 - p))


def reference_model() -> GateLSTM:
    """The hand-wired one-unit LSTM of the long-memory idea.

    Parameter set (one unit, DNA input A, C, G, T, no recurrent weights, so every
    gate depends on the current base only):

    ========  ============================  ======================  ==================
    base      forget gate f                 input gate i            candidate g
    ========  ============================  ======================  ==================
    A         sigmoid(-20) ~ 0 (reset)      sigmoid(20) ~ 1 (open)  tanh(10) ~ 1
    C         0.999                         sigmoid(-20) ~ 0        0
    G         0.99                          sigmoid(-20) ~ 0        0
    T         0.9995                        sigmoid(-20) ~ 0        0
    ========  ============================  ======================  ==================

    The output gate is open (sigmoid(20)), the head reads ``h`` with weight 1.
    ``A`` is the writer and ``T`` the best filler; ``C`` and ``G`` hold less well,
    so GC constraints cost retention: after a writer, a filler of ``n_T`` T,
    ``n_C`` C and ``n_G`` G bases retains ``0.9995**n_T * 0.999**n_C * 0.99**n_G``.

    Returns
    -------
    GateLSTM
        In eval mode, ``inputs: dna``, ``hidden_size: 1``.
    """
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=1, num_layers=1, forget_bias=0.0))
    layer = model.lstm_layers[0]
    forget = [_logit(REFERENCE_FORGET[b]) for b in "ACGT"]
    rows = {
        0: [_SATURATE, -_SATURATE, -_SATURATE, -_SATURATE],  # input gate: A only
        1: forget,
        2: [10.0, 0.0, 0.0, 0.0],  # candidate: A writes tanh(10)
        3: [_SATURATE] * 4,  # output gate open
    }
    with torch.no_grad():
        layer.weight_hh_l0.zero_()
        layer.bias_ih_l0.zero_()
        layer.bias_hh_l0.zero_()
        for row, values in rows.items():
            layer.weight_ih_l0[row] = torch.tensor(values)
        model.head.weight.fill_(1.0)
        model.head.bias.zero_()
    return model.eval()


def cell_states(model: GateLSTM, x: torch.Tensor, state: StreamState | None = None) -> tuple[torch.Tensor, StreamState]:
    """Exact cell states of every layer at every position.

    Parameters
    ----------
    model
        Any :class:`GateLSTM` (fused or coupled layers, with or without stem).
    x
        ``(N, L, C)`` inputs in the model's dtype.
    state
        State before ``x`` (``None``: zeros).

    Returns
    -------
    tuple
        ``(N, L, H * layers)`` cells ``c_1 .. c_L`` (layers concatenated bottom
        first), and the :class:`StreamState` after ``x``.
    """
    output = model(x, state)
    cells = []
    for index, (layer, gates) in enumerate(zip(model.lstm_layers, model_gates(model, output))):
        f, c = gates.forget, output.initial.layers[index][1]
        update = gates.input * torch.tanh(gate_preactivation(layer, *layer_tensors(output, index), "cell"))
        out = torch.empty_like(f)
        for t in range(f.shape[1]):
            c = f[:, t] * c + update[:, t]
            out[:, t] = c
        cells.append(out)
    return torch.cat(cells, dim=-1), output.final


def write_span(model: GateLSTM) -> int:
    """Filler bases the model still reads the writer through: its convolutional stem's
    window less one (``conv_width - 1``), 0 without a stem.

    Until then the write is not complete (the stem still sees writer bases), so the
    difference the filler must hold is taken there.
    """
    return int(model.config.conv_width) - 1 if int(model.config.conv_channels) > 0 else 0


@dataclass
class Retention:
    """Result of the write/read test for one design.

    Attributes
    ----------
    log10_curve
        ``(L + 1,)`` log10 retention at distance 0 (the writer's last base) .. L,
        relative to the difference at distance ``settle``.
    written
        Summed cell difference right after the writer (write strength).
    settle
        Distance where the write is complete (:func:`write_span`); hold, peak and
        half-life are read from there on.
    """

    log10_curve: np.ndarray
    written: float
    settle: int = 0

    @property
    def curve(self) -> np.ndarray:
        """``(L + 1,)`` retention (underflows to 0 below 1e-308)."""
        return np.power(10.0, self.log10_curve)

    @property
    def at_end(self) -> float:
        """Retention at the end of the filler (distance L)."""
        return float(self.curve[-1])

    @property
    def log10_at_end(self) -> float:
        """log10 of the retention at distance L (finite however small)."""
        return float(self.log10_curve[-1])

    @property
    def log10_hold(self) -> float:
        """log10 of the hold: ``-max_t |log10 retention(t)|`` over every distance 0 .. L.

        The hold is the widest band ``[h, 1/h]`` the retention leaves at no
        position: a curve that decays to 0.5 and one that grows to 2 both hold
        0.5, a flat curve holds 1, and no curve holds more than 1.
        """
        return float(-np.max(np.abs(self.log10_curve[self.settle :])))

    @property
    def hold(self) -> float:
        """The hold (at most 1; see :attr:`log10_hold`)."""
        return float(10.0**self.log10_hold)

    @property
    def log10_peak(self) -> float:
        """log10 of the largest retention along the filler (above 0: the difference grew)."""
        return float(np.max(self.log10_curve[self.settle :]))

    @property
    def half_life(self) -> int | None:
        """First distance where retention drops below 0.5; None if it never does within L."""
        below = np.flatnonzero(self.log10_curve[self.settle :] < math.log10(0.5))
        return int(below[0]) + self.settle if below.size else None


#: Filler bases per streamed chunk of the retention test.
CHUNK = 64
#: Summed cell difference below which the test renormalises it, and the size it is scaled to.
RENORMALISE_BELOW, RENORMALISE_TO = 1e-7, 1e-4


def measure_retention(
    model: GateLSTM,
    writer: str,
    fillers: list[str],
    control: str | None = None,
    signal_value: float = 0.0,
    batch_size: int = 8,
) -> list[Retention]:
    """Write/read test of ``writer + filler`` for each filler (see the module docstring).

    The filler is streamed in chunks of :data:`CHUNK` bases.  A difference that
    falls below :data:`RENORMALISE_BELOW` (where float64 rounding would swamp it)
    is scaled up to :data:`RENORMALISE_TO` in both ``h`` and ``c`` at a chunk end
    and the factor is carried in log space (the classic renormalisation of a
    finite-time Lyapunov measurement): retention far below 1e-16 stays measurable
    and a model without recurrent feedback (the reference) is unaffected.

    Parameters
    ----------
    model
        The model (left untouched; a float64 copy does the measurement).
    writer
        The writing element.
    fillers
        Filler sequences (any lengths).
    control
        Sequence replacing the writer in the control run (same length); default
        the writer's length of ``T``.
    signal_value
        Constant raw ATAC signal of a ``dna+signal`` model.
    batch_size
        Designs measured together.

    Returns
    -------
    list[Retention]
        One per filler.
    """
    control = control if control is not None else "T" * len(writer)
    if len(control) != len(writer):
        raise ValueError(f"control {control!r} must have the writer's length {len(writer)}")
    exact = copy.deepcopy(model).double().eval()
    settle = write_span(model)
    results: list[Retention] = []
    with torch.no_grad():
        for first in range(0, len(fillers), batch_size):
            group = fillers[first : first + batch_size]
            by_length: dict[int, list[int]] = {}
            for index, filler in enumerate(group):
                by_length.setdefault(len(filler), []).append(index)
            partial: dict[int, Retention] = {}
            for indices in by_length.values():
                curves, written = _stream_difference(exact, writer, control, [group[i] for i in indices], signal_value)
                for row, i in enumerate(indices):
                    reference = curves[row][min(settle, curves.shape[1] - 1)]
                    curve = curves[row] - reference if np.isfinite(reference) else curves[row]
                    partial[i] = Retention(curve, float(written[row]), settle)
            results.extend(partial[i] for i in range(len(group)))
    return results


def _stream_difference(
    model: GateLSTM, writer: str, control: str, fillers: list[str], signal_value: float
) -> tuple[np.ndarray, np.ndarray]:
    """log10 retention curves ``(n, L + 1)`` and write strengths ``(n,)`` of equal-length fillers."""
    n, device = len(fillers), next(model.parameters()).device
    heads = encode_batch([writer] * n + [control] * n, model.config, signal_value, device, torch.float64)
    cells, state = cell_states(model, heads)
    written = (cells[:n, -1] - cells[n:, -1]).abs().sum(dim=-1)
    safe = torch.where(written > 0, written, torch.ones_like(written))
    log_scale = torch.zeros(n, dtype=torch.float64, device=device)
    pieces = [torch.where(written > 0, torch.zeros_like(written), torch.full_like(written, -math.inf))[:, None]]
    body = encode_batch(fillers + fillers, model.config, signal_value, device, torch.float64)
    for begin in range(0, body.shape[1], CHUNK):
        cells, state = cell_states(model, body[:, begin : begin + CHUNK], state)
        diff = (cells[:n] - cells[n:]).abs().sum(dim=-1)
        pieces.append(torch.log10(diff) - torch.log10(safe)[:, None] + log_scale[:, None])
        last = diff[:, -1]
        small = (last < RENORMALISE_BELOW) & (last > 0)
        if bool(small.any()):
            factor = torch.where(
                small, RENORMALISE_TO / torch.where(small, last, torch.ones_like(last)), torch.ones_like(last)
            )
            log_scale -= torch.log10(factor)
            layers = []
            for h, c in state.layers:
                h = torch.cat([h[n:] + (h[:n] - h[n:]) * factor[:, None], h[n:]])
                c = torch.cat([c[n:] + (c[:n] - c[n:]) * factor[:, None], c[n:]])
                layers.append((h, c))
            state = StreamState(state.stem_tail, layers)
    return torch.cat(pieces, dim=1).cpu().numpy(), written.cpu().numpy()
