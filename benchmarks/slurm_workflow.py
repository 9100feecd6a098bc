"""Wall time of the workflow through profiles/slurm on a local single-node cluster vs. a local run.

Runs the same small real-data config (tests/cluster: whole yeast genome, tiny
training, chrI and chrVI scanned) twice in fresh directories: ``snakemake --cores 2``
and ``snakemake --profile <profiles/slurm + local-cluster settings>``, then prints
both wall times, their ratio (the cost of sbatch, of the job-step snakemake in every
job and of status polling) and the SLURM job IDs per rule.

Needs root and slurm-wlm + munge (``.ci/setup-slurm.sh``); starts and stops its own
cluster (tests/cluster/localslurm.py).

    sudo .venv/bin/python benchmarks/slurm_workflow.py
"""

from __future__ import annotations

import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cluster"))

from clusterhelp import (  # noqa: E402
    checksums,
    jobs_by_rule,
    local_profile,
    run_snakemake,
    submissions,
    write_workflow_config,
)
from localslurm import LocalSlurm, unavailable_reason  # noqa: E402

YEAST = ROOT.parent / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"


def main() -> int:
    reason = unavailable_reason()
    if reason:
        print(f"slurm_workflow: {reason}", file=sys.stderr)
        return 1
    yeast = {"genome": YEAST / "sacCer3.fa", "signal": YEAST / "SRR1822137.coverage.bw",
             "peaks": YEAST / "SRR1822137.macs3_peaks.narrowPeak"}
    if not yeast["genome"].exists():
        print(f"slurm_workflow: yeast data not found at {YEAST}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the cluster, remove the directories
    common = ["--snakefile", str(ROOT / "Snakefile"), "--configfile", "config.yaml"]
    with tempfile.TemporaryDirectory(prefix="gg-slurm-bench-") as tmp, LocalSlurm() as cluster:
        tmp = Path(tmp)
        for name in ("local", "slurm"):
            write_workflow_config(tmp / name, yeast)
        local = run_snakemake([*common, "--cores", "2"], tmp / "local", cluster.env)
        slurm = run_snakemake([*common, "--profile", str(local_profile(tmp / "profile"))], tmp / "slurm", cluster.env)
        for label, run in (("local", local), ("slurm", slurm)):
            if run.returncode != 0:
                print(f"{label} run failed:\n{run.log[-3000:]}", file=sys.stderr)
                return 1
        by_rule = jobs_by_rule(cluster, [int(s["slurm_id"]) for s in submissions(slurm.log)])
        same = checksums(tmp / "local" / "results" / "yeast") == checksums(tmp / "slurm" / "results" / "yeast")
        print(f"cluster: 1 node, {cluster.cpus} CPUs, {cluster.memory_mb} MiB")
        print(f"local --cores 2      : {local.seconds:7.1f} s")
        print(f"SLURM profile        : {slurm.seconds:7.1f} s  ({sum(map(len, by_rule.values()))} jobs)")
        print(f"ratio SLURM / local  : {slurm.seconds / local.seconds:7.2f}")
        print(f"outputs identical    : {same}")
        for rule, jobs in by_rule.items():
            print(f"  {rule:12s} job IDs {', '.join(job['JobId'] for job in jobs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
