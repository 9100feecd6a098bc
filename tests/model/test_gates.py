"""Gate recovery after the fused forward pass, against a hand-written LSTM cell."""

import pytest
import torch

from gategenome.model.config import ModelConfig
from gategenome.model.gates import blocked_mean_forget_gate, layer_forget_gates, mean_forget_gate, model_gates
from gategenome.model.network import CoupledLSTM, GateLSTM

VARIANTS = [
    ModelConfig(inputs="dna", hidden_size=8, coupled=False),
    ModelConfig(inputs="dna+signal", hidden_size=8, num_layers=3, coupled=False),
    ModelConfig(inputs="dna", hidden_size=6, conv_channels=5, conv_width=4, num_layers=2, coupled=False),
    ModelConfig(inputs="dna+signal", hidden_size=7, coupled=True, num_layers=2),
    ModelConfig(inputs="dna", hidden_size=5, forget_bias="chrono", coupled=False),
    ModelConfig(inputs="dna+signal", hidden_size=5, forget_bias="chrono", conv_channels=3, conv_width=3),
]


def hand_cell(layer, x, h, c):
    """Step an LSTM layer by hand; return per-step f, i, and the h sequence."""
    size = layer.hidden_size
    fs, is_, hs = [], [], []
    for t in range(x.shape[1]):
        z = x[:, t] @ layer.weight_ih_l0.T + layer.bias_ih_l0 + h @ layer.weight_hh_l0.T + layer.bias_hh_l0
        i, f, g, o = (z[:, k * size:(k + 1) * size] for k in range(4))
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        if isinstance(layer, CoupledLSTM):
            i = 1 - f
        c = f * c + i * g
        h = o * torch.tanh(c)
        fs.append(f), is_.append(i), hs.append(h)
    return torch.stack(fs, 1), torch.stack(is_, 1), torch.stack(hs, 1)


@pytest.mark.parametrize("config", VARIANTS, ids=lambda c: f"{c.inputs}-L{c.num_layers}-stem{c.conv_channels}-coupled{c.coupled}")
def test_recovered_gates_match_hand_written_cell(config):
    torch.manual_seed(0)
    model = GateLSTM(config).double()
    x = torch.randn(3, 40, config.input_channels, dtype=torch.float64)
    state = model.initial_state(3)
    state.layers = [(torch.randn_like(h), torch.randn_like(c)) for h, c in state.layers]
    with torch.no_grad():
        out = model(x, state)
        gates = model_gates(model, out)
        for index, layer in enumerate(model.lstm_layers):
            h0, c0 = state.layers[index]
            f, i, h = hand_cell(layer, out.layer_inputs[index], h0, c0)
            torch.testing.assert_close(out.hidden[index], h, atol=1e-5, rtol=0)
            torch.testing.assert_close(gates[index].forget, f, atol=1e-5, rtol=0)
            torch.testing.assert_close(gates[index].input, i, atol=1e-5, rtol=0)


@pytest.mark.parametrize("config", VARIANTS[1:3], ids=["stacked", "stem"])
def test_chunked_forward_equals_whole(config):
    torch.manual_seed(1)
    model = GateLSTM(config).double().eval()
    x = torch.randn(2, 100, config.input_channels, dtype=torch.float64)
    with torch.no_grad():
        whole = model(x)
        state, pieces = None, []
        for start in range(0, 100, 17):
            out = model(x[:, start:start + 17], state)
            pieces.append(out.logits)
            state = out.final
    torch.testing.assert_close(torch.cat(pieces, 1), whole.logits, atol=1e-10, rtol=0)


@pytest.mark.parametrize("coupled", [False, True], ids=["lstm", "coupled"])
def test_blocked_gate_recovery_equals_reference(coupled):
    torch.manual_seed(3)
    model = GateLSTM(ModelConfig(inputs="dna+signal", hidden_size=6, conv_channels=3, conv_width=4,
                                 num_layers=2, coupled=coupled)).eval()
    x = torch.randn(3, 1_000, 5)
    state = model.initial_state(3)
    state.layers = [(torch.randn_like(h), torch.randn_like(c)) for h, c in state.layers]
    with torch.no_grad():
        out = model(x, state)
        for layer in (0, -1):
            reference = layer_forget_gates(model, out, layer).mean(dim=-1)  # the direct computation
            torch.testing.assert_close(blocked_mean_forget_gate(model, out, layer, block=97), reference,
                                       atol=1e-6, rtol=0)
            torch.testing.assert_close(mean_forget_gate(model, out, layer), reference, atol=1e-6, rtol=0)
