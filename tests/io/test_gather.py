"""gategenome gather (io.scandir.gather_shards): per-chromosome shards -> one scan directory."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from gategenome.io.scandir.layout import FORMAT, array_path, shard_path
from gategenome.io.scandir.reader import ScanDir

GATHER = [sys.executable, "-m", "gategenome", "gather"]
SIZES = {"chrA": 50, "chrB": 30, "chrC": 10}


def _shard(directory, chrom, strands=("+", "-")):
    meta = {"format": FORMAT, "version": 1, "strands": list(strands), "chroms": {chrom: SIZES[chrom]}}
    directory.mkdir(parents=True)
    (directory / "scan.json").write_text(json.dumps(meta))
    for strand, offset in (("+", 0.0), ("-", 0.5)):
        if strand not in strands:
            continue
        for kind in ("forget", "accessibility"):
            path = array_path(directory, chrom, strand, kind)
            path.parent.mkdir(exist_ok=True)
            np.save(path, (np.linspace(0, 0.5, SIZES[chrom]) + offset).astype(np.float16))
    (directory / "null").mkdir()
    for strand in strands:
        np.save(directory / "null" / f"{chrom}.{'plus' if strand == '+' else 'minus'}.forget.npy",
                np.zeros(4, dtype=np.float16))
    shard_path(directory, chrom).write_text(json.dumps({"chrom": chrom, "strands": list(strands), "seconds": 1.5,
                                                         "null_bases": 4}))
    (directory / ".snakemake_timestamp").touch()  # Snakemake marks directory outputs so


def test_gathers_every_chromosome_in_genome_order(tmp_path):
    shards = [tmp_path / "shards" / name for name in ("chrA", "chrB")]
    for shard in shards:
        _shard(shard, shard.name)
    out = tmp_path / "scan"
    subprocess.run([*GATHER, "--out-dir", str(out), *map(str, shards)], check=True, capture_output=True)
    scan = ScanDir(out)
    assert list(scan.sizes) == ["chrA", "chrB"]
    assert np.array_equal(scan.forget("chrB", "-"), np.load(array_path(shards[1], "chrB", "-", "forget")))
    assert (out / "null" / "chrA.plus.forget.npy").exists()
    assert not list(tmp_path.glob(".scan.*"))  # no temporary directory left


def test_failure_leaves_no_output(tmp_path):
    shard = tmp_path / "shards" / "chrA"
    _shard(shard, "chrA")
    (shard / "scan.json").write_text("{not json")
    out = tmp_path / "scan"
    result = subprocess.run([*GATHER, "--out-dir", str(out), str(shard)], capture_output=True, text=True)
    assert result.returncode != 0 and not out.exists() and not list(tmp_path.glob(".scan.*"))
    assert "Traceback" not in result.stderr


def test_strand_shards_of_one_chromosome_merge(tmp_path):
    shards = [tmp_path / "shards" / "chrA.plus", tmp_path / "shards" / "chrA.minus", tmp_path / "shards" / "chrB.plus"]
    _shard(shards[0], "chrA", ("+",))
    _shard(shards[1], "chrA", ("-",))
    _shard(shards[2], "chrB", ("+",))
    out = tmp_path / "scan"
    subprocess.run([*GATHER, "--out-dir", str(out), *map(str, shards)], check=True, capture_output=True)
    scan = ScanDir(out)
    assert scan.strands == ["+", "-"] and list(scan.sizes) == ["chrA", "chrB"]
    assert scan.shard("chrA")["strands"] == ["+", "-"] and scan.shard("chrA")["seconds"] == 3.0
    assert scan.shard("chrA")["null_bases"] == 4  # per strand, as a both-strand scan records it
    assert np.array_equal(scan.forget("chrA", "-"), np.load(array_path(shards[1], "chrA", "-", "forget")))
    assert (out / "null" / "chrA.minus.forget.npy").exists() and (out / "null" / "chrA.plus.forget.npy").exists()


def test_refuses_an_output_that_is_not_a_scan_directory(tmp_path):
    shard = tmp_path / "shards" / "chrA"
    _shard(shard, "chrA")
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = subprocess.run([*GATHER, "--out-dir", str(out), str(shard)], capture_output=True, text=True)
    assert result.returncode == 1 and "not a scan directory" in result.stderr and "Traceback" not in result.stderr
    assert (out / "notes.txt").read_text() == "keep me" and sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_a_shard_that_is_not_a_scan_directory_is_one_line_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = subprocess.run([*GATHER, "--out-dir", str(tmp_path / "scan"), str(tmp_path / "empty")],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "no scan.json" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "scan").exists()


def test_regathering_replaces_an_earlier_gathered_scan(tmp_path):
    shards = [tmp_path / "shards" / name for name in ("chrA", "chrB")]
    for shard in shards:
        _shard(shard, shard.name)
    out = tmp_path / "scan"
    subprocess.run([*GATHER, "--out-dir", str(out), str(shards[0])], check=True, capture_output=True)
    subprocess.run([*GATHER, "--out-dir", str(out), *map(str, shards)], check=True, capture_output=True)
    assert list(ScanDir(out).sizes) == ["chrA", "chrB"]


def test_gathered_directory_honours_the_umask(tmp_path):
    """The gathered scan directory is a renamed mkdtemp (0700): it gets the umask's mode instead."""
    import stat

    _shard(tmp_path / "shards" / "chrA", "chrA")
    out = tmp_path / "scan"
    subprocess.run(["sh", "-c", 'umask 027 && exec "$@"', "sh", *GATHER, "--out-dir", str(out),
                    str(tmp_path / "shards" / "chrA")], check=True, capture_output=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750


def test_regathering_keeps_and_refuses_a_scan_holding_other_files(tmp_path):
    """Replacing a gathered scan removes it whole: only when it holds nothing but scan, gather and tracks files."""
    shard = tmp_path / "shards" / "chrA"
    _shard(shard, "chrA")
    out = tmp_path / "scan"
    subprocess.run([*GATHER, "--out-dir", str(out), str(shard)], check=True, capture_output=True)
    (out / "forget.plus.bw").write_bytes(b"a track")  # what 'gategenome tracks' adds: part of the scan
    subprocess.run([*GATHER, "--out-dir", str(out), str(shard)], check=True, capture_output=True)
    (out / "analysis").mkdir()
    (out / "analysis" / "notes.txt").write_text("keep me")
    result = subprocess.run([*GATHER, "--out-dir", str(out), str(shard)], capture_output=True, text=True)
    assert result.returncode == 1 and "analysis/notes.txt" in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (out / "analysis" / "notes.txt").read_text() == "keep me" and (out / "scan.json").is_file()
