"""The null of the profile scores' p-values: random SNVs matched to the scored alleles.

The count log fold-change and profile JSD (:mod:`gategenome.variants.profile`)
of an allele get empirical p-values against ``null_alleles`` random SNVs scored
the same way in the same run.  Each null SNV is matched to one scored allele
(taken in a seeded random order, cycling): a position drawn uniformly over the
chromosomes that hold the scored alleles (weighted by length, 100 bases kept from
each end) whose reference base has the same GC status (G/C or A/T; an allele's
first REF base) and whose +-50 bases have a GC content within 0.04 of the
allele's, redrawn up to 200 times (then the last draw with a known base is
taken); the alternative base is uniform among the three others.  ``p = (1 +
#{null >= observed}) / (1 + N)``, on ``|count log fold-change|`` and on the JSD.
A random SNV drawn like the null ones has a uniform p-value (the two are
exchangeable), so a small p-value says that the allele moves the predicted
insertions more than a random substitution of the same base and GC context does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gategenome.io.fasta import Genome
from gategenome.variants.profile import empirical_p_values
from gategenome.variants.vcf import Allele

#: Bases kept from each chromosome end.
MARGIN = 100
#: Bases either side of a position whose GC content is matched, and the largest difference allowed.
FLANK = 50
GC_TOLERANCE = 0.04
#: Draws per null SNV; the last one with a known base is taken when none matches.
TRIES = 200


def _gc(sequence: bytes) -> float:
    """Fraction of G and C in ``sequence``."""
    upper = sequence.upper()
    return (upper.count(b"G") + upper.count(b"C")) / max(len(upper), 1)


def matched_snvs(genome: Genome, alleles: Sequence[Allele], count: int, seed: int) -> list[Allele]:
    """``count`` random SNVs matched to the scored ``alleles`` (see the module text).

    Parameters
    ----------
    genome
        The FASTA.
    alleles
        The scored alleles: the chromosomes drawn from, and what each null SNV is matched to.
    count
        Number of SNVs.
    seed
        Seed of the draws.

    Returns
    -------
    list[Allele]
        SNVs with ``record`` numbered from ``-count`` (they are no record of a file), sorted by
        chromosome order and position.
    """
    rng = np.random.default_rng([seed, 0x5EED])
    usable = [chrom for chrom in dict.fromkeys(a.chrom for a in alleles) if genome.sizes[chrom] > 2 * MARGIN]
    targets = [a for a in alleles if a.chrom in usable]
    if not targets or count == 0:
        return []
    weights = np.array([genome.sizes[chrom] - 2 * MARGIN for chrom in usable], dtype=np.float64)
    order = rng.permutation(len(targets))
    drawn: list[tuple[int, int, str, str]] = []
    for index in range(count):
        target = targets[int(order[index % len(targets)])]
        strong = target.ref[:1] in ("G", "C")
        local = _gc(genome.fetch(target.chrom, max(0, target.pos - FLANK), target.pos + FLANK + 1))
        candidate = None
        for _ in range(TRIES):
            which = int(rng.choice(len(usable), p=weights / weights.sum()))
            chrom = usable[which]
            pos = int(rng.integers(MARGIN, genome.sizes[chrom] - MARGIN))
            ref = genome.fetch(chrom, pos, pos + 1).decode().upper()
            if ref not in ("A", "C", "G", "T"):
                continue
            candidate = (which, pos, ref)
            around = _gc(genome.fetch(chrom, pos - FLANK, pos + FLANK + 1))
            if (ref in "GC") == strong and abs(around - local) <= GC_TOLERANCE:
                break
        if candidate is None:
            continue
        which, pos, ref = candidate
        alt = [base for base in "ACGT" if base != ref][int(rng.integers(0, 3))]
        drawn.append((which, pos, ref, alt))
    drawn.sort()
    return [Allele(-len(drawn) + i, 0, usable[which], pos, ref, alt, usable[which], f"null{i}")
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
