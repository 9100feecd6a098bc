"""export.hub_validation: the exported hub passes the checks, and broken hubs do not."""

from __future__ import annotations

import shutil

from gategenome.export.hub_validation import parse_stanzas, validate_hub


def test_hub_validates_and_has_both_strands(hub):
    assert validate_hub(hub) == []
    assert parse_stanzas((hub / "genomes.txt").read_text()) == [{"genome": "toy1", "trackDb": "toy1/trackDb.txt"}]
    tracks = {s["track"]: s for s in parse_stanzas((hub / "toy1" / "trackDb.txt").read_text())}
    assert {"gategenomeDrops", "forgetPlus", "forgetMinus", "accessibility", "atacSignal"} <= set(tracks)
    assert tracks["forgetPlus"]["viewLimits"] == "0:1" and tracks["forgetPlus"]["color"] != tracks["forgetMinus"]["color"]
    assert tracks["gategenomeDrops"]["type"].startswith("bigBed 6")


def test_validator_catches_broken_hubs(hub, tmp_path):
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
