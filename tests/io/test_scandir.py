"""io.scandir: scan.json identity, atomic arrays, shard commit, and the reader."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.errors import InputError
from gategenome.io.scandir.layout import (
    ACCESS_MISSING,
    FORMAT,
    VERSION,
    array_path,
    dequantise_probability,
    null_path,
    quantise_probability,
    shard_path,
)
from gategenome.io.scandir.reader import LevelArray, ScanDir
from gategenome.io.scandir.writer import ArrayWriter, ShardWriter, open_scan_dir, write_shard_marker

META = {"format": FORMAT, "version": VERSION, "model": "m.pt", "genome": "g.fa", "signal": None,
        "strands": ["+", "-"], "layer": -1, "null": {"seed": 0}, "chroms": {"chrA": 10, "chrB": 6}}


def test_scan_json_written_and_other_settings_refused(tmp_path):
    out = open_scan_dir(tmp_path / "scan", META)
    assert (out / "scan.json").exists()
    open_scan_dir(out, {**META, "settings": {"chunk_size": 5}})  # same identity: fine
    with pytest.raises(InputError, match="scan.json and this scan .* are not compatible: layer differs"):
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


def test_probability_levels_are_within_0_002_and_keep_nan():
    p = np.concatenate([np.linspace(0, 1, 100_001, dtype=np.float32), [np.nan, -0.1, 1.2]]).astype(np.float32)
    levels = quantise_probability(p)
    assert levels.dtype == np.uint8 and levels[-3] == ACCESS_MISSING and levels[-2] == 0 and levels[-1] == 254
    back = dequantise_probability(levels)
    assert back.dtype == np.float32 and np.isnan(back[-3])
    error = np.abs(back[:-3] - p[:-3])
    assert error.max() < 0.002 and error.max() > 0.0019  # every level is used: the bound is tight
    assert np.array_equal(quantise_probability(back[:-3]), levels[:-3])  # decoding and re-encoding is exact


def test_accessibility_stored_as_levels_and_float16_scans_still_read(tmp_path):
    out = open_scan_dir(tmp_path / "scan", META)
    writer = ShardWriter(out, lambda chrom: write_shard_marker(out, chrom, {"chrom": chrom}))
    writer.open("chrA", "+", "forget", 10, [(8, 10)])
    writer.open("chrA", "+", "accessibility", 10, [(8, 10)])
    writer.expect("chrA", 1)
    p = np.linspace(0.0, 1.0, 8, dtype=np.float32)
    writer.writer("chrA", "+", "forget").write(0, np.full(8, 0.999))
    writer.writer("chrA", "+", "accessibility").write(0, p)
    writer.job_done("chrA")
    stored = np.load(array_path(out, "chrA", "+", "accessibility"))
    assert stored.dtype == np.uint8 and stored.nbytes == 10 and (stored[8:] == ACCESS_MISSING).all()
    scan = ScanDir(out)
    access = scan.accessibility("chrA", "+")
    assert isinstance(access, LevelArray) and access.shape == (10,) and len(access) == 10
    assert np.abs(access[:8] - p).max() < 0.002 and np.isnan(access[8:]).all()
    assert np.abs(np.asarray(access, dtype=np.float64)[::2][:4] - p[::2]).max() < 0.002
    assert np.asarray(scan.forget("chrA", "+")).dtype == np.float16  # the forget gate keeps float16
    # a version-1 scan directory (float16 accessibility) reads the same way
    np.save(array_path(out, "chrA", "+", "accessibility"), np.append(p, [np.nan, np.nan]).astype(np.float16))
    old = ScanDir(out).accessibility("chrA", "+")
    assert np.abs(np.asarray(old[:8], dtype=np.float32) - p).max() < 1e-3 and np.isnan(old[8:]).all()
    np.save(array_path(out, "chrA", "+", "accessibility"), np.zeros(10, dtype=np.float32))
    with pytest.raises(InputError, match="float32 array.*float16 or uint8 of length 10"):
        ScanDir(out).accessibility("chrA", "+")
    np.save(array_path(out, "chrA", "+", "forget"), np.zeros(10, dtype=np.uint8))
    with pytest.raises(InputError, match="uint8 array.*float16 of length 10"):
        ScanDir(out).forget("chrA", "+")
