"""A throwaway single-node SLURM cluster for testing the workflow's SLURM profile.

Everything lives in one temporary directory: ``slurm.conf`` (this host as the
controller and the only compute node, with its CPUs and memory), a fresh MUNGE
key, a private ``munged`` on its own socket, and the state, spool and log
directories of ``slurmctld`` and ``slurmd``. Daemon ports are picked free at
start, so a system SLURM or MUNGE on the same machine is never touched. The
client commands (``sbatch``, ``squeue``, ``scontrol``, ``srun``) find this
cluster through ``SLURM_CONF``; see :attr:`LocalSlurm.env`.

Stopping cancels this cluster's jobs, then ends exactly the daemons this object
started (by the PIDs it recorded), and removes the directory unless asked to keep it.

The cluster needs root (the daemons run as root) and the Debian packages
``slurm-wlm`` and ``munge``; :func:`unavailable_reason` says why it cannot run.

As a script it starts a cluster for trying the SLURM profile by hand::

    sudo .venv/bin/python tests/cluster/localslurm.py up /tmp/gg-cluster
    export SLURM_CONF=/tmp/gg-cluster/slurm.conf
    ...
    sudo .venv/bin/python tests/cluster/localslurm.py down /tmp/gg-cluster
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUIRED_PROGRAMS = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo", "srun")
PARTITION = "local"
ACCOUNT = "local"
_PIDS_FILE = "pids.json"
_ACTIVE_STATES = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING"}


def unavailable_reason() -> str | None:
    """Why a local cluster cannot be started here, or None when it can.

    Returns
    -------
    str or None
        A one-line reason (not root, or which programs are missing), else None.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "starting a local SLURM cluster needs root (its daemons run as root)"
    missing = [p for p in REQUIRED_PROGRAMS if shutil.which(p) is None]
    if missing:
        return (
            f"SLURM/MUNGE programs not installed: {', '.join(missing)} "
            "(apt-get install slurm-wlm munge, or run .ci/setup-slurm.sh)"
        )
    return None


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _node_memory_mb(fraction: float = 0.9, floor: int = 16384) -> int:
    """MiB of memory the node offers: 90% of MemTotal, but at least ``floor``.

    The floor lets a small CI machine still accept the workflow's requests (a retried
    scan job asks for 6000 MB); the config says ``SlurmdParameters=config_overrides`` so
    slurmd takes the configured size instead of draining the node. Only what jobs really
    use counts against their request (see ``JobAcctGatherParams=OverMemoryKill``).
    """
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                return max(floor, int(int(line.split()[1]) / 1024 * fraction))
    raise RuntimeError("MemTotal not found in /proc/meminfo")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child still answers kill(0); treat it as gone
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class LocalSlurm:
    """A single-node SLURM cluster in a temporary directory.

    Parameters
    ----------
    root : path, optional
        Directory for config, key, state and logs; a new temporary directory when None.
    cpus : int, optional
        CPUs the node offers; all of this machine's when None.
    memory_mb : int, optional
        Memory the node offers (MiB); 90% of MemTotal (at least 16 GiB) when None.
    keep : bool
        Keep ``root`` after :meth:`stop` (for reading the daemons' logs).
    """

    def __init__(
        self, root: str | Path | None = None, cpus: int | None = None, memory_mb: int | None = None, keep: bool = False
    ) -> None:
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="gg-slurm-"))
        self.cpus = cpus or os.cpu_count() or 1
        self.memory_mb = memory_mb or _node_memory_mb()
        self.keep = keep
        self.node = socket.gethostname().split(".")[0]
        self.pids: dict[str, int] = {}
        self._procs: dict[str, subprocess.Popen] = {}

    # -- paths -----------------------------------------------------------------
    @property
    def conf(self) -> Path:
        """Path of this cluster's ``slurm.conf``."""
        return self.root / "slurm.conf"

    @property
    def env(self) -> dict[str, str]:
        """The current environment with ``SLURM_CONF`` pointing at this cluster and its ``bin/`` first on PATH.

        ``bin/srun`` sets ``SLURM_CONF`` again before running the real ``srun``: the
        SLURM jobstep executor removes every ``SLURM_*`` variable but the job's identity
        from the environment of the ``srun`` it starts inside a job, so without it that
        ``srun`` would look for ``/etc/slurm/slurm.conf`` (another cluster, or none).
        """
        path = f"{self.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        return {**os.environ, "SLURM_CONF": str(self.conf), "PATH": path}

    # -- lifecycle -------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> "LocalSlurm":
        """Write the config, start munged, slurmctld and slurmd, and wait for the node to be idle."""
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self.root.mkdir(parents=True, exist_ok=True)
        # munged wants its socket directory traversable by everyone and nothing writable by others
        os.chmod(self.root, 0o755)
        for sub in ("munge", "state", "spool", "log"):
            (self.root / sub).mkdir(exist_ok=True)
            os.chmod(self.root / sub, 0o755)
        key = self.root / "munge" / "munge.key"
        with open(key, "wb") as fh:
            fh.write(os.urandom(1024))
        os.chmod(key, 0o400)
        (self.root / "plugstack.conf").write_text("")
        self._write_conf()
        self._write_srun_wrapper()
        try:
            munge = self.root / "munge"
            self._spawn(
                "munged",
                [
                    "munged", "--foreground",
                    f"--socket={munge / 'munge.socket'}", f"--key-file={key}",
                    f"--log-file={munge / 'munged.log'}", f"--pid-file={munge / 'munged.pid'}",
                    f"--seed-file={munge / 'munged.seed'}",
                ],
            )
            self._wait(lambda: (munge / "munge.socket").exists(), timeout, "munged socket")
            self._spawn("slurmctld", ["slurmctld", "-D", "-f", str(self.conf)])
            self._spawn("slurmd", ["slurmd", "-D", "-f", str(self.conf), "-N", self.node])
            self._wait(self._node_idle, timeout, f"node {self.node} idle")
        except BaseException:
            self.stop()
            raise
        self._save_pids()
        return self

    def stop(self) -> None:
        """Cancel this cluster's jobs, end exactly the daemons started here, remove ``root`` unless kept."""
        if not self.pids:
            return
        if self.pids.get("slurmctld") and _pid_alive(self.pids["slurmctld"]):
            self._cancel_all_jobs()
        for name in ("slurmd", "slurmctld", "munged"):
            pid = self.pids.pop(name, None)
            if pid is not None:
                self._terminate(name, pid)
        self._procs.clear()
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
        else:
            (self.root / _PIDS_FILE).unlink(missing_ok=True)

    def __enter__(self) -> "LocalSlurm":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- queries ---------------------------------------------------------------
    def run(self, *args: str, check: bool = True) -> str:
        """Run a SLURM client command against this cluster and return its stdout."""
        res = subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=30)
        if check and res.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({res.returncode}): {res.stderr.strip()}")
        return res.stdout

    def jobs(self) -> dict[int, dict[str, str]]:
        """Every job the controller remembers (MinJobAge keeps finished ones), by job ID.

        Returns
        -------
        dict
            Job ID -> ``scontrol show job`` fields (``JobName``, ``JobState``, ``NumCPUs``,
            ``MinMemoryNode``, ``TimeLimit``, ``Comment``, ...).
        """
        out = self.run("scontrol", "show", "job", "--oneliner", check=False)
        jobs = {}
        for line in out.splitlines():
            fields = _parse_oneliner(line)
            if "JobId" in fields:
                jobs[int(fields["JobId"])] = fields
        return jobs

    def wait(self, job_id: int, timeout: float = 60.0) -> dict[str, str]:
        """Wait until a job has ended (any final state) and return its ``scontrol`` record."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.jobs().get(job_id)
            if job is not None and job["JobState"] not in _ACTIVE_STATES:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job and job['JobState']} after {timeout:.0f} s")
            time.sleep(0.2)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of each daemon's log, for error messages."""
        parts = []
        for path in sorted((self.root / "log").glob("*")) + [self.root / "munge" / "munged.log"]:
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"== {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    # -- internals -------------------------------------------------------------
    def _write_conf(self) -> None:
        ctld_port, d_port = _free_ports(2)
        r = self.root
        self.conf.write_text(
            f"""# throwaway single-node cluster (tests/cluster/localslurm.py)
ClusterName=gglocal
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={r / 'munge' / 'munge.socket'}
StateSaveLocation={r / 'state'}
SlurmdSpoolDir={r / 'spool'}
SlurmctldPidFile={r / 'slurmctld.pid'}
SlurmdPidFile={r / 'slurmd.pid'}
SlurmctldLogFile={r / 'log' / 'slurmctld.log'}
SlurmdLogFile={r / 'log' / 'slurmd.log'}
PlugStackConfig={r / 'plugstack.conf'}
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MinJobAge=86400
ReturnToService=2
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} RealMemory={self.memory_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes={self.node} Default=YES MaxTime=INFINITE State=UP
"""
        )

    def _write_srun_wrapper(self) -> None:
        bindir = self.root / "bin"
        bindir.mkdir(exist_ok=True)
        wrapper = bindir / "srun"
        wrapper.write_text(
            "#!/bin/sh\n# srun against the local cluster even where SLURM_CONF was removed from the environment\n"
            f"SLURM_CONF={self.conf} exec {shutil.which('srun')} \"$@\"\n"
        )
        wrapper.chmod(0o755)

    def _spawn(self, name: str, argv: list[str]) -> None:
        out = open(self.root / "log" / f"{name}.out", "ab")
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env, start_new_session=True
        )
        out.close()
        self._procs[name] = proc
        self.pids[name] = proc.pid
        time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited at start ({proc.returncode}):\n{self.log_tail()}")

    def _wait(self, ready, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            for name, proc in self._procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited ({proc.returncode}) waiting for {what}:\n{self.log_tail()}")
            time.sleep(0.3)
        raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}:\n{self.log_tail()}")

    def _node_idle(self) -> bool:
        res = subprocess.run(
            ["sinfo", "-h", "-N", "-o", "%T"], env=self.env, capture_output=True, text=True, timeout=10
        )
        return res.returncode == 0 and res.stdout.strip() == "idle"

    def _cancel_all_jobs(self, timeout: float = 20.0) -> None:
        active = ",".join(sorted(_ACTIVE_STATES))
        try:
            ids = self.run("squeue", "-h", "-o", "%i", "-t", active, check=False).split()
            if not ids:
                return
            self.run("scancel", *ids, check=False)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self.run("squeue", "-h", "-o", "%i", "-t", active, check=False).split():
                time.sleep(0.5)
        except (subprocess.TimeoutExpired, OSError):
            pass

    def _terminate(self, name: str, pid: int, timeout: float = 15.0) -> None:
        proc = self._procs.get(name)
        if proc is None and str(self.root) not in _cmdline(pid):
            return  # not ours any more (PID reused): leave it alone
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None:
                if proc.poll() is not None:
                    return
            elif not _pid_alive(pid):
                return
            time.sleep(0.1)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        if proc is not None:
            proc.wait(5)

    def _save_pids(self) -> None:
        (self.root / _PIDS_FILE).write_text(json.dumps(self.pids))

    @classmethod
    def attach(cls, root: str | Path) -> "LocalSlurm":
        """The cluster that ``localslurm.py up ROOT`` started, from its recorded PIDs."""
        self = cls(root, cpus=1, memory_mb=1)
        self.pids = json.loads((self.root / _PIDS_FILE).read_text())
        self.keep = True
        return self


