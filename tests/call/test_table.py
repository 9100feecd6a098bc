"""Called drops as arrays: genome order, BED rows identical to one record per drop, small per drop."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from gategenome.call.table import WRITE_BLOCK, DropTable
from gategenome.io.bed import Interval, sort_intervals, write_bed


def _drops(starts, depths):
    starts = np.asarray(starts, dtype=np.int64)
    return SimpleNamespace(starts=starts, ends=starts + 5, summits=starts + 2,
                           depths=np.asarray(depths, dtype=np.float32))


def _tested(rng, n):
    tested = []
    for chrom in ("chrB", "chrA", "chrUn"):  # scan order differs from genome order
        for strand in "+-":
            starts = np.sort(rng.choice(10 * n, n, replace=False))
            starts[: n // 4] = starts[n // 4]  # ties: same start on both strands
            tested.append((chrom, strand, _drops(np.sort(starts), rng.random(n))))
    return tested


def _reference(tested, p, q, order):
    """One Interval per drop, sorted with io.bed's sort: what the call wrote before the arrays."""
    intervals, offset = [], 0
    for chrom, strand, drops in tested:
        for i in range(drops.starts.size):
            depth = float(drops.depths[i])
            start = int(drops.starts[i])
            intervals.append(Interval(chrom, start, int(drops.ends[i]), ".", int(np.clip(round(1000 * depth), 0, 1000)),
                                      strand, (f"{depth:.4f}", f"{0.0 - np.log10(p[offset + i]):.4f}",
                                               f"{0.0 - np.log10(q[offset + i]):.4f}", str(int(drops.summits[i]) - start))))
        offset += drops.starts.size
    return [Interval(iv.chrom, iv.start, iv.end, f"drop_{n}", iv.score, iv.strand, iv.extra)
            for n, iv in enumerate(sort_intervals(intervals, order), 1)]


def test_table_rows_match_one_record_per_drop_in_genome_order(tmp_path):
    rng = np.random.default_rng(3)
    tested = _tested(rng, 400)
    p = rng.random(2400)
    q = np.minimum(1.0, p * 2)
    table = DropTable.from_tested(tested, p, q, ["chrA", "chrB"])
    expected = _reference(tested, p, q, ["chrA", "chrB"])
    assert table.intervals() == expected and [iv.extra for iv in table.intervals()] == [iv.extra for iv in expected]
    assert table.chroms == ["chrA", "chrB", "chrUn"] and table.tested == 2400
    write_bed(tmp_path / "objects.bed", expected, track_line="track x")
    table.write_bed(tmp_path / "arrays.bed", track_line="track x")
    assert (tmp_path / "arrays.bed").read_bytes() == (tmp_path / "objects.bed").read_bytes()
    assert b"-0.0000" not in (tmp_path / "arrays.bed").read_bytes() and (q == 1.0).any()  # q = 1: 0.0000
    kept = table.subset(table.qvalues <= 0.5)
    assert len(kept) == int((q <= 0.5).sum()) and kept.tested == 2400
    rows = kept.chrom_rows("chrB")
    assert set(kept.chrom[rows].tolist()) == {1} and kept.chrom_rows("chrZ") == slice(0, 0)


def test_table_writes_across_blocks_and_holds_under_60_bytes_a_drop(tmp_path):
    n = WRITE_BLOCK + 123
    starts = np.arange(n, dtype=np.int64) * 10
    tested = [("c", "+", _drops(starts, np.full(n, 0.5)))]
    table = DropTable.from_tested(tested, np.full(n, 0.01), np.full(n, 0.02), ["c"])
    held = sum(getattr(table, name).nbytes for name in DropTable._ROWS)
    assert held / n < 60
    assert table.write_bed(tmp_path / "d.bed") == n
    lines = (tmp_path / "d.bed").read_text().splitlines()
    assert len(lines) == n and lines[-1].split("\t")[3] == f"drop_{n}"
    assert lines[WRITE_BLOCK].split("\t")[:4] == ["c", str(WRITE_BLOCK * 10), str(WRITE_BLOCK * 10 + 5), f"drop_{WRITE_BLOCK + 1}"]
