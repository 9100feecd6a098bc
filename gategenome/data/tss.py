"""TSS enrichment of ATAC-seq insertions, by the ENCODE definition.

Tn5 insertions (the cut sites: both ends of every fragment) are aggregated at
every offset from -2,000 to +2,000 bases of a set of transcription start sites,
strand-aware (offsets run 5' -> 3' along the transcript, so downstream is
positive on both strands).  The aggregate profile is divided by the mean of its
outer 100 bases at both ends (the background), smoothed with a centred moving
average, and the TSS enrichment score is the largest smoothed value within
1 kb of the TSS.  ENCODE's ATAC-seq pipeline averages 10-base bins the same way
(``encode_task_tss_enrich.py``); ArchR and Signac use the same flanks.

The accumulator keeps one ``(4001,)`` count array, so memory does not grow with
the number of fragments.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.io.chroms import name_lookup
from gategenome.io.reading import open_text, reading

log = logging.getLogger(__name__)

#: Bases on each side of a TSS aggregated.
TSS_FLANK = 2000
#: Bases at each outer end averaged as the background.
TSS_BACKGROUND = 100
#: Width of the centred moving average applied before the maximum.
TSS_SMOOTH = 11
#: The score is the largest smoothed value within this many bases of the TSS.
TSS_CENTRE = 1000


def _gtf_tss(fields: list[str]) -> tuple[str, int, str] | None:
    """The TSS of a GTF ``transcript`` line (``None`` for other features)."""
    if fields[2] != "transcript":
        return None
    start, end, strand = int(fields[3]) - 1, int(fields[4]), fields[6]
    return fields[0], (end - 1 if strand == "-" else start), ("-" if strand == "-" else "+")


def _bed_tss(fields: list[str]) -> tuple[str, int, str]:
    """The TSS of a BED line: its start, or ``end - 1`` on the minus strand (no strand: plus)."""
    start, end = int(fields[1]), int(fields[2])
    strand = fields[5] if len(fields) > 5 else "+"
    if end <= start or start < 0:
        raise ValueError("start < end")
    return fields[0], (end - 1 if strand == "-" else start), ("-" if strand == "-" else "+")


def read_tss(path: str | os.PathLike, genome_sizes: Mapping[str, int]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read transcription start sites from a BED or a GTF.

    A BED line (3 or more columns; the strand in column 6, plus when absent) is a
    TSS at its start, or at ``end - 1`` on the minus strand, so a one-base BED of
    TSSs and a BED of whole transcripts both work.  A GTF (9 columns, 1-based)
    gives the 5' end of every ``transcript`` feature; when it has none, of every
    ``gene``.  Duplicate sites (same chromosome, position and strand) count once.

    Parameters
    ----------
    path
        BED or GTF, plain or gzip.
    genome_sizes
        Genome chromosome -> length; sites on other chromosomes or outside them are skipped.

    Returns
    -------
    dict
        Genome chromosome -> ``(positions, minus)``: ``(N,)`` int64 sorted TSS
        positions (0-based) and ``(N,)`` bool, True on the minus strand.

    Raises
    ------
    InputError
        Missing file, malformed line (named with its number) or no TSS on the genome.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"--tss {path}: file not found")
    lookup = name_lookup(genome_sizes)
    sites: set[tuple[str, int, bool]] = set()
    genes: set[tuple[str, int, bool]] = set()
    skipped = 0
    with reading(path, "a BED or GTF of transcription start sites (--tss)"), open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.rstrip("\n").split("\t")
            try:
                if len(fields) >= 9 and fields[3].isdigit() and fields[4].isdigit():
                    site = _gtf_tss(fields)
                    if site is None and fields[2] == "gene":
                        start, end = int(fields[3]) - 1, int(fields[4])
                        minus = fields[6] == "-"
                        chrom = lookup(fields[0])
                        if chrom is not None and 0 <= start < end <= genome_sizes[chrom]:
                            genes.add((chrom, end - 1 if minus else start, minus))
                        continue
                    if site is None:
                        continue
                elif len(fields) >= 3:
                    site = _bed_tss(fields)
                else:
                    raise ValueError("too few columns")
            except (ValueError, IndexError):
                shown = line.rstrip("\n")[:80]
                raise InputError(f"--tss {path}: line {number}: expected a BED line 'chrom start end [name score "
                                 f"strand]' or a GTF line, got {shown!r}") from None
            chrom = lookup(site[0])
            if chrom is None or not 0 <= site[1] < genome_sizes[chrom]:
                skipped += 1
                continue
            sites.add((chrom, site[1], site[2] == "-"))
    sites = sites or genes
    if not sites:
        raise InputError(f"--tss {path}: no TSS on the genome's chromosomes; expected a BED of TSSs or a GTF "
                         "with transcript (or gene) lines of the same assembly")
    if skipped:
        log.warning("--tss %s: %d site(s) on chromosomes the genome lacks (or outside them) skipped", path, skipped)
    by_chrom: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for chrom in genome_sizes:
        mine = sorted((position, minus) for name, position, minus in sites if name == chrom)
        if mine:
            by_chrom[chrom] = (np.array([p for p, _ in mine], dtype=np.int64), np.array([m for _, m in mine]))
    return by_chrom


class TSSProfile:
    """Insertions aggregated around TSSs: ``counts[k]`` = insertions at offset ``k - TSS_FLANK``.

    Parameters
    ----------
    tss
        :func:`read_tss` output.
    """

    def __init__(self, tss: Mapping[str, tuple[np.ndarray, np.ndarray]]):
        self.tss = tss
        self.counts = np.zeros(2 * TSS_FLANK + 1, dtype=np.int64)
        self.sites = int(sum(positions.size for positions, _ in tss.values()))

    def add(self, chrom: str, insertions: np.ndarray) -> None:
        """Add ``(N,)`` int64 insertion positions of one chromosome (any order)."""
        if chrom not in self.tss or not insertions.size:
            return
        positions, minus = self.tss[chrom]
        lo = np.searchsorted(positions, insertions - TSS_FLANK, side="left")
        hi = np.searchsorted(positions, insertions + TSS_FLANK, side="right")
        per = hi - lo
        total = int(per.sum())
        if not total:
            return
        # every (insertion, TSS within the flank) pair: TSS indices lo..hi-1 of each insertion
        owner = np.repeat(np.arange(insertions.size), per)
        first = np.repeat(np.cumsum(per) - per, per)
        site = lo[owner] + (np.arange(total) - first)
        offset = insertions[owner] - positions[site]
        offset = np.where(minus[site], -offset, offset)
        self.counts += np.bincount(offset + TSS_FLANK, minlength=self.counts.size)

    def merge(self, other: TSSProfile) -> None:
        """Add another profile's counts (same TSSs)."""
        self.counts += other.counts

    def summary(self) -> dict:
        """``{"tss", "insertions", "score", "background", "profile"}`` (profile normalised, smoothed)."""
        return {"tss": self.sites, "insertions": int(self.counts.sum()), **tss_enrichment(self.counts)}


