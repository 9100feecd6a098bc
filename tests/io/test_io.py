"""Genome, bigWig and BED I/O, and chromosome-name matching."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest
from generated import write_bigwig

from gategenome.core.encode import one_hot
from gategenome.errors import InputError
from gategenome.io.atomic import atomic_directory
from gategenome.io.bed import Interval, merge_intervals, read_bed, sort_intervals, write_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.chroms import match_chromosomes, normalise_name
from gategenome.io.fasta import Genome, read_chrom_sizes, write_chrom_sizes


def test_genome_reads_real_chri(mini, tmp_path):
    fasta = tmp_path / "chrI.fa"
    shutil.copy(mini["genome"], fasta)
    with Genome(fasta) as genome:
        assert genome.sizes == read_chrom_sizes(mini["sizes"])
        sequence = genome.fetch("chrI")
        assert len(sequence) == genome.sizes["chrI"]
        # the left telomere repeat, and fetch of a slice agrees with the whole
        assert b"CCACACCCACAC" in sequence[:2000]
        assert genome.fetch("chrI", 1000, 1100) == sequence[1000:1100]
        with pytest.raises(InputError, match="chrII"):
            genome.fetch("chrII")
    assert (tmp_path / "chrI.fa.fai").exists()
    # the raw lines of the file, without newlines, are the sequence
    raw = b"".join(mini["genome"].read_bytes().split(b"\n")[1:])
    assert raw == sequence
    assert one_hot(sequence, dtype=np.uint8).sum() == len(sequence)  # chrI has no N


def test_genome_keeps_soft_masking(tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">a\nACGTnnacgt\nAC\n>b desc\nGG\n")
    with Genome(fasta) as genome:
        assert genome.sizes == {"a": 12, "b": 2}
        assert genome.fetch("a", 4, 10) == b"nnacgt"


def test_chrom_sizes_round_trip(tmp_path):
    path = tmp_path / "g.sizes"
    with open(path, "w") as handle:
        write_chrom_sizes({"chrI": 10, "chrM": 5}, handle)
    assert read_chrom_sizes(path) == {"chrI": 10, "chrM": 5}
    path.write_text("chrI\tten\n")
    with pytest.raises(InputError, match=r"g\.sizes:1"):
        read_chrom_sizes(path)


def test_signal_nan_is_zero_and_counted(tmp_path, caplog):
    path = write_bigwig(tmp_path / "s.bw", [("chr1", 100)], [("chr1", 10, 20, 2.5), ("chr1", 50, 60, 1.0)])
    track = SignalTrack(path, {"chr1": 100})
    values = track.values("chr1", 0, 100)
    assert values.dtype == np.float32 and values.shape == (100,)
    assert values[10:20].tolist() == [2.5] * 10 and values[50:60].tolist() == [1.0] * 10
    assert values.sum() == pytest.approx(35.0)
    assert track.nan_count == 80
    track.values("chr1", 0, 30, count_nan=False)
    assert track.nan_count == 80
    assert track.values("chr1", 5, 5).shape == (0,)
    with caplog.at_level(logging.INFO, logger="gategenome"):
        track.close()
    assert "80 base(s) without data" in caplog.text


def test_signal_real_chri_matches_readme(mini):
    with SignalTrack(mini["signal"], {"chrI": 230218}) as track:
        values = track.values("chrI", 0, 230218)
        assert values.max() == 135  # README: maximum 135
        assert int((values > 0).sum()) == 144826  # README: 144,826 bases covered


def test_signal_missing_chromosome_reads_zero_with_warning(tmp_path, caplog):
    path = write_bigwig(tmp_path / "s.bw", [("chrI", 100)], [("chrI", 0, 10, 1.0)])
    with caplog.at_level(logging.WARNING, logger="gategenome"):
        track = SignalTrack(path, {"chrI": 100, "chrII": 50})
    assert track.missing == ["chrII"]
    assert "chrII" in caplog.text
    assert not track.values("chrII", 0, 50).any()
    track.close()


@pytest.mark.parametrize(
    "names, aliases",
    [
        (["chrI", "chrII"], ["I", "II"]),
        (["chrM"], ["MT"]),
        (["chrM"], ["chrMT"]),
        (["MT"], ["chrM"]),
        (["chr1", "chrX"], ["1", "X"]),
        (["1"], ["chr1"]),
    ],
)
def test_alias_matching(names, aliases):
    mapping = match_chromosomes(
        {n: 100 + i for i, n in enumerate(names)}, {a: 100 + i for i, a in enumerate(aliases)}, "x.bw"
    )
    assert mapping == dict(zip(names, aliases))


def test_alias_matching_prefers_exact_and_checks_length():
    assert match_chromosomes({"chrI": 5}, {"I": 5, "chrI": 5}, "x") == {"chrI": "chrI"}
    assert normalise_name("chr1") != normalise_name("chr11")
    assert normalise_name("chrI") != normalise_name("chrII")
    with pytest.raises(InputError, match="x.bw: chromosome I has length 4"):
        match_chromosomes({"chrI": 5}, {"I": 4}, "x.bw")


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


def test_atomic_directory_new_and_failure(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), atomic_directory(out) as staging:
        (staging / "x.txt").write_text("1")
        raise RuntimeError("boom")
    assert not (tmp_path / "a").exists(), "parents created for the failed run are removed"
    with atomic_directory(out) as staging:
        (staging / "x.txt").write_text("1")
        assert not out.exists()
    assert (out / "x.txt").read_text() == "1"
    assert [p.name for p in out.parent.iterdir()] == ["out"]


@pytest.mark.parametrize("content", [">a\n", ">a\nACGTACGT\nACG\nACGTACGT\n"], ids=["no-sequence", "ragged-lines"])
def test_unindexable_fasta_is_a_clean_error(tmp_path, content):
    fasta = tmp_path / "bad.fa"
    fasta.write_text(content)
    with pytest.raises(InputError, match=r"bad\.fa: cannot build a FASTA index"):
        Genome(fasta)


def test_name_lookup_prefers_exact_names_then_the_first_alias():
    from gategenome.io.chroms import name_lookup

    lookup = name_lookup(["chrI", "I", "chrM", "2"])
    assert lookup("I") == "I" and lookup("chrI") == "chrI" and lookup("CHRI") == "chrI"
    assert lookup("MT") == "chrM" and lookup("chr2") == "2" and lookup("chrX") is None
