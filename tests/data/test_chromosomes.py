"""Chromosome selection: exclusion patterns matched against whole names."""

from __future__ import annotations

import pytest

from gategenome.data.chromosomes import select_chromosomes
from gategenome.errors import ConfigError


def test_default_exclusion():
    names = [
        "chrI",
        "chrM",
        "MT",
        "chrMT",
        "Mito",
        "chr1",
        "chr1_KI270706v1_random",
        "chrUn_GL000220v1",
        "chr6_GL000250v2_alt",
        "chrX",
        "2L",
        "chrUnfinished",
    ]
    selection = select_chromosomes(names)
    assert selection.kept == ["chrI", "chr1", "chrX", "2L", "chrUnfinished"]
    assert set(selection.excluded) == {
        "chrM",
        "MT",
        "chrMT",
        "Mito",
        "chr1_KI270706v1_random",
        "chrUn_GL000220v1",
        "chr6_GL000250v2_alt",
    }
    assert select_chromosomes(names, []).kept == names
    assert select_chromosomes(["chrI", "chrII"], ["chrI+"]).kept == []
    with pytest.raises(ConfigError, match="invalid regular expression"):
        select_chromosomes(names, ["chr("])
