"""The exported IGV session opens in a real genome browser (igv.js in headless Chromium).

A chrI scan with forget-gate dips at the real MACS3 peak edges is exported with
``gategenome export``; the hub directory is served on 127.0.0.1; igv.js loads
``igv_session.xml`` (genome FASTA, bigBed drops, gate and signal bigWigs, all by
relative path) and the page is photographed.  The test checks that every track row
drew: non-blank pixels, in the track's own colour.

Needs Chromium, Node.js and the npm packages of ``tests/browser`` (installed by
``.ci/setup-browser.sh``).  Where they are absent the test skips with the reason,
except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import scan_fixture
from click.testing import CliRunner

from gategenome.cli.main import cli

BROWSER_DIR = Path(__file__).resolve().parents[1] / "browser"
IGV_JS = BROWSER_DIR / "node_modules" / "igv" / "dist" / "igv.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>gategenome session</title></head>
<body style="margin:0;background:#fff"><div id="igv"></div>
<script src="/_igv/igv.min.js"></script>
<script>
igv.createBrowser(document.getElementById("igv"), {sessionURL: "igv_session.xml", showCenterGuide: false})
  .then(function (browser) { window.igvBrowser = browser; window.igvReady = true; })
  .catch(function (error) { window.igvError = String(error); });
</script></body></html>
"""


def _missing() -> str | None:
    if not CHROMIUM:
        return "chromium not found (install it with .ci/setup-browser.sh)"
    if not NODE:
        return "node not found (install it with .ci/setup-browser.sh)"
    if not IGV_JS.exists() or not (BROWSER_DIR / "node_modules" / "playwright-core").exists():
        return f"igv.js / playwright-core not installed in {BROWSER_DIR} (run .ci/setup-browser.sh)"
    return None


@pytest.fixture(scope="module")
def browser_tools():
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: the genome-browser test must run, but {reason}")
        pytest.skip(reason)


