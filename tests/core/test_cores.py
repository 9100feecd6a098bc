"""Free cores: the per-core busy time of /proc/stat, and the thread count training takes from it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import torch

from gategenome.core import cores

STAT = """cpu  {total}
cpu0 {cpu0} 0 0 {idle0} 0 0 0 0 0 0
cpu1 {cpu1} 0 0 {idle1} 0 0 0 0 0 0
cpu2 {cpu2} 0 0 {idle2} 0 0 0 0 0 0
intr 1 2 3
"""


def _stat(tmp_path, before: dict, after: dict, monkeypatch):
    """A /proc/stat whose per-core (user, idle) ticks go from ``before`` to ``after`` across the sample."""
    path = tmp_path / "stat"

    def write(ticks):
        path.write_text(STAT.format(total="0 0 0 0", **{f"cpu{n}": ticks[n][0] for n in range(3)},
                                    **{f"idle{n}": ticks[n][1] for n in range(3)}))

    write(before)
    monkeypatch.setattr(cores.time, "sleep", lambda seconds: write(after))
    return str(path)


def test_busy_cores_count_only_the_cores_this_process_may_use(tmp_path, monkeypatch):
    before = {0: (100, 100), 1: (100, 100), 2: (100, 100)}
    after = {0: (200, 100), 1: (110, 190), 2: (200, 100)}  # cpu0 and cpu2 busy, cpu1 a tenth busy
    path = _stat(tmp_path, before, after, monkeypatch)
    assert cores.busy_cores_elsewhere([0, 1], stat_path=path) == pytest.approx(1.1)
    path = _stat(tmp_path, before, after, monkeypatch)
    assert cores.busy_cores_elsewhere([1], stat_path=path) == pytest.approx(0.1)
    path = _stat(tmp_path, before, after, monkeypatch)
    assert cores.busy_cores_elsewhere([0, 1, 2], stat_path=path) == pytest.approx(2.1)


def test_an_unreadable_stat_file_measures_nothing(tmp_path):
    assert cores.busy_cores_elsewhere([0], seconds=0, stat_path=str(tmp_path / "missing")) is None
    (tmp_path / "odd").write_text("cpu0 a b c\n")
    assert cores.busy_cores_elsewhere([0], seconds=0, stat_path=str(tmp_path / "odd")) is None


@pytest.mark.parametrize(("busy", "most", "threads"), [
    (0.0, 2, 2), (0.2, 2, 2), (0.8, 2, 1), (1.0, 2, 1), (1.9, 2, 1), (4.0, 2, 1),  # never fewer than one
    (1.0, 1, 1), (1.0, 8, 7), (0.0, 4, 4), (None, 2, 2)])  # nothing measured: every thread
def test_threads_leave_out_one_per_core_that_other_work_holds(monkeypatch, busy, most, threads):
    monkeypatch.setattr(cores, "usable_cpus", lambda: list(range(max(most, 2))))
    monkeypatch.setattr(cores, "busy_cores_elsewhere", lambda cpus: busy)
    assert cores.free_core_threads(most) == threads


def test_a_busy_process_beside_this_one_is_measured(tmp_path):
    loop = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        measured = cores.busy_cores_elsewhere(seconds=0.5)
    finally:
        loop.kill()
        loop.wait()
    assert measured is not None and measured >= 0.75


def test_one_thread_needs_no_sample(monkeypatch):
    def measured(cpus):
        raise AssertionError("sampled /proc/stat for a single thread")

    monkeypatch.setattr(cores, "busy_cores_elsewhere", measured)
    assert cores.free_core_threads(1) == 1


def test_training_with_threads_zero_takes_the_free_cores(monkeypatch):
    from gategenome.train.config import TrainConfig
    from gategenome.train.loop import set_determinism

    before = torch.get_num_threads()
    monkeypatch.setattr(cores, "busy_cores_elsewhere", lambda cpus: 1.0)
    monkeypatch.setattr(cores, "usable_cpus", lambda: [0, 1])
    monkeypatch.setattr(torch, "get_num_threads", lambda: 2)
    chosen = []
    monkeypatch.setattr(torch, "set_num_threads", chosen.append)
    monkeypatch.setattr(torch, "set_num_interop_threads", lambda threads: None)
    set_determinism(TrainConfig(threads=0))
    assert chosen == [1]
    set_determinism(TrainConfig(threads=2))  # an explicit count is kept, however busy the machine
    assert chosen == [1, 2]
    monkeypatch.undo()
    assert torch.get_num_threads() == before
