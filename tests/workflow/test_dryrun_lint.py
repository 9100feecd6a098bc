"""Dry runs: the SLURM profile lists one scan job per chromosome and strand with resources; lint is clean."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
import yaml
from workflow_helpers import ROOT, run_snakemake, snakemake_env, write_config


def _jobs(output: str) -> list[dict[str, str]]:
    """Parse the dry-run job blocks: rule name, wildcards, threads and resources lines."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", output):
        header = re.match(r"(?:local)?rule (\w+):", block)
        if not header:
            continue
        job = {"rule": header.group(1)}
        for key in ("wildcards", "threads", "resources"):
            found = re.search(rf"^\s+{key}: (.*)$", block, re.M)
            if found:
                job[key] = found.group(1)
        jobs.append(job)
    return jobs


def test_slurm_profile_dry_run_lists_per_chromosome_and_strand_scan_jobs(tmp_path, yeast):
    write_config(tmp_path, yeast["genome"], [{"sample": "yeast", "bigwig": yeast["signal"], "peaks": yeast["peaks"]}],
                 blacklist=str(ROOT / "config" / "sacCer3.blacklist.bed"), scan={"exclude": ["chrM"]})
    result = run_snakemake(tmp_path, "-n", "--profile", str(ROOT / "profiles" / "slurm"))
    output = result.stdout + result.stderr
    jobs = _jobs(output)
    scans = [job for job in jobs if job["rule"] == "scan_chrom"]
    shards = sorted(re.search(r"chrom=([^,\s]+), strand=(\w+)", job["wildcards"]).groups() for job in scans)
    names = [line.split("\t")[0] for line in yeast["sizes"].read_text().splitlines() if line.strip()]
    assert shards == sorted((name, strand) for name in names if name != "chrM" for strand in ("plus", "minus"))
    for job in scans:
        assert job["threads"] == "2"
        assert re.search(r"mem_mb=\d+", job["resources"]) and re.search(r"runtime=\d+", job["resources"])
    train = next(job for job in jobs if job["rule"] == "train")
    assert "gpu=0" in train["resources"] and "runtime=240" in train["resources"]  # profile's set-resources
    assert [job["rule"] for job in jobs].count("train") == 1
    assert {"prepare", "gather", "tracks", "call"} <= {job["rule"] for job in jobs}


def test_lint_is_clean(mini_workdir):
    result = run_snakemake(mini_workdir, "--lint")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


@pytest.mark.parametrize("scatter", [False, True])
def test_lint_finds_nothing_with_the_demo_config_and_every_optional_rule(tmp_path, scatter):
    """``snakemake --lint`` over config/demo.yaml (on a small simulated genome), with the optional rules on."""
    subprocess.run([sys.executable, "-m", "gategenome", "simulate", "--out-dir", "demo", "--chroms", "2",
                    "--length", "20000"], cwd=tmp_path, env=snakemake_env(), capture_output=True, check=True)
    shutil.copytree(ROOT / "config", tmp_path / "config")
    vcf = tmp_path / "calls.vcf.gz"
    vcf.write_text("##fileformat=VCFv4.2\n")
    (tmp_path / "calls.vcf.gz.tbi").write_text("")
    (tmp_path / "optional.yaml").write_text(yaml.safe_dump({
        "variants": [str(vcf)], "variants_scatter": scatter, "explain": {"enabled": True},
        "dna_model": {"enabled": True}, "resets": {"enabled": True},
        "review": {"enabled": True}}))
    result = subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--lint",
                             "--configfile", "config/demo.yaml", "optional.yaml"],
                            cwd=tmp_path, env=snakemake_env(), capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Lints for" not in output, output[-4000:]
    assert "Congratulations, your workflow is in a good condition!" in output
    dry = subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "-n", "--quiet",
                          "rules", "--configfile", "config/demo.yaml", "optional.yaml"],
                         cwd=tmp_path, env=snakemake_env(), capture_output=True, text=True, timeout=300,
                         check=False)
    assert dry.returncode == 0, (dry.stdout + dry.stderr)[-4000:]
    assert "review" in dry.stdout and "multiqc_files" in dry.stdout, dry.stdout[-4000:]


