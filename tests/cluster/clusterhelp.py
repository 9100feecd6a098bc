"""Helpers of the cluster tests: skip/fail policy, running snakemake on the local cluster, reading what SLURM recorded."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from localslurm import ACCOUNT, PARTITION, LocalSlurm, unavailable_reason

REPO = Path(__file__).resolve().parents[2]
#: The small real-data workflow config: whole yeast genome, tiny training, two chromosomes
#: scanned, one job per chromosome and strand.
CHROMS = ["chrI", "chrVI"]
STRANDS = ["plus", "minus"]
SCAN_THREADS = 1  # both scans run at once on a 2-CPU node
TRAIN_THREADS = 2
SUBMITTED = re.compile(r"Job (\d+) has been submitted with SLURM jobid (\d+)")

# Executor settings of a cluster without an accounting database, polled fast:
# sacct cannot answer there, squeue can because MinJobAge keeps finished jobs listed.
LOCAL_CLUSTER_SETTINGS = {
    "slurm-status-command": "squeue",
    "slurm-init-seconds-before-status-checks": 1,
    "seconds-between-status-checks": 1,
    "slurm-keep-successful-logs": True,
}
LOCAL_CLUSTER_ARGS = [
    arg
    for key, value in LOCAL_CLUSTER_SETTINGS.items()
    for arg in ([f"--{key}"] if value is True else [f"--{key}", str(value)])
]


def workflow_helpers():
    """tests/workflow/workflow_helpers.py (TINY training settings, write_config), imported from its folder."""
    folder = str(REPO / "tests" / "workflow")
    if folder not in sys.path:
        sys.path.append(folder)
    import workflow_helpers

    return workflow_helpers


def write_workflow_config(workdir: Path, yeast: dict[str, Path]) -> None:
    """Write ``config.yaml`` + ``samples.tsv`` in ``workdir``: yeast, TINY training, CHROMS scanned."""
    helpers = workflow_helpers()
    settings = {**helpers.TINY, "threads": {"train": TRAIN_THREADS, "scan": SCAN_THREADS},
                # the held-out folds are the scanned chromosomes, so evaluate has its test fold
                "prepare": {"valid_chroms": CHROMS[1:], "test_chroms": CHROMS[:1]},
                "scan": {"chroms": CHROMS, "exclude": [], "strand": "both", "split_strands": True}}
    helpers.write_config(workdir, yeast["genome"],
                         [{"sample": "yeast", "bigwig": yeast["signal"], "peaks": yeast["peaks"]}], **settings)


def local_profile(directory: Path) -> Path:
    """profiles/slurm plus what the local cluster needs: its account and partition, squeue for status, fast polling."""
    profile = yaml.safe_load((REPO / "profiles" / "slurm" / "config.yaml").read_text())
    profile["default-resources"] = {**(profile.get("default-resources") or {}),
                                    "slurm_account": ACCOUNT, "slurm_partition": PARTITION}
    profile.update(LOCAL_CLUSTER_SETTINGS)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.yaml").write_text(yaml.safe_dump(profile))
    return directory


def checksums(results: Path) -> dict[str, str]:
    """SHA-256 of a sample's drops.bed and scan arrays, by path relative to ``results``."""
    files = [results / "drops.bed", *sorted((results / "scan" / "chroms").glob("*.npy"))]
    return {str(p.relative_to(results)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def require_cluster() -> None:
    """Skip (or, under CI, fail) when a local cluster cannot be started here."""
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the SLURM tests but {reason}; .ci/setup-slurm.sh installs them", pytrace=False)
    pytest.skip(reason)


@dataclass
class SnakemakeRun:
    """One finished snakemake invocation."""

    returncode: int
    log: str
    seconds: float

    def slurm_jobs(self) -> list[int]:
        """SLURM job IDs this run submitted, in submission order."""
        return [int(m.group(2)) for m in SUBMITTED.finditer(self.log)]


def run_snakemake(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> SnakemakeRun:
    """Run ``python -m snakemake ARGS`` in ``cwd``; the venv's scripts (``gategenome``) come first on PATH."""
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    start = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return SnakemakeRun(res.returncode, res.stdout, time.perf_counter() - start)


def slurm_args(jobs: int = 8) -> list[str]:
    """Executor arguments for the local cluster when no profile is used."""
    return [
        "--executor", "slurm", "--jobs", str(jobs), "--latency-wait", "5",
        "--default-resources", f"slurm_account={ACCOUNT}", f"slurm_partition={PARTITION}",
        *LOCAL_CLUSTER_ARGS,
    ]


def jobs_by_rule(cluster: LocalSlurm, job_ids: list[int]) -> dict[str, list[dict[str, str]]]:
    """The given jobs' ``scontrol`` records grouped by the rule named in their comment."""
    known = cluster.jobs()
    grouped: dict[str, list[dict[str, str]]] = {}
    for jid in job_ids:
        job = known[jid]
        rule = re.match(r"rule_(.+?)(?:_wildcards_.*)?$", job["Comment"]).group(1)
        grouped.setdefault(rule, []).append(job)
    return grouped


def memory_mb(value: str) -> int:
    """``scontrol``'s MinMemoryNode (``3000M``, ``6G``) in MiB."""
    number, unit = float(value[:-1]), value[-1]
    return int(number * {"M": 1, "G": 1024, "T": 1024 * 1024}[unit])


def minutes(value: str) -> int:
    """``scontrol``'s TimeLimit (``01:00:00``, ``1-00:00:00``, ``00:05:00``) in whole minutes."""
    days, _, hms = value.rpartition("-")
    h, m, s = (int(x) for x in hms.split(":"))
    return (int(days or 0) * 24 + h) * 60 + m + (1 if s else 0)


def submissions(log: str) -> list[dict[str, str]]:
    """Each SLURM submission in a snakemake log with the job block printed just before it.

    Returns
    -------
    list of dict
        In submission order: ``slurm_id``, ``rule``, ``wildcards`` (may be empty),
        ``threads`` (``1`` when not printed) and the ``resources`` line as a dict.
    """
    blocks: dict[str, dict] = {}
    current: dict | None = None
    found = []
    for line in log.splitlines():
        header = re.match(r"(?:local)?rule (\w+):$", line)
        if header:
            current = {"rule": header.group(1), "wildcards": "", "threads": "1", "resources": {}}
            continue
        field = re.match(r"\s+(jobid|wildcards|threads|resources): (.*)$", line)
        if current is not None and field:
            key, value = field.groups()
            if key == "resources":
                value = dict(item.split("=", 1) for item in value.split(", ") if "=" in item)
            current[key] = value
            if key == "jobid":
                blocks[value] = current
            continue
        submitted = SUBMITTED.search(line)
        if submitted:
            found.append({**blocks[submitted.group(1)], "slurm_id": submitted.group(2)})
    return found
