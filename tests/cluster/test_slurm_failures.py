"""Failure handling through snakemake-executor-plugin-slurm on the local cluster, with a small Snakefile.

What is enforced where: the local cluster has no cgroups (TaskPlugin=task/none), so the
kernel caps nothing; SLURM itself enforces ``--mem`` (``JobAcctGatherType=jobacct_gather/linux``
samples each step's RSS every second and ``JobAcctGatherParams=OverMemoryKill`` kills a
step that passes its job's memory). CPUs are allocated (a job waits for free ones) but
not pinned; ``--time`` is enforced by slurmctld.
"""

from __future__ import annotations

import sys
import threading
import time

import pytest
from clusterhelp import jobs_by_rule, memory_mb, minutes, run_snakemake, slurm_args

pytestmark = pytest.mark.slow

SNAKEFILE = """
rule all:
    input: "out/hog.txt", "out/held.txt", "out/quick.txt"

# Holds 700 MiB (+ ~170 MiB of the job's own snakemake in the same step): over the
# first attempt's 600 MB, well under the retry's 1200 MB.
rule hog:
    output: "out/hog.txt"
    resources:
        mem_mb=lambda wildcards, attempt: 600 * attempt,
        runtime=lambda wildcards, attempt: 2 * attempt,
    shell:
        "{PYTHON} -c 'import time; b = bytes([1]) * (700 << 20); time.sleep(3)'"
        " && echo {resources.mem_mb} > {output}"

# Runs until the file `release` exists (fails after two minutes without it).
rule held:
    output: "out/held.txt"
    resources: mem_mb=400, runtime=5
    shell:
        "touch started; for i in $(seq 600); do [ -e release ] && break; sleep 0.2; done;"
        " [ -e release ] && echo $SLURM_JOB_ID > {output}"

rule quick:
    output: "out/quick.txt"
    resources: mem_mb=400, runtime=5
    shell: "echo $SLURM_JOB_ID > {output}"
"""


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "Snakefile").write_text(SNAKEFILE.replace("{PYTHON}", sys.executable))
    return tmp_path


def _cancel_when_started(cluster, workdir, cancelled: list[int], timeout: float = 120) -> None:
    """scancel the `held` job once its shell is running; release it instead if that never happens."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if (workdir / "started").exists():
                for jid, job in cluster.jobs().items():
                    if job.get("Comment") == "rule_held" and job["JobState"] == "RUNNING":
                        cluster.run("scancel", str(jid))
                        cancelled.append(jid)
                        return
            time.sleep(0.2)
    finally:
        if not cancelled:
            (workdir / "release").touch()  # let the run end; the test then fails on `cancelled`


def test_cancelled_job_fails_the_run_and_a_rerun_completes_it(local_slurm, workdir):
    cancelled: list[int] = []
    watcher = threading.Thread(target=_cancel_when_started, args=(local_slurm, workdir, cancelled))
    watcher.start()
    first = run_snakemake([*slurm_args(), "--retries", "0", "--keep-going", "out/held.txt", "out/quick.txt"],
                          workdir, local_slurm.env)
    watcher.join()
    assert len(cancelled) == 1, first.log
    jid = cancelled[0]
    assert first.returncode != 0
    assert f"SLURM-job '{jid}' failed, SLURM status is: 'CANCELLED'" in first.log
    assert not (workdir / "out/held.txt").exists()
    assert (workdir / "out/quick.txt").exists()  # --keep-going: the other job finished
    assert local_slurm.jobs()[jid]["JobState"] == "CANCELLED"

    (workdir / "release").touch()
    second = run_snakemake([*slurm_args(), "out/held.txt", "out/quick.txt"], workdir, local_slurm.env)
    assert second.returncode == 0, second.log
    rerun = jobs_by_rule(local_slurm, second.slurm_jobs())
    assert list(rerun) == ["held"]  # only the cancelled job ran again
    assert rerun["held"][0]["JobState"] == "COMPLETED"
    assert (workdir / "out/held.txt").read_text().strip() == rerun["held"][0]["JobId"]


def test_job_over_its_memory_is_killed_and_retried_with_the_attempt_scaled_request(local_slurm, workdir):
    run = run_snakemake([*slurm_args(), "--retries", "1", "out/hog.txt"], workdir, local_slurm.env)
    assert run.returncode == 0, run.log
    attempts = jobs_by_rule(local_slurm, run.slurm_jobs())["hog"]
    assert [a["JobState"] for a in attempts] == ["FAILED", "COMPLETED"], run.log
    assert [memory_mb(a["MinMemoryNode"]) for a in attempts] == [600, 1200]
    assert [minutes(a["TimeLimit"]) for a in attempts] == [2, 4]
    slurm_log = next((workdir / ".snakemake" / "slurm_logs").rglob(f"{attempts[0]['JobId']}.log")).read_text()
    assert "exceeded memory limit" in slurm_log
    assert (workdir / "out/hog.txt").read_text().strip() == "1200"
