"""``gategenome variants --chrom`` + ``variants-gather``: scattered by chromosome and gathered equals one run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pysam
import pytest
from click.testing import CliRunner
from variants_testlib import model, small_genome

from gategenome.cli.main import cli
from gategenome.model.checkpoint import save_checkpoint


@pytest.fixture
def inputs(tmp_path):
    fasta, chroms = small_genome(tmp_path)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    a, b = chroms["chrA"], chroms["chrB"]
    other = {base: "C" if base != "C" else "G" for base in "ACGT"}
    lines = [f"chrA\t1001\ta1\t{a[1000]}\t{other[a[1000]]}\t.\t.\t.",
             f"chrA\t2001\ta2\t{a[2000]}\t{a[2000]}TTT\t.\t.\t.",
             f"chrA\t4001\ta3\t{a[4000:4003]}\t{a[4000]}\t.\t.\t.",
             f"chrB\t501\tb1\t{b[500]}\t{other[b[500]]},{a[500] if a[500] not in (b[500], other[b[500]]) else 'N'}\t.\t.\t.",
             f"chrB\t1501\tb2\t{b[1500]}\t{b[1500]}GA\t.\t.\t."]
    header = ("##fileformat=VCFv4.2\n##contig=<ID=chrA,length=6000>\n##contig=<ID=chrB,length=3000>\n"
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    plain = tmp_path / "in.vcf"
    plain.write_text(header + "".join(line + "\n" for line in lines))
    indexed = pysam.tabix_index(str(plain), preset="vcf", force=True, keep_original=True)
    return path, plain, indexed


def _variants(tmp_path, model_path, vcf, out, *extra):
    args = ["variants", "--model", str(model_path), "--genome", str(tmp_path / "genome.fa"), "--vcf", str(vcf),
            "--out", str(out), "--footprint-max", "300", "--threshold", "0.9", "--no-progress", "--device", "cpu",
            *extra]
    return CliRunner().invoke(cli, args)


def _records(path):
    with pysam.VariantFile(str(path)) as handle:
        return str(handle.header).count("##contig"), [str(record) for record in handle]


def test_scattered_by_chromosome_and_gathered_equals_one_run(tmp_path, inputs):
    model_path, _, vcf = inputs
    whole = _variants(tmp_path, model_path, vcf, tmp_path / "whole" / "v")
    assert whole.exit_code == 0, whole.output
    parts = []
    for chrom in ("chrA", "chrB"):
        part = tmp_path / "parts" / chrom
        result = _variants(tmp_path, model_path, vcf, part, "--chrom", chrom)
        assert result.exit_code == 0, result.output
        parts.append(str(part))
    part_rows = (tmp_path / "parts" / "chrB.tsv").read_text().splitlines()[1:]
    assert [row.split("\t")[2] for row in part_rows] == ["b1", "b1", "b2"]  # only chrB's records
    gathered = CliRunner().invoke(cli, ["variants-gather", "--out", str(tmp_path / "gathered" / "v"), *parts])
    assert gathered.exit_code == 0, gathered.output
    assert (tmp_path / "gathered" / "v.tsv").read_text() == (tmp_path / "whole" / "v.tsv").read_text()
    assert _records(tmp_path / "gathered" / "v.vcf.gz") == _records(tmp_path / "whole" / "v.vcf.gz")
    with pysam.VariantFile(str(tmp_path / "gathered" / "v.vcf.gz")) as handle:  # indexed
        assert [r.id for r in handle.fetch("chrB", 1400, 1600)] == ["b2"]
    one = json.loads((tmp_path / "whole" / "v.json").read_text())
    joined = json.loads((tmp_path / "gathered" / "v.json").read_text())
    assert joined["counts"] == one["counts"] and joined["drops"] == one["drops"]
    assert [part["chrom"] for part in joined["parts"]] == ["chrA", "chrB"]


def test_chrom_without_records_gives_an_empty_part(tmp_path, inputs):
    model_path, _, vcf = inputs
    lines = [line for line in open(vcf[: -len(".gz")]).read().splitlines() if not line.startswith("chrB")]
    only_a = tmp_path / "only_a.vcf"
    only_a.write_text("\n".join(lines) + "\n")
    indexed = pysam.tabix_index(str(only_a), preset="vcf", force=True)
    result = _variants(tmp_path, model_path, indexed, tmp_path / "part" / "b", "--chrom", "B")  # FASTA's chrB
    assert result.exit_code == 0, result.output
    assert len((tmp_path / "part" / "b.tsv").read_text().splitlines()) == 1
    assert json.loads((tmp_path / "part" / "b.json").read_text())["counts"]["records"] == 0


@pytest.mark.parametrize("case", ["unindexed", "unknown-chrom", "stale-index"])
def test_chrom_refuses_unindexed_vcf_and_unknown_chromosome(tmp_path, inputs, case):
    model_path, plain, vcf = inputs
    source, chrom, fragment = (plain, "chrA", "indexed") if case == "unindexed" else (vcf, "chrZ", "chrZ")
    if case == "stale-index":  # the VCF rewritten after its index was made: the index points at old offsets
        index = Path(f"{vcf}.tbi")
        os.utime(index, ns=(index.stat().st_mtime_ns - 10**9,) * 2)
        source, chrom, fragment = vcf, "chrA", "is older than it"
    result = _variants(tmp_path, model_path, source, tmp_path / "out" / "v", "--chrom", chrom)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("gategenome: error:")]
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_gather_refuses_missing_part(tmp_path):
    result = CliRunner().invoke(cli, ["variants-gather", "--out", str(tmp_path / "g"), str(tmp_path / "nothere")])
    assert result.exit_code == 1
    assert "nothere" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "g.tsv").exists()
