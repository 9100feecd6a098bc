"""MultiQC custom content: gategenome's sections appear in MultiQC's own data output for demo-like results."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal

METRICS = {
    "valid": {"auroc": 0.91, "auprc": 0.52},
    "test": {"auroc": 0.89, "auprc": 0.47},
    "peaks": {"valid": {"peaks": 120, "count_pearson": 0.61, "count_spearman": 0.58, "profile_jsd_median": 0.42},
              "test": {"peaks": 110, "count_pearson": 0.57, "count_spearman": 0.55, "profile_jsd_median": 0.44}},
}
BOUNDARIES = ("chrI\t100\t130\tboundary_1\t950\t.\t0.95\t8.0\t6.5\t15\topening\t+\t0.98\n"
              "chrI\t900\t930\tboundary_2\t940\t.\t0.94\t7.0\t5.5\t15\tclosing\t-\t0.97\n"
              "chrI\t1900\t1930\tboundary_3\t900\t.\t0.90\t3.0\t2.5\t15\topening\t+\t0.90\n")
REGIONS = "chrI\t115\t915\tregion_1\t940\t.\n"
DROPS = "chrI\t110\t125\tdrop_1\t984\t-\t0.98\t3.9\t3.9\t12\n"


@pytest.fixture(scope="module")
def results(mini, tmp_path_factory):
    """A results directory of two samples as the workflow leaves it (signal, model metrics, calls)."""
    root = tmp_path_factory.mktemp("mqc") / "results"
    with gzip.open(mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz", "rt") as handle:
        lines = handle.readlines()
    for sample, part in (("alpha", lines[:6000:2]), ("beta", lines[1:6000:2])):
        base = root / sample
        base.mkdir(parents=True)
        fragments = base / "fragments.bedpe"
        fragments.write_text("".join(part))
        run_signal(str(mini["genome"]), [str(fragments)], [], base / "signal", SignalSettings(call_peaks=False))
        (base / "metrics.json").write_text(json.dumps(METRICS))
        (base / "boundaries.bed").write_text(BOUNDARIES)
        (base / "region_calls.bed").write_text(REGIONS)
        (base / "drops.bed").write_text(DROPS)
        result = CliRunner().invoke(cli, [
            "multiqc-files", "--sample", sample, "--signal-summary", str(base / "signal" / "signal.json"),
            "--metrics", str(base / "metrics.json"), "--boundaries", str(base / "boundaries.bed"),
            "--region-calls", str(base / "region_calls.bed"), "--drops", str(base / "drops.bed"),
            "--out-dir", str(base / "multiqc")])
        assert result.exit_code == 0, result.output
    return root


def test_the_files_hold_each_section_with_its_plot_configuration(results):
    written = {path.name: json.loads(path.read_text()) for path in (results / "alpha" / "multiqc").iterdir()}
    assert set(written) == {f"gategenome_{name}_mqc.json" for name in
                            ("general", "library_qc", "fragment_lengths", "training", "calls")}
    calls = written["gategenome_calls_mqc.json"]
    assert calls["plot_type"] == "bargraph" and calls["pconfig"]["id"] == "gategenome_calls_plot"
    assert calls["data"] == {"alpha": {"drops": 1, "opening boundaries": 2, "closing boundaries": 1, "region calls": 1}}
    training = written["gategenome_training_mqc.json"]["data"]["alpha"]
    assert training["test_auprc"] == 0.47 and training["test_count_pearson"] == 0.57 and training["valid_profile_jsd"] == 0.42
    lengths = written["gategenome_fragment_lengths_mqc.json"]
    assert lengths["plot_type"] == "linegraph"
    assert sum(lengths["data"]["alpha"].values()) == pytest.approx(1.0)


@pytest.mark.slow
def test_multiqc_lists_gategenome_sections_beside_its_general_statistics(results, tmp_path):
    out = tmp_path / "report"
    subprocess.run([sys.executable, "-m", "multiqc", str(results), "-o", str(out), "--no-version-check", "-q",
                    "--no-ansi"], check=True, capture_output=True, text=True)
    data = json.loads((out / "multiqc_data" / "multiqc_data.json").read_text())
    plots = set(data["report_plot_data"])
    assert {"gategenome_library_qc_plot", "gategenome_fragment_lengths_plot", "gategenome_training_plot",
            "gategenome_calls_plot"} <= plots
    stats = (out / "multiqc_data" / "multiqc_general_stats.txt").read_text().splitlines()
    header = stats[0].split("\t")
    rows = {line.split("\t")[0]: dict(zip(header, line.split("\t"))) for line in stats[1:]}
    assert set(rows) == {"alpha", "beta"}
    assert any(column.endswith("-test_auprc") for column in header)
    assert float(next(v for k, v in rows["beta"].items() if k.endswith("-test_auprc"))) == 0.47
    assert any(column.endswith("-boundaries") for column in header)


def test_no_input_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["multiqc-files", "--sample", "s", "--out-dir", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert result.stderr.startswith("gategenome: error: give at least one of --signal-summary")
    assert not (tmp_path / "m").exists()


def test_replicate_boundary_agreement_becomes_a_table(tmp_path):
    from gategenome.export.multiqc import run_multiqc_files

    evaluation = tmp_path / "evaluation.json"
    evaluation.write_text(json.dumps({"boundary_reproducibility": [
        {"a": "r1", "b": "r2", "calls_a": 120, "calls_b": 110, "matched": 90, "tolerance": 50,
         "idr_threshold": 0.05, "reproducible": 71, "model": {"p": 0.8}}]}))
    assert run_multiqc_files("s", tmp_path / "m", evaluation=str(evaluation)) == ["gategenome_replicates"]
    section = json.loads((tmp_path / "m" / "gategenome_replicates_mqc.json").read_text())
    assert section["plot_type"] == "table"
    assert section["data"] == {"s: r1 vs r2": {"calls_a": 120, "calls_b": 110, "matched": 90, "reproducible": 71,
                                               "idr_threshold": 0.05}}
