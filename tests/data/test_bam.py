"""Fragments from a paired-end BAM made here from the chrI fragments: the same signal, filters counted."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyBigWig
import pysam
import pytest

from gategenome.data.bam import read_bam_fragments
from gategenome.data.fragments import FragmentCounts
from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal
from gategenome.errors import InputError

READ = 36


def _pair(header, name, chrom, start, end, mapq=60, extra_flag=0, proper=True):
    """The two mates of a fragment [start, end): read 1 forward at start, read 2 reverse ending at end."""
    length = min(READ, end - start)
    reads = []
    for first in (True, False):
        read = pysam.AlignedSegment(header)
        read.query_name = name
        read.reference_name = chrom
        read.reference_start = start if first else end - length
        read.next_reference_name = chrom
        read.next_reference_start = end - length if first else start
        read.query_sequence = "A" * length
        read.query_qualities = pysam.qualitystring_to_array("I" * length)
        read.cigartuples = [(0, length)]
        read.mapping_quality = mapq
        read.flag = (1 | (2 if proper else 0) | (32 | 64 if first else 16 | 128)) | extra_flag
        read.template_length = (end - start) if first else -(end - start)
        reads.append(read)
    return reads


def write_bam(path: Path, sizes: dict[str, int], pairs, index=True, single_end=False) -> Path:
    header = pysam.AlignmentHeader.from_dict({"HD": {"VN": "1.6", "SO": "unsorted"},
                                              "SQ": [{"SN": n, "LN": ln} for n, ln in sizes.items()]})
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for number, (chrom, start, end, kwargs) in enumerate(pairs):
            reads = _pair(header, f"f{number}", chrom, start, end, **kwargs)
            if single_end:
                reads[0].flag, reads = 0, reads[:1]
            for read in reads:
                out.write(read)
    pysam.sort("-o", str(path), str(unsorted))
    unsorted.unlink()
    if index:
        pysam.index(str(path))
    return path


@pytest.fixture(scope="module")
def chri_with_mito(mini, tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """chrI plus a 2 kb chrM, so mitochondrial fragments can be counted."""
    path = tmp_path_factory.mktemp("genome") / "chrI_chrM.fa"
    path.write_text(mini["genome"].read_text() + ">chrM\n" + "ACGT" * 500 + "\n")
    return path, {"chrI": 230218, "chrM": 2000}


@pytest.fixture(scope="module")
def fragments(mini) -> list[tuple[str, int, int]]:
    with gzip.open(mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz", "rt") as handle:
        return [(f[0], int(f[1]), int(f[2])) for f in (line.split() for line in handle)]


def _values(path, chrom="chrI"):
    with pyBigWig.open(str(path)) as bw:
        return np.nan_to_num(bw.values(chrom, 0, bw.chroms()[chrom], numpy=True))


def test_a_bam_of_the_fragments_gives_the_same_signal_and_filters_are_counted(
    mini, chri_with_mito, fragments, tmp_path
):
    genome, sizes = chri_with_mito
    filtered = [
        ("chrI", 1000, 1200, {"mapq": 5}),
        ("chrI", 2000, 2150, {"extra_flag": 1024}),  # duplicate
        ("chrI", 3000, 3300, {"extra_flag": 256}),  # secondary
        ("chrI", 4000, 4100, {"extra_flag": 2048}),  # supplementary
        ("chrI", 5000, 5100, {"proper": False}),
    ]
    mito = [("chrM", 100, 300, {}), ("chrM", 500, 650, {})]
    pairs = [(c, s, e, {}) for c, s, e in fragments] + filtered + mito
    bam = write_bam(tmp_path / "atac.bam", sizes, pairs)
    summary = run_signal(str(genome), [], [str(bam)], str(tmp_path / "sig"), SignalSettings(call_peaks=False))
    assert np.array_equal(_values(tmp_path / "sig" / "coverage.bw"), _values(mini["signal"]))
    assert np.array_equal(_values(tmp_path / "sig" / "cutsites.bw"), _values(mini["cutsites"]))
    counts = summary["inputs"][0]
    assert counts["kept"] == len(fragments) + len(mito)
    assert counts["mitochondrial"] == len(mito)
    assert counts["records"] == 2 * len(pairs)
    assert counts["dropped"] == {"MAPQ < 30": 2, "duplicate or QC-failed": 2,
                                 "unmapped, secondary or supplementary": 4, "not a proper pair": 2}
    mito_coverage = _values(tmp_path / "sig" / "coverage.bw", "chrM")
    assert mito_coverage[100:300].tolist() == [1] * 200 and mito_coverage.sum() == 350


def test_min_mapq_zero_keeps_low_quality_pairs(chri_with_mito, tmp_path):
    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "a.bam", sizes, [("chrI", 1000, 1200, {"mapq": 5})])
    counts = FragmentCounts()
    chunks = list(read_bam_fragments(bam, sizes, counts, min_mapq=0))
    assert [(c.chrom, c.starts.tolist(), c.ends.tolist()) for c in chunks] == [("chrI", [1000], [1200])]


def test_a_single_end_bam_is_refused(chri_with_mito, tmp_path):
    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "se.bam", sizes, [("chrI", 100 * i, 100 * i + 150, {}) for i in range(1, 20)],
                    single_end=True)
    with pytest.raises(InputError, match="single-end.*paired-end"):
        list(read_bam_fragments(bam, sizes, FragmentCounts()))


def test_a_bam_without_index_is_refused(chri_with_mito, tmp_path):
    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "noindex.bam", sizes, [("chrI", 100, 250, {})], index=False)
    with pytest.raises(InputError, match="noindex.bam: no index"):
        list(read_bam_fragments(bam, sizes, FragmentCounts()))


def test_a_bam_whose_index_is_older_is_refused(chri_with_mito, tmp_path):
    """A BAM rewritten after samtools index: its .bai points at old offsets and must not be read."""
    import os

    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "old.bam", sizes, [("chrI", 100, 250, {})])
    index = Path(f"{bam}.bai")
    os.utime(index, ns=(bam.stat().st_mtime_ns - 10**9,) * 2)
    with pytest.raises(InputError, match=r"old\.bam: its index .*old\.bam\.bai is older than it.*samtools index old\.bam"):
        list(read_bam_fragments(bam, sizes, FragmentCounts()))


def test_a_bam_of_another_assembly_is_refused(chri_with_mito, tmp_path):
    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "other.bam", {"chrI": 1000, "chrM": 2000}, [("chrI", 100, 250, {})])
    with pytest.raises(InputError, match="same assembly"):
        list(read_bam_fragments(bam, sizes, FragmentCounts()))


def test_a_bam_and_a_fragments_file_pool_as_replicates(mini, chri_with_mito, fragments, tmp_path):
    genome, sizes = chri_with_mito
    bam = write_bam(tmp_path / "rep1.bam", sizes, [(c, s, e, {}) for c, s, e in fragments])
    fragments_file = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    summary = run_signal(str(genome), [str(fragments_file)], [str(bam)], str(tmp_path / "pooled"),
                         SignalSettings(call_peaks=False))
    assert np.array_equal(_values(tmp_path / "pooled" / "coverage.bw"), 2 * _values(mini["signal"]))
    assert [record["kept"] for record in summary["inputs"]] == [len(fragments), len(fragments)]
