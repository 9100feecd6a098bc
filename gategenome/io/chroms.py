"""Chromosome names: which contigs a run keeps, and matching names that files spell differently.

Real files disagree on names: UCSC and GENCODE ``chrI``/``chr1``/``chrM`` versus
Ensembl ``I``/``1``/``MT`` (and ``chrMT``, ``Mito``), and for unplaced or
alternative scaffolds UCSC ``chrUn_KI270728v1`` / ``chr1_KI270706v1_random``
versus Ensembl's GenBank accession ``KI270728.1``.  Names are matched exactly
first, then through a normalised key (:func:`normalise_name`).  A matched pair
whose lengths differ means the two files come from different assemblies, which
:func:`gategenome.io.provenance.require_compatible` refuses.

:data:`DEFAULT_EXCLUDE` lists the contigs a run leaves out unless told otherwise
(matched case-insensitively against the whole name): the mitochondrion, the
Epstein-Barr virus, unplaced / random / alternative / patch scaffolds in UCSC,
GENCODE and Ensembl spelling, and the decoy and HLA contigs of the hs38d1
analysis sets; on hg38 with the decoys only the 24 primary chromosomes are kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence


log = logging.getLogger(__name__)

_MITO = {"m", "mt", "mito", "mitochondrion", "mitochondria"}
#: GenBank accession prefixes of the GRC's unplaced, alternative and patch scaffolds (GRCh38, GRCm39).
_SCAFFOLD_PREFIXES = "GL|KI|JH|KN|KQ|KV|KZ|ML|MU"
#: A UCSC / GENCODE scaffold name with its accession: ``chrUn_KI270728v1``, ``chr1_KI270706v1_random``.
_UCSC_SCAFFOLD = re.compile(r"(?:chr)?[0-9a-z]*_((?:" + _SCAFFOLD_PREFIXES.lower() + r")\d+)v(\d+)(?:_[a-z]+)?")

#: Contigs left out by default (regular expressions matched case-insensitively against the whole name).
DEFAULT_EXCLUDE: tuple[str, ...] = (
    r"(chr)?(M|MT|Mito|mitochondrion|mitochondria)",  # the mitochondrion
    r"(chr)?EBV",  # Epstein-Barr virus (hs38d1)
    r".*_random",  # unlocalised scaffolds: chr1_KI270706v1_random
    r"(chr)?Un([_-].*)?",  # unplaced scaffolds and decoys: chrUn_KI270728v1, chrUn_JTFH01000001v1_decoy
    r".*_alt",  # alternative haplotypes: chr1_KI270762v1_alt
    r".*_fix",  # fix patches: chr1_KN196472v1_fix
    r".*_hap\d*",  # hg19 haplotypes: chr6_cox_hap2
    r".*_decoy",  # decoys of any name
    r"HLA[-_].*",  # HLA alleles of the hs38d1 analysis set: HLA-A*01:01:01:01
    r"(" + _SCAFFOLD_PREFIXES + r")\d{6}\.\d+",  # Ensembl spelling of scaffolds: KI270728.1, GL000009.2
)


def normalise_name(name: str) -> str:
    """Return a spelling-independent key for a chromosome name.

    ``chrI``, ``I`` and ``CHRI`` share a key, as do ``chrM``, ``chrMT``, ``MT``
    and ``Mito``, and UCSC ``chrUn_KI270728v1`` and Ensembl ``KI270728.1``.

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
    scaffold = _UCSC_SCAFFOLD.fullmatch(key)
    if scaffold:  # the accession: chrUn_KI270728v1 and KI270728.1 share ki270728.1
        return f"{scaffold[1]}.{scaffold[2]}"
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

    Lengths are not compared here: a caller first checks that the two files are of
    one assembly with :func:`gategenome.io.provenance.require_compatible`.

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
    """
    lookup = name_lookup(other)
    mapping: dict[str, str] = {}
    renamed: list[str] = []
    for name in reference:
        match = lookup(name)
        if match is None:
            continue
        mapping[name] = match
        if match != name:
            renamed.append(f"{name}->{match}")
    if renamed:
        log.info("%s: matched chromosome names %s", other_label, ", ".join(renamed))
    return mapping


def excluded_names(names: Iterable[str], patterns: Sequence[str] = DEFAULT_EXCLUDE) -> dict[str, str]:
    """Which of ``names`` a pattern excludes (case-insensitive, whole name).

    Parameters
    ----------
    names
        Chromosome names.
    patterns
        Regular expressions; :data:`DEFAULT_EXCLUDE` when omitted, none keeps every name.

    Returns
    -------
    dict
        Excluded name -> the first pattern that matched it, in ``names`` order.

    Raises
    ------
    re.error
        A pattern that is not a regular expression (callers name the option).
    """
    compiled = [(pattern, re.compile(pattern, re.IGNORECASE)) for pattern in patterns]
    excluded = {}
    for name in names:
        hit = next((pattern for pattern, regex in compiled if regex.fullmatch(name)), None)
        if hit is not None:
            excluded[name] = hit
    return excluded


def exclusion_patterns(given: Sequence[str]) -> list[str]:
    """The patterns an ``--exclude-chroms`` option means: none given = :data:`DEFAULT_EXCLUDE`, ``none`` = no pattern."""
    if not given:
        return list(DEFAULT_EXCLUDE)
    return [] if [pattern.lower() for pattern in given] == ["none"] else list(given)
