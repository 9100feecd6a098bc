"""The resume checkpoint: training state saved after every epoch and read back.

It holds the model, the optimiser, the best weights so far and the history; a run
restarted with ``resume=True`` continues from it (same configuration required), and
bit-identically on CPU since sampling is seeded per epoch and the learning rate is
a function of the step.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch

from gategenome.errors import ModelError
from gategenome.model.checkpoint import read_checkpoint, save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig

log = logging.getLogger(__name__)


def initial_state(train_config: TrainConfig) -> dict:
    """The training state of a run that has not trained yet: epoch 0, no best weights."""
    return {
        "epoch": 0, "step": 0, "best_auprc": -1.0, "best_epoch": -1, "bad_epochs": 0, "history": [],
        "best_state": None, "train_config": train_config.to_dict(),
    }


def save_resume(path: Path, model: GateLSTM, optimizer: torch.optim.Optimizer, state: dict) -> None:
    """Write the resume checkpoint (atomically) with the optimiser and the training ``state``."""
    save_checkpoint(path, model, summary={"resume": True}, extra={"optimizer": optimizer.state_dict(), "training": state})


def load_resume(
    path: Path, model: GateLSTM, optimizer: torch.optim.Optimizer, model_config: ModelConfig, train_config: TrainConfig
) -> dict:
    """Load model and optimiser from a resume checkpoint; return its training state.

    Raises
    ------
    ModelError
        The checkpoint was written with another model or train configuration.
    """
    payload = read_checkpoint(path)
    training = payload.get("training")
    if not isinstance(training, dict) or payload.get("config") != model_config.to_dict():
        raise ModelError(f"{path}: resume checkpoint was written with another model configuration; delete it or drop --resume")
    if training.get("train_config") not in (None, train_config.to_dict()):
        raise ModelError(f"{path}: resume checkpoint was written with another train configuration; delete it or drop --resume")
    model.load_state_dict(payload["state_dict"])
    optimizer.load_state_dict(payload["optimizer"])
    log.info("resuming from %s after epoch %d", path, training["epoch"])
    return training