def test_variants_list_gives_one_job_per_vcf_and_sample(tmp_path, mini):
    vcfs = []
    for name in ("calls.vcf.gz", "gwas snps.vcf"):
        path = tmp_path / name
        path.write_text("##fileformat=VCFv4.2\n")
        vcfs.append(str(path))
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}], variants=vcfs)
    result = run_snakemake(tmp_path, "-n", "-p")
    output = result.stdout + result.stderr
    jobs = [job for job in _jobs(output) if job["rule"] == "variants"]
    assert sorted(re.search(r"vcf=([^,]+)", job["wildcards"]).group(1).strip() for job in jobs) == ["calls", "gwas snps"]
    assert "--vcf '" + vcfs[1] + "'" in output  # paths are quoted


def test_variants_scatter_gives_one_job_per_chromosome_and_a_gather(tmp_path, yeast):
    vcf = tmp_path / "gwas snps.vcf.gz"
    vcf.write_text("##fileformat=VCFv4.2\n")
    (tmp_path / "gwas snps.vcf.gz.tbi").write_text("")
    write_config(tmp_path, yeast["genome"], [{"sample": "s1", "bigwig": yeast["signal"], "peaks": yeast["peaks"]}],
                 variants=[str(vcf)], variants_scatter=True, scan={"exclude": ["chrM"]})
    result = run_snakemake(tmp_path, "-n", "-p")
    output = result.stdout + result.stderr
    jobs = _jobs(output)
    assert "variants" not in {job["rule"] for job in jobs}
    chroms = [job for job in jobs if job["rule"] == "variants_chrom"]
    names = [line.split("\t")[0] for line in yeast["sizes"].read_text().splitlines() if line.strip()]
    assert len(names) == 17 and "chrM" in names  # every chromosome of the genome, also one not scanned
    assert sorted(re.search(r"chrom=([^,\s]+)", job["wildcards"]).group(1) for job in chroms) == sorted(names)
    gathers = [job for job in jobs if job["rule"] == "variants_gather"]
    assert len(gathers) == 1 and "vcf=gwas snps" in gathers[0]["wildcards"]
    for name in names:  # each part is scored with --chrom and joined in genome order, paths quoted
        assert f"--chrom {name}" in output
    parts = " ".join(f"'results/s1/variants/gwas snps.parts/{name}'" for name in names)
    assert f"gategenome variants-gather --out 'results/s1/variants/gwas snps' {parts}" in output


def test_explain_enabled_gives_one_job_per_sample_linked_from_the_evaluation(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 explain={"enabled": True, "top": 50, "method": "ig"})
    result = run_snakemake(tmp_path, "-n", "-p")
    output = result.stdout + result.stderr
    jobs = [job for job in _jobs(output) if job["rule"] == "explain"]
    assert len(jobs) == 1 and "sample=s1" in jobs[0]["wildcards"]
    assert "gategenome explain --model 'results/s1/model/model.pt'" in output or \
        "gategenome explain --model results/s1/model/model.pt" in output
    assert "--config results/s1/config/explain.yaml" in output  # the explain section, as explain's settings file
    assert "top: 50" in output and "method: ig" in output
    assert "--explain-report results/s1/explain/motifs.html" in output


def test_explain_of_counts_reads_the_samples_peaks(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"], "peaks": mini["peaks"]},
                                            {"sample": "s2", "bigwig": mini["signal"]}],
                 explain={"enabled": True, "target": "counts", "model_part": "bias"})
    result = run_snakemake(tmp_path, "-n", "-p")
    output = result.stdout + result.stderr
    assert len([job for job in _jobs(output) if job["rule"] == "explain"]) == 2
    assert re.search(rf"gategenome explain --model '?results/s1/model/model.pt'? .* --drops '?{mini['peaks']}'?",
                     output)
    assert re.search(r"--drops '?results/s2/prepare/accessible.bed'?", output)  # no peaks: prepare's regions
    assert "target: counts" in output and "model_part: bias" in output


