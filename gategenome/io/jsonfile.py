"""The small JSON files the stages hand to each other (folds, metrics, settings, markers)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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


def write_json(path: str | os.PathLike, payload: dict[str, Any]) -> None:
    """Write a JSON document atomically, indented, newline-terminated.

    Values JSON cannot represent (paths, numpy scalars) are written as strings.
    """
    with atomic_open(path) as handle:
        json.dump(payload, handle, indent=2, default=str)
        handle.write("\n")
