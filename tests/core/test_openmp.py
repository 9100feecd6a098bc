"""OpenMP threads sleep while they wait unless the user chose otherwise; set before torch is imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gategenome.core.openmp import sleep_while_waiting

ROOT = Path(__file__).resolve().parents[2]


def test_passive_waiting_is_set_when_the_environment_chooses_nothing():
    environ = {"PATH": "/bin"}
    assert sleep_while_waiting(environ)
    assert environ["OMP_WAIT_POLICY"] == "PASSIVE"


@pytest.mark.parametrize("given", [{"OMP_WAIT_POLICY": "ACTIVE"}, {"GOMP_SPINCOUNT": "300000"}])
def test_a_policy_or_spin_count_the_user_set_is_kept(given):
    environ = dict(given)
    assert not sleep_while_waiting(environ)
    assert environ == given


def test_the_command_line_sets_it_before_torch_is_imported():
    env = {key: value for key, value in os.environ.items() if key not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env["PYTHONPATH"] = str(ROOT)
    code = ("import os, sys; import gategenome.cli.main; "
            "print('torch' in sys.modules, os.environ.get('OMP_WAIT_POLICY'))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "PASSIVE"]
