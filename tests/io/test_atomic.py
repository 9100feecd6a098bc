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


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_write_removes_what_a_killed_process_left_and_nothing_else(tmp_path):
    import os
    import socket

    from gategenome.io.atomic import atomic_directory, atomic_path

    host = socket.gethostname()
    dead = _dead_pid()
    abandoned = tmp_path / f".drops.bed.{dead}@{host}.k1ll3d00.tmp"
    abandoned.write_text("half")
    live = tmp_path / f".drops.bed.{os.getpid()}@{host}.running.tmp"
    live.write_text("being written")
    elsewhere = tmp_path / f".drops.bed.{dead}@another-node.x.tmp"
    elsewhere.write_text("another host's")
    other_name = tmp_path / f".drops.json.{dead}@{host}.x.tmp"
    other_name.write_text("another output's")
    with atomic_path(tmp_path / "drops.bed") as tmp:
        tmp.write_text("done")
    assert not abandoned.exists()
    assert live.exists() and elsewhere.exists() and other_name.exists()

    staging = tmp_path / f".report.{dead}@{host}.abcdefgh.tmp"
    (staging / "sub").mkdir(parents=True)
    with atomic_directory(tmp_path / "report") as out:
        (out / "a.txt").write_text("a")
    assert not staging.exists() and (tmp_path / "report" / "a.txt").exists()


@pytest.fixture()
def group_umask():
    """Run with umask 027 (group may read, others nothing), as on a shared cluster."""
    import os

    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


def test_published_outputs_honour_the_umask(tmp_path, group_umask):
    """mkstemp/mkdtemp make 0600/0700 files; published outputs get the mode the umask gives."""
    import stat

    import numpy as np

    from gategenome.io.atomic import current_umask
    from gategenome.io.scandir.writer import ArrayWriter

    assert current_umask() == group_umask
    writer = ArrayWriter(tmp_path / "chroms" / "chr1.plus.forget.npy", 10)
    writer.write(0, np.ones(10))
    writer.commit()
    assert stat.S_IMODE((tmp_path / "chroms" / "chr1.plus.forget.npy").stat().st_mode) == 0o640
    with atomic_directory(tmp_path / "hub") as staging:
        (staging / "x.txt").write_text("1")
    assert stat.S_IMODE((tmp_path / "hub").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "hub" / "x.txt").stat().st_mode) == 0o640
