"""Helpers for running the Snakefile in a scratch directory (imported by the workflow tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SNAKEFILE = ROOT / "Snakefile"

#: Tiny model and training: enough to exercise every stage in seconds.
TINY = {
    "model": {"hidden_size": 8},
    "train": {"window": 1024, "batch_size": 4, "epochs": 1, "steps_per_epoch": 2, "warmup_steps": 1,
              "eval_segment": 65536, "eval_burn_in": 0, "patience": 0},
    "threads": {"train": 1, "scan": 1},
    "device": "cpu",
    # Every tested drop is reported (a tiny model's drops rarely pass a real FDR):
    # these tests check the plumbing, not the calls.
    "call": {"fdr": 1.0},
    "design": {"length": 200, "count": 1, "iterations": 1, "proposals": 2, "unit_max_k": 2},
    "evaluate": {"replicates": 50, "distances": "100"},
}


def snakemake_env() -> dict[str, str]:
    """The environment of a workflow run: this interpreter's scripts first on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def snakemake_command(workdir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE), "--directory", str(workdir),
            "--configfile", str(workdir / "config.yaml"), *args]


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run snakemake on the workflow in ``workdir`` (its config.yaml); return the finished process."""
    result = subprocess.run(snakemake_command(workdir, *args), env=snakemake_env(), capture_output=True,
                            text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def write_config(workdir: Path, genome: Path, samples: list[dict], **settings) -> Path:
    """Write ``workdir/config.yaml`` and ``workdir/samples.tsv``."""
    workdir.mkdir(parents=True, exist_ok=True)
    columns = ["sample", "bigwig", "peaks"]
    columns += [key for key in ("fragments", "bam", "barcodes", "replicate") if any(key in row for row in samples)]
    lines = ["\t".join(columns)] + ["\t".join(str(row.get(c, "")) for c in columns) for row in samples]
    (workdir / "samples.tsv").write_text("\n".join(lines) + "\n")
    config = {"genome": str(genome), "samples": str(workdir / "samples.tsv"), **settings}
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    return workdir / "config.yaml"
