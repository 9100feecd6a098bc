"""The throwaway cluster itself: it refuses to start unasked, runs jobs as requested, and stops only its own daemons."""

from __future__ import annotations

import os
import shutil

import localslurm
import pytest
from clusterhelp import memory_mb, minutes, require_cluster
from localslurm import LocalSlurm, _pid_alive


def test_refuses_without_root(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    reason = localslurm.unavailable_reason()
    assert reason is not None and "root" in reason
    with pytest.raises(RuntimeError, match="root"):
        LocalSlurm(root="/nonexistent/never-created").start()
    assert not os.path.exists("/nonexistent/never-created")


def test_refuses_without_packages(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None if name in ("munged", "slurmd") else f"/usr/bin/{name}")
    reason = localslurm.unavailable_reason()
    assert reason is not None and "munged, slurmd" in reason and "setup-slurm.sh" in reason


def test_ci_fails_instead_of_skipping(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the SLURM tests"):
        require_cluster()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="root"):
        require_cluster()


def test_parse_scontrol_oneliner():
    line = (
        "JobId=7 JobName=abc UserId=root(0) GroupId=root(0) MCS_label=N/A TimeLimit=01:00:00 "
        "NumCPUs=2 CPUs/Task=2 ReqB:S:C:T=0:0:*:* TRES=cpu=2,mem=3000M,node=1 MinMemoryNode=3000M "
        "Comment=rule_scan_chrom_wildcards_yeast_chrI  StdErr=/x/1.log Power="
    )
    job = localslurm._parse_oneliner(line)
    assert job["GroupId"] == "root(0) MCS_label=N/A"
    assert job["TRES"] == "cpu=2,mem=3000M,node=1"
    assert job["CPUs/Task"] == "2" and job["ReqB:S:C:T"] == "0:0:*:*"
    assert memory_mb(job["MinMemoryNode"]) == 3000 and minutes(job["TimeLimit"]) == 60
    assert job["Comment"] == "rule_scan_chrom_wildcards_yeast_chrI"
    assert minutes("1-02:03:00") == 26 * 60 + 3 and memory_mb("6G") == 6144


def test_job_gets_the_resources_it_asked_for(local_slurm, tmp_path):
    out = tmp_path / "job.out"
    jid = int(
        local_slurm.run(
            "sbatch", "--parsable", "--cpus-per-task", "2", "--mem", "123", "--time", "7", "-o", str(out),
            "--wrap", "srun -n1 sh -c 'echo $SLURM_CPUS_PER_TASK $SLURM_MEM_PER_NODE'",
        ).strip()
    )
    job = local_slurm.wait(jid)
    assert job["JobState"] == "COMPLETED", local_slurm.log_tail()
    assert (job["NumCPUs"], job["MinMemoryNode"], job["TimeLimit"]) == ("2", "123M", "00:07:00")
    assert out.read_text().split() == ["2", "123"]


def test_stop_ends_exactly_its_own_daemons(local_slurm):
    """A second cluster beside the session's one: stopping it leaves the first running."""
    other = LocalSlurm(cpus=1, memory_mb=256).start()
    pids, root = dict(other.pids), other.root
    assert set(pids) == {"munged", "slurmctld", "slurmd"}
    assert other.conf.read_text() != local_slurm.conf.read_text()  # own ports, own socket
    other.stop()
    assert not any(_pid_alive(pid) for pid in pids.values())
    assert not root.exists()
    assert all(_pid_alive(pid) for pid in local_slurm.pids.values())
    assert local_slurm.run("sinfo", "-h", "-N", "-o", "%T").strip() == "idle"
