"""Crash consistency: every command that writes more than one file, killed with SIGKILL anywhere, then re-run.

Each command first writes an earlier complete result (other settings), then is
run with new settings in a forked child that is killed with SIGKILL: at every
publishing step (``GATEGENOME_CRASH_AT``, :mod:`gategenome.io.publish`) and
after random delays, at least 20 points in all.  After every kill the output
holds the earlier complete result, or, for a kill during the commit's renames,
the new complete one once the commit record is finished (what the next command
publishing there does first); the re-run then succeeds and its files equal an
uninterrupted run's, with no temporary left behind.

The commands that run torch (``variants``, ``explain``, ``design memory``,
``design reset``) and ``evaluate`` and ``export`` run in children forked by a
spawned interpreter that imported torch but never used it (torch's thread pools
hang in a child forked from a process that used them); ``export`` is also checked
at its hub swap, where the earlier hub and the new one trade places in one step.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import time
from pathlib import Path

import numpy as np
import pytest
import scan_fixture
from click.testing import CliRunner

import gategenome.io.publish as publish
from gategenome.cli.main import cli

POINTS = 20
_VOLATILE = ("second", "time", "started", "elapsed")


def _normalised(path: Path) -> str:
    """A file's SHA-256; JSON without run times (they differ between identical runs)."""
    data = path.read_bytes()
    if path.suffix == ".json":
        def strip(value):
            if isinstance(value, dict):
                return {k: strip(v) for k, v in value.items() if not any(word in k for word in _VOLATILE)}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value
        data = json.dumps(strip(json.loads(data)), sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def _state(root: Path, watched: list[str], hidden: bool = False) -> dict[str, str]:
    """The watched outputs under ``root`` (relative paths), visible files only unless ``hidden``."""
    state = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not any(str(relative) == w or str(relative).startswith(w) for w in watched):
            continue
        if not hidden and any(part.startswith(".") for part in relative.parts):
            continue
        state[str(relative)] = "<dir>" if path.is_dir() else _normalised(path)
    return state


def _hidden(root: Path, watched: list[str]) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*")
                  if any(str(p.relative_to(root)).startswith(w) for w in watched))


def _child(argv: list[str], crash_at: int | None) -> int:
    """Run ``gategenome argv`` in a forked child; its wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            if crash_at is not None:
                os.environ[publish.CRASH_VARIABLE] = str(crash_at)
            publish._steps[0] = 0
            result = CliRunner().invoke(cli, ["-q", *argv])
            code = result.exit_code
        finally:
            os._exit(code)
    return pid


def _wait(pid: int, kill_after: float | None = None, limit: float = 120.0) -> int:
    began = time.monotonic()
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        elapsed = time.monotonic() - began
        if (kill_after is not None and elapsed >= kill_after) or elapsed > limit:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.002)


def _steps_of(argv: list[str]) -> tuple[int, float]:
    """How many publishing steps a full run takes, and its duration (s)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        os.environ[publish.CRASH_VARIABLE] = str(10 ** 9)
        publish._steps[0] = 0
        result = CliRunner().invoke(cli, ["-q", *argv])
        os.write(write, f"{result.exit_code} {publish._steps[0]}".encode())
        os._exit(0)
    os.close(write)
    began = time.monotonic()
    _wait(pid)
    seconds = time.monotonic() - began
    code, steps = os.read(read, 100).decode().split()
    os.close(read)
    assert code == "0", argv
    return int(steps), seconds


