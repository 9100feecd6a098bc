"""A wheel built from the sdist carries the workflow, and runs it installed away from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from workflow_helpers import ROOT, TINY

pytestmark = pytest.mark.slow

#: Files of the workflow every wheel must carry, under gategenome/_workflow/.
WORKFLOW_FILES = ("Snakefile", "workflow/schemas/config.schema.yaml", "workflow/schemas/samples.schema.yaml",
                  "envs/gategenome.yaml", "profiles/default/config.yaml", "profiles/slurm/config.yaml",
                  "config/config.yaml", "config/dna.yaml", "workflow/report/evaluation.rst",
                  "workflow/report/motifs.rst")


def _python(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: int = 300) -> str:
    """Run this interpreter with ``args``; fail with its stderr unless it exits 0; return its stdout."""
    result = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built, without network, from the sdist of this checkout."""
    out, checkout = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("checkout")
    # built from a copy of the checkout's files, so the build leaves nothing (egg-info) in the checkout
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    name = _python("-c", "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
                   str(out), cwd=checkout).strip().splitlines()[-1]
    with tarfile.open(out / name) as sdist:
        sdist.extractall(out, filter="data")
    source = out / name.removesuffix(".tar.gz")
    _python("-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out),
            cwd=out)
    (built,) = out.glob("gategenome-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """The environment of a process that imports gategenome from the wheel installed outside the checkout."""
    target = tmp_path_factory.mktemp("site")
    _python("-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel), cwd=target)
    env = {key: value for key, value in os.environ.items() if key != "GATEGENOME_WORKFLOW"}
    env["PYTHONPATH"] = str(target)
    env["PATH"] = os.pathsep.join([str(target / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def test_wheel_carries_the_workflow(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in WORKFLOW_FILES:
        assert f"gategenome/_workflow/{name}" in names
    rules = {Path(name).name for name in names if name.startswith("gategenome/_workflow/workflow/rules/")}
    assert rules == {path.name for path in (ROOT / "workflow" / "rules").glob("*.smk")}
    assert not [name for name in names if "__pycache__" in name]
    # the igv.js review pages inline, with its licence
    assert {"gategenome/evaluate/static/igv.min.js", "gategenome/evaluate/static/igv.LICENSE"} <= names


@pytest.fixture(scope="module")
def workflow_run(installed, tmp_path_factory) -> Path:
    """A directory outside the checkout where the installed wheel simulated a genome and ran the workflow.

    The configuration is config/demo.yaml made small: two chromosomes of 60 kb, the tiny
    training of the workflow tests, no design; explain enabled, for the report's motif page.
    """
    workdir = tmp_path_factory.mktemp("run")
    _python("-m", "gategenome", "simulate", "--out-dir", "sim", "--seed", "1", "--chroms", "2", "--length", "60000",
            cwd=workdir, env=installed)
    (workdir / "samples.tsv").write_text("sample\tbigwig\tpeaks\ndemo\tsim/atac.bw\tsim/peaks.narrowPeak\n")
    config = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())
    config.update(TINY, genome="sim/genome.fa", samples="samples.tsv", design={"enabled": False},
                  explain={"enabled": True, "top": 20, "method": "ig"})
    (workdir / "small.yaml").write_text(yaml.safe_dump(config))
    _python("-m", "gategenome", "run", "--cores", "2", "--configfile", "small.yaml", cwd=workdir, env=installed)
    return workdir


def test_installed_wheel_runs_the_workflow_outside_the_checkout(installed, workflow_run):
    where = _python("-c", "import gategenome; print(gategenome.__file__)", cwd=workflow_run, env=installed).strip()
    assert Path(where).is_relative_to(installed["PYTHONPATH"]) and not Path(where).is_relative_to(ROOT)
    snakefile = _python("-m", "gategenome", "run", "--print-snakefile", cwd=workflow_run, env=installed).strip()
    assert Path(snakefile) == Path(where).parent / "_workflow" / "Snakefile"
    results = workflow_run / "results" / "demo"
    for name in ("drops.bed", "boundaries.bed", "region_calls.bed", "tracks/forget.plus.bw", "tracks/accessibility.bw",
                 "evaluation/report.html", "explain/motifs.html", "hub/hub.txt", "model/model.pt"):
        assert (results / name).is_file(), name
    assert not (results / "design").exists()


def test_report_holds_the_evaluation_and_motif_reports_with_captions(installed, workflow_run):
    _python("-m", "gategenome", "run", "--configfile", "small.yaml", "--report", "report.zip", cwd=workflow_run,
            env=installed)
    archive = zipfile.ZipFile(workflow_run / "report.zip")
    pages = {Path(name).name: archive.read(name) for name in archive.namelist() if name.startswith("report/data/raw/")}
    results = workflow_run / "results" / "demo"
    assert pages == {"report.html": (results / "evaluation" / "report.html").read_bytes(),
                     "motifs.html": (results / "explain" / "motifs.html").read_bytes()}
    index = archive.read("report/report.html").decode()
    assert "Evaluation of sample" in index and "Motif report of sample" in index  # workflow/report/*.rst
