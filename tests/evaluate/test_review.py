"""The review page opens offline in headless Chromium and every igv.js view has its tracks and data loaded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.evaluate.review import IGV_JS, IGV_JS_VERSION
from gategenome.io.bed import read_bed
from tests.export.test_browser import CHROMIUM, _chr1_case

BROWSER_DIR = Path(__file__).resolve().parents[1] / "browser"
NODE = shutil.which("node")


def _browser_missing() -> str | None:
    """Why the headless-browser test cannot run here (the page brings its own igv.js), or None."""
    if not CHROMIUM:
        return "chromium not found (install it with .ci/setup-browser.sh)"
    if not NODE:
        return "node not found (install it with .ci/setup-browser.sh)"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").exists():
        return f"playwright-core not installed in {BROWSER_DIR} (run .ci/setup-browser.sh)"
    return None


def _boundaries(path: Path, peaks, shift: int = 0, every: int = 1) -> Path:
    """Boundary calls at the edges of the peaks (opening at the start, closing at the end), q-values descending."""
    rows = []
    for i, peak in enumerate(peaks[::every]):
        for direction, position in (("opening", peak.start), ("closing", peak.end)):
            q = 20 - 0.01 * len(rows)
            rows.append(f"chrI\t{position + shift - 10}\t{position + shift + 10}\tboundary_{len(rows) + 1}\t900\t.\t0.9"
                        f"\t{q + 1:.3f}\t{q:.3f}\t10\t{direction}\t+-\t0.9\n")
    path.write_text("".join(rows))
    return path


VARIANTS = ("chrom\tpos\tid\tref\talt\tkind\td_access\td_access_max\td_min_forget\tdrop\n"
            "chrI\t50001\tsmall\tA\tG\tsnv\t0.001\t0.002\t0.0\tnone\n"
            "chrI\t60001\tlargest\tC\tT\tsnv\t-0.30\t-0.4\t0.2\tlost\n"
            "chrI\t70001\tsecond\tG\tGA\tins\t0.10\t0.2\t-0.5\tgained\n")


@pytest.fixture(scope="module")
def review_case(mini, tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    case = _chr1_case(root, mini)
    peaks = read_bed(mini["peaks"], "peaks")
    case["boundaries"] = _boundaries(root / "boundaries.bed", peaks)
    case["r1"] = _boundaries(root / "r1.bed", peaks)
    case["r2"] = _boundaries(root / "r2.bed", peaks, every=2)  # lacks every other peak's calls
    case["r3"] = _boundaries(root / "r3.bed", peaks[2:])  # lacks the first two peaks' calls
    case["peaks"] = peaks
    case["variants"] = root / "variants.tsv"
    case["variants"].write_text(VARIANTS)
    return case


def _review(case, out, *extra):
    return CliRunner().invoke(cli, [
        "review", "--genome", str(case["genome"]), "--signal", str(case["scan"] / "accessibility.bw"),
        "--tracks-dir", str(case["scan"]), "--boundaries", str(case["boundaries"]),
        "--top", "3", "--flank", "500", "--out", str(out), *extra])


def _views(page: Path) -> list[dict]:
    return json.loads(page.read_text().split('id="review-data">')[1].split("</script>")[0])


def test_the_page_embeds_each_locus_and_picks_the_replicate_disagreements(review_case, tmp_path):
    out = tmp_path / "review.html"
    result = _review(review_case, out, "--replicate-boundaries", f"r1={review_case['r1']}",
                     "--replicate-boundaries", f"r2={review_case['r2']}", "--variants", str(review_case["variants"]))
    assert result.exit_code == 0, result.output
    page = out.read_text()
    data = _views(out)
    assert [view["kind"] for view in data] == ["top boundary call"] * 3 + ["replicate disagreement"] * 3 + ["variant"] * 3
    assert all("in r1, not in r2" in view["detail"] for view in data[3:6])
    assert [view["position"] for view in data[6:]] == [60000, 70000, 50000]  # largest |d_access| first
    assert "largest C>T" in data[6]["detail"] and {"chr": "chrI", "start": 60000, "end": 60001, "name": "C>T"} in data[6]["calls"]
    first = data[0]
    assert first["start"] == max(0, first["position"] - 500) and first["end"] == first["position"] + 500
    assert first["calls"]
    assert "<script src" not in page and "igv.createBrowser" in page  # igv.js inlined, no script fetched
    assert f'{{return"{IGV_JS_VERSION}"}}' in page  # the shipped igv.js (its igv.version())


def test_three_replicates_give_the_disagreements_of_every_pair(review_case, tmp_path):
    """r1 has every peak's calls, r2 every other peak's, r3 all but the first two peaks'."""
    out = tmp_path / "review.html"
    result = _review(review_case, out, *[option for name in ("r1", "r2", "r3") for option in
                                         ("--replicate-boundaries", f"{name}={review_case[name]}")])
    assert result.exit_code == 0, result.output
    disagreements = [view for view in _views(out) if view["kind"] == "replicate disagreement"]
    peaks = review_case["peaks"]
    # r1: the second peak is in neither other replicate (first), then its strongest call r3 lacks (the first peak)
    assert [(view["position"], view["detail"]) for view in disagreements[:3]] == [
        (peaks[1].start, "called in r1, not in r2, r3 within 50 bp"),
        (peaks[1].end, "called in r1, not in r2, r3 within 50 bp"),
        (peaks[0].start, "called in r1, not in r3 within 50 bp")]
    # r2: only the first peak's calls are missing from another replicate (r3)
    assert [(view["position"], view["detail"]) for view in disagreements[3:5]] == [
        (peaks[0].start, "called in r2, not in r3 within 50 bp"),
        (peaks[0].end, "called in r2, not in r3 within 50 bp")]
    # r3: its calls at the odd peaks r2 lacks, strongest first
    assert [(view["position"], view["detail"]) for view in disagreements[5:]] == [
        (peaks[3].start, "called in r3, not in r2 within 50 bp"),
        (peaks[3].end, "called in r3, not in r2 within 50 bp"),
        (peaks[5].start, "called in r3, not in r2 within 50 bp")]


