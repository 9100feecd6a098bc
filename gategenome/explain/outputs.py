"""The files of ``gategenome explain``: attribution arrays, bigWig tracks, a per-drop table.

``attributions.npz`` holds, in **scan orientation** (the order the model read
the bases; the summit is the last position, or the middle one, ``W // 2``, with
``target: counts``): ``one_hot`` and ``hypothetical``,
``(N, W, 4)`` each, the layout of modisco-lite's Python API
(``modiscolite.tfmodisco.TFMoDISco(one_hot, hypothetical_contribs)``), and
``contrib`` ``(N, W)``, ``score`` ``(N,)`` and the drops' ``chrom``, ``strand``,
``summit`` and ``name``.  ``modisco_ohe.npz`` and ``modisco_attr.npz`` hold the same
sequences and hypothetical scores as ``arr_0`` ``(N, 4, W)``, the files
``modisco motifs -s ... -a ...`` reads.  The bigWigs give each reference base the
contribution of the base present (summed over drops whose windows cover it), one
file per scan strand, like the contribution-score tracks of chromBPNet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gategenome.explain.run import Explained
from gategenome.io.bigwig import write_bigwig

TABLE_COLUMNS = ("name", "chrom", "start", "end", "strand", "summit", "depth", "score", "dna_share")


def write_arrays(out: Path, explained: Explained) -> None:
    """``attributions.npz``, ``modisco_ohe.npz`` and ``modisco_attr.npz`` into directory ``out``."""
    targets = explained.targets
    one_hot = explained.one_hot
    with open(out / "attributions.npz", "wb") as handle:
        np.savez_compressed(
            handle, one_hot=one_hot, hypothetical=explained.hypothetical, contrib=explained.contrib,
            score=explained.score, chrom=np.array([t.chrom for t in targets], dtype=str),
            strand=np.array([t.strand for t in targets], dtype=str),
            summit=np.array([t.summit for t in targets], dtype=np.int64),
            name=np.array([t.name for t in targets], dtype=str),
        )
    with open(out / "modisco_ohe.npz", "wb") as handle:
        np.savez_compressed(handle, one_hot.transpose(0, 2, 1))
    with open(out / "modisco_attr.npz", "wb") as handle:
        np.savez_compressed(handle, explained.hypothetical.transpose(0, 2, 1))


def _reader(positions: np.ndarray, values: np.ndarray):
    """``read(start, end)`` of sparse per-base values: NaN where no window reached."""
    def read(start: int, end: int) -> np.ndarray:
        out = np.full(end - start, np.nan, dtype=np.float32)
        lo, hi = np.searchsorted(positions, [start, end])
        out[positions[lo:hi] - start] = values[lo:hi]
        return out
    return read


def strand_tracks(explained: Explained, sizes: dict[str, int], strand: str) -> dict:
    """Chromosome -> bigWig reader of one strand's summed contributions, reference coordinates."""
    pieces: dict[str, tuple[list, list]] = {}
    width = explained.codes.shape[1]
    for row, target in enumerate(explained.targets):
        if target.strand != strand:
            continue
        scan = explained.starts[row] + np.arange(width)
        reference = scan if strand == "+" else sizes[target.chrom] - 1 - scan
        positions, values = pieces.setdefault(target.chrom, ([], []))
        positions.append(reference)
        values.append(explained.contrib[row])
    readers = {}
    for chrom, (positions, values) in pieces.items():
        unique, inverse = np.unique(np.concatenate(positions), return_inverse=True)
        summed = np.zeros(unique.size, dtype=np.float64)
        np.add.at(summed, inverse, np.concatenate(values))
        readers[chrom] = _reader(unique, summed.astype(np.float32))
    return readers


def write_attribution_tracks(out: Path, explained: Explained, sizes: dict[str, int]) -> dict[str, str]:
    """``attribution.plus.bw`` and ``attribution.minus.bw`` into ``out``; strand -> file name."""
    names = {}
    for strand, name in (("+", "attribution.plus.bw"), ("-", "attribution.minus.bw")):
        write_bigwig(out / name, sizes, strand_tracks(explained, sizes, strand))
        names[strand] = name
    return names


def write_drop_table(path: Path, explained: Explained, rank_column: str = "depth") -> None:
    """``drops.tsv``: one row per explained drop or peak (``dna_share`` empty for ``dna`` models).

    ``rank_column`` names column 7 of the input, by which ``--top`` ranks: ``depth`` for
    drops, ``signal`` for peaks (a narrowPeak's signalValue).
    """
    columns = [rank_column if name == "depth" else name for name in TABLE_COLUMNS]
    with open(path, "w") as handle:
        handle.write("\t".join(columns) + "\n")
        for row, target in enumerate(explained.targets):
            share = "" if explained.dna_share is None else f"{explained.dna_share[row]:.4f}"
            handle.write("\t".join([target.name, target.chrom, str(target.start), str(target.end), target.strand,
                                    str(target.summit), f"{target.depth:.4f}", f"{explained.score[row]:.5f}",
                                    share]) + "\n")
