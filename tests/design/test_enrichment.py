"""Reset k-mers at real boundaries: windows around boundaries and the enrichment test."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from design_testlib import small_model

from gategenome.cli.main import cli
from gategenome.design.enrichment import boundary_enrichment, boundary_windows
from gategenome.design.settings import BoundarySettings
from gategenome.model.checkpoint import save_checkpoint

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_boundary_enrichment_counts_both_strands():
    genome = {"c": b"CGGGTTTCAAACCCG" + b"A" * 200}
    fetch = lambda chrom, start, end: genome[chrom][start:end]  # noqa: E731
    result = boundary_enrichment(["GGGTTT"], [("c", 0, 15)], fetch, {"c": len(genome["c"])}, seed=0)
    # GGGTTT once, its reverse complement AAACCC once
    assert result["hits_boundary"] == 2
    assert result["enrichment"] > 1 and result["p_value"] < 0.5


def test_boundary_windows_use_drop_summits(tmp_path, mini):
    bed = tmp_path / "drops.bed"
    bed.write_text(
        "chrI\t1000\t1600\tdrop_1\t500\t+\t0.5\t4.0\t3.0\t250\nchrI\t5000\t5300\tdrop_2\t400\t-\t0.4\t3.0\t2.0\t10\n"
    )
    windows = boundary_windows(BoundarySettings(str(bed), str(mini["genome"]), 25))
    assert windows.windows == [("chrI", 1225, 1275), ("chrI", 4985, 5035)]
    plain = tmp_path / "plain.bed"
    plain.write_text("chrI\t1000\t1600\n")
    assert boundary_windows(BoundarySettings(str(plain), str(mini["genome"]), 25)).windows == [("chrI", 975, 1625)]
    edges = boundary_windows(BoundarySettings(str(mini["peaks"]), str(mini["genome"]), 10)).windows
    assert len(edges) % 2 == 0 and all(end - start == 20 for _, start, end in edges if start > 0)


def test_reset_cli_compares_with_real_peak_edges(tmp_path, mini):
    model = small_model(5)
    save_checkpoint(tmp_path / "model.pt", model)
    result = CliRunner().invoke(
        cli,
        [
            "design",
            "reset",
            "--model",
            str(tmp_path / "model.pt"),
            "--element-length",
            "12",
            "--count",
            "1",
            "--iterations",
            "2",
            "--boundaries",
            str(mini["peaks"]),
            "--genome",
            str(mini["genome"]),
            "--out-prefix",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r.json").read_text())
    enrichment = summary["boundary_enrichment"]
    assert enrichment["windows"] > 10 and enrichment["bp_boundary"] > 0 and 0 <= enrichment["p_value"] <= 1
    assert len(summary["top_reset_kmers"]) == 20
    control = enrichment["gc_matched_control"]
    assert [sum(b in "GC" for b in k) for k in control["motifs"]] == [
        sum(b in "GC" for b in k) for k in summary["top_reset_kmers"][:10]
    ]
    assert not set(control["motifs"]) & set(summary["top_reset_kmers"])


def test_boundary_windows_clip_at_zero_and_skip_unknown_chromosomes(tmp_path, mini):
    bed = tmp_path / "plain.bed"
    bed.write_text("chrI\t10\t50\nchrUn\t100\t200\n")
    windows = boundary_windows(BoundarySettings(str(bed), str(mini["genome"]), 25))
    assert windows.windows == [("chrI", 0, 75)]
    assert windows.source == f"{bed} (intervals ± 25 bp)" and windows.genome == str(mini["genome"])


@pytest.mark.parametrize("content, expected", [("", "no boundary record"), ("chrUn\t100\t200\n", "no record on a chromosome")],
                         ids=["empty", "unknown-chromosome"])
def test_boundaries_without_a_window_are_refused(tmp_path, mini, content, expected):
    from gategenome.errors import InputError

    bed = tmp_path / "b.bed"
    bed.write_text(content)
    with pytest.raises(InputError, match=expected):
        boundary_windows(BoundarySettings(str(bed), str(mini["genome"]), 25))


def test_reset_cli_with_empty_boundaries_fails_before_the_search(tmp_path, mini):
    bed = tmp_path / "empty.bed"
    bed.write_text("")
    out = tmp_path / "resets"
    result = CliRunner().invoke(cli, ["design", "reset", "--reference", "--element-length", "20", "--iterations", "2",
                                      "--boundaries", str(bed), "--genome", str(mini["genome"]), "--out-prefix", str(out)])
    assert result.exit_code == 1 and "empty.bed" in result.stderr and "Traceback" not in result.output
    assert not list(tmp_path.glob("resets*"))


def test_reset_cli_with_boundaries_past_a_chromosome_end_fails_before_the_search(tmp_path, mini, monkeypatch):
    import gategenome.design.run as design_run

    bed = tmp_path / "past.bed"
    bed.write_text("chrI\t100\t200\nchrI\t999999990\t1000000000\n")
    searched = []
    monkeypatch.setattr(design_run, "design_resets", lambda *args, **kwargs: searched.append(args))
    out = tmp_path / "resets"
    result = CliRunner().invoke(cli, ["design", "reset", "--reference", "--element-length", "20", "--iterations", "2",
                                      "--boundaries", str(bed), "--genome", str(mini["genome"]), "--out-prefix", str(out)])
    assert result.exit_code == 1 and "past.bed" in result.stderr and "past the end of chrI" in result.stderr
    assert "Traceback" not in result.output and searched == []
    assert not list(tmp_path.glob("resets*"))
