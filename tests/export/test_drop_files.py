"""export.drop_files: the drops as bigBed 6+4 and as bgzipped, tabix-indexed BED."""

from __future__ import annotations

import gzip

import pyBigWig
import pysam
import scan_fixture


def _expected_drops() -> list[tuple]:
    order = list(scan_fixture.SIZES)
    return sorted(scan_fixture.drops(), key=lambda r: (order.index(r[0]), r[1], r[2]))


def test_bigbed_opens_with_pybigwig_and_holds_every_drop(hub):
    bb = pyBigWig.open(str(hub / "toy1" / "drops.bb"))
    assert bb.isBigBed()
    assert b"signalValue" in bb.SQL() and b"peak" in bb.SQL()
    got = []
    for chrom, length in bb.chroms().items():
        for start, end, rest in bb.entries(chrom, 0, length) or []:
            got.append((chrom, start, end, *rest.split("\t")))
    expected = [(r[0], r[1], r[2], r[3], str(r[4]), r[5], *(str(v) for v in r[6:])) for r in _expected_drops()]
    assert sorted(got) == sorted(expected)


def test_tabix_bed_is_sorted_and_indexed(hub):
    path = hub / "toy1" / "drops.bed.gz"
    with open(path, "rb") as handle:
        assert handle.read(4)[:2] == b"\x1f\x8b"
    lines = [line.split("\t") for line in gzip.open(path, "rt").read().splitlines()]
    assert [(f[0], int(f[1])) for f in lines] == [(r[0], r[1]) for r in _expected_drops()]
    tabix = pysam.TabixFile(str(path))
    hits = list(tabix.fetch("chrA", 5000, 9000))
    assert [h.split("\t")[3] for h in hits] == ["drop2", "drop3"]
