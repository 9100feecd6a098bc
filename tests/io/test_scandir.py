"""io.scandir: scan.json identity, atomic arrays, shard commit, and the reader."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.errors import ConfigError, InputError
from gategenome.io.scandir import (
    FORMAT,
    VERSION,
    ArrayWriter,
    ScanDir,
    ShardWriter,
    array_path,
    null_path,
    open_scan_dir,
    shard_path,
    write_shard_marker,
)

META = {"format": FORMAT, "version": VERSION, "model": "m.pt", "genome": "g.fa", "signal": None,
        "strands": ["+", "-"], "layer": -1, "null": {"seed": 0}, "chroms": {"chrA": 10, "chrB": 6}}


def test_scan_json_written_and_other_settings_refused(tmp_path):
    out = open_scan_dir(tmp_path / "scan", META)
    assert (out / "scan.json").exists()
    open_scan_dir(out, {**META, "settings": {"chunk_size": 5}})  # same identity: fine
    with pytest.raises(ConfigError, match="different layer, null"):
        open_scan_dir(out, {**META, "layer": 0, "null": {"seed": 1}})


def test_array_writer_publishes_only_on_commit(tmp_path):
    path = tmp_path / "chroms" / "a.npy"
    writer = ArrayWriter(path, 10)
    writer.fill(0, 10, np.nan)
    writer.write(2, np.arange(3))
    assert not path.exists()
    with pytest.raises(ValueError, match="outside"):
        writer.write(9, np.arange(2))
    writer.commit()
    values = np.load(path)
    assert values.dtype == np.float16 and values[2:5].tolist() == [0, 1, 2] and np.isnan(values[[0, 1, 5]]).all()
    discarded = ArrayWriter(tmp_path / "chroms" / "b.npy", 4)
    discarded.discard()
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.npy"]


def test_shard_writer_commits_a_chromosome_after_its_last_job(tmp_path):
    out = open_scan_dir(tmp_path / "scan", META)
    done = []

    def complete(chrom):
        write_shard_marker(out, chrom, {"chrom": chrom})
        done.append(chrom)

    writer = ShardWriter(out, complete)
    for strand in "+-":
        writer.open("chrA", strand, "forget", 10, [(8, 10)])
        writer.open("chrA", strand, "accessibility", 10, [(8, 10)])
    writer.open("chrA", "+", "null", 4, [])
    writer.expect("chrA", 2)
    writer.writer("chrA", "+", "forget").write(0, np.full(8, 0.5))
    writer.job_done("chrA")
    assert not done and not shard_path(out, "chrA").exists()
    writer.job_done("chrA")
    assert done == ["chrA"]
    scan = ScanDir(out)
    assert list(scan.sizes) == ["chrA"]  # chrB has no marker: not complete
    forget = np.asarray(scan.forget("chrA", "+"), dtype=np.float32)
    assert forget[:8].tolist() == [0.5] * 8 and np.isnan(forget[8:]).all()
    assert np.isnan(np.asarray(scan.accessibility("chrA", "-"), dtype=np.float32)[8:]).all()
    assert null_path(out, "chrA", "+").exists() and scan.null_forget("chrA", "-") is None
    writer.expect("chrB", 0)  # a chromosome with no job completes at once
    assert done == ["chrA", "chrB"] and array_path(out, "chrB", "+", "forget").exists() is False


def test_reader_errors_name_the_directory(tmp_path):
    with pytest.raises(InputError, match="no scan.json"):
        ScanDir(tmp_path)
    open_scan_dir(tmp_path / "scan", META)
    with pytest.raises(InputError, match="no completed chromosome"):
        ScanDir(tmp_path / "scan")
