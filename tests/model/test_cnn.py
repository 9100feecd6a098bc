"""The causal dilated CNN baseline: exact receptive field, causality, parameter matching."""

import pytest
import torch

from gategenome.errors import ConfigError
from gategenome.model.cnn import CausalCNN, CnnConfig, matching_config, parameter_count


@pytest.mark.parametrize("field", [12, 13, 100, 400, 1024])
def test_each_output_reads_exactly_its_receptive_field_ending_at_the_base(field):
    torch.manual_seed(0)
    model = CausalCNN(CnnConfig(receptive_field=field, channels=6, stem_channels=8))
    x = torch.randn(1, 2 * field + 50, 4, requires_grad=True)
    out = model(x)
    assert out.shape == (1, x.shape[1])
    t = field + 40
    out[0, t].backward()
    touched = x.grad[0].abs().sum(1).nonzero().flatten()
    assert touched.max().item() == t  # causal: nothing after the base
    assert touched.min().item() == t - field + 1  # nothing before the field


def test_matching_config_is_the_closest_parameter_count():
    config = matching_config(15_713, 1024)
    count = parameter_count(CausalCNN(config))
    wider = parameter_count(CausalCNN(CnnConfig(1024, config.channels + 1)))
    narrower = parameter_count(CausalCNN(CnnConfig(1024, config.channels - 1)))
    assert abs(count - 15_713) <= min(abs(wider - 15_713), abs(narrower - 15_713))
    assert abs(count - 15_713) / 15_713 < 0.05


def test_a_field_shorter_than_the_stem_is_refused():
    with pytest.raises(ConfigError, match="receptive_field"):
        CnnConfig(receptive_field=8, stem_width=12)
