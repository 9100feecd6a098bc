"""gategenome tracks: bigWigs from scan shards."""

from __future__ import annotations

import numpy as np
import pyBigWig
import pytest
from click.testing import CliRunner
from scan_testlib import make_scan_dir

from gategenome.cli.main import cli
from gategenome.io import bigwig_writer


@pytest.fixture()
def scan_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(bigwig_writer, "BLOCK", 1_024)  # runs cross block edges (a multiple of 128)
    monkeypatch.setattr(bigwig_writer, "SECTION", 300)  # and section edges
    rng = np.random.default_rng(0)
    sizes = {"chrB": 5_000, "chrA": 3_000, "chrUn": 700}  # FASTA order, not sorted; chrUn not scanned
    forget, access = {}, {}
    for chrom in ("chrB", "chrA"):
        n = sizes[chrom]
        forget[chrom] = {s: np.round(rng.random(n) * 4) / 4 for s in "+-"}  # long runs of equal values
        access[chrom] = {s: rng.random(n) for s in "+-"}
    forget["chrB"]["+"][1_990:2_300] = np.nan
    access["chrB"]["-"][100:200] = np.nan
    return make_scan_dir(tmp_path / "scan", sizes, forget, access=access), sizes, forget, access


def test_tracks_hold_the_scan_values(scan_dir, tmp_path):
    path, sizes, forget, access = scan_dir
    result = CliRunner().invoke(cli, ["tracks", "--scan-dir", str(path), "--out-dir", str(tmp_path / "bw"),
                                      "--workers", "1", "--precision", "3"])
    assert result.exit_code == 0, result.output
    for strand, name in (("+", "forget.plus.bw"), ("-", "forget.minus.bw")):
        bw = pyBigWig.open(str(tmp_path / "bw" / name))
        assert list(bw.chroms().items()) == list(sizes.items())
        for chrom in ("chrB", "chrA"):
            expected = np.round(forget[chrom][strand].astype(np.float16).astype(np.float32), 3)
            np.testing.assert_array_equal(bw.values(chrom, 0, sizes[chrom], numpy=True), expected)
        assert bw.intervals("chrUn") is None
        bw.close()
    bw = pyBigWig.open(str(tmp_path / "bw" / "accessibility.bw"))
    plus = access["chrB"]["+"].astype(np.float16).astype(np.float32)
    minus = access["chrB"]["-"].astype(np.float16).astype(np.float32)
    mean = np.where(np.isnan(minus), plus, (plus + minus) / 2).astype(np.float16).astype(np.float32)
    np.testing.assert_array_equal(bw.values("chrB", 0, 5_000, numpy=True), np.round(mean, 3))
    bw.close()


def test_tracks_default_to_the_scan_dir_and_leave_no_temporaries(scan_dir):
    path = scan_dir[0]
    result = CliRunner().invoke(cli, ["tracks", "--scan-dir", str(path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in path.iterdir() if p.is_file()) == [
        "accessibility.bw", "forget.minus.bw", "forget.plus.bw", "scan.json"]


def test_tracks_of_a_missing_scan_dir(tmp_path):
    result = CliRunner().invoke(cli, ["tracks", "--scan-dir", str(tmp_path / "none")])
    assert result.exit_code == 1 and "not a scan directory" in result.output and "Traceback" not in result.output


def test_tracks_honour_the_umask(scan_dir, tmp_path):
    """The bigWigs are group-readable under umask 027, as a shared cluster sets it."""
    import os
    import stat

    old = os.umask(0o027)
    try:
        result = CliRunner().invoke(cli, ["tracks", "--scan-dir", str(scan_dir[0]), "--out-dir",
                                          str(tmp_path / "bw"), "--workers", "1"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    for name in ("forget.plus.bw", "forget.minus.bw", "accessibility.bw"):
        assert stat.S_IMODE((tmp_path / "bw" / name).stat().st_mode) == 0o640


def test_accessibility_track_of_level_arrays(scan_dir, tmp_path):
    """A scan storing accessibility as uint8 levels (format 2): the track is the mean of the decoded strands."""
    from gategenome.io.scandir.layout import array_path, dequantise_probability, quantise_probability

    path, sizes, forget, access = scan_dir
    levels = {}
    for chrom in ("chrB", "chrA"):
        for strand in "+-":
            levels[chrom, strand] = quantise_probability(access[chrom][strand])
            np.save(array_path(path, chrom, strand, "accessibility"), levels[chrom, strand])
    result = CliRunner().invoke(cli, ["tracks", "--scan-dir", str(path), "--out-dir", str(tmp_path / "bw"),
                                      "--workers", "1", "--precision", "3"])
    assert result.exit_code == 0, result.output
    plus, minus = (dequantise_probability(levels["chrB", strand]) for strand in "+-")
    mean = np.where(np.isnan(minus), plus, (plus + minus) * np.float32(0.5))
    bw = pyBigWig.open(str(tmp_path / "bw" / "accessibility.bw"))
    got = bw.values("chrB", 0, 5_000, numpy=True)
    np.testing.assert_allclose(got, np.round(mean, 3), atol=1e-6)
    truth = np.where(np.isnan(access["chrB"]["-"]), access["chrB"]["+"], (access["chrB"]["+"] + access["chrB"]["-"]) / 2)
    assert np.abs(got - truth).max() < 0.002 + 0.0005  # storage levels + the third decimal
    bw.close()