def test_explain_is_off_by_default(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}])
    result = run_snakemake(tmp_path, "-n", "-p")
    output = result.stdout + result.stderr
    assert not [job for job in _jobs(output) if job["rule"] == "explain"]
    assert "--explain-report" not in output


def test_dna_model_is_trained_and_read_by_design_when_enabled(tmp_path, mini):
    samples = [{"sample": "s1", "bigwig": mini["signal"]}]
    write_config(tmp_path, mini["genome"], samples, dna_model={"enabled": True, "train": {"epochs": 2}})
    output = "\n".join(run_snakemake(tmp_path, "-n", "-p").stdout.splitlines())
    rules = [job["rule"] for job in _jobs(output)]
    assert rules.count("train_dna") == 1 and rules.count("train") == 1
    design = re.search(r"gategenome design memory --model (\S+)", output)
    assert design and design.group(1).strip("'") == "results/s1/model_dna/model.pt"
    train_dna = re.search(r"gategenome train --genome \S+ --regions .*--out (\S+)", output)
    assert train_dna and "model_dna/model.pt" in train_dna.group(1) and "--signal" not in train_dna.group(0)
    assert "epochs: 2" in output and "inputs: dna\n" in output  # the recipe overlaid with the override


def test_dna_model_is_off_by_default(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}])
    output = run_snakemake(tmp_path, "-n", "-p").stdout
    assert "train_dna" not in [job["rule"] for job in _jobs(output)]
    assert re.search(r"gategenome design memory --model '?results/s1/model/model.pt", output)


@pytest.mark.slow
def test_resets_enabled_designs_for_the_gate_model_in_genomic_context(tmp_path, mini):
    samples = [{"sample": "s1", "bigwig": mini["signal"]}]
    write_config(tmp_path, mini["genome"], samples, dna_model={"enabled": True},
                 resets={"enabled": True, "contexts": 120, "reset_shuffles": 4})
    output = "\n".join(run_snakemake(tmp_path, "-n", "-p").stdout.splitlines())
    jobs = [job for job in _jobs(output) if job["rule"] == "resets"]
    assert len(jobs) == 1 and "sample=s1" in jobs[0]["wildcards"]
    command = next(line for line in output.splitlines() if "gategenome design reset" in line)
    assert "--model results/s1/model_dna/model.pt" in command or "--model 'results/s1/model_dna/model.pt'" in command
    for part in ("--boundaries", "results/s1/drops.bed", "--accessible", "results/s1/prepare/accessible.bed",
                 "--element-length 30", "--config results/s1/config/resets.yaml"):
        assert part in command
    settings = output.split("rule resets:")[1]  # the resets section, written as design reset's settings file
    assert "contexts: 120" in settings and "reset_shuffles: 4" in settings
    disabled = tmp_path / "off"
    disabled.mkdir()
    write_config(disabled, mini["genome"], samples)
    assert "design reset" not in run_snakemake(disabled, "-n", "-p").stdout


@pytest.mark.parametrize("igv_js", [None, "igv.min.js"])
def test_review_reads_every_replicate_and_inlines_the_shipped_igv_js_unless_given(tmp_path, mini, igv_js):
    fragments = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    rows = []
    for label in ("r1", "r2", "r3"):
        copy = tmp_path / f"{label}.bedpe.gz"
        shutil.copy(fragments, copy)
        rows.append({"sample": "chrI", "fragments": copy, "replicate": label})
    review = {"enabled": True}
    if igv_js:
        (tmp_path / igv_js).write_text("// another igv.js\n")
        review["igv_js"] = str(tmp_path / igv_js)
    write_config(tmp_path, mini["genome"], rows, review=review)
    result = run_snakemake(tmp_path, "-n", "-p", "results/chrI/review.html")
    output = result.stdout + result.stderr
    command = next(line for line in output.splitlines() if "gategenome review" in line)
    for label in ("r1", "r2", "r3"):
        assert f"--replicate-boundaries {label}=results/chrI/replicates/{label}/boundaries.bed" in command
    if igv_js:
        assert f"--igv-js {tmp_path / igv_js}" in command
    else:
        assert "--igv-js" not in command
