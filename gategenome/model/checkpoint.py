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
import re
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
    if path.is_dir():
        raise ModelError(f"{path}: is a directory; expected a gategenome model.pt file")
    if path.stat().st_size == 0:
        raise ModelError(f"{path}: empty file; expected a gategenome model.pt")
    with open(path, "rb") as handle:
        head = handle.read(2)
    if head != b"PK" and head[:1] != b"\x80":
        raise ModelError(f"{path}: not a PyTorch checkpoint (starts with {head!r}); expected a gategenome model.pt")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        found = re.search(r"GLOBAL ([\w.]+)", str(exc))
        if found is None:
            raise ModelError(f"{path}: not a readable model checkpoint (not a PyTorch file); "
                             "expected a gategenome model.pt") from None
        raise ModelError(
            f"{path}: the file carries code or non-tensor objects ({found.group(1)}), which a gategenome model.pt "
            "never holds; it will not be loaded"
        ) from None
    except Exception as exc:  # torch raises KeyError, IndexError, RuntimeError... on a file that is not a checkpoint
        raise ModelError(
            f"{path}: not a readable model checkpoint ({type(exc).__name__}: {_first_line(exc)}); "
            "expected a gategenome model.pt"
        ) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{path}: not a gategenome checkpoint; expected format {FORMAT!r}")
    if payload.get("version") != VERSION:
        raise ModelError(f"{path}: checkpoint version {payload.get('version')!r} is not supported; expected {VERSION}")
    _check_entries(path, payload)
    return payload


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else "no detail"


def _check_entries(path: Path, payload: dict[str, Any]) -> None:
    """``config`` a mapping, ``state_dict`` a mapping of names to tensors."""
    if not isinstance(payload.get("config"), dict):
        raise ModelError(f"{path}: checkpoint 'config' is a {type(payload.get('config')).__name__}; expected a mapping")
    state = payload.get("state_dict")
    if not isinstance(state, dict):
        raise ModelError(f"{path}: checkpoint 'state_dict' is a {type(state).__name__}; expected a mapping of tensors")
    bad = [str(key) for key, value in state.items() if not isinstance(key, str) or not isinstance(value, torch.Tensor)]
    if bad:
        raise ModelError(f"{path}: checkpoint 'state_dict' entries {', '.join(bad[:5])} are not named tensors")


def _state_dict_mismatch(exc: RuntimeError) -> str:
    """torch's multi-line ``load_state_dict`` error as one line (the first few problems)."""
    lines = [line.strip() for line in str(exc).splitlines()[1:] if line.strip()]
    problems = [part.strip() for line in lines for part in line.split("\t") if part.strip()]
    if not problems:
        return _first_line(exc)
    more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    return "; ".join(problems[:3]) + more


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
    except (ConfigError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{path}: checkpoint has an invalid model configuration ({_first_line(exc)})") from None
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as exc:
        raise ModelError(
            f"{path}: checkpoint weights do not match its model configuration ({_state_dict_mismatch(exc)})"
        ) from None
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
