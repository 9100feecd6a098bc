"""Planning a long-memory design: the writer choice and its failures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_no_usable_writer_fails_with_one_line(tmp_path):
    # --avoid T forbids A too (reverse strand); in the reference only A writes
    result = CliRunner().invoke(
        cli,
        [
            "-q",
            "design",
            "memory",
            "--reference",
            "--length",
            "300",
            "--avoid",
            "T",
            "--unit-max-k",
            "3",
            "--out-prefix",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "writes into the model's cells" in result.output
    assert list(tmp_path.iterdir()) == []
