"""Reading alleles: splitting, REF check, symbolic alleles, unknown chromosomes, headers, sort order."""

from __future__ import annotations

import pysam
import pytest
from variants_testlib import small_genome, vcf_text

from gategenome.errors import InputError
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import read_alleles


def _write(tmp_path, text: str, name: str = "in.vcf"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def genome(tmp_path):
    return small_genome(tmp_path)


def test_multiallelic_records_are_split_and_kinds_named(tmp_path, genome):
    fasta, chroms = genome
    a = chroms["chrA"]
    alts = ",".join(base for base in "ACGT" if base != a[100])
    lines = [f"chrA\t101\tm\t{a[100]}\t{alts}\t.\t.\t.",
             f"chrA\t201\ti\t{a[200]}\t{a[200]}GG\t.\t.\t.",
             f"chrA\t301\td\t{a[300:303]}\t{a[300]}\t.\t.\t."]
    found = read_alleles(_write(tmp_path, vcf_text("chrA", 6000, lines)), fasta, VariantSettings())
    assert [x.kind for x in found.alleles] == ["snv"] * 3 + ["insertion", "deletion"]
    assert [x.alt_index for x in found.alleles[:3]] == [0, 1, 2]
    assert found.alleles[0].pos == 100 and found.alleles[-1].end == 303
    assert found.counts["records"] == 3


def test_bgzip_and_bcf_and_renamed_chromosomes_are_read(tmp_path, genome):
    fasta, chroms = genome
    a = chroms["chrA"]
    plain = _write(tmp_path, vcf_text("A", 6000, [f"A\t11\tx\t{a[10]}\t{'C' if a[10] != 'C' else 'G'}\t.\t.\t."]))
    gz = str(tmp_path / "in.vcf.gz")
    pysam.tabix_compress(str(plain), gz)
    bcf = str(tmp_path / "in.bcf")
    with pysam.VariantFile(str(plain)) as source, pysam.VariantFile(bcf, "wb", header=source.header) as sink:
        for record in source:
            sink.write(record)
    for path in (plain, gz, bcf):
        found = read_alleles(path, fasta, VariantSettings())
        assert [(x.chrom, x.vcf_chrom, x.pos) for x in found.alleles] == [("chrA", "A", 10)]


def test_ref_not_matching_the_fasta_is_counted_or_an_error_with_strict(tmp_path, genome):
    fasta, chroms = genome
    wrong = {"A": "C", "C": "G", "G": "T", "T": "A"}[chroms["chrA"][50]]
    path = _write(tmp_path, vcf_text("chrA", 6000, [f"chrA\t51\tx\t{wrong}\tA,C\t.\t.\t."]))
    found = read_alleles(path, fasta, VariantSettings())
    assert found.alleles == [] and found.counts["ref_mismatch"] == 2
    with pytest.raises(InputError, match=r"REF .* at chrA:51 does not match the FASTA"):
        read_alleles(path, fasta, VariantSettings(strict=True))


def test_symbolic_alleles_are_skipped_and_counted_or_refused(tmp_path, genome):
    fasta, chroms = genome
    a = chroms["chrA"]
    path = _write(tmp_path, vcf_text("chrA", 6000, [f"chrA\t21\tsv\t{a[20]}\t<DEL>,{a[20]}T\t.\t.\t.",
                                                    f"chrA\t31\tstar\t{a[30]}\t*\t.\t.\t."]))
    found = read_alleles(path, fasta, VariantSettings())
    assert [x.alt for x in found.alleles] == [a[20] + "T"]
    assert found.counts["symbolic"] == 2
    with pytest.raises(InputError, match="symbolic allele <DEL>"):
        read_alleles(path, fasta, VariantSettings(symbolic="error"))


def test_unknown_chromosome_is_an_error_or_skipped(tmp_path, genome):
    fasta, _ = genome
    path = _write(tmp_path, vcf_text("chrZ", 100, ["chrZ\t5\tz\tA\tC\t.\t.\t."]))
    with pytest.raises(InputError, match="unknown chromosome 'chrZ'"):
        read_alleles(path, fasta, VariantSettings())
    found = read_alleles(path, fasta, VariantSettings(unknown_chroms="skip"))
    assert found.alleles == [] and found.counts["unknown_chrom"] == 1


def test_a_vcf_without_header_is_refused(tmp_path, genome):
    fasta, chroms = genome
    path = _write(tmp_path, f"chrA\t11\tx\t{chroms['chrA'][10]}\tA\t.\t.\t.\n")
    with pytest.raises(InputError, match="expected a VCF with its header"):
        read_alleles(path, fasta, VariantSettings())


def test_unsorted_positions_and_split_chromosomes_are_refused(tmp_path, genome):
    fasta, chroms = genome
    a, b = chroms["chrA"], chroms["chrB"]
    header = vcf_text("chrA", 6000, []).replace("#CHROM", "##contig=<ID=chrB,length=3000>\n#CHROM")
    backwards = _write(tmp_path, header + f"chrA\t101\tx\t{a[100]}\tN\t.\t.\t.\nchrA\t51\ty\t{a[50]}\tN\t.\t.\t.\n")
    with pytest.raises(InputError, match="not sorted: chrA:51 after chrA:101"):
        read_alleles(backwards, fasta, VariantSettings())
    split = _write(tmp_path, header + f"chrA\t11\tx\t{a[10]}\tN\t.\t.\t.\nchrB\t11\ty\t{b[10]}\tN\t.\t.\t.\n"
                   f"chrA\t21\tz\t{a[20]}\tN\t.\t.\t.\n", "split.vcf")
    with pytest.raises(InputError, match="chrA appears again after chrB"):
        read_alleles(split, fasta, VariantSettings())


_IUPAC_OF = {"A": "R", "G": "R", "C": "Y", "T": "Y"}  # a code standing for the base (and one other)


def test_an_iupac_ref_is_matched_to_the_bases_it_stands_for(tmp_path, genome):
    fasta, chroms = genome
    a = chroms["chrA"]
    matching, other = _IUPAC_OF[a[100]], {"R": "Y", "Y": "R"}[_IUPAC_OF[a[101]]]  # R = A/G, Y = C/T
    lines = [f"chrA\t101\tok\t{matching}\tC\t.\t.\t.", f"chrA\t102\tno\t{other}\tC\t.\t.\t."]
    found = read_alleles(_write(tmp_path, vcf_text("chrA", 6000, lines)), fasta, VariantSettings())
    assert [(x.vcf_id, x.pos, x.ref) for x in found.alleles] == [("ok", 100, matching)]
    assert found.counts["symbolic"] == 0 and found.counts["ref_mismatch"] == 1


def test_an_alt_equal_to_ref_is_skipped_and_counted(tmp_path, genome):
    fasta, chroms = genome
    a = chroms["chrA"]
    alt = "C" if a[100] != "C" else "G"
    lines = [f"chrA\t101\tm\t{a[100]}\t{a[100]},{alt}\t.\t.\t."]
    found = read_alleles(_write(tmp_path, vcf_text("chrA", 6000, lines)), fasta, VariantSettings())
    assert [(x.alt, x.alt_index) for x in found.alleles] == [(alt, 1)]
    assert found.counts["alt_is_ref"] == 1 and found.counts["alleles"] == 1


@pytest.mark.parametrize(("pos", "ref_length"), [(0, 1), (6000, 2), (6101, 1)])
def test_a_ref_off_the_chromosome_is_refused(tmp_path, genome, pos, ref_length):
    fasta, _ = genome
    lines = [f"chrA\t{pos}\tx\t{'A' * ref_length}\tC\t.\t.\t."]
    with pytest.raises(InputError, match=rf"in.vcf: record chrA:{pos}: REF ends past chrA or starts before it"):
        read_alleles(_write(tmp_path, vcf_text("chrA", 6000, lines)), fasta, VariantSettings())


def test_contig_lengths_other_than_the_fasta_are_refused(tmp_path, genome):
    fasta, chroms = genome
    lines = [f"chrA\t11\tx\t{chroms['chrA'][10]}\tN\t.\t.\t."]
    with pytest.raises(InputError, match="in.vcf and .*genome.fa are not compatible: the length of chromosome chrA"):
        read_alleles(_write(tmp_path, vcf_text("chrA", 6001, lines)), fasta, VariantSettings())
