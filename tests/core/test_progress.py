"""Progress off a terminal is a few log lines, never carriage-return frames."""

from __future__ import annotations

import io
import logging

from gategenome.core.progress import LogProgress, progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_to_a_file_logs_a_line_every_ten_percent(caplog):
    stream = io.StringIO()
    with caplog.at_level(logging.INFO, logger="gategenome.progress"):
        with progress_bar(1000, "scan", unit="b", stream=stream) as bar:
            for _ in range(1000):
                bar.update(1)
    assert isinstance(bar, LogProgress)
    assert stream.getvalue() == ""  # nothing drawn on the stream itself
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 10, lines
    assert lines[0].startswith("scan:  10%") and lines[-1].startswith("scan: 100%")
    assert not any("\r" in line for line in lines)


def test_large_updates_log_once_per_crossing(caplog):
    with caplog.at_level(logging.INFO, logger="gategenome.progress"):
        bar = LogProgress(100, "train", unit="step")
        bar.set_postfix(loss="0.1234")
        bar.update(55)
        bar.update(45)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and lines[0].endswith("loss=0.1234"), lines


def test_progress_on_a_terminal_is_a_bar():
    stream = _Terminal()
    with progress_bar(10, "scan", stream=stream) as bar:
        bar.update(10)
    assert not isinstance(bar, LogProgress) and "scan" in stream.getvalue()


def test_scan_to_a_log_file_has_no_carriage_return_frames(tmp_path):
    import numpy as np
    from click.testing import CliRunner
    from scan_testlib import random_dna, small_model, write_fasta

    from gategenome.cli.main import cli

    genome = write_fasta(tmp_path / "g.fa", {"chrA": random_dna(20_000, np.random.default_rng(0))})
    model = small_model(tmp_path / "model.pt", hidden_size=4)
    result = CliRunner().invoke(cli, ["scan", "--model", str(model), "--genome", str(genome), "--out-dir",
                                      str(tmp_path / "scan"), "--no-tracks", "--null-fraction", "0", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr
    assert "scan: 100%" in result.stderr
