"""Free CPU cores: how many threads a command can run without queueing behind other work.

torch's OpenMP threads spin at the end of each parallel region before they
sleep.  When another process holds one of the cores, the thread scheduled beside
it waits for its time slice while the others spin, and every small operation of
the LSTM pays for it: on two cores a training beside one busy loop ran 3.6x
slower than alone with two threads, where one thread costs less than 2x.  So
the thread count is taken from the cores that are free when the command starts:
the per-core busy time of ``/proc/stat`` over a short sample, on the cores this
process may run on (its affinity set, as a SLURM or ``taskset`` cpuset gives it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

#: Seconds of ``/proc/stat`` sampled to measure the other processes' load.
SAMPLE_SECONDS = 0.2
#: A core counts as taken when other work keeps it busy more than this fraction of the sample.
TAKEN_FRACTION = 0.75
_PROC_STAT = "/proc/stat"


def usable_cpus() -> list[int]:
    """The CPU numbers this process may run on (its affinity set; every CPU where there is none)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _cpu_times(cpus: Iterable[int], stat_path: str) -> tuple[int, int]:
    """Busy and total jiffies summed over ``cpus`` (the ``cpuN`` lines of ``/proc/stat``)."""
    wanted = {f"cpu{number}" for number in cpus}
    busy = total = 0
    with open(stat_path, encoding="ascii") as stat:
        for line in stat:
            fields = line.split()
            if not fields or fields[0] not in wanted:
                continue
            ticks = [int(value) for value in fields[1:9]]  # user nice system idle iowait irq softirq steal
            idle = ticks[3] + ticks[4]
            busy += sum(ticks) - idle
            total += sum(ticks)
    return busy, total


def busy_cores_elsewhere(cpus: list[int] | None = None, seconds: float = SAMPLE_SECONDS,
                         stat_path: str = _PROC_STAT) -> float | None:
    """Cores of ``cpus`` kept busy by other processes over a ``seconds`` sample.

    Parameters
    ----------
    cpus
        CPU numbers to measure (default: :func:`usable_cpus`).
    seconds
        Length of the sample; this process sleeps through it, so its own work
        does not count.
    stat_path
        The kernel's CPU accounting file.

    Returns
    -------
    float or None
        Busy cores (0 to ``len(cpus)``), or None where ``/proc/stat`` cannot be read.
    """
    cpus = usable_cpus() if cpus is None else cpus
    try:
        busy_before, total_before = _cpu_times(cpus, stat_path)
        time.sleep(seconds)
        busy_after, total_after = _cpu_times(cpus, stat_path)
    except (OSError, ValueError, IndexError):
        return None
    elapsed = total_after - total_before
    if elapsed <= 0:
        return None
    return len(cpus) * (busy_after - busy_before) / elapsed


def free_core_threads(most: int, busy_cores: float | None = None) -> int:
    """Threads to use: ``most``, less one for each core other work holds.

    Parameters
    ----------
    most
        The thread count on an idle machine (torch's default: its physical cores).
    busy_cores
        Cores busy elsewhere (default: measured now with :func:`busy_cores_elsewhere`).

    Returns
    -------
    int
        Between 1 and ``most``.
    """
    if most <= 1:  # nothing to leave out: no sample taken
        return 1
    cpus = usable_cpus()
    if busy_cores is None:
        busy_cores = busy_cores_elsewhere(cpus)
    if busy_cores is None:
        return most
    taken = int(busy_cores + (1 - TAKEN_FRACTION))
    return max(1, min(most, len(cpus) - taken))