def test_one_replicate_is_a_usage_error(review_case, tmp_path):
    out = tmp_path / "review.html"
    result = _review(review_case, out, "--replicate-boundaries", f"r1={review_case['r1']}")
    assert result.exit_code == 2
    assert "--replicate-boundaries given once; expected two or more replicates" in result.output
    assert not out.exists()


def test_the_shipped_igv_js_is_the_version_the_browser_tests_pin():
    pinned = json.loads((BROWSER_DIR / "package.json").read_text())["dependencies"]["igv"]
    assert IGV_JS_VERSION == pinned
    source = IGV_JS.read_text(encoding="utf-8")
    assert f'{{return"{pinned}"}}' in source  # igv.version() of the shipped file
    assert "MIT License" in IGV_JS.with_name("igv.LICENSE").read_text()


def test_a_missing_shipped_igv_js_is_a_one_line_error(review_case, tmp_path, monkeypatch):
    monkeypatch.setattr("gategenome.evaluate.review.IGV_JS", tmp_path / "static" / "igv.min.js")
    out = tmp_path / "review.html"
    result = _review(review_case, out)
    assert result.exit_code == 1
    assert result.stderr.startswith("gategenome: error: the igv.js shipped with gategenome")
    assert "--igv-js" in result.stderr
    assert not out.exists()


def test_igv_js_names_another_copy_to_inline(review_case, tmp_path):
    other = tmp_path / "igv.min.js"
    other.write_text("window.igv = {createBrowser: function () { return Promise.resolve({}); }}; // OTHER_IGV_JS\n")
    out = tmp_path / "review.html"
    result = _review(review_case, out, "--igv-js", str(other))
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "OTHER_IGV_JS" in page and f'{{return"{IGV_JS_VERSION}"}}' not in page


@pytest.mark.slow
def test_the_review_page_loads_every_igv_view_with_its_tracks_in_chromium(review_case, tmp_path):
    reason = _browser_missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: the review page test must run, but {reason}")
        pytest.skip(reason)
    out = tmp_path / "review.html"
    result = _review(review_case, out, "--variants", str(review_case["variants"]))  # the shipped igv.js
    assert result.exit_code == 0, result.output
    assert f'{{return"{IGV_JS_VERSION}"}}' in out.read_text()
    report = tmp_path / "views.json"
    run = subprocess.run([NODE, str(BROWSER_DIR / "review.mjs"), out.as_uri(), str(report)],
                         capture_output=True, text=True, timeout=180, cwd=BROWSER_DIR, check=False)
    assert run.returncode == 0, run.stderr
    views = json.loads(report.read_text())
    assert views["error"] is None, views["error"]
    assert len(views["views"]) == 6
    for tracks in views["views"]:
        by_name = {track["name"]: track for track in tracks}
        for name in ("ATAC signal", "forget gate +", "forget gate -", "boundary calls"):
            assert by_name[name]["features"] and by_name[name]["features"] > 0, (name, tracks)
        assert tracks[0]["chr"] == "chrI"
        assert np.all([track["features"] is None or track["features"] > 0 for track in tracks])


def test_a_table_that_is_not_variant_effects_is_refused(review_case, tmp_path):
    table = tmp_path / "other.tsv"
    table.write_text("chrom\tpos\tscore\nchrI\t5\t1\n")
    result = _review(review_case, tmp_path / "review.html", "--variants", str(table))
    assert result.exit_code == 1
    assert "--variants" in result.stderr and "no column ref, alt, d_access, d_min_forget, drop" in result.stderr
    assert not (tmp_path / "review.html").exists()


def test_a_missing_igv_js_is_a_one_line_error(review_case, tmp_path):
    out = tmp_path / "review.html"
    result = CliRunner().invoke(cli, [
        "review", "--genome", str(review_case["genome"]), "--signal", str(review_case["scan"] / "accessibility.bw"),
        "--tracks-dir", str(review_case["scan"]), "--boundaries", str(review_case["boundaries"]),
        "--igv-js", str(tmp_path / "absent.js"), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("gategenome: error: --igv-js") and "igv.min.js" in result.stderr
    assert not out.exists()