def _scan_with_null(path: Path) -> Path:
    """A scan directory with null values and forget-gate dips of several depths (drops at several q-values)."""
    from scan_testlib import make_scan_dir

    rng = np.random.default_rng(9)
    sizes = {"chrA": 2_000, "chrB": 1_500}
    forget, null, access = {}, {}, {}
    for chrom, n in sizes.items():
        forget[chrom], null[chrom], access[chrom] = {}, {}, {}
        for strand in "+-":
            values = np.clip(0.9 + rng.normal(0, 0.05, n), 0, 1)
            for k, start in enumerate(range(300, n - 300, 500)):
                values[start:start + 20] = 0.1 + 0.08 * (k % 8)
            forget[chrom][strand] = values
            null[chrom][strand] = np.clip(0.9 + rng.normal(0, 0.05, 2_000), 0, 1)
            step = np.full(n, 0.2)
            for start in range(300, n - 300, 1000):
                step[start:start + 500] = 0.8
            access[chrom][strand] = step
    return make_scan_dir(path, sizes, forget, access, null)


def _shard(path: Path, chrom: str, length: int) -> Path:
    """A one-chromosome scan shard (both strands)."""
    from scan_testlib import make_scan_dir

    values = {"+": np.full(length, 0.9), "-": np.full(length, 0.8)}
    return make_scan_dir(path, {chrom: length}, {chrom: values}, null={chrom: values})