class _RangeHandler(SimpleHTTPRequestHandler):
    """Static files with HTTP Range support (igv.js reads bigWig/bigBed/FASTA by range)."""

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        if self.path.split("?")[0] == "/page.html":
            return self._send_bytes(PAGE.encode(), "text/html")
        if self.path.split("?")[0] == "/_igv/igv.min.js":
            return self._send_bytes(IGV_JS.read_bytes(), "application/javascript")
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return self.send_error(404)
        data = path.read_bytes()
        header = self.headers.get("Range")
        if header and header.startswith("bytes="):
            first, _, last = header[6:].split(",")[0].partition("-")
            start = int(first) if first else max(0, len(data) - int(last))
            end = min(len(data) - 1, int(last)) if first and last else len(data) - 1
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            self.wfile.write(data[start:end + 1])
        else:
            self._send_bytes(data, self.guess_type(str(path)))

    def _send_bytes(self, data: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(data)


def _chr1_case(root: Path, mini: dict[str, Path]) -> dict[str, Path]:
    """A chrI scan whose forget gates dip where each strand enters a real MACS3 peak."""
    from gategenome.io.bed import read_bed

    length = 230_218
    peaks = [p for p in read_bed(mini["peaks"], "peaks")]
    scan = root / "scan"
    (scan / "chroms").mkdir(parents=True)
    (scan / "scan.json").write_text(json.dumps({"format": "gategenome-scan", "version": 1, "strands": ["+", "-"],
                                                "chroms": {"chrI": length}}))
    rng = np.random.default_rng(0)
    forget = {s: 0.95 + rng.normal(0, 0.01, length) for s in "+-"}
    access = np.full(length, 0.1)
    rows = []
    for i, peak in enumerate(peaks):
        access[peak.start:peak.end] = 0.9
        forget["+"][peak.start:peak.start + 40] = 0.15
        forget["-"][max(0, peak.end - 40):peak.end] = 0.15
        rows.append(f"chrI\t{peak.start}\t{peak.start + 40}\tdrop{2 * i}\t800\t+\t0.8\t6\t4\t5")
        rows.append(f"chrI\t{max(0, peak.end - 40)}\t{peak.end}\tdrop{2 * i + 1}\t700\t-\t0.8\t6\t4\t35")
    for strand, name in (("+", "plus"), ("-", "minus")):
        np.save(scan / "chroms" / f"chrI.{name}.forget.npy", forget[strand].astype(np.float16))
        np.save(scan / "chroms" / f"chrI.{name}.accessibility.npy", access.astype(np.float16))
    (scan / "chroms" / "chrI.json").write_text("{}")
    scan_fixture.write_gate_tracks(scan)
    drops = root / "drops.bed"
    drops.write_text("\n".join(rows) + "\n")
    genome = root / "chrI.fa"
    shutil.copyfile(mini["genome"], genome)
    shutil.copyfile(str(mini["genome"]) + ".fai", str(genome) + ".fai")
    return {"scan": scan, "drops": drops, "genome": genome}


def _colour_fraction(crop: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 60) -> float:
    distance = np.abs(crop[..., :3].astype(int) - np.array(rgb)).sum(axis=-1)
    return float((distance < tolerance).mean())


def test_igv_js_draws_the_exported_session(browser_tools, mini, tmp_path):
    from matplotlib.image import imread

    case = _chr1_case(tmp_path, mini)
    hub = tmp_path / "hub"
    # A promoter peak of chrI with accessible regions on both sides.
    result = CliRunner().invoke(cli, ["export", "--scan-dir", str(case["scan"]), "--drops", str(case["drops"]),
                                      "--genome", str(case["genome"]), "--signal", str(mini["signal"]),
                                      "--assembly", "sacCer3", "--locus", "chrI:29000-33000", "--out-dir", str(hub)])
    assert result.exit_code == 0, result.output

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_RangeHandler, directory=str(hub)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/page.html"
        png, report = tmp_path / "igv.png", tmp_path / "igv.json"
        env = {**os.environ, "CHROMIUM": CHROMIUM}
        run = subprocess.run([NODE, str(BROWSER_DIR / "snapshot.mjs"), url, str(png), str(report)],
                             cwd=BROWSER_DIR, env=env, capture_output=True, text=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert run.returncode == 0, run.stderr[-2000:]
    outcome = json.loads(report.read_text())
    assert outcome["error"] is None, f"{outcome['error']}\n{run.stderr[-2000:]}"
    tracks = {t["name"]: t for t in outcome["tracks"]}
    expected = {"forget gate +": (31, 119, 180), "forget gate -": (214, 39, 40), "P(accessible)": (44, 160, 44),
                "forget-gate drops": None, "ATAC signal": (80, 80, 80)}
    assert set(expected) <= set(tracks), f"tracks drawn: {sorted(tracks)}"
    image = imread(png)
    image = (image * 255).astype(np.uint8) if image.dtype != np.uint8 else image
    for name, colour in expected.items():
        box = tracks[name]
        assert box["height"] > 5 and box["width"] > 100, (name, box)
        crop = image[int(box["y"]) + 1:int(box["y"] + box["height"]) - 1, int(box["x"]) + 1:int(box["x"] + box["width"]) - 1]
        ink = float((crop[..., :3].astype(int).sum(axis=-1) < 3 * 235).mean())
        assert ink > 0.003, f"track {name!r} looks blank ({ink:.4f} of its pixels drawn)"
        if colour is not None:
            # A drawn wig track fills a good part of its row with its colour (labels are black on white).
            fraction = _colour_fraction(crop, colour)
            assert fraction > 0.05, f"track {name!r}: only {fraction:.4f} of its row in its colour {colour}"
    drops = tracks["forget-gate drops"]
    crop = image[int(drops["y"]):int(drops["y"] + drops["height"]), int(drops["x"]):int(drops["x"] + drops["width"])]
    # Both strands' drops are in view: blue (+) and red (-) features.
    assert _colour_fraction(crop, (31, 119, 180)) > 0.001 and _colour_fraction(crop, (214, 39, 40)) > 0.001
