"""Called drops held as arrays, one row per drop, and written to BED a block of rows at a time.

A genome-wide call holds millions of drops (hg38: about ten million tested, all
of them candidates of the boundary call); one :class:`gategenome.io.bed.Interval`
per drop costs about 690 bytes, these arrays about 50.  Rows are in genome
order (chromosome in FASTA order, then start, then end; ties keep the scan's
strand order), the order ``drop_<n>`` names follow.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from gategenome.io.atomic import atomic_open
from gategenome.io.bed import Interval

#: Records formatted at a time when writing.
WRITE_BLOCK = 1 << 16


@dataclass
class DropTable:
    """Drops as ``(D,)`` arrays in genome order.

    Attributes
    ----------
    chroms : list[str]
        Chromosome names; ``chrom`` indexes into it.
    chrom : numpy.ndarray
        ``(D,)`` int32 chromosome index.
    strand : numpy.ndarray
        ``(D,)`` ``<U1`` scan strand, ``+`` or ``-``.
    starts, ends, summits : numpy.ndarray
        ``(D,)`` int64 half-open interval and the base of the minimum.
    depths : numpy.ndarray
        ``(D,)`` float32 ``1 - min f``.
    pvalues, qvalues : numpy.ndarray
        ``(D,)`` float64 empirical p-value and BH q-value.
    tested : int
        Drops tested (before any q-value filter).
    """

    chroms: list[str]
    chrom: np.ndarray
    strand: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    summits: np.ndarray
    depths: np.ndarray
    pvalues: np.ndarray
    qvalues: np.ndarray
    tested: int = 0

    _ROWS = ("chrom", "strand", "starts", "ends", "summits", "depths", "pvalues", "qvalues")

    def __len__(self) -> int:
        return int(self.starts.size)

    @classmethod
    def from_tested(cls, tested: Sequence[tuple], pvalues: np.ndarray, qvalues: np.ndarray,
                    chrom_order: Sequence[str]) -> DropTable:
        """Gather per-(chromosome, strand) drops and sort them into genome order.

        Parameters
        ----------
        tested
            ``(chrom, strand, drops)`` triples, ``drops`` with ``(R,)`` ``starts``,
            ``ends``, ``summits`` and ``depths``.
        pvalues, qvalues
            ``(D,)`` one per drop of ``tested`` in order.
        chrom_order
            Genome (FASTA) order; chromosomes not in it come after, by name.
        """
        rank = {name: index for index, name in enumerate(chrom_order)}
        names = sorted({chrom for chrom, _, _ in tested}, key=lambda c: (rank.get(c, len(rank)), c))
        index = {name: i for i, name in enumerate(names)}
        counts = [drops.starts.size for _, _, drops in tested]

        def gather(values, dtype):
            return np.concatenate([np.asarray(v, dtype=dtype) for v in values]) if values else np.zeros(0, dtype)

        chrom = np.repeat(np.array([index[c] for c, _, _ in tested], dtype=np.int32), counts)
        strand = np.repeat(np.array([s for _, s, _ in tested], dtype="<U1"), counts)
        table = cls(
            names, chrom, strand,
            gather([d.starts for _, _, d in tested], np.int64), gather([d.ends for _, _, d in tested], np.int64),
            gather([d.summits for _, _, d in tested], np.int64), gather([d.depths for _, _, d in tested], np.float32),
            np.asarray(pvalues, dtype=np.float64), np.asarray(qvalues, dtype=np.float64), int(sum(counts)),
        )
        return table.take(np.lexsort((table.ends, table.starts, table.chrom)))  # stable: ties keep strand order

    def take(self, rows: np.ndarray) -> DropTable:
        """The table restricted to (and ordered by) ``rows``, an index or ``(D,)`` bool array."""
        kept = {name: getattr(self, name)[rows] for name in self._ROWS}
        return DropTable(self.chroms, tested=self.tested, **kept)

    def subset(self, keep: np.ndarray) -> DropTable:
        """The rows where the ``(D,)`` bool ``keep`` is True, in the same order."""
        return self.take(np.asarray(keep, dtype=bool))

    def chrom_rows(self, chrom: str) -> slice:
        """The rows of one chromosome (rows are grouped by chromosome); empty when it has none."""
        if chrom not in self.chroms:
            return slice(0, 0)
        index = self.chroms.index(chrom)
        return slice(int(np.searchsorted(self.chrom, index, "left")), int(np.searchsorted(self.chrom, index, "right")))

    def rounded_depths(self, rows: slice = slice(None)) -> np.ndarray:
        """float64 depths of ``rows`` as written to the BED (4 decimals), read back."""
        return np.array([float(f"{d:.4f}") for d in self.depths[rows].astype(np.float64).tolist()], dtype=np.float64)

    def rows(self, first_name: int = 1) -> Iterator[tuple]:
        """BED6+4 rows ``(chrom, start, end, name, score, strand, signal, p, q, peak)``, a block at a time."""
        names = np.asarray(self.chroms, dtype=object)
        for lo in range(0, len(self), WRITE_BLOCK):
            block = slice(lo, lo + WRITE_BLOCK)
            depth = self.depths[block].astype(np.float64)
            score = np.clip(np.round(1000 * depth), 0, 1000).astype(np.int64)
            columns = (
                names[self.chrom[block]].tolist(),
                self.starts[block].tolist(), self.ends[block].tolist(),
                [f"drop_{n}" for n in range(first_name + lo, first_name + lo + depth.size)],
                score.tolist(), self.strand[block].tolist(),
                [f"{d:.4f}" for d in depth.tolist()],
                # 0 - log10(p), not -log10(p): p = 1 gives 0.0000, never -0.0000
                [f"{v:.4f}" for v in (0.0 - np.log10(self.pvalues[block])).tolist()],
                [f"{v:.4f}" for v in (0.0 - np.log10(self.qvalues[block])).tolist()],
                (self.summits[block] - self.starts[block]).tolist(),
            )
            yield from zip(*columns)

    def intervals(self) -> list[Interval]:
        """The rows as :class:`Interval` records named ``drop_<n>`` (one object per drop)."""
        return [Interval(c, s, e, n, score, strand, (signal, p, q, str(peak)))
                for c, s, e, n, score, strand, signal, p, q, peak in self.rows()]

    def write_bed(self, path: str | os.PathLike, track_line: str | None = None) -> int:
        """Write the rows as BED6+4 atomically, ``WRITE_BLOCK`` records formatted at a time."""
        with atomic_open(path) as handle:
            if track_line:
                handle.write(track_line.rstrip("\n") + "\n")
            for row in self.rows():
                handle.write("%s\t%d\t%d\t%s\t%d\t%s\t%s\t%s\t%s\t%d\n" % row)
        return len(self)

