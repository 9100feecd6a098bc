"""model.inputs: the per-base input, assembled whole or written in place."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.core.encode import ONE_HOT_CODE
from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig
from gategenome.model.inputs import model_inputs, write_model_inputs


@pytest.mark.parametrize("inputs", ["dna", "dna+signal"])
def test_written_inputs_equal_assembled_inputs(inputs):
    config = ModelConfig(inputs=inputs, signal_clip=2.5)
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 5, 1_000).astype(np.uint8)  # 4: unknown base, all-zero one-hot
    signal = rng.normal(3.0, 8.0, 1_000).astype(np.float32)  # negative values count as 0, large ones clip
    signal[::7] = 1e6
    x = np.full((2, 1_200, config.input_channels), 9.0, dtype=np.float32)
    write_model_inputs(x[1, :1_000], codes, signal if config.uses_signal else None, config)
    np.testing.assert_array_equal(x[1, :1_000], model_inputs(ONE_HOT_CODE[codes], signal, config))
    assert (x[1, 1_000:] == 9.0).all() and (x[0] == 9.0).all()  # nothing outside ``out`` written
    assert signal.min() < 0  # the caller's signal is left as it was


def test_signal_model_without_signal_is_a_config_error():
    config = ModelConfig(inputs="dna+signal")
    with pytest.raises(ConfigError, match="no signal"):
        write_model_inputs(np.zeros((3, 5), np.float32), np.zeros(3, np.uint8), None, config)
