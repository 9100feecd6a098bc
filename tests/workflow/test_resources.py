"""Cluster sizing: each job asks for memory and runtime computed from the bases it reads (dry runs)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from test_dryrun_lint import _jobs
from workflow_helpers import ROOT, run_snakemake, write_config

#: hg38-shaped contigs (with the hs38d1 extras) and their lengths, as a .fai lists them.
HG38_SHAPED = {"chr1": 248_956_422, "chrY": 57_227_415, "chrM": 16_569, "chrEBV": 171_823,
               "chr1_KI270706v1_random": 175_055, "chrUn_KI270302v1": 2_274, "chr1_KI270762v1_alt": 354_444,
               "chrUn_JTFH01000001v1_decoy": 25_139, "HLA-A*01:01:01:01": 3_503}


def _hg38_shaped(tmp_path, mini, **settings):
    """A workflow over a FASTA whose .fai declares hg38-sized chromosomes (a dry run reads only the .fai).

    The FASTA is bgzip-compressed: a plain FASTA's .fai is checked against the file (it must reach its last
    record and not pass its end), which these declared lengths could not pass; a bgzip one's only by date.
    """
    import pysam

    tmp_path.mkdir(parents=True, exist_ok=True)
    plain = tmp_path / "hg38.fa"
    plain.write_text("".join(f">{name}\nACGT\n" for name in HG38_SHAPED))
    genome = Path(pysam.tabix_compress(str(plain), f"{plain}.gz") or f"{plain}.gz")
    plain.unlink()
    (tmp_path / "hg38.fa.gz.fai").write_text(
        "".join(f"{name}\t{length}\t0\t60\t61\n" for name, length in HG38_SHAPED.items()))
    write_config(tmp_path, genome, [{"sample": "s", "bigwig": mini["signal"], "peaks": mini["peaks"]}], **settings)
    result = run_snakemake(tmp_path, "-n", "--profile", str(ROOT / "profiles" / "slurm"))
    return _jobs(result.stdout + result.stderr)


def _resource(job, key):
    return int(re.search(rf"\b{key}=(\d+)", job["resources"]).group(1))


def _expected(rule, bases):
    """(mem_mb, runtime) of a first attempt, from the rates and margins in workflow/rules/resources.smk."""
    text = (ROOT / "workflow" / "rules" / "resources.smk").read_text()
    fixed_mb, per_mb, fixed_min, s_per_mb = (float(v) for v in re.search(
        rf'"{rule}": \(([\d.]+), ([\d.]+), ([\d.]+), ([\d.]+)\)', text).groups())
    memory = float(re.search(r"^MEMORY_MARGIN = ([\d.]+)", text, re.M).group(1))
    runtime = float(re.search(r"^RUNTIME_MARGIN = ([\d.]+)", text, re.M).group(1))
    overhead = int(re.search(r"^JOB_OVERHEAD_MB = (\d+)", text, re.M).group(1))
    return (math.ceil(memory * (fixed_mb + per_mb * bases / 1e6)) + overhead,
            math.ceil(runtime * (fixed_min + s_per_mb * bases / 1e6 / 60)))


def test_scan_jobs_are_sized_by_their_chromosome_and_extra_contigs_are_not_scanned(tmp_path, mini):
    jobs = _hg38_shaped(tmp_path, mini)
    scans = {re.search(r"chrom=([^,\s]+), strand=(\w+)", j["wildcards"]).groups(): j for j in jobs if j["rule"] == "scan_chrom"}
    assert sorted(scans) == [("chr1", "minus"), ("chr1", "plus"), ("chrY", "minus"), ("chrY", "plus")]
    for (chrom, _), job in scans.items():
        assert (_resource(job, "mem_mb"), _resource(job, "runtime")) == _expected("scan_chrom", HG38_SHAPED[chrom])
    chr1, chr_y = scans[("chr1", "plus")], scans[("chrY", "plus")]
    assert _resource(chr1, "runtime") > _resource(chr_y, "runtime") and _resource(chr1, "mem_mb") > _resource(chr_y, "mem_mb")


@pytest.mark.slow
def test_genome_wide_jobs_grow_with_the_genome_and_tracks_asks_two_threads(tmp_path, mini):
    large = {j["rule"]: j for j in _hg38_shaped(tmp_path / "hg38", mini)}
    write_config(tmp_path / "mini", mini["genome"], [{"sample": "s", "bigwig": mini["signal"], "peaks": mini["peaks"]}])
    dry = run_snakemake(tmp_path / "mini", "-n", "--profile", str(ROOT / "profiles" / "slurm"))
    small = {j["rule"]: j for j in _jobs(dry.stdout + dry.stderr)}
    for rule in ("prepare", "train", "tracks", "call", "boundaries", "evaluate"):  # the measured ones
        assert _resource(large[rule], "mem_mb") > _resource(small[rule], "mem_mb"), rule
        assert _resource(large[rule], "runtime") >= _resource(small[rule], "runtime"), rule
    assert large["tracks"]["threads"] == "2" and small["tracks"]["threads"] == "2"  # fits a 2-core node


def test_keeping_every_contig_scans_them_all(tmp_path, mini):
    jobs = _hg38_shaped(tmp_path, mini, prepare={"exclude_chroms": ["none"]}, scan={"split_strands": False})
    scanned = {re.search(r"chrom=([^,\s]+)", j["wildcards"]).group(1) for j in jobs if j["rule"] == "scan_chrom"}
    assert len(scanned) == len(HG38_SHAPED) and "chrEBV" in scanned


def test_every_job_of_a_whole_human_genome_fits_a_24_gb_node():
    import ast

    text = (ROOT / "workflow" / "rules" / "resources.smk").read_text()
    costs = ast.literal_eval(re.search(r"^JOB_COSTS = (\{.*?^\})", text, re.M | re.S).group(1))
    margin = float(re.search(r"^MEMORY_MARGIN = ([0-9.]+)", text, re.M).group(1))
    overhead = int(re.search(r"^JOB_OVERHEAD_MB = ([0-9]+)", text, re.M).group(1))
    per_chromosome = {"scan_chrom": 2 * 249, "variants_chrom": 249}  # chr1, both strands in one job at most
    for rule, (fixed, per_mb, _, _) in costs.items():
        megabases = per_chromosome.get(rule, 3_100)
        assert margin * (fixed + per_mb * megabases) + overhead <= 24_000, rule  # evaluate asked ~38 GB before
