"""The JSON writer never writes NaN or Infinity (invalid JSON for strict readers)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gategenome.io.jsonfile import json_text, write_json


def _refuse(constant):
    raise AssertionError(f"non-standard JSON constant {constant}")


def test_non_finite_floats_are_written_as_null(tmp_path):
    path = tmp_path / "metrics.json"
    write_json(path, {"auprc": float("nan"), "ratio": np.float32("inf"), "low": -np.inf,
                      "profile": np.array([0.5, np.nan]), "nested": {"x": [float("nan"), 1.5]},
                      "count": np.int64(3), "file": Path("a.bed"), "ok": 0.25})
    data = json.loads(path.read_text(), parse_constant=_refuse)
    assert data == {"auprc": None, "ratio": None, "low": None, "profile": [0.5, None], "nested": {"x": [None, 1.5]},
                    "count": 3, "file": "a.bed", "ok": 0.25}


def test_json_text_is_strict_json():
    text = json_text({"a": float("nan")})
    assert "NaN" not in text and text.endswith("\n")
