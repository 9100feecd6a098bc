"""The shared option type and output check of every command."""

from __future__ import annotations

import click
import pytest

from gategenome.cli import common
from gategenome.cli.common import FiniteFloat, require_writable
from gategenome.errors import ConfigError


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "1e400"])
def test_finite_float_refuses_non_finite_values(text):
    with pytest.raises(click.BadParameter, match="finite"):
        FiniteFloat(0.0, 1.0).convert(text, None, None)


def test_finite_float_keeps_the_range_check():
    assert FiniteFloat(0.0, 1.0).convert("0.25", None, None) == 0.25
    with pytest.raises(click.BadParameter, match="range"):
        FiniteFloat(0.0, 1.0, min_open=True).convert("0", None, None)


def test_every_float_option_of_every_command_is_finite():
    from gategenome.cli.main import cli

    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        for param in cli.get_command(ctx, name).params:
            if isinstance(param.type, click.types.FloatParamType):
                assert isinstance(param.type, FiniteFloat), f"{name} {param.opts}"


def test_require_writable(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    require_writable("--out", tmp_path / "new" / "deeper" / "out.bed")  # missing parents are fine
    require_writable("--out-dir", tmp_path, directory=True)
    with pytest.raises(ConfigError, match="--out .*file is a file, not a directory"):
        require_writable("--out", blocker / "out.bed")
    with pytest.raises(ConfigError, match="exists and is not a directory"):
        require_writable("--out-dir", blocker, directory=True)
    with pytest.raises(ConfigError, match="is a directory; expected a file path"):
        require_writable("--out", tmp_path)
    monkeypatch.setattr(common.os, "access", lambda path, mode: False)  # as a non-root user in a read-only place
    with pytest.raises(ConfigError, match="not writable"):
        require_writable("--out", tmp_path / "sub" / "out.bed")
    with pytest.raises(ConfigError, match="not writable"):
        require_writable("--out-dir", tmp_path, directory=True)


@pytest.mark.parametrize("exc", [__import__("zlib").error("Error -3 while decompressing data"),
                                 OSError(5, "Input/output error", "shard/chroms/chrI.plus.forget.npy"),
                                 OverflowError("Python int too large to convert to C long"),
                                 NotImplementedError("seek not implemented in files compressed by method 1")])
def test_a_library_exception_that_escapes_a_reader_is_one_line(tmp_path, monkeypatch, exc):
    from click.testing import CliRunner

    import gategenome.io.scandir.gather as gather
    from gategenome.cli.main import cli

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(gather, "gather_shards", boom)
    (tmp_path / "shard").mkdir()
    result = CliRunner().invoke(cli, ["gather", "--out-dir", str(tmp_path / "out"), str(tmp_path / "shard")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
    assert len(errors) == 1 and type(exc).__name__ in errors[0], result.stderr
    if isinstance(exc, OSError):
        assert "chrI.plus.forget.npy" in errors[0]