def tss_enrichment(counts: np.ndarray) -> dict:
    """The TSS enrichment score of an aggregate insertion profile.

    Parameters
    ----------
    counts
        ``(2 * TSS_FLANK + 1,)`` insertions per offset from the TSS.

    Returns
    -------
    dict
        ``score`` (None when the background is empty), ``background`` (mean
        insertions per base of the outer 100 bases at both ends) and ``profile``:
        the ``(2 * TSS_FLANK + 1,)`` smoothed profile divided by the background,
        as a list (empty when the score is None).
    """
    counts = np.asarray(counts, dtype=np.float64)
    background = float(np.concatenate([counts[:TSS_BACKGROUND], counts[-TSS_BACKGROUND:]]).mean())
    if background <= 0:
        return {"score": None, "background": 0.0, "profile": []}
    kernel = np.ones(TSS_SMOOTH) / TSS_SMOOTH
    padded = np.pad(counts / background, TSS_SMOOTH // 2, mode="edge")
    smoothed = np.convolve(padded, kernel, mode="valid")
    centre = smoothed[TSS_FLANK - TSS_CENTRE:TSS_FLANK + TSS_CENTRE + 1]
    return {"score": round(float(centre.max()), 4), "background": round(background, 4),
            "profile": [round(float(value), 4) for value in smoothed]}
