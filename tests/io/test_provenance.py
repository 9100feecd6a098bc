"""require_compatible: two products meet only when every fact both know agrees."""

from __future__ import annotations

import pytest

from gategenome.errors import InputError
from gategenome.io.provenance import Product, genome_product, require_compatible, scan_product


def test_the_same_facts_are_compatible_and_unknown_facts_are_not_compared():
    genome = genome_product("genome.fa", {"chrI": 5, "chrII": 7})
    require_compatible(genome, genome_product("copy.fa", {"chrI": 5, "chrII": 7}))
    require_compatible(genome, Product("x.bw", chroms={"I": 5}))  # chrI/I matched as everywhere
    require_compatible(Product("a", model_checksum="m1"), Product("b", genome_checksum="g1"))
    require_compatible(Product("a", settings={"layer": -1}), Product("b", settings={"null": 1}))


@pytest.mark.parametrize(("first", "second", "key"), [
    (Product("scan_a", model_checksum="a" * 64), Product("scan_b", model_checksum="b" * 64), "model_checksum"),
    (Product("scan_a", genome_checksum="1"), Product("genome.fa", genome_checksum="2"), "genome_checksum"),
    (Product("genome.fa", chroms={"chrI": 5}), Product("x.bw", chroms={"I": 4}), "the length of chromosome chrI"),
    (Product("part_a", settings={"settings.window": 50}), Product("part_b", settings={"settings.window": 20}),
     "settings.window"),
])
def test_the_first_fact_that_differs_is_named_with_both_files(first, second, key):
    with pytest.raises(InputError) as caught:
        require_compatible(first, second)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{first.path} and {second.path} are not compatible: {key} differs")


def test_shared_requires_one_chromosome_in_common():
    genome = Product("genome.fa", chroms={"chrI": 5})
    elsewhere = Product("x.bw", chroms={"chrZ": 5})
    require_compatible(genome, elsewhere)
    with pytest.raises(InputError, match="genome.fa and x.bw are not compatible: chromosomes differs"):
        require_compatible(genome, elsewhere, shared=True)


def test_a_scan_is_described_by_its_scan_json():
    meta = {"model_checksum": "m", "genome_checksum": "g", "chroms": {"chrI": 5}, "layer": -1}
    product = scan_product("scan/scan.json", meta, ("layer",))
    assert (product.model_checksum, product.genome_checksum, dict(product.chroms), dict(product.settings)) == (
        "m", "g", {"chrI": 5}, {"layer": -1})
