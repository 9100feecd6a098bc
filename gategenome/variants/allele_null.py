"""The null of the profile scores' p-values: random SNVs on the scored chromosomes.

The count log fold-change and profile JSD (:mod:`gategenome.variants.profile`)
of an allele get empirical p-values against ``null_alleles`` random SNVs scored
the same way in the same run: positions drawn uniformly over the A/C/G/T bases of
the chromosomes that hold the scored alleles (chromosomes weighted by length, 100
bases kept from each end), the alternative base uniform among the three others,
all from the seed.  ``p = (1 + #{null >= observed}) / (1 + N)``, on ``|count
log fold-change|`` and on the JSD; a random SNV drawn like the null ones has a
uniform p-value (the two are exchangeable), so a small p-value says that the
allele moves the predicted insertions more than a random substitution of the same
genome does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gategenome.io.fasta import Genome
from gategenome.variants.profile import empirical_p_values
from gategenome.variants.vcf import Allele

#: Bases kept from each chromosome end.
MARGIN = 100
#: Most draws per null allele before giving up on a chromosome of unknown bases.
TRIES = 50


def random_snvs(genome: Genome, chroms: Sequence[str], count: int, seed: int) -> list[Allele]:
    """``count`` random SNVs on ``chroms`` (see the module text), sorted by chromosome order and position.

    Parameters
    ----------
    genome
        The FASTA.
    chroms
        Chromosomes to draw from (at least ``2 * MARGIN + 1`` bases long to be used).
    count
        Number of SNVs.
    seed
        Seed of the draws.

    Returns
    -------
    list[Allele]
        SNVs with ``record`` numbered from ``-count`` (they are no record of a file).
    """
    rng = np.random.default_rng([seed, 0x5EED])
    usable = [chrom for chrom in dict.fromkeys(chroms) if genome.sizes[chrom] > 2 * MARGIN]
    if not usable or count == 0:
        return []
    weights = np.array([genome.sizes[chrom] - 2 * MARGIN for chrom in usable], dtype=np.float64)
    drawn: list[tuple[int, int, str, str]] = []
    for _ in range(count * TRIES):
        if len(drawn) == count:
            break
        which = int(rng.choice(len(usable), p=weights / weights.sum()))
        chrom = usable[which]
        pos = int(rng.integers(MARGIN, genome.sizes[chrom] - MARGIN))
        ref = genome.fetch(chrom, pos, pos + 1).decode().upper()
        if ref not in ("A", "C", "G", "T"):
            continue
        alt = [base for base in "ACGT" if base != ref][int(rng.integers(0, 3))]
        drawn.append((which, pos, ref, alt))
    drawn.sort()
    return [Allele(-count + i, 0, usable[which], pos, ref, alt, usable[which], f"null{i}")
            for i, (which, pos, ref, alt) in enumerate(drawn)]


def add_p_values(rows: list[dict], null_rows: list[dict]) -> None:
    """Add ``count_lfc_p`` and ``profile_jsd_p`` to ``rows`` (in place) against the null alleles' scores."""
    null_lfc = np.abs(np.array([row["count_lfc"] for row in null_rows], dtype=np.float64))
    null_jsd = np.array([row["profile_jsd"] for row in null_rows], dtype=np.float64)
    lfc_p = empirical_p_values(np.abs(np.array([row["count_lfc"] for row in rows], dtype=np.float64)), null_lfc)
    jsd_p = empirical_p_values(np.array([row["profile_jsd"] for row in rows], dtype=np.float64), null_jsd)
    for row, lfc, jsd in zip(rows, lfc_p.tolist(), jsd_p.tolist()):
        row["count_lfc_p"] = lfc
        row["profile_jsd_p"] = jsd
