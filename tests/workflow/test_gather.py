"""workflow/scripts/gather_scan.py: per-chromosome shards -> one scan directory."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from workflow_helpers import ROOT

from gategenome.io.scandir import FORMAT, ScanDir, array_path, shard_path

SCRIPT = ROOT / "workflow" / "scripts" / "gather_scan.py"
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
    subprocess.run([sys.executable, str(SCRIPT), str(out), *map(str, shards)], check=True, capture_output=True)
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
    result = subprocess.run([sys.executable, str(SCRIPT), str(out), str(shard)], capture_output=True)
    assert result.returncode != 0 and not out.exists() and not list(tmp_path.glob(".scan.*"))


def test_strand_shards_of_one_chromosome_merge(tmp_path):
    shards = [tmp_path / "shards" / "chrA.plus", tmp_path / "shards" / "chrA.minus", tmp_path / "shards" / "chrB.plus"]
    _shard(shards[0], "chrA", ("+",))
    _shard(shards[1], "chrA", ("-",))
    _shard(shards[2], "chrB", ("+",))
    out = tmp_path / "scan"
    subprocess.run([sys.executable, str(SCRIPT), str(out), *map(str, shards)], check=True, capture_output=True)
    scan = ScanDir(out)
    assert scan.strands == ["+", "-"] and list(scan.sizes) == ["chrA", "chrB"]
    assert scan.shard("chrA")["strands"] == ["+", "-"] and scan.shard("chrA")["seconds"] == 3.0
    assert scan.shard("chrA")["null_bases"] == 4  # per strand, as a both-strand scan records it
    assert np.array_equal(scan.forget("chrA", "-"), np.load(array_path(shards[1], "chrA", "-", "forget")))
    assert (out / "null" / "chrA.minus.forget.npy").exists() and (out / "null" / "chrA.plus.forget.npy").exists()
