"""The constructed scan case of :mod:`scan_fixture` with gate tracks and a FASTA, and its exported hub."""

from __future__ import annotations

from pathlib import Path

import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli


@pytest.fixture(scope="session")
def case(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    paths = scan_fixture.build(root)
    paths["genome"] = scan_fixture.write_fasta(root / "genome.fa", scan_fixture.SIZES)
    scan_fixture.write_gate_tracks(paths["scan"])
    return paths


@pytest.fixture(scope="session")
def hub(case, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hub") / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]),
                                      "--genome", str(case["genome"]), "--signal", str(case["signal"]),
                                      "--assembly", "toy1", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    return out
