"""The scan scheduler (scan.plan): stretches, jobs and their packing onto batch rows.

Exact chunk streaming rests on three promises checked here without a model: every
job's bases are visited once, in order, in chunks of at most ``chunk_size``; a row
continuing a job keeps its previous row's state (``keep``), and a row starting a job
starts fresh; the null windows are seeded, separated and lie inside the scanned
stretches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from scan_testlib import write_fasta

from gategenome.errors import ConfigError
from gategenome.io.fasta import Genome
from gategenome.scan.jobs import GenomeJob, NullJob
from gategenome.scan.plan import (
    batch_rows,
    genome_jobs,
    null_jobs,
    plan_chromosome,
    plan_steps,
    scan_segments,
    schedule_steps,
    unknown_runs,
)
from gategenome.scan.settings import ScanSettings


@dataclass(eq=False)
class FakeJob:
    name: str
    length: int


def _replay(jobs, batch_size, chunk_size):
    """Follow the schedule row by row; return each job's visited spans and the row states."""
    visits = {job.name: [] for job in jobs}
    previous = []
    for step in plan_steps(jobs, batch_size, chunk_size):
        assert len(step.keep) == len(step.pieces) <= batch_size
        assert step.length == max(end - start for _, start, end in step.pieces)
        for row, (job, start, end) in enumerate(step.pieces):
            assert 0 < end - start <= chunk_size
            spans = visits[job.name]
            if step.keep[row] >= 0:  # continues the job the previous step had in that row
                assert previous[step.keep[row]][0] is job and previous[step.keep[row]][2] == start
            else:  # a fresh row starts its job at 0
                assert start == 0 and not spans
            spans.append((start, end))
        previous = step.pieces
    return visits


@pytest.mark.parametrize("batch_size, chunk_size", [(1, 7), (3, 5), (4, 100), (16, 3)])
def test_every_job_is_visited_once_in_order(batch_size, chunk_size):
    rng = np.random.default_rng(batch_size * 100 + chunk_size)
    jobs = [FakeJob(f"j{i}", int(n)) for i, n in enumerate(rng.integers(1, 60, size=11))]
    visits = _replay(jobs, batch_size, chunk_size)
    for job in jobs:
        spans = visits[job.name]
        assert spans[0][0] == 0 and spans[-1][1] == job.length
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # contiguous, no base twice


def test_longest_jobs_start_first_and_rows_are_reused():
    jobs = [FakeJob("short", 3), FakeJob("long", 20), FakeJob("mid", 8)]
    steps = list(plan_steps(jobs, batch_size=2, chunk_size=4))
    assert [job.name for job, _, _ in steps[0].pieces] == ["long", "mid"]
    # "mid" ends after two steps; its row goes to "short" with a fresh state
    third = {job.name: keep for keep, (job, _, _) in zip(steps[2].keep, steps[2].pieces)}
    assert third["short"] == -1 and third["long"] >= 0
    assert sum(end - start for step in steps for _, start, end in step.pieces) == 31


def test_no_jobs_no_steps():
    assert list(plan_steps([], 4, 10)) == []


def test_genome_jobs_cover_each_stretch_on_each_strand():
    settings = ScanSettings(strands=["+", "-"])
    jobs = genome_jobs("c", [(0, 100), (300, 350)], settings)
    assert {(job.strand, job.start, job.end, job.out_start, job.out_end) for job in jobs} == {
        ("+", 0, 100, 0, 100), ("-", 0, 100, 0, 100), ("+", 300, 350, 300, 350), ("-", 300, 350, 300, 350),
    }


def test_segments_start_burn_in_early_in_scan_direction_and_keep_disjoint_outputs():
    settings = ScanSettings(strands=["+", "-"], segments=4, burn_in=10)
    jobs = genome_jobs("c", [(0, 100)], settings)
    for strand in "+-":
        mine = sorted((job for job in jobs if job.strand == strand), key=lambda job: job.out_start)
        kept = [(job.out_start, job.out_end) for job in mine]
        assert kept[0][0] == 0 and kept[-1][1] == 100 and all(a[1] == b[0] for a, b in zip(kept, kept[1:]))
        for job in mine:
            if strand == "+":  # reads left to right: the burn-in lies before the kept part
                assert job.end == job.out_end and job.start == max(0, job.out_start - 10)
            else:  # reverse complement: the burn-in lies after it
                assert job.start == job.out_start and job.end == min(100, job.out_end + 10)


