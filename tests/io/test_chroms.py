"""Chromosome-name matching across files (chrI / I, chrM / MT)."""

from __future__ import annotations

import pytest

from gategenome.errors import InputError
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
    with pytest.raises(InputError, match="x.bw: chromosome I has length 4"):
        match_chromosomes({"chrI": 5}, {"I": 4}, "x.bw")


def test_name_lookup_prefers_exact_names_then_the_first_alias():
    lookup = name_lookup(["chrI", "I", "chrM", "2"])
    assert lookup("I") == "I" and lookup("chrI") == "chrI" and lookup("CHRI") == "chrI"
    assert lookup("MT") == "chrM" and lookup("chr2") == "2" and lookup("chrX") is None
