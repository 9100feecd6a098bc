"""Model checkpoints: one file, loadable without running code.

A checkpoint is a dictionary of plain types and tensors::

    {"format": "gategenome-model", "version": 1, "config": {...},
     "state_dict": {...}, "summary": {...}}

It is read with ``torch.load(..., weights_only=True)``, so a checkpoint from a
stranger that carries pickled code is refused instead of executed.
"""

from __future__ import annotations

import logging
import os
import pickle
from pathlib import Path
from typing import Any

import torch

from gategenome.errors import ConfigError, ModelError
from gategenome.io.atomic import atomic_path
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM

log = logging.getLogger(__name__)

FORMAT = "gategenome-model"
VERSION = 1


def save_checkpoint(
    path: str | os.PathLike,
    model: GateLSTM,
    summary: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write ``model`` atomically with its config and a training summary.

    Parameters
    ----------
    path
        Output file (conventionally ``model.pt``).
    model
        The model; its :class:`~gategenome.model.network.ModelConfig` is stored with it.
    summary
        Plain-type training summary (metrics, epochs, data files, seed).
    extra
        More plain-type or tensor entries (e.g. optimiser state for resuming).
    """
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": model.config.to_dict(),
        "state_dict": {key: value.detach().cpu() for key, value in model.state_dict().items()},
        "summary": summary or {},
    }
    payload.update(extra or {})
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def read_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a checkpoint dictionary without building the model.

    Raises
    ------
    ModelError
        Missing file, not a checkpoint, code inside, or an unknown format/version.
    """
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: model checkpoint not found")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "disallowed object"
        raise ModelError(
            f"{path}: refusing to load a checkpoint that contains code or non-tensor objects ({reason}); "
            "expected a gategenome model.pt"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as exc:
        raise ModelError(f"{path}: not a readable model checkpoint ({str(exc).splitlines()[0]}); expected a gategenome model.pt") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{path}: not a gategenome checkpoint; expected format {FORMAT!r}")
    if payload.get("version") != VERSION:
        raise ModelError(f"{path}: checkpoint version {payload.get('version')!r} is not supported; expected {VERSION}")
    return payload


def load_model(path: str | os.PathLike, device: str | torch.device = "cpu") -> tuple[GateLSTM, dict[str, Any]]:
    """Load a model for inference.

    Parameters
    ----------
    path
        Checkpoint written by :func:`save_checkpoint`.
    device
        Where to put the model.

    Returns
    -------
    tuple
        ``(model, payload)``: the model in eval mode, and the checkpoint dictionary
        (``config``, ``summary``...).
    """
    payload = read_checkpoint(path)
    try:
        config = ModelConfig.from_dict(payload["config"])
        model = GateLSTM(config)
        model.load_state_dict(payload["state_dict"])
    except (ConfigError, RuntimeError, KeyError) as exc:
        raise ModelError(f"{path}: checkpoint does not match the model architecture ({str(exc).splitlines()[0]})") from None
    model.to(device).eval()
    return model, payload


def resolve_device(name: str = "auto") -> torch.device:
    """Turn ``auto``/``cpu``/``cuda`` into a device and log which one is used.

    Raises
    ------
    ConfigError
        ``cuda`` asked for but not available, or an unknown name.
    """
    if name == "auto":
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    elif name in ("cpu", "cuda") or name.startswith("cuda:"):
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise ConfigError("--device cuda: CUDA is not available on this machine; expected --device cpu or auto")
        device = torch.device(name)
    else:
        raise ConfigError(f"--device: got {name!r}, expected auto, cpu or cuda")
    if device.type == "cuda":
        log.info("device: %s (%s)", device, torch.cuda.get_device_name(device))
    else:
        log.info("device: cpu (%d threads)", torch.get_num_threads())
    return device
