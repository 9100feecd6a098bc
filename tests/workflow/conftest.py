"""Fixtures of the workflow tests."""

from __future__ import annotations

import pytest
from workflow_helpers import TINY, write_config


@pytest.fixture
def mini_workdir(tmp_path, mini):
    """A scratch workflow directory over the chrI mini data with the tiny training settings."""
    write_config(tmp_path, mini["genome"], [{"sample": "chrI", "bigwig": mini["signal"], "peaks": mini["peaks"]}],
                 **TINY)
    return tmp_path
