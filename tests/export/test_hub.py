"""gategenome export: bigBed, tabix BED, track hub, IGV session."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyBigWig
import pysam
import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.export.hub import parse_stanzas, validate_hub


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    paths = scan_fixture.build(root)
    paths["genome"] = scan_fixture.write_fasta(root / "genome.fa", scan_fixture.SIZES)
    scan_fixture.write_gate_tracks(paths["scan"])
    return paths


@pytest.fixture(scope="module")
def hub(case, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hub") / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]),
                                      "--genome", str(case["genome"]), "--signal", str(case["signal"]),
                                      "--assembly", "toy1", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _expected_drops() -> list[tuple]:
    order = list(scan_fixture.SIZES)
    return sorted(scan_fixture.drops(), key=lambda r: (order.index(r[0]), r[1], r[2]))


def test_bigbed_opens_with_pybigwig_and_holds_every_drop(hub):
    bb = pyBigWig.open(str(hub / "toy1" / "drops.bb"))
    assert bb.isBigBed()
    assert b"signalValue" in bb.SQL() and b"peak" in bb.SQL()
    got = []
    for chrom, length in bb.chroms().items():
        for start, end, rest in bb.entries(chrom, 0, length) or []:
            got.append((chrom, start, end, *rest.split("\t")))
    expected = [(r[0], r[1], r[2], r[3], str(r[4]), r[5], *(str(v) for v in r[6:])) for r in _expected_drops()]
    assert sorted(got) == sorted(expected)


def test_tabix_bed_is_sorted_and_indexed(hub):
    path = hub / "toy1" / "drops.bed.gz"
    with open(path, "rb") as handle:
        assert handle.read(4)[:2] == b"\x1f\x8b"
    lines = [line.split("\t") for line in gzip.open(path, "rt").read().splitlines()]
    assert [(f[0], int(f[1])) for f in lines] == [(r[0], r[1]) for r in _expected_drops()]
    tabix = pysam.TabixFile(str(path))
    hits = list(tabix.fetch("chrA", 5000, 9000))
    assert [h.split("\t")[3] for h in hits] == ["drop2", "drop3"]


def test_bigwigs_open_with_pybigwig(hub, case):
    from gategenome.io.scandir import ScanDir

    scan = ScanDir(case["scan"])
    for name, strand in (("forget.plus.bw", "+"), ("forget.minus.bw", "-")):
        bw = pyBigWig.open(str(hub / "toy1" / name))
        assert bw.isBigWig() and bw.chroms() == scan_fixture.SIZES
        values = np.array(bw.values("chrA", 1990, 2040))
        assert np.allclose(values, scan.forget("chrA", strand)[1990:2040].astype(np.float32), atol=1e-3)
    assert pyBigWig.open(str(hub / "toy1" / "signal.bw")).isBigWig()


def test_hub_validates_and_has_both_strands(hub):
    assert validate_hub(hub) == []
    assert parse_stanzas((hub / "genomes.txt").read_text()) == [{"genome": "toy1", "trackDb": "toy1/trackDb.txt"}]
    tracks = {s["track"]: s for s in parse_stanzas((hub / "toy1" / "trackDb.txt").read_text())}
    assert {"gategenomeDrops", "forgetPlus", "forgetMinus", "accessibility", "atacSignal"} <= set(tracks)
    assert tracks["forgetPlus"]["viewLimits"] == "0:1" and tracks["forgetPlus"]["color"] != tracks["forgetMinus"]["color"]
    assert tracks["gategenomeDrops"]["type"].startswith("bigBed 6")


def test_validator_catches_broken_hubs(hub, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(hub, broken)
    trackdb = broken / "toy1" / "trackDb.txt"
    trackdb.write_text(trackdb.read_text().replace("shortLabel forget gate +\n", "").replace("color 214,39,40", "color red"))
    (broken / "toy1" / "accessibility.bw").unlink()
    (broken / "toy1" / "signal.bw").write_bytes(b"not a bigwig")
    problems = " | ".join(validate_hub(broken))
    assert "forgetPlus: missing shortLabel" in problems
    assert "color 'red' is not r,g,b" in problems
    assert "accessibility.bw does not exist" in problems
    assert "signal.bw is not a bigWig" in problems


def test_igv_session_points_at_the_same_files(hub):
    root = ET.parse(hub / "igv_session.xml").getroot()
    assert root.tag == "Session" and (hub / root.get("genome")).exists()
    assert (hub / (root.get("genome") + ".fai")).exists()
    resources = [r.get("path") for r in root.iter("Resource")]
    assert all((hub / p).exists() for p in resources)
    assert {Path(p).name for p in resources} == {"drops.bb", "forget.plus.bw", "forget.minus.bw", "accessibility.bw", "signal.bw"}
    track_ids = {t.get("id") for t in root.iter("Track")}
    assert track_ids == set(resources)
    chrom, span = root.get("locus").split(":")
    assert chrom in scan_fixture.SIZES and int(span.split("-")[0]) >= 1


@pytest.mark.parametrize("problem", ["drops-off-genome", "drops-bed3", "wrong-genome", "missing-drops"])
def test_cli_bad_input(case, tmp_path, problem):
    drops, genome, name = case["drops"], case["genome"], None
    if problem == "drops-off-genome":
        drops = tmp_path / "d.bed"
        drops.write_text("chrZ\t1\t5\td\t5\t+\t0.5\t1\t1\t2\n")
        name = "d.bed"
    elif problem == "drops-bed3":
        drops = tmp_path / "d.bed"
        drops.write_text("chrA\t1\t5\n")
        name = "d.bed"
    elif problem == "wrong-genome":
        genome = scan_fixture.write_fasta(tmp_path / "other.fa", {"chrA": 100})
        name = "other.fa"
    else:
        drops = tmp_path / "missing.bed"
        name = "missing.bed"
    out = tmp_path / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(drops),
                                      "--genome", str(genome), "--out-dir", str(out)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gategenome: error: ") and name in lines[0]
    assert "Traceback" not in result.output and not out.exists()
    assert not list(tmp_path.glob(".hub.*"))


def test_export_replaces_an_existing_hub(case, tmp_path):
    out = tmp_path / "hub"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    args = ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]), "--genome", str(case["genome"]),
            "--copy", "--out-dir", str(out)]
    for _ in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    assert not (out / "stale.txt").exists() and validate_hub(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hub"]
    # --copy: the hub's bigWig is a file of its own, not a hard link to the scan's.
    assert (out / "genome" / "forget.plus.bw").stat().st_nlink == 1


def test_export_without_drops_writes_a_valid_hub_of_gate_tracks(case, tmp_path):
    """A run with no significant drop is a result, not an error: the hub shows the gates alone."""
    empty = tmp_path / "drops.bed"
    empty.write_text("")
    out = tmp_path / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(empty),
                                      "--genome", str(case["genome"]), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert validate_hub(out) == []
    assert not (out / "genome" / "drops.bb").exists()
    stanzas = parse_stanzas((out / "genome" / "trackDb.txt").read_text())
    assert stanzas and all(s["type"].startswith("bigWig") for s in stanzas)
    resources = {Path(r.get("path")).name for r in ET.parse(out / "igv_session.xml").getroot().iter("Resource")}
    assert resources == {"forget.plus.bw", "forget.minus.bw", "accessibility.bw"}