def _cases(root: Path) -> dict:
    """Command -> (earlier argv, new argv, watched outputs relative to root)."""
    import pysam

    scan = str(scan_fixture.build(root / "fixture")["scan"])
    called = str(_scan_with_null(root / "called"))
    fragments = root / "fragments.tsv"
    rows = sorted((c, s, s + int(w)) for c, n in scan_fixture.SIZES.items()
                  for s, w in zip(range(100, n - 400, 300), np.random.default_rng(3).integers(50, 300, 100)))
    fragments.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e in rows))
    genome = root / "genome.fa"
    rng = np.random.default_rng(5)
    genome.write_text("".join(f">{c}\n{''.join(rng.choice(list('ACGT'), n))}\n" for c, n in scan_fixture.SIZES.items()))
    parts = []
    for name in ("chrA", "chrB"):
        prefix = root / "parts" / name
        prefix.parent.mkdir(exist_ok=True)
        vcf = Path(f"{prefix}.vcf")
        vcf.write_text(f"##fileformat=VCFv4.2\n##contig=<ID={name}>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                       f"{name}\t10\t.\tA\tC\t.\t.\t.\n")
        pysam.tabix_index(str(vcf), preset="vcf", force=True)
        Path(f"{prefix}.tsv").write_text("chrom\tpos\nx\t10\n")
        Path(f"{prefix}.json").write_text(json.dumps({"counts": {"alleles": 1}, "drops": {}, "threshold": 0.5}))
        parts.append(str(prefix))
    shards = []
    for chrom, n in (("chrA", 3_000), ("chrB", 2_000)):
        shards.append(str(_shard(root / "shards" / chrom, chrom, n)))
    from scan_testlib import random_dna, write_bigwig, write_fasta

    sizes = {"chrA": 20_000, "chrB": 15_000, "chrC": 12_000}
    prepared_genome = write_fasta(root / "prepared.fa", {c: random_dna(n, rng) for c, n in sizes.items()})
    coverage = write_bigwig(root / "coverage.bw",
                            {c: np.where((np.arange(n) // 500) % 3 == 0, 20.0, 1.0) for c, n in sizes.items()})
    prepare = ["prepare", "--genome", str(prepared_genome), "--signal", str(coverage), "--out-dir", f"{root}/out/prep"]
    out = str(root / "out")
    return {
        "prepare": ([*prepare, "--threshold-factor", "1.5"], [*prepare, "--threshold-factor", "2"], ["out/prep"]),
        "gather": (["gather", "--out-dir", f"{out}/gather/scan", shards[0]],
                   ["gather", "--out-dir", f"{out}/gather/scan", *shards], ["out/gather"]),
        "call": (["call", "--scan-dir", called, "--out", f"{out}/call/drops.bed", "--fdr", "0.2"],
                 ["call", "--scan-dir", called, "--out", f"{out}/call/drops.bed", "--fdr", "0.01"], ["out/call"]),
        "boundaries": (["boundaries", "--scan-dir", called, "--out", f"{out}/b/b.bed", "--regions-out", f"{out}/b/r.bed",
                        "--no-signal-test", "--decoys", "1000", "--fdr", "0.2"],
                       ["boundaries", "--scan-dir", called, "--out", f"{out}/b/b.bed", "--regions-out", f"{out}/b/r.bed",
                        "--no-signal-test", "--decoys", "1000", "--fdr", "0.01"], ["out/b"]),
        "variants-gather": (["variants-gather", "--out", f"{out}/vg/g", parts[0]],
                            ["variants-gather", "--out", f"{out}/vg/g", *parts], ["out/vg"]),
        "signal": (["signal", "--genome", str(genome), "--fragments", str(fragments), "--no-call-peaks",
                    "--out-dir", f"{out}/signal"],
                   ["signal", "--genome", str(genome), "--fragments", str(fragments), "--no-call-peaks", "--tn5-shift",
                    "--out-dir", f"{out}/signal"], ["out/signal"]),
        "simulate": (["simulate", "--chroms", "1", "--length", "20000", "--seed", "1", "--out-dir", f"{out}/sim"],
                     ["simulate", "--chroms", "1", "--length", "20000", "--seed", "2", "--out-dir", f"{out}/sim"],
                     ["out/sim"]),
        "tracks": (["tracks", "--scan-dir", scan, "--out-dir", f"{out}/tracks", "--precision", "1",
                    "--workers", "1"],
                   ["tracks", "--scan-dir", scan, "--out-dir", f"{out}/tracks", "--precision", "3",
                    "--workers", "1"], ["out/tracks"]),
    }


CASES = ["call", "boundaries", "variants-gather", "signal", "simulate", "tracks", "gather", "prepare"]


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_a_command_killed_anywhere_leaves_the_earlier_result_or_the_new_one_and_reruns(tmp_path, name):
    earlier, new, watched = _cases(tmp_path)[name]
    assert CliRunner().invoke(cli, ["-q", *earlier]).exit_code == 0
    old_state = _state(tmp_path, watched)
    steps, seconds = _steps_of(new)
    new_state = _state(tmp_path, watched)
    assert new_state != old_state, "the two runs must differ for the check to mean anything"
    assert _hidden(tmp_path, watched) == []
    rng = random.Random(name)
    points = [("step", k) for k in range(1, steps + 1)]
    points += [("delay", rng.uniform(0, seconds)) for _ in range(max(0, POINTS - len(points)))]
    for kind, point in points:
        assert CliRunner().invoke(cli, ["-q", *earlier]).exit_code == 0  # the earlier complete result
        assert _state(tmp_path, watched) == old_state
        if kind == "step":
            status = _wait(_child(new, point))
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (name, point)
        else:
            _wait(_child(new, None), kill_after=point)
        after = _state(tmp_path, watched)
        if after not in (old_state, new_state):  # only a kill inside the commit's renames, which the next publisher finishes
            records = [p for p in tmp_path.rglob(".publish.*.commit")]
            assert records, (name, kind, point, sorted(set(after.items()) ^ set(old_state.items())))
            for record in records:
                publish.recover_commits(record.parent)
            assert _state(tmp_path, watched) == new_state, (name, kind, point)
        status = _wait(_child(new, None))
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (name, kind, point)
        assert _state(tmp_path, watched) == new_state, (name, kind, point)
        assert _hidden(tmp_path, watched) == [], (name, kind, point)
    assert len(points) >= POINTS


# Commands that run torch are killed in children of a spawned interpreter (a "zygote"): torch's thread
# pools hang in a child forked from a process that has used them, such as this one.  The zygote imports
# torch and gategenome but computes nothing; each run is a child it forks, which starts at once, so random
# delays fall inside the command, not in imports.
_ZYGOTE = """
import json, os, sys
import torch  # noqa: F401  (imported, never used here)
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot  # noqa: F401  (the plots of design and evaluate)
import Bio.SeqIO, pysam, pyBigWig, scipy.stats  # noqa: F401,E401
import gategenome.io.publish as publish
from gategenome.cli.main import cli
answer = os.fdopen(os.dup(1), "w", buffering=1)
null = os.open(os.devnull, os.O_WRONLY)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(null, 1)
            os.environ[publish.CRASH_VARIABLE] = str(request["crash_at"])
            publish._steps[0] = 0
            try:
                cli.main(["-q", *request["argv"]], prog_name="gategenome")
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
            answer.write(f"steps {publish._steps[0]}\\n")
            answer.flush()
        finally:
            os._exit(code)
    answer.write(f"pid {pid}\\n")
    answer.write(f"status {os.waitpid(pid, 0)[1]}\\n")
"""


class _Zygote:
    """A spawned interpreter that forks one ``gategenome`` run per request."""

    def __init__(self):
        import subprocess
        import sys

        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
        self.process = subprocess.Popen([sys.executable, "-c", _ZYGOTE], env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, bufsize=1)

    def run(self, argv: list[str], crash_at: int | None = None, kill_after: float | None = None) -> tuple[int, int]:
        """Run ``gategenome argv`` (SIGKILL at step ``crash_at`` or after ``kill_after`` s): wait status, steps."""
        self.process.stdin.write(json.dumps({"argv": argv, "crash_at": crash_at or 10 ** 9}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().split()
        assert line[0] == "pid", line
        if kill_after is not None:
            time.sleep(kill_after)
            try:
                os.kill(int(line[1]), signal.SIGKILL)  # still a zombie, if done: the zygote reaps it after this
            except ProcessLookupError:
                pass
        steps = -1
        while True:
            line = self.process.stdout.readline().split()
            if line[0] == "steps":
                steps = int(line[1])
            else:
                return int(line[1]), steps

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _spawned_cases(root: Path) -> dict:
    """Command -> (earlier argv, new argv, watched outputs relative to root): the torch commands and export."""
    import pysam
    from scan_testlib import small_model

    case = scan_fixture.build(root / "fixture")
    genome = scan_fixture.write_fasta(root / "genome.fa", {"chrA": 3_000, "chrB": 2_000})
    model = small_model(root / "model.pt", hidden_size=4, num_layers=1)
    vcf = root / "calls.vcf"
    rng = np.random.default_rng(4)
    sequence = {r.name: r.sequence for r in pysam.FastxFile(str(genome))}
    rows = sorted((c, int(p)) for c in sequence
                  for p in rng.choice(np.arange(50, len(sequence[c]) - 50), 6, replace=False))
    contigs = "".join(f"##contig=<ID={c},length={len(s)}>\n" for c, s in sequence.items())
    vcf.write_text("##fileformat=VCFv4.2\n" + contigs
                   + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   + "".join(f"{c}\t{p + 1}\t.\t{sequence[c][p]}\t{'C' if sequence[c][p] != 'C' else 'G'}\t.\t.\t.\n"
                             for c, p in rows))
    drops = root / "drops.bed"
    drops.write_text("chrA\t1000\t1010\tdrop_1\t500\t+\t0.5\t3\t2\t4\nchrB\t800\t812\tdrop_2\t400\t-\t0.4\t3\t2\t5\n")
    hub_genome = scan_fixture.write_fasta(root / "hub_genome.fa", scan_fixture.SIZES)
    scan_fixture.write_gate_tracks(case["scan"])
    out = root / "out"
    variants = ["variants", "--model", model, "--genome", genome, "--vcf", vcf, "--no-progress", "--device", "cpu",
                "--threads", "1", "--out", out / "variants" / "v"]
    explain = ["explain", "--model", model, "--genome", genome, "--drops", drops, "--no-progress", "--no-motifs",
               "--device", "cpu", "--threads", "1", "--top", "2", "--out-dir", out / "explain"]
    evaluate = ["evaluate", "--drops", case["drops"], "--scan-dir", case["scan"], "--regions", case["regions"],
                "--folds", case["folds"], "--replicates", "20", "--out-dir", out / "evaluate"]
    memory = ["design", "memory", "--reference", "--length", "300", "--count", "1", "--iterations", "2",
              "--proposals", "2", "--unit-max-k", "3", "--out-prefix", out / "memory" / "m"]
    reset = ["design", "reset", "--reference", "--element-length", "12", "--count", "1", "--iterations", "2",
             "--proposals", "2", "--out-prefix", out / "reset" / "r"]
    export = ["export", "--scan-dir", case["scan"], "--drops", case["drops"], "--genome", hub_genome,
              "--out-dir", out / "hub" / "hub"]
    cases = {
        "variants": ([*variants, "--threshold", "0.5"], [*variants, "--threshold", "0.7"], ["out/variants"]),
        "explain": ([*explain, "--flank", "8"], [*explain, "--flank", "12"], ["out/explain"]),
        "evaluate": ([*evaluate, "--seed", "1"], [*evaluate, "--seed", "2"], ["out/evaluate"]),
        "design-memory": ([*memory, "--seed", "1"], [*memory, "--seed", "2"], ["out/memory"]),
        "design-reset": ([*reset, "--seed", "1"], [*reset, "--seed", "2"], ["out/reset"]),
        "export": (export, [*export, "--signal", case["signal"]], ["out/hub"]),
    }
    return {name: ([str(a) for a in earlier], [str(a) for a in new], watched)
            for name, (earlier, new, watched) in cases.items()}


SPAWNED = ["variants", "explain", "evaluate", "design-memory", "design-reset", "export"]


def _finish_leftovers(root: Path) -> None:
    """What the next command writing there does first: finish commit records and interrupted hub swaps."""
    from gategenome.export.out_dir import finish_interrupted_swaps

    for record in list(root.rglob(".publish.*.commit")):
        publish.recover_commits(record.parent)
    for hub in root.rglob("hub"):
        if hub.parent.name == "hub":
            finish_interrupted_swaps(hub)


@pytest.fixture(scope="module")
def zygote():
    process = _Zygote()
    yield process
    process.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", SPAWNED)
def test_a_torch_command_killed_anywhere_leaves_the_earlier_result_or_the_new_one_and_reruns(tmp_path, name, zygote):
    import shutil

    earlier, new, watched = _spawned_cases(tmp_path)[name]
    top = tmp_path / watched[0]
    status, _ = zygote.run(earlier)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, name
    old_state = _state(tmp_path, watched)
    saved = tmp_path / "saved"
    shutil.copytree(top, saved, symlinks=True)
    began = time.monotonic()
    status, steps = zygote.run(new)
    seconds = time.monotonic() - began
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, name
    new_state = _state(tmp_path, watched)
    assert new_state != old_state, "the two runs must differ for the check to mean anything"
    assert _hidden(tmp_path, watched) == []
    rng = random.Random(name)
    points = [("step", k) for k in range(1, steps + 1)]
    points += [("delay", rng.uniform(0, seconds)) for _ in range(max(0, POINTS - len(points)))]
    for kind, point in points:
        shutil.rmtree(top)
        shutil.copytree(saved, top, symlinks=True)  # the earlier complete result
        assert _state(tmp_path, watched) == old_state
        if kind == "step":
            status, _ = zygote.run(new, crash_at=point)
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (name, point)
        else:
            zygote.run(new, kill_after=point)
        after = _state(tmp_path, watched)
        if after not in (old_state, new_state):  # only a kill inside the final renames, which the next run finishes
            _finish_leftovers(tmp_path)
            assert _state(tmp_path, watched) == new_state, (name, kind, point,
                                                            sorted(set(after.items()) ^ set(old_state.items())))
        status, _ = zygote.run(new)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (name, kind, point)
        assert _state(tmp_path, watched) == new_state, (name, kind, point)
        assert _hidden(tmp_path, watched) == [], (name, kind, point)
    assert len(points) >= POINTS
