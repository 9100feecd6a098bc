"""Atomic writes: an output directory appears complete or not at all."""

from __future__ import annotations

import pytest

from gategenome.io.atomic import atomic_directory


def test_atomic_directory_new_and_failure(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), atomic_directory(out) as staging:
        (staging / "x.txt").write_text("1")
        raise RuntimeError("boom")
    assert not (tmp_path / "a").exists(), "parents created for the failed run are removed"
    with atomic_directory(out) as staging:
        (staging / "x.txt").write_text("1")
        assert not out.exists()
    assert (out / "x.txt").read_text() == "1"
    assert [p.name for p in out.parent.iterdir()] == ["out"]
