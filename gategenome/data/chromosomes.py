"""Which genome chromosomes a run keeps: names matched against exclusion patterns.

Chromosomes are excluded by regular expressions matched case-insensitively against
the whole name (:data:`gategenome.io.chroms.DEFAULT_EXCLUDE`: the mitochondrion, EBV, unplaced /
random / alt / fix scaffolds and decoy / HLA contigs, in UCSC, GENCODE and Ensembl spelling).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gategenome.errors import ConfigError
from gategenome.io.chroms import DEFAULT_EXCLUDE

log = logging.getLogger(__name__)



@dataclass
class ChromosomeSelection:
    """Which genome chromosomes are kept.

    Attributes
    ----------
    kept
        Kept chromosome names, in genome order.
    excluded
        Excluded name -> the pattern that matched it.
    """

    kept: list[str]
    excluded: dict[str, str] = field(default_factory=dict)


def select_chromosomes(names: Iterable[str], patterns: Sequence[str] = DEFAULT_EXCLUDE) -> ChromosomeSelection:
    """Drop chromosomes whose whole name matches one of ``patterns`` (case-insensitive).

    Parameters
    ----------
    names
        Chromosome names in genome order.
    patterns
        Regular expressions matched against the full name.

    Returns
    -------
    ChromosomeSelection
        Kept names and the excluded ones with the pattern that excluded them.

    Raises
    ------
    ConfigError
        A pattern that is not a valid regular expression.
    """
    compiled = []
    for pattern in patterns:
        try:
            compiled.append((pattern, re.compile(pattern, re.IGNORECASE)))
        except re.error as exc:
            raise ConfigError(f"--exclude-chroms: invalid regular expression {pattern!r} ({exc})") from None
    kept: list[str] = []
    excluded: dict[str, str] = {}
    for name in names:
        hit = next((pattern for pattern, regex in compiled if regex.fullmatch(name)), None)
        if hit is None:
            kept.append(name)
        else:
            excluded[name] = hit
    if excluded:
        log.info("excluded %d chromosome(s): %s", len(excluded), ", ".join(excluded))
    return ChromosomeSelection(kept, excluded)


#: Bases read at a time when looking for a sequenced (non-N) base.
_BLOCK = 1 << 22


def has_sequenced_base(genome, chrom: str) -> bool:
    """Whether ``chrom`` holds at least one A, C, G or T (any case).

    Reads ``genome`` (a :class:`gategenome.io.fasta.Genome`) in blocks and stops
    at the first block holding one, so a normal chromosome costs one block.
    """
    length = genome.sizes[chrom]
    for start in range(0, length, _BLOCK):
        block = genome.fetch(chrom, start, min(start + _BLOCK, length)).upper()
        if any(base in block for base in (b"A", b"C", b"G", b"T")):
            return True
    return False


def drop_unsequenced(genome, selection: ChromosomeSelection) -> ChromosomeSelection:
    """Move kept chromosomes made only of N (or other non-ACGT codes) to the excluded ones, with a warning.

    Such a chromosome has nothing to train on or score, yet would take its whole
    length's share of a fold (an all-N scaffold could become the whole valid fold).
    """
    unsequenced = [name for name in selection.kept if not has_sequenced_base(genome, name)]
    if not unsequenced:
        return selection
    log.warning(
        "%s: %d chromosome(s) hold no A, C, G or T (all N): %s; excluded from regions and folds",
        genome.path, len(unsequenced), ", ".join(unsequenced[:10]),
    )
    excluded = dict(selection.excluded)
    excluded.update({name: "all N (no sequenced base)" for name in unsequenced})
    return ChromosomeSelection([name for name in selection.kept if name not in unsequenced], excluded)
