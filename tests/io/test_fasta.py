"""Genome FASTA access and chrom.sizes files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from gategenome.core.encode import one_hot
from gategenome.errors import InputError
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


@pytest.mark.parametrize("content", [">a\n", ">a\nACGTACGT\nACG\nACGTACGT\n"], ids=["no-sequence", "ragged-lines"])
def test_unindexable_fasta_is_a_clean_error(tmp_path, content):
    fasta = tmp_path / "bad.fa"
    fasta.write_text(content)
    with pytest.raises(InputError, match=r"bad\.fa: cannot build a FASTA index"):
        Genome(fasta)


def test_stale_index_is_not_read_and_a_fresh_one_is_built_in_the_cache(tmp_path, caplog):
    import hostile

    fasta = hostile.stale_index_fasta(tmp_path / "genome.fa")
    old_index = (tmp_path / "genome.fa.fai").read_text()
    with caplog.at_level("WARNING"), Genome(fasta) as genome:
        assert genome.sizes == {"chrA": 500, "chrB": 200}
        assert genome.fetch("chrA", 0, 60).decode() == hostile.random_dna(500, 3)[:60]
        assert genome.fetch("chrB").decode() == hostile.random_dna(200, 2)
    assert "samtools faidx" in caplog.text and "older than the FASTA" in caplog.text
    assert (tmp_path / "genome.fa.fai").read_text() == old_index  # the user's file is left alone


def test_index_touched_after_an_edit_is_still_found_stale(tmp_path):
    import os

    import hostile
    import pysam

    fasta = hostile.fasta(tmp_path / "genome.fa", [("chrA", hostile.random_dna(300, 1))])
    pysam.faidx(str(fasta))
    hostile.fasta(fasta, [("chrA", hostile.random_dna(300, 1)), ("chrNew", hostile.random_dna(90, 4))])
    os.utime(str(fasta) + ".fai")  # newer than the edit, but describing the old file
    with Genome(fasta) as genome:
        assert genome.sizes == {"chrA": 300, "chrNew": 90}


def test_duplicate_sequence_names_are_an_error_naming_both_lines(tmp_path):
    import hostile

    fasta = hostile.duplicate_names_fasta(tmp_path / "dup.fa")
    with pytest.raises(InputError, match=r"dup\.fa: sequence name 'chrA' appears twice \(records at lines 1 and 10\)"):
        Genome(fasta)
    assert not (tmp_path / "dup.fa.fai").exists()


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_an_empty_record_is_an_error_wherever_it_is(tmp_path, where):
    import hostile

    records = [("chrA", hostile.random_dna(100, 1)), ("chrB", hostile.random_dna(100, 2))]
    position = {"first": 0, "middle": 1, "last": 2}[where]
    records.insert(position, ("empty", ""))
    fasta = hostile.fasta(tmp_path / "bad.fa", records)
    line = {"first": 1, "middle": 4, "last": 7}[where]
    with pytest.raises(InputError, match=rf"bad\.fa: cannot build a FASTA index: record 'empty' \(line {line}\) has no"):
        Genome(fasta)


@pytest.mark.parametrize("compressed", [False, True])
def test_a_failed_index_build_leaves_no_index_to_be_read(tmp_path, monkeypatch, compressed):
    """An index build cut short (killed, disk full) must not leave a .fai that the next run reads as complete."""
    import pysam

    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chrA\n" + "ACGT" * 30 + "\n")
    if compressed:
        pysam.tabix_compress(str(fasta), str(fasta) + ".gz")
        fasta = Path(str(fasta) + ".gz")

    def cut_short(*args):
        for flag in ("--fai-idx", "--gzi-idx"):
            if flag in args:
                Path(args[args.index(flag) + 1]).write_text("chrA\t10\n")
        raise pysam.SamtoolsError("killed")

    monkeypatch.setattr(pysam, "faidx", cut_short)
    with pytest.raises(InputError, match="cannot build a FASTA index"):
        Genome(fasta)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted({"genome.fa", fasta.name})


def test_fresh_fai_is_the_index_only_when_it_describes_the_fasta(tmp_path):
    import os

    import pysam

    from gategenome.io.fasta import fresh_fai

    fasta = tmp_path / "genome.fa"
    fasta.write_text(">chrA\n" + "ACGT" * 30 + "\n>chrB\n" + "AC" * 20 + "\n")
    assert fresh_fai(fasta) is None  # no index
    pysam.faidx(str(fasta))
    fai = Path(f"{fasta}.fai")
    assert fresh_fai(fasta) == fai
    os.utime(fai, ns=(fasta.stat().st_mtime_ns - 10**9,) * 2)
    assert fresh_fai(fasta) is None  # older than the FASTA
    fai.write_text(fai.read_text().splitlines()[0] + "\n")  # newer, but misses chrB
    assert fresh_fai(fasta) is None


def _swap_offsets(fai: Path) -> None:
    """Point the first record at the second record's bytes (same length), keeping the file newer than the FASTA."""
    lines = [line.split("\t") for line in fai.read_text().splitlines()]
    lines[0][2] = lines[1][2]
    fai.write_text("".join("\t".join(line) + "\n" for line in lines))


def _two_equal_records(tmp_path: Path) -> Path:
    import hostile

    return hostile.fasta(tmp_path / "genome.fa", [("chrA", hostile.random_dna(200, 1)),
                                                  ("chrB", hostile.random_dna(200, 2))])


def test_an_index_beside_the_fasta_pointing_a_chromosome_at_anothers_bytes_is_not_read(tmp_path):
    import hostile
    import pysam

    fasta = _two_equal_records(tmp_path)
    pysam.faidx(str(fasta))
    _swap_offsets(Path(f"{fasta}.fai"))
    with Genome(fasta) as genome:
        assert genome.fetch("chrA").decode() == hostile.random_dna(200, 1)


def test_a_planted_cached_index_is_checked_as_one_beside_the_fasta(tmp_path, monkeypatch):
    import hostile
    import pysam

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    fasta = _two_equal_records(tmp_path)
    pysam.faidx(str(fasta))
    _swap_offsets(Path(f"{fasta}.fai"))  # a bad index beside it: the cache is used
    with Genome(fasta) as genome:
        cached = genome.index_paths[0]
    assert cached.parent.name.startswith("gategenome-fai-")
    _swap_offsets(cached)  # planted in the cache
    with Genome(fasta) as genome:
        assert genome.fetch("chrA").decode() == hostile.random_dna(200, 1)
        assert genome.fetch("chrB").decode() == hostile.random_dna(200, 2)


def test_the_index_cache_is_this_users_alone(tmp_path, monkeypatch):
    import os
    import stat

    from gategenome.io.fasta import index_cache

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    cache = index_cache()
    assert cache == tmp_path / f"gategenome-fai-{os.getuid()}"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700 and cache.stat().st_uid == os.getuid()


@pytest.mark.parametrize("planted", ["open-mode", "symlink"])
def test_an_index_cache_others_can_write_is_not_trusted(tmp_path, monkeypatch, planted):
    import os

    import gategenome.io.fasta as fasta_module

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(fasta_module, "_PRIVATE", [])
    shared = tmp_path / f"gategenome-fai-{os.getuid()}"
    if planted == "open-mode":
        shared.mkdir()
        os.chmod(shared, 0o777)
    else:
        (tmp_path / "elsewhere").mkdir()
        os.symlink(tmp_path / "elsewhere", shared)
    cache = fasta_module.index_cache()
    assert cache != shared and cache.parent == tmp_path
    assert not (cache.is_symlink()) and (cache.stat().st_mode & 0o077) == 0
