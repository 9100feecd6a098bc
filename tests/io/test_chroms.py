"""Chromosome-name matching across files (chrI / I, chrM / MT)."""

from __future__ import annotations

import pytest

from gategenome.io.chroms import match_chromosomes, name_lookup, normalise_name


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


def test_name_lookup_prefers_exact_names_then_the_first_alias():
    lookup = name_lookup(["chrI", "I", "chrM", "2"])
    assert lookup("I") == "I" and lookup("chrI") == "chrI" and lookup("CHRI") == "chrI"
    assert lookup("MT") == "chrM" and lookup("chr2") == "2" and lookup("chrX") is None


_PRIMARY = [f"chr{n}" for n in [*range(1, 23), "X", "Y"]]
#: Contigs of hg38 with the hs38d1 decoys, as UCSC / GENCODE and Ensembl spell them.
_HG38_OTHER = ["chrM", "chr1_KI270706v1_random", "chrUn_KI270302v1", "chrUn_GL000195v1", "chr1_KI270762v1_alt",
               "chr1_KN196472v1_fix", "chrUn_JTFH01000001v1_decoy", "chrEBV", "HLA-A*01:01:01:01",
               "HLA-DRB1*15:01:01:01", "chr6_cox_hap2"]
_ENSEMBL_OTHER = ["MT", "KI270728.1", "GL000009.2", "KN196472.1", "JH584295.1"]


def test_default_exclusion_keeps_only_the_primary_chromosomes_of_hg38_in_any_spelling():
    from gategenome.io.chroms import excluded_names

    ucsc = _PRIMARY + _HG38_OTHER
    assert [n for n in ucsc if n not in excluded_names(ucsc)] == _PRIMARY
    ensembl = [n[3:] for n in _PRIMARY] + _ENSEMBL_OTHER
    assert [n for n in ensembl if n not in excluded_names(ensembl)] == [n[3:] for n in _PRIMARY]
    assert excluded_names(["chrEBV", "chr2"]) == {"chrEBV": r"(chr)?EBV"}
    assert excluded_names(ucsc, []) == {}  # no pattern keeps every contig
    # yeast and simulated names stay
    assert excluded_names(["chrI", "chrXVI", "chrS1", "2micron"]) == {}


@pytest.mark.parametrize("ucsc, ensembl", [
    ("chrUn_KI270728v1", "KI270728.1"), ("chr1_KI270706v1_random", "KI270706.1"),
    ("chr1_KI270762v1_alt", "KI270762.1"), ("chrUn_GL000195v1", "GL000195.1"), ("chr1", "1"), ("chrM", "MT"),
    ("chrX", "X"),
])
def test_ucsc_gencode_and_ensembl_names_match(ucsc, ensembl):
    assert match_chromosomes({ucsc: 10}, {ensembl: 10, "KI270729.1": 3}, "x.bw") == {ucsc: ensembl}
    assert match_chromosomes({ensembl: 10}, {ucsc: 10}, "x.bw") == {ensembl: ucsc}


def test_scaffold_keys_keep_versions_and_accessions_apart():
    assert normalise_name("chrUn_KI270728v1") != normalise_name("KI270728.2")
    assert normalise_name("chrUn_KI270728v1") != normalise_name("KI270729.1")
    assert normalise_name("chr1_KI270706v1_random") == normalise_name("chrUn_KI270706v1")
