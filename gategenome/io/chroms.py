"""Match chromosome names between files that spell them differently.

Real files disagree on names: UCSC ``chrI``/``chr1``/``chrM`` versus Ensembl
``I``/``1``/``MT`` (and ``chrMT``, ``Mito``).  Names are matched exactly first,
then through a normalised key.  A matched pair whose lengths differ means the two
files come from different assemblies, which is an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping

from gategenome.errors import InputError

log = logging.getLogger(__name__)

_MITO = {"m", "mt", "mito", "mitochondrion", "mitochondria"}


def normalise_name(name: str) -> str:
    """Return a spelling-independent key for a chromosome name.

    ``chrI``, ``I`` and ``CHRI`` share a key, as do ``chrM``, ``chrMT``, ``MT``
    and ``Mito``.

    Parameters
    ----------
    name
        A chromosome name as written in some file.

    Returns
    -------
    str
        The normalised key.
    """
    key = name.strip().lower()
    key = re.sub(r"^chr(omosome)?[_-]?", "", key)
    if key in _MITO:
        return "m"
    return key


def name_lookup(names: Iterable[str]) -> Callable[[str], str | None]:
    """A function mapping any spelling of a chromosome to its name in ``names``.

    Exact names win; otherwise the first of ``names`` with the same
    :func:`normalise_name` key is returned, and None when there is none.
    """
    known = list(names)
    exact = set(known)
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(normalise_name(name), name)
    return lambda name: name if name in exact else by_key.get(normalise_name(name))


def match_chromosomes(
    reference: Mapping[str, int],
    other: Mapping[str, int],
    other_label: str,
) -> dict[str, str]:
    """Map reference chromosome names to the names used by another file.

    Parameters
    ----------
    reference
        Chromosome name -> length of the genome (FASTA), in genome order.
    other
        Chromosome name -> length as the other file (e.g. a bigWig) declares them.
    other_label
        The other file's path, used in messages.

    Returns
    -------
    dict
        Reference name -> other file's name, for every reference chromosome the
        other file has.  Chromosomes it lacks are absent from the mapping.

    Raises
    ------
    InputError
        When a matched chromosome has a different length (another assembly).
    """
    lookup = name_lookup(other)
    mapping: dict[str, str] = {}
    renamed: list[str] = []
    for name, length in reference.items():
        match = lookup(name)
        if match is None:
            continue
        if int(other[match]) != int(length):
            raise InputError(
                f"{other_label}: chromosome {match} has length {other[match]} but the genome's "
                f"{name} has length {length}; expected the same assembly as the FASTA"
            )
        mapping[name] = match
        if match != name:
            renamed.append(f"{name}->{match}")
    if renamed:
        log.info("%s: matched chromosome names %s", other_label, ", ".join(renamed))
    return mapping
