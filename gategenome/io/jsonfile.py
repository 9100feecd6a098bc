"""The small JSON files the stages hand to each other (folds, metrics, settings, markers)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_open


def read_json_object(path: str | os.PathLike, expected: str) -> dict[str, Any]:
    """Read a JSON file whose top level must be an object.

    Parameters
    ----------
    path
        The file.
    expected
        What the file should be, for messages (e.g. ``"the metrics.json written
        by 'gategenome train'"``).

    Returns
    -------
    dict
        The parsed object.

    Raises
    ------
    InputError
        Missing file, invalid JSON, or a top level that is not an object; the
        one-line message names the file and what was expected.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found; expected {expected}")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not valid JSON ({exc}); expected {expected}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: top level is a {type(data).__name__}; expected {expected} (a JSON object)")
    return data


def finite_json(value: Any) -> Any:
    """``value`` with every NaN or infinite float (also numpy's) replaced by ``None``.

    JSON has no NaN or Infinity; Python's encoder writes them as bare ``NaN``,
    which strict readers (jq, browsers, R's jsonlite) reject.  An undefined
    number is written as ``null`` instead.
    """
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(item) for item in value]
    if isinstance(value, np.ndarray):
        return finite_json(value.tolist())
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def json_text(payload: dict[str, Any]) -> str:
    """``payload`` as indented, newline-terminated JSON text, never holding NaN or Infinity.

    Non-finite floats become ``null`` (see :func:`finite_json`); values JSON
    cannot represent (paths, numpy integers) are written as strings.
    """
    return json.dumps(finite_json(payload), indent=2, default=str, allow_nan=False) + "\n"


def write_json(path: str | os.PathLike, payload: dict[str, Any]) -> None:
    """Write a JSON document atomically, indented, newline-terminated (see :func:`json_text`)."""
    text = json_text(payload)
    with atomic_open(path) as handle:
        handle.write(text)
