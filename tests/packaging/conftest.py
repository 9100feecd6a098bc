"""The packaging tests reuse the workflow tests' helpers (tests/workflow/workflow_helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow"))