def test_null_windows_are_seeded_separated_and_inside_the_stretches():
    pieces = [(0, 5_000), (8_000, 20_000)]
    settings = ScanSettings(null_fraction=0.5, null_window=3_000, null_burn_in=500, seed=3)
    jobs, length, gaps = null_jobs("chrX", pieces, settings)
    again, _, _ = null_jobs("chrX", pieces, settings)
    other, _, _ = null_jobs("chrY", pieces, settings)
    assert [(j.start, j.strand) for j in jobs] == [(j.start, j.strand) for j in again]  # reproducible
    assert [j.start for j in jobs] != [j.start for j in other]  # seeded per chromosome
    windows = len(jobs) // 2
    assert windows == 3  # ceil(0.5 * 17000 / 3000)
    assert length == windows * (3_000 - 500) + (windows - 1) and len(gaps) == windows - 1
    for job in jobs:
        assert isinstance(job, NullJob) and job.burn_in == 500
        assert any(s <= job.start and job.start + job.length <= e for s, e in pieces)
    # each window's kept bases end where the next separator begins
    offsets = sorted({job.out_offset for job in jobs})
    assert [offset + 2_500 for offset in offsets[:-1]] == [start for start, _ in gaps]


def test_no_null_when_fraction_is_zero():
    assert null_jobs("c", [(0, 10_000)], ScanSettings(null_fraction=0.0)) == ([], 0, [])


def test_unknown_runs_and_stretches_split_at_long_n_runs(tmp_path, monkeypatch):
    import gategenome.scan.plan as plan

    monkeypatch.setattr(plan, "_READ_BLOCK", 16)  # runs cross read blocks
    sequence = "ACGT" * 5 + "N" * 30 + "ACGTAC" + "NN" + "ACGT" * 3 + "n" * 12
    genome = Genome(write_fasta(tmp_path / "g.fa", {"c": sequence}))
    assert unknown_runs(genome, "c", 10) == [(20, 50), (70, 82)]
    assert unknown_runs(genome, "c", 1) == [(20, 50), (56, 58), (70, 82)]
    assert scan_segments(genome, "c", 10) == [(0, 20), (50, 70)]
    assert scan_segments(genome, "c", 10, region=(10, 60)) == [(10, 20), (50, 60)]
    plan_ = plan_chromosome(genome, "c", ScanSettings(n_reset=10, null_fraction=0.0))
    assert plan_.bases == 40 and len(plan_.jobs) == 4 and all(isinstance(job, GenomeJob) for job in plan_.jobs)


def test_null_burn_in_default_follows_the_window():
    assert ScanSettings().null_burn_in == 2000
    assert ScanSettings(null_window=1000).null_burn_in == 500
    with pytest.raises(ConfigError, match="null_burn_in"):
        ScanSettings(null_window=1000, null_burn_in=1000)


@pytest.mark.parametrize("rows, chunk_size", [(1, 7), (3, 5), (5, 100), (16, 3)])
def test_schedule_steps_is_the_number_of_planned_steps(rows, chunk_size):
    rng = np.random.default_rng(rows * 100 + chunk_size)
    jobs = [FakeJob(f"j{i}", int(n)) for i, n in enumerate(rng.integers(1, 200, size=13))]
    steps = list(plan_steps(jobs, rows, chunk_size))
    assert schedule_steps([job.length for job in jobs], rows, chunk_size) == len(steps)


def test_batch_rows_drops_rows_that_would_only_wait():
    # yeast-like: 16 chromosomes on two strands plus short null windows; the longest sets the steps
    chroms = [1_531_933, 1_090_940, 1_078_177, 948_066, 924_431, 813_184, 784_333, 745_751, 666_816, 576_874,
              562_643, 439_888, 316_620, 270_161, 230_218, 85_779]
    lengths = [n for n in chroms for _ in "+-"] + [50_000] * 40
    rows = batch_rows(lengths, 32, 8192)
    assert rows < 24
    assert schedule_steps(lengths, rows, 8192) == schedule_steps(lengths, 32, 8192) == 188
    assert schedule_steps(lengths, rows - 1, 8192) > 188  # the fewest such rows
    assert batch_rows([100] * 10, 4, 10) == 4  # every row needed
    assert batch_rows([1000, 10, 10], 8, 10) == 2  # the long job on one row, the short ones after each other
    assert batch_rows([], 8, 10) == 1
