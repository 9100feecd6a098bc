"""The learning-rate schedule: warm-up, cosine decay, constant."""

import pytest

from gategenome.train.config import TrainConfig
from gategenome.train.schedule import learning_rate


def test_learning_rate_schedule():
    config = TrainConfig(lr=1.0, warmup_steps=4, min_lr_ratio=0.1)
    rates = [learning_rate(step, 20, config) for step in range(20)]
    assert rates[:4] == [0.25, 0.5, 0.75, 1.0]
    assert all(x >= y for x, y in zip(rates[4:], rates[5:])) and rates[-1] == pytest.approx(0.1, abs=0.02)
    flat = TrainConfig(lr=1.0, warmup_steps=0, schedule="constant")
    assert {learning_rate(step, 20, flat) for step in range(20)} == {1.0}
