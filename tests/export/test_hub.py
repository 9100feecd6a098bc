"""gategenome export: the hub directory, its bigWigs, the IGV session, and input errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyBigWig
import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.export.hub_validation import parse_stanzas, validate_hub


def test_bigwigs_open_with_pybigwig(hub, case):
    from gategenome.io.scandir.reader import ScanDir

    scan = ScanDir(case["scan"])
    for name, strand in (("forget.plus.bw", "+"), ("forget.minus.bw", "-")):
        bw = pyBigWig.open(str(hub / "toy1" / name))
        assert bw.isBigWig() and bw.chroms() == scan_fixture.SIZES
        values = np.array(bw.values("chrA", 1990, 2040))
        # the tracks keep 2 decimal places by default: within 0.005
        assert np.allclose(values, scan.forget("chrA", strand)[1990:2040].astype(np.float32), atol=0.005 + 1e-6, rtol=0)
    assert pyBigWig.open(str(hub / "toy1" / "signal.bw")).isBigWig()


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
    args = ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]), "--genome", str(case["genome"]),
            "--copy", "--out-dir", str(out)]
    for run in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        if run == 0:  # a file an earlier export wrote and listed, which this one does not write
            manifest = json.loads((out / "export.json").read_text())
            (out / "genome" / "stale.bw").write_text("old")
            manifest["files"].append("genome/stale.bw")
            (out / "export.json").write_text(json.dumps(manifest))
    assert not (out / "genome" / "stale.bw").exists() and validate_hub(out) == []
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


def test_export_never_copies_a_stale_fasta_index_into_the_hub(case, tmp_path):
    """A .fai older than its FASTA (records since added or resized) is not what IGV gets: the fresh index is."""
    import os
    import shutil

    genome = tmp_path / "genome.fa"
    shutil.copyfile(case["genome"], genome)
    fresh = [line.split("\t")[:2] for line in Path(f"{case['genome']}.fai").read_text().splitlines()]
    stale = Path(f"{genome}.fai")
    stale.write_text("".join(f"{name}\t{int(length) // 2}\t6\t60\t61\n" for name, length in fresh))
    old = genome.stat().st_mtime_ns - 10**9
    os.utime(stale, ns=(old, old))
    out = tmp_path / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]),
                                      "--genome", str(genome), "--copy", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    copied = [line.split("\t")[:2] for line in (out / "genome" / "genome.fa.fai").read_text().splitlines()]
    assert copied == fresh


def test_a_manifest_naming_files_outside_the_hub_never_removes_them(case, tmp_path):
    out = tmp_path / "hub"
    args = ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]), "--genome", str(case["genome"]),
            "--out-dir", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    outside, beside = tmp_path / "keep.txt", tmp_path / "beside.txt"
    outside.write_text("user data")
    beside.write_text("user data")
    manifest = json.loads((out / "export.json").read_text())
    manifest["files"] += [str(outside), "../beside.txt", "../../beside.txt"]
    (out / "export.json").write_text(json.dumps(manifest))
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert outside.read_text() == "user data" and beside.read_text() == "user data"
    assert validate_hub(out) == []


def test_a_symlink_where_the_hub_keeps_a_directory_never_leads_a_re_export_to_remove_the_users_files(case, tmp_path):
    out = tmp_path / "hub"
    args = ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]), "--genome", str(case["genome"]),
            "--out-dir", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    users = tmp_path / "users"
    users.mkdir()
    listed = json.loads((out / "export.json").read_text())["files"]
    names = [Path(name).name for name in listed if name.startswith("genome/")]
    for name in names:  # the user's own files, named as the hub's
        (users / name).write_text("user data")
    for path in sorted((out / "genome").rglob("*"), reverse=True):
        path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
    (out / "genome").rmdir()
    (out / "genome").symlink_to(users, target_is_directory=True)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert names and all((users / name).read_text() == "user data" for name in names)
    assert validate_hub(out) == []
