"""The learning-rate schedule: linear warm-up, then cosine decay or constant."""

from __future__ import annotations

import math

from gategenome.train.config import TrainConfig


def learning_rate(step: int, total: int, config: TrainConfig) -> float:
    """Learning rate at optimisation ``step`` (0-based) of ``total``."""
    if config.warmup_steps and step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    if config.schedule == "constant":
        return config.lr
    progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
    floor = config.lr * config.min_lr_ratio
    return floor + (config.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
