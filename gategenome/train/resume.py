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


def initial_state(train_config: TrainConfig, inputs: dict | None = None) -> dict:
    """The training state of a run that has not trained yet: epoch 0, no best weights.

    ``inputs`` is the identity of the input files
    (:func:`gategenome.train.files.input_identities`), checked on resume.
    """
    return {
        "epoch": 0, "step": 0, "best_auprc": -1.0, "best_epoch": -1, "bad_epochs": 0, "history": [],
        "best_state": None, "train_config": train_config.to_dict(), "inputs": inputs,
    }


def save_resume(path: Path, model: GateLSTM, optimizer: torch.optim.Optimizer, state: dict) -> None:
    """Write the resume checkpoint (atomically) with the optimiser and the training ``state``."""
    save_checkpoint(path, model, summary={"resume": True}, extra={"optimizer": optimizer.state_dict(), "training": state})


def load_resume(
    path: Path,
    model: GateLSTM,
    optimizer: torch.optim.Optimizer,
    model_config: ModelConfig,
    train_config: TrainConfig,
    inputs: dict | None = None,
) -> dict:
    """Load model and optimiser from a resume checkpoint; return its training state.

    Raises
    ------
    ModelError
        The checkpoint is unreadable or incomplete, or was written with another
        model or train configuration or other input files (``inputs``, as
        recorded by :func:`initial_state`).
    """
    payload = read_checkpoint(path)
    training = payload.get("training")
    if not isinstance(training, dict) or not _STATE_KEYS <= set(training) or not isinstance(payload.get("optimizer"), dict):
        raise ModelError(f"{path}: not a complete resume checkpoint (no training state); delete it or drop --resume")
    if payload.get("config") != model_config.to_dict():
        raise ModelError(f"{path}: resume checkpoint was written with another model configuration; delete it or drop --resume")
    if training.get("train_config") not in (None, train_config.to_dict()):
        raise ModelError(f"{path}: resume checkpoint was written with another train configuration; delete it or drop --resume")
    _check_inputs(path, training.get("inputs"), inputs)
    try:
        model.load_state_dict(payload["state_dict"])
        optimizer.load_state_dict(payload["optimizer"])
    except (RuntimeError, ValueError, KeyError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise ModelError(f"{path}: resume checkpoint does not fit this model ({reason}); delete it or drop --resume") from None
    log.info("resuming from %s after epoch %d", path, training["epoch"])
    training["inputs"] = inputs
    return training


_STATE_KEYS = {"epoch", "step", "best_auprc", "best_epoch", "bad_epochs", "history", "best_state"}

_OPTIONS = {"genome": "--genome", "regions": "--regions", "folds": "--folds", "signal": "--signal", "blacklist": "--blacklist"}


def _check_inputs(path: Path, recorded: dict | None, current: dict | None) -> None:
    """Refuse to resume on other data: every input's identity must be the recorded one."""
    if current is None:
        return
    if recorded is None:
        log.warning("%s: written by an older version without input identities; not checking the inputs", path)
        return
    changed = [name for name in sorted(set(recorded) | set(current)) if recorded.get(name) != current.get(name)]
    if changed:
        names = ", ".join(_OPTIONS.get(name, name) for name in changed)
        raise ModelError(
            f"{path}: resume checkpoint was written with other input data ({names} differ in content); "
            "resume with the same files, or delete it or drop --resume"
        )
