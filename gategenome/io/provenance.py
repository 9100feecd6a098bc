"""Whether two products may meet: one rule for every command that reads two of them.

A product is any file or directory one step wrote or the user brought (a scan
directory, a variants part, a bigWig, a VCF, the FASTA, the model).  Each says
what it knows about where it came from as a :class:`Product`: the checksum of the
model state that made it, the checksum of the genome index (chromosome names and
lengths, in order), the chromosome lengths themselves, and settings that must
agree.  :func:`require_compatible` compares two of them, key by key, and refuses
the first difference with one line naming both files and the key.

Two products are compatible when, for every fact both of them know:

- ``model_checksum`` is equal (the same model state, wherever it was saved);
- ``genome_checksum`` is equal (the same chromosomes, same lengths, same order);
- every chromosome the two name alike (``chrI`` and ``I`` match, as everywhere:
  :mod:`gategenome.io.chroms`) has the same length, and with ``shared=True`` at
  least one chromosome is shared;
- every setting in ``settings`` of both has the same value.

A fact one side does not know (None, or absent) is not compared: a FASTA knows
no model, a bigWig no settings.  docs/compatibility.md says the same for users.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gategenome.errors import InputError
from gategenome.io.chroms import name_lookup
from gategenome.io.checksum import sizes_checksum

#: The facts compared, in the order they are checked.
KEYS = ("model_checksum", "genome_checksum", "chroms", "settings")


@dataclass(frozen=True)
class Product:
    """What one input says about its origin.

    Attributes
    ----------
    path
        The file or directory (named in messages).
    model_checksum
        Checksum of the model state that made it, or None (unknown, not compared).
    genome_checksum
        Checksum of the genome index it is on (:func:`~gategenome.io.checksum.sizes_checksum`), or None.
    chroms
        Chromosome name -> length as it declares them, or None.
    settings
        Settings that must agree with the other product's (only keys both hold are compared).
    """

    path: str | os.PathLike
    model_checksum: str | None = None
    genome_checksum: str | None = None
    chroms: Mapping[str, int] | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


def genome_product(path: str | os.PathLike, sizes: Mapping[str, int]) -> Product:
    """The product a FASTA (or any file that declares every chromosome in order) is: its index."""
    sizes = {name: int(length) for name, length in sizes.items()}
    return Product(path, genome_checksum=sizes_checksum(sizes), chroms=sizes)


def scan_product(path: str | os.PathLike, meta: Mapping[str, Any], settings: tuple[str, ...] = ()) -> Product:
    """The product a scan directory is, from its ``scan.json`` (``settings``: its keys compared too)."""
    chroms = meta.get("chroms")
    return Product(path, model_checksum=meta.get("model_checksum"), genome_checksum=meta.get("genome_checksum"),
                   chroms=dict(chroms) if isinstance(chroms, Mapping) else None,
                   settings={key: meta.get(key) for key in settings})


def _short(value: Any) -> str:
    text = str(value)
    return text[:12] if len(text) == 64 else text[:60]


_EXPECTED = {
    "model_checksum": "the same model (its weights, wherever it was saved)",
    "genome_checksum": "the same genome (chromosome names and lengths)",
    "chroms": "the same assembly",
}


def _refuse(first: Product, second: Product, key: str, detail: str, fact: str | None = None) -> None:
    expected = _EXPECTED.get(fact or key, "the same settings")
    raise InputError(f"{first.path} and {second.path} are not compatible: {key} differs ({detail}); "
                     f"expected {expected} (see docs/compatibility.md)")


def _compare_chroms(first: Product, second: Product, shared: bool) -> None:
    if first.chroms is None or second.chroms is None:
        return
    lookup = name_lookup(second.chroms)
    matched = 0
    for name, length in first.chroms.items():
        other = lookup(name)
        if other is None:
            continue
        matched += 1
        if int(second.chroms[other]) != int(length):
            _refuse(first, second, f"the length of chromosome {name}", f"{length} vs {second.chroms[other]}", "chroms")
    if shared and not matched and first.chroms and second.chroms:
        _refuse(first, second, "chromosomes", f"no chromosome shared: {', '.join(list(first.chroms)[:3])} vs "
                f"{', '.join(list(second.chroms)[:3])}", "chroms")


def require_compatible(first: Product, second: Product, *, shared: bool = False) -> None:
    """Refuse two products that cannot meet (see the module docstring for the rule).

    Parameters
    ----------
    first, second
        The two products; both are named in the message.
    shared
        Also require at least one chromosome the two share (a bigWig or VCF beside a genome).

    Raises
    ------
    InputError
        One line naming both paths and the first fact that differs.
    """
    for key in ("model_checksum", "genome_checksum"):
        a, b = getattr(first, key), getattr(second, key)
        if a is not None and b is not None and a != b:
            _refuse(first, second, key, f"{_short(a)} vs {_short(b)}")
    _compare_chroms(first, second, shared)
    for key in first.settings:
        if key in second.settings and first.settings[key] != second.settings[key]:
            _refuse(first, second, key, f"{_short(first.settings[key])} vs {_short(second.settings[key])}")
