"""BED and narrowPeak reading and writing, sorting and merging."""

from __future__ import annotations

import pytest

from gategenome.errors import InputError
from gategenome.io.bed import Interval, merge_intervals, read_bed, sort_intervals, write_bed


def test_bed_round_trip_and_narrowpeak(mini, tmp_path):
    peaks = read_bed(mini["peaks"], kind="peaks")
    assert len(peaks) == 25
    assert (peaks[0].chrom, peaks[0].start, peaks[0].end) == ("chrI", 28, 695)
    assert len(peaks[0].extra) == 4  # signalValue pValue qValue peak
    out = tmp_path / "copy.narrowPeak"
    assert write_bed(out, peaks, track_line="track name=copy") == 25
    again = read_bed(out)
    assert [(p.chrom, p.start, p.end, p.name, p.extra) for p in again] == [
        (p.chrom, p.start, p.end, p.name, p.extra) for p in peaks
    ]


def test_bed_gzip_comments_and_errors(tmp_path):
    import gzip

    path = tmp_path / "a.bed.gz"
    path.write_bytes(gzip.compress(b"# c\ntrack x\nchr1 5 9\n\nchr1\t1\t3\tn\t7\t+\n"))
    records = read_bed(path)
    assert records == [Interval("chr1", 5, 9), Interval("chr1", 1, 3, "n", 7.0, "+")]
    bad = tmp_path / "bad.bed"
    for line, message in [
        ("chr1\t9\t3\n", "start <= end"),
        ("chr1\t1\n", "chrom start end"),
        ("chr1\t1\t5\tn\t0\t*\n", "strand"),
    ]:
        bad.write_text("chr1\t0\t1\n" + line)
        with pytest.raises(InputError, match=rf"bad\.bed:2: .*{message}"):
            read_bed(bad)
    with pytest.raises(InputError, match="not found"):
        read_bed(tmp_path / "none.bed")


def test_sort_and_merge():
    ivs = [Interval("chrII", 0, 5), Interval("chrI", 10, 20), Interval("chrI", 18, 25), Interval("chrI", 30, 40)]
    assert [iv.chrom for iv in sort_intervals(ivs, ["chrI", "chrII"])] == ["chrI", "chrI", "chrI", "chrII"]
    assert merge_intervals(ivs) == [Interval("chrI", 10, 25), Interval("chrI", 30, 40), Interval("chrII", 0, 5)]
    assert merge_intervals(ivs, gap=5) == [Interval("chrI", 10, 40), Interval("chrII", 0, 5)]


def test_read_bed_columns_keeps_read_beds_coordinates_and_errors(mini, tmp_path):
    import gzip

    from gategenome.io.bed import read_bed_columns

    path = tmp_path / "a.bed.gz"
    path.write_bytes(gzip.compress(b"# c\ntrack x\nchr2 5 9\n\nchr1\t1\t3\tn\t7\t+\nchr2\t0\t4\n"))
    columns = read_bed_columns(path)
    assert (columns.count, columns.first_chrom, list(columns.starts)) == (3, "chr2", ["chr2", "chr1"])
    assert columns.starts["chr2"].tolist() == [5, 0] and columns.ends["chr2"].tolist() == [9, 4]
    peaks = read_bed(mini["peaks"], kind="peaks")
    columns = read_bed_columns(mini["peaks"], kind="peaks")
    assert columns.starts["chrI"].tolist() == [p.start for p in peaks]
    assert columns.ends["chrI"].tolist() == [p.end for p in peaks]
    bad = tmp_path / "bad.bed"
    for line in ["chr1\t9\t3\n", "chr1\t1\n", "chr1\t1\t5\tn\tx\t+\n", "chr1\t1\t5\tn\t0\t*\n", "chr1\ta\t5\n"]:
        bad.write_text("chr1\t0\t1\n" + line)
        with pytest.raises(InputError) as old:
            read_bed(bad, "peaks")
        with pytest.raises(InputError) as new:
            read_bed_columns(bad, "peaks")
        assert str(new.value) == str(old.value)
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="not a text peaks file"):
        read_bed_columns(bad, "peaks")
    with pytest.raises(InputError, match="not found"):
        read_bed_columns(tmp_path / "missing.bed", "peaks")
