"""``gategenome variants``: outputs (annotated VCF + tabix, TSV, summary) and one-line errors on bad input."""

from __future__ import annotations

import json

import pysam
import pytest
from click.testing import CliRunner
from variants_testlib import model, small_genome, vcf_text

from gategenome.cli.main import cli
from gategenome.model.checkpoint import save_checkpoint


@pytest.fixture
def inputs(tmp_path):
    fasta, chroms = small_genome(tmp_path)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    return fasta, chroms, path


def _run(tmp_path, model_path, vcf_path, *extra):
    args = ["variants", "--model", str(model_path), "--genome", str(tmp_path / "genome.fa"), "--vcf", str(vcf_path),
            "--out", str(tmp_path / "out" / "v"), "--footprint-max", "300", "--null-windows", "2",
            "--null-window", "2000", "--no-progress", "--device", "cpu", *extra]
    return CliRunner().invoke(cli, args)


def test_variants_writes_annotated_vcf_tabix_table_and_summary(tmp_path, inputs):
    _, chroms, model_path = inputs
    a = chroms["chrA"]
    alts = ",".join(base for base in "ACG" if base != a[1000])
    lines = [f"chrA\t1001\tm\t{a[1000]}\t{alts}\t.\t.\t.", f"chrA\t2001\ti\t{a[2000]}\t{a[2000]}TTT\t.\t.\t.",
             f"chrA\t3001\tsv\t{a[3000]}\t<DEL>\t.\t.\t."]
    vcf = tmp_path / "in.vcf"
    vcf.write_text(vcf_text("chrA", 6000, lines))
    result = _run(tmp_path, model_path, vcf)
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    rows = (out / "v.tsv").read_text().splitlines()
    assert rows[0].startswith("chrom\tpos\tid\tref\talt\tkind\td_access")
    n_alleles = len(alts.split(",")) + 1
    assert len(rows) == 1 + n_alleles
    summary = json.loads((out / "v.json").read_text())
    assert summary["counts"]["alleles"] == n_alleles and summary["counts"]["symbolic"] == 1
    assert 0.0 < summary["threshold"] < 1.0
    with pysam.VariantFile(str(out / "v.vcf.gz")) as annotated:
        assert {"GG_DACC", "GG_DMINF", "GG_DROP", "GG_FOOTPRINT"} <= set(annotated.header.info)
        records = list(annotated.fetch("chrA", 1500, 2500))  # through the tabix index
        assert [r.id for r in records] == ["i"]
        assert len(records[0].info["GG_DMINF"]) == 1 and records[0].info["GG_DROP"][0] in (
            "gained", "lost", "gained+lost", "none")
        symbolic = list(annotated.fetch("chrA", 2999, 3001))[0]
        assert "GG_DMINF" not in symbolic.info


def _one_line_error(result, *fragments):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("gategenome: error:")]
    assert len(lines) == 1 and "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("case", ["ref", "symbolic", "unknown", "no_header", "unsorted"])
def test_bad_input_is_a_one_line_error_and_leaves_no_output(tmp_path, inputs, case):
    _, chroms, model_path = inputs
    a = chroms["chrA"]
    wrong = {"A": "C", "C": "G", "G": "T", "T": "A"}[a[50]]
    body = {
        "ref": (vcf_text("chrA", 6000, [f"chrA\t51\tx\t{wrong}\tA\t.\t.\t."]), ["--strict"], "does not match the FASTA"),
        "symbolic": (vcf_text("chrA", 6000, [f"chrA\t51\tx\t{a[50]}\t<DEL>\t.\t.\t."]), ["--symbolic", "error"],
                     "symbolic allele <DEL>"),
        "unknown": (vcf_text("chrQ", 100, ["chrQ\t5\tx\tA\tC\t.\t.\t."]), [], "unknown chromosome 'chrQ'"),
        "no_header": (f"chrA\t51\tx\t{a[50]}\tA\t.\t.\t.\n", [], "expected a VCF with its header"),
        "unsorted": (vcf_text("chrA", 6000, [f"chrA\t51\tx\t{a[50]}\tN\t.\t.\t.", f"chrA\t11\ty\t{a[10]}\tN\t.\t.\t."]),
                     [], "not sorted"),
    }[case]
    vcf = tmp_path / "in.vcf"
    vcf.write_text(body[0])
    result = _run(tmp_path, model_path, vcf, *body[1])
    _one_line_error(result, str(vcf), body[2])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_variants_reads_its_settings_from_a_config_file_and_options_win(tmp_path, inputs):
    _, chroms, model_path = inputs
    a = chroms["chrA"]
    vcf = tmp_path / "in.vcf"
    vcf.write_text(vcf_text("chrA", 6000, [f"chrA\t1001\tm\t{a[1000]}\t{'C' if a[1000] != 'C' else 'G'}\t.\t.\t."]))
    config = tmp_path / "variants.yaml"
    config.write_text("window: 20\ngrid: 256\nsymbolic: error\nseed: 3\n")
    result = _run(tmp_path, model_path, vcf, "--config", str(config), "--seed", "4")
    assert result.exit_code == 0, result.output
    settings = json.loads((tmp_path / "out" / "v.json").read_text())["settings"]
    assert (settings["window"], settings["grid"], settings["symbolic"], settings["seed"]) == (20, 256, "error", 4)
    config.write_text("window: 0\n")
    result = _run(tmp_path, model_path, vcf, "--config", str(config))
    assert result.exit_code == 2 and "variants.yaml: window: got 0, expected at least 1" in result.output


def test_an_annotated_vcf_is_refused_before_scoring(tmp_path, inputs, monkeypatch):
    import gategenome.variants.run as variants_run

    _, chroms, model_path = inputs
    a = chroms["chrA"]
    vcf = tmp_path / "in.vcf"
    vcf.write_text(vcf_text("chrA", 6000, [f"chrA\t1001\tm\t{a[1000]}\t{'C' if a[1000] != 'C' else 'G'}\t.\t.\t."]))
    assert _run(tmp_path, model_path, vcf, "--threshold", "0.5").exit_code == 0
    annotated = tmp_path / "annotated.vcf.gz"
    (tmp_path / "out" / "v.vcf.gz").rename(annotated)
    scored = []
    monkeypatch.setattr(variants_run, "score_alleles", lambda *args: scored.append(args))
    result = _run(tmp_path, model_path, annotated, "--threshold", "0.5")
    _one_line_error(result, "annotated.vcf.gz", "GG_DACC")
    assert scored == []
