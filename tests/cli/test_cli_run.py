"""gategenome run: finds the workflow, passes arguments to snakemake, returns its status."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.cli.run import ENV_VAR, find_snakefile

ROOT = Path(__file__).resolve().parents[2]
GATEGENOME = [sys.executable, "-m", "gategenome"]


def test_snakefile_is_the_checkouts():
    assert find_snakefile() == ROOT / "Snakefile"


def test_missing_workflow_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    result = CliRunner().invoke(cli, ["run", "-n"])
    assert result.exit_code == 1
    assert "Snakefile" in result.output and str(tmp_path) in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_passes_arguments_and_returns_snakemake_status(tmp_path):
    ok = subprocess.run([*GATEGENOME, "run", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0 and ok.stdout.strip()[0].isdigit()
    bad = subprocess.run([*GATEGENOME, "run", "--cores", "1", "--configfile", "absent.yaml"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode != 0 and "absent.yaml" in bad.stderr
