"""Boundary and region calls in the hub: bigBed with autoSql, trackDb stanzas, IGV tracks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.export.boundary_files import BOUNDARY_AUTOSQL
from gategenome.export.hub_validation import parse_stanzas, validate_hub

BOUNDARIES = ("chrA\t1990\t2011\tboundary_1\t900\t.\t0.9000\t5.1\t4.2\t10\topening\t+-\t0.9800\n"
              "chrA\t2590\t2611\tboundary_2\t850\t.\t0.8500\t5.0\t4.2\t10\tclosing\t-\t0.9500\n")
REGIONS = "chrA\t2000\t2600\tregion_1\t850\t.\n"


def _export(case, tmp_path, boundaries=BOUNDARIES, regions=REGIONS):
    (tmp_path / "boundaries.bed").write_text(boundaries)
    (tmp_path / "regions.bed").write_text(regions)
    out = tmp_path / "hub"
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]),
                                      "--genome", str(case["genome"]), "--boundaries", str(tmp_path / "boundaries.bed"),
                                      "--region-calls", str(tmp_path / "regions.bed"), "--out-dir", str(out)])
    return result, out


def test_hub_carries_boundary_and_region_bigbeds_with_autosql(case, tmp_path):
    import pybigtools

    result, out = _export(case, tmp_path)
    assert result.exit_code == 0, result.output
    assert validate_hub(out) == []
    bb = pybigtools.open(str(out / "genome" / "boundaries.bb"))
    assert bb.sql().split() == BOUNDARY_AUTOSQL.split()
    records = list(bb.records("chrA", 0, 5_000))
    assert [r[:3] for r in records] == [(1990, 2011, "boundary_1"), (2590, 2611, "boundary_2")]
    assert records[0][9:] == ("opening", "+-", "0.9800")
    regions = list(pybigtools.open(str(out / "genome" / "region_calls.bb")).records("chrA", 0, 5_000))
    assert [r[:3] for r in regions] == [(2000, 2600, "region_1")]
    tracks = {s["track"]: s for s in parse_stanzas((out / "genome" / "trackDb.txt").read_text())}
    assert tracks["gategenomeBoundaries"]["bigDataUrl"] == "boundaries.bb"
    assert tracks["gategenomeRegions"]["type"] == "bigBed 6"
    resources = {Path(r.get("path")).name for r in ET.parse(out / "igv_session.xml").getroot().iter("Resource")}
    assert {"boundaries.bb", "region_calls.bb", "drops.bb"} <= resources


def test_export_refuses_boundaries_with_the_wrong_columns(case, tmp_path):
    result, out = _export(case, tmp_path, boundaries="chrA\t10\t20\tb\t5\t.\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "boundaries.bed" in result.output and "BED6+7" in result.output and not out.exists()
