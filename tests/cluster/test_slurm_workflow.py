"""The gategenome workflow through profiles/slurm on the local cluster, against a local run of the same config.

Real data: the whole yeast genome for prepare and (tiny) training, two chromosomes
scanned (one job per chromosome and strand). One scan job is cancelled while it runs; the profile's ``retries: 1``
resubmits it with the rule's attempt-scaled memory and runtime, and the run still
ends with outputs identical to the local ``--cores 2`` run.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from clusterhelp import (
    CHROMS,
    REPO,
    SCAN_THREADS,
    STRANDS,
    TRAIN_THREADS,
    checksums,
    jobs_by_rule,
    local_profile,
    memory_mb,
    minutes,
    run_snakemake,
    submissions,
    write_workflow_config,
)
from localslurm import ACCOUNT, PARTITION

pytestmark = pytest.mark.slow

CANCELLED = {"chrom": "chrI", "strand": "plus"}  # the scan shard cancelled while it runs


def _cancel_scan_when_running(cluster, log: Path, cancelled: list[int], stop: threading.Event) -> None:
    """scancel the first job of the CANCELLED scan shard once gategenome scan is running in it (its log exists)."""
    wanted = f"rule_scan_chrom_wildcards_yeast_{CANCELLED['chrom']}_{CANCELLED['strand']}"
    while not stop.is_set():
        if log.exists():
            for jid, job in cluster.jobs().items():
                if job.get("Comment") == wanted and job["JobState"] == "RUNNING":
                    cluster.run("scancel", str(jid))
                    cancelled.append(jid)
                    return
        time.sleep(0.1)


@pytest.fixture(scope="module")
def runs(local_slurm, yeast, tmp_path_factory):
    """The same config run locally (--cores 2) and through the SLURM profile, with one scan job cancelled."""
    local_dir, slurm_dir = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("slurm")
    for workdir in (local_dir, slurm_dir):
        write_workflow_config(workdir, yeast)
    common = ["--snakefile", str(REPO / "Snakefile"), "--configfile", "config.yaml"]
    local = run_snakemake([*common, "--cores", "2"], local_dir, local_slurm.env)
    assert local.returncode == 0, local.log[-5000:]

    profile = local_profile(tmp_path_factory.mktemp("profile"))
    cancelled: list[int] = []
    stop = threading.Event()
    scan_log = slurm_dir / "results" / "yeast" / "logs" / "scan" / f"{CANCELLED['chrom']}.{CANCELLED['strand']}.log"
    watcher = threading.Thread(target=_cancel_scan_when_running, args=(local_slurm, scan_log, cancelled, stop))
    watcher.start()
    try:
        slurm = run_snakemake([*common, "--profile", str(profile)], slurm_dir, local_slurm.env)
    finally:
        stop.set()
        watcher.join()
    assert slurm.returncode == 0, slurm.log[-5000:]
    print(f"\nwall time: local --cores 2 {local.seconds:.1f} s, SLURM {slurm.seconds:.1f} s")
    return {"local": local, "local_dir": local_dir, "slurm": slurm, "slurm_dir": slurm_dir, "cancelled": cancelled}


def test_every_rule_ran_as_slurm_jobs(runs, local_slurm):
    local_rules = set(re.findall(r"^(?:local)?rule (\w+):", runs["local"].log, re.M)) - {"all"}
    submitted = submissions(runs["slurm"].log)
    by_rule = jobs_by_rule(local_slurm, [int(s["slurm_id"]) for s in submitted])
    print("SLURM job IDs per rule:", {rule: [int(j["JobId"]) for j in jobs] for rule, jobs in by_rule.items()})
    assert set(by_rule) == local_rules
    assert set(re.findall(r"^localrule (\w+):", runs["slurm"].log, re.M)) == {"all"}  # only `all` ran here
    for rule, jobs in by_rule.items():
        assert jobs[-1]["JobState"] == "COMPLETED", (rule, jobs[-1])
        assert all(job["Partition"] == PARTITION and job["Account"] == ACCOUNT for job in jobs)


def test_one_scan_job_per_chromosome_with_the_declared_resources(runs, local_slurm):
    submitted = submissions(runs["slurm"].log)
    known = local_slurm.jobs()
    for sub in submitted:
        job = known[int(sub["slurm_id"])]
        declared = sub["resources"]
        assert int(job["NumCPUs"]) == int(sub["threads"]), (sub, job["NumCPUs"])
        assert memory_mb(job["MinMemoryNode"]) == int(declared["mem_mb"]), (sub, job["MinMemoryNode"])
        assert minutes(job["TimeLimit"]) == int(declared["runtime"]), (sub, job["TimeLimit"])
    scans = [s for s in submitted if s["rule"] == "scan_chrom"]
    first_attempts = {(_wildcards(s)["chrom"], _wildcards(s)["strand"]): s for s in reversed(scans)}
    assert sorted(first_attempts) == sorted((c, s) for c in CHROMS for s in STRANDS)
    assert len({s["slurm_id"] for s in first_attempts.values()}) == len(CHROMS) * len(STRANDS)  # separate jobs
    for sub in first_attempts.values():
        assert int(sub["threads"]) == SCAN_THREADS
        assert known[int(sub["slurm_id"])]["NumCPUs"] == str(SCAN_THREADS)
    train = next(s for s in submitted if s["rule"] == "train")
    assert known[int(train["slurm_id"])]["NumCPUs"] == str(TRAIN_THREADS)


def test_cancelled_scan_is_reported_and_retried_with_attempt_scaled_resources(runs, local_slurm):
    assert len(runs["cancelled"]) == 1, "the scan job was never seen running"
    jid = runs["cancelled"][0]
    assert f"SLURM-job '{jid}' failed, SLURM status is: 'CANCELLED'" in runs["slurm"].log
    attempts = [s for s in submissions(runs["slurm"].log)
                if s["rule"] == "scan_chrom" and CANCELLED.items() <= _wildcards(s).items()]
    assert [int(s["slurm_id"]) for s in attempts][0] == jid and len(attempts) == 2
    states = [local_slurm.jobs()[int(s["slurm_id"])] for s in attempts]
    assert [j["JobState"] for j in states] == ["CANCELLED", "COMPLETED"]
    first, second = (int(s["resources"]["mem_mb"]) for s in attempts)
    assert second == 2 * first  # scan_chrom declares mem_mb = 3000 * attempt
    assert [memory_mb(j["MinMemoryNode"]) for j in states] == [first, second]
    assert [minutes(j["TimeLimit"]) for j in states] == [int(s["resources"]["runtime"]) for s in attempts]


def test_outputs_identical_to_the_local_run(runs):
    local = checksums(runs["local_dir"] / "results" / "yeast")
    slurm = checksums(runs["slurm_dir"] / "results" / "yeast")
    assert len(local) > 1  # drops.bed and the scan arrays
    assert slurm == local


def _wildcards(submission: dict) -> dict[str, str]:
    """The ``wildcards:`` line of a job block as a dict."""
    return dict(item.split("=", 1) for item in submission["wildcards"].split(", ") if "=" in item)
