"""Genome FASTA access and chrom.sizes files."""

from __future__ import annotations

import shutil

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
