"""What the per-base head reads: the last layer, or every layer (``head_reads``)."""

import pytest
import torch

from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM


def test_a_head_reading_all_layers_sees_each_layers_hidden_state_and_streams_exactly():
    torch.manual_seed(0)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=5, num_layers=3, conv_channels=4, conv_width=3,
                                 coupled=False, forget_bias="chrono", head_reads="all"))
    assert model.head.in_features == 15
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (2, 120)), 4).float()
    with torch.no_grad():
        whole = model(x)
        expected = model.head(torch.cat(whole.hidden, dim=-1)).squeeze(-1)
        torch.testing.assert_close(whole.logits, expected)
        first = model(x[:, :50])  # as scan streams a chromosome in chunks
        second = model(x[:, 50:], first.final)
    torch.testing.assert_close(torch.cat([first.logits, second.logits], dim=1), whole.logits, rtol=1e-5, atol=1e-6)


def test_the_last_layer_head_is_the_default_and_other_values_are_refused():
    assert GateLSTM(ModelConfig(inputs="dna", hidden_size=3, num_layers=2)).head.in_features == 3
    with pytest.raises(ConfigError, match="model.head_reads"):
        ModelConfig(head_reads="first")
