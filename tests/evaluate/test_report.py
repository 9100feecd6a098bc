"""evaluate.report: the self-contained HTML page and evaluation.json, written atomically."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

import gategenome.evaluate.report as report
from gategenome.cli.main import cli
from gategenome.evaluate.report import write_report


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.images = 0

    def handle_starttag(self, tag, attrs):
        self.images += tag == "img"
        self.urls += [value for name, value in attrs if name in {"src", "href"} and value]


@pytest.mark.slow
def test_cli_writes_self_contained_report(case, tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, [
        "evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]), "--regions", str(case["regions"]),
        "--folds", str(case["folds"]), "--metrics", str(case["metrics"]), "--signal", str(case["signal"]),
        "--replicates", "50", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text()
    links = _Links()
    links.feed(page)
    assert links.images >= 6
    assert links.urls and all(url.startswith(("data:image/png;base64,", "#")) for url in links.urls)
    for text in ("Meta-profile", "Example loci", "Training summary", "signal-only", "entry", "exit"):
        assert text in page
    numbers = json.loads((out / "evaluation.json").read_text())
    assert numbers["settings"]["replicates"] == 50 and numbers["fold"]["chromosomes"] == ["chrA", "chrB"]
    assert numbers["training"]["best_epoch"] == 2
    assert sorted(p.name for p in out.iterdir()) == ["evaluation.json", "report.html"]


def test_report_written_atomically(evaluation, tmp_path, monkeypatch):
    def broken(_):
        raise RuntimeError("plot failed")

    monkeypatch.setattr(report, "plot_enrichment", broken)
    with pytest.raises(RuntimeError):
        write_report(evaluation, tmp_path / "r")
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


@pytest.mark.slow
def test_report_links_the_explain_report_relative_to_itself(case, tmp_path):
    explain = tmp_path / "explain" / "motifs.html"
    explain.parent.mkdir()
    explain.write_text("<html></html>")
    out = tmp_path / "evaluation"
    result = CliRunner().invoke(cli, [
        "evaluate", "--drops", str(case["drops"]), "--scan-dir", str(case["scan"]), "--regions", str(case["regions"]),
        "--folds", str(case["folds"]), "--replicates", "20", "--explain-report", str(explain), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    links = _Links()
    links.feed((out / "report.html").read_text())
    assert "../explain/motifs.html" in links.urls
    assert (out / links.urls[links.urls.index("../explain/motifs.html")]).resolve() == explain.resolve()