def _parse_oneliner(line: str) -> dict[str, str]:
    """Split one ``scontrol show job --oneliner`` line into its Key=Value fields (values may hold spaces)."""
    fields: dict[str, str] = {}
    key = None
    for token in line.split(" "):
        if "=" in token and token.split("=", 1)[0].replace("/", "").replace(":", "").isalnum():
            key, value = token.split("=", 1)
            fields[key] = value
        elif key is not None:
            fields[key] += " " + token
    return {k: v.strip() for k, v in fields.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start or stop a throwaway single-node SLURM cluster (needs root).")
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("up", help="start a cluster in ROOT and print the SLURM_CONF to export")
    up.add_argument("root")
    up.add_argument("--cpus", type=int, default=None)
    up.add_argument("--memory-mb", type=int, default=None)
    down = sub.add_parser("down", help="cancel its jobs and stop the daemons recorded in ROOT")
    down.add_argument("root")
    args = parser.parse_args(argv)
    if args.action == "up":
        reason = unavailable_reason()
        if reason:
            print(f"localslurm: {reason}", file=sys.stderr)
            return 1
        cluster = LocalSlurm(args.root, cpus=args.cpus, memory_mb=args.memory_mb, keep=True).start()
        print(f"export SLURM_CONF={cluster.conf}   # partition {PARTITION}, {cluster.cpus} CPUs, {cluster.memory_mb} MiB")
        return 0
    cluster = LocalSlurm.attach(args.root)
    cluster.stop()
    print(f"stopped the cluster in {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
