"""bigWig tracks from a scan directory, for IGV and the UCSC browser.

``gategenome tracks`` gathers the per-chromosome shards of a scan directory into
three bigWigs: ``forget.plus.bw``, ``forget.minus.bw`` (mean forget gate per
strand, at reference coordinates) and ``accessibility.bw`` (predicted probability
of accessibility: the mean of the two strands where both were scanned, else the
one scanned strand).  The header lists every chromosome of the genome in FASTA
order, so the files match the assembly; chromosomes not scanned are empty.
Consecutive bases with the same float16 value are written as one bedGraph-like
entry, and NaN (runs of N, unscanned bases) are gaps.  Coordinates are 0-based,
half-open.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from gategenome.io.atomic import atomic_path
from gategenome.io.scandir import ScanDir

log = logging.getLogger(__name__)

#: Bases read from the scan arrays at a time.
BLOCK = 1 << 22
TRACK_FILES = {"forget+": "forget.plus.bw", "forget-": "forget.minus.bw", "accessibility": "accessibility.bw"}


def value_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of equal, non-NaN values.

    Parameters
    ----------
    values
        ``(L,)`` float array (float16 in practice).

    Returns
    -------
    tuple of numpy.ndarray
        ``(starts, ends, run_values)``: run ``r`` covers ``[starts[r], ends[r])``
        where every value equals ``run_values[r]`` (float32); NaN bases are left out.
    """
    values = np.asarray(values)
    if values.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.float32)
    nan = np.isnan(values)
    change = np.ones(values.size, dtype=bool)
    change[1:] = (values[1:] != values[:-1]) | (nan[1:] != nan[:-1])
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], values.size)
    keep = ~nan[starts]
    return starts[keep].astype(np.int64), ends[keep].astype(np.int64), values[starts[keep]].astype(np.float32)


def _write_chrom(bw, chrom: str, length: int, read) -> int:
    """Add the entries of one chromosome, ``BLOCK`` bases at a time; returns the entry count."""
    entries = 0
    carry = None  # (start, value) of a run touching the end of the previous block
    for block in range(0, length, BLOCK):
        values = read(block, min(block + BLOCK, length))
        starts, ends, run_values = value_runs(values)
        starts, ends = starts + block, ends + block
        if carry is not None:
            if starts.size and starts[0] == block and run_values[0] == carry[1]:
                starts[0] = carry[0]
            else:
                bw.addEntries([chrom], [carry[0]], ends=[block], values=[float(carry[1])])
                entries += 1
            carry = None
        if starts.size and ends[-1] == block + values.size and ends[-1] < length:
            carry = (int(starts[-1]), run_values[-1])
            starts, ends, run_values = starts[:-1], ends[:-1], run_values[:-1]
        if starts.size:
            bw.addEntries([chrom] * starts.size, starts, ends=ends, values=run_values.astype(np.float64))
            entries += starts.size
    if carry is not None:
        bw.addEntries([chrom], [carry[0]], ends=[length], values=[float(carry[1])])
        entries += 1
    return entries


def write_bigwig(path: str | os.PathLike, genome_sizes: dict[str, int], readers: dict) -> int:
    """Write one bigWig atomically.

    Parameters
    ----------
    path
        Output file.
    genome_sizes
        Every chromosome -> length, in FASTA order (the header).
    readers
        Chromosome -> ``read(start, end)`` returning ``(end - start,)`` values
        (NaN: no value), for the chromosomes that have data, any order.

    Returns
    -------
    int
        Number of entries written.
    """
    import pyBigWig

    entries = 0
    with atomic_path(path) as tmp:
        bw = pyBigWig.open(str(tmp), "w")
        try:
            bw.addHeader([(name, int(length)) for name, length in genome_sizes.items()], maxZooms=10)
            for chrom, length in genome_sizes.items():
                if chrom in readers:
                    entries += _write_chrom(bw, chrom, int(length), readers[chrom])
        finally:
            bw.close()
    return entries


def _array_reader(array: np.ndarray):
    return lambda start, end: np.asarray(array[start:end])


def _accessibility_reader(scan: ScanDir, chrom: str):
    arrays = [scan.accessibility(chrom, strand) for strand in scan.strands]

    def read(start: int, end: int) -> np.ndarray:
        if len(arrays) == 1:
            return np.asarray(arrays[0][start:end])
        # mean of the strands in float32, back to the stored float16 resolution
        stacked = np.stack([np.asarray(a[start:end], dtype=np.float32) for a in arrays])
        return np.nanmean(stacked, axis=0).astype(np.float16)

    return read


def _write_track(scan_dir: str, track: str, path: str) -> int:
    """Write one of the three tracks (``"forget+"``, ``"forget-"``, ``"accessibility"``)."""
    import warnings

    scan = ScanDir(scan_dir)
    genome_sizes = {name: int(length) for name, length in scan.meta["chroms"].items()}
    if track == "accessibility":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (runs of N) stay NaN
            readers = {chrom: _accessibility_reader(scan, chrom) for chrom in scan.sizes}
            return write_bigwig(path, genome_sizes, readers)
    strand = track[-1]
    readers = {chrom: _array_reader(scan.forget(chrom, strand)) for chrom in scan.sizes}
    return write_bigwig(path, genome_sizes, readers)


def write_tracks(
    scan_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None, workers: int = 1
) -> dict[str, Path]:
    """Gather a scan directory's shards into the bigWig tracks.

    Parameters
    ----------
    scan_dir
        A scan directory (see :mod:`gategenome.io.scandir`).
    out_dir
        Where to write the bigWigs (default: the scan directory).
    workers
        Tracks written in parallel processes (up to 3; 1 writes them in turn).

    Returns
    -------
    dict
        Track name (``"forget+"``, ``"forget-"``, ``"accessibility"``) -> path written.
    """
    scan = ScanDir(scan_dir)
    out_dir = Path(out_dir) if out_dir is not None else scan.path
    missing = [name for name in scan.meta["chroms"] if name not in scan.sizes]
    if missing:
        log.info("%s: %d chromosome(s) not scanned, empty in the tracks (%s)", scan.path, len(missing),
                 ", ".join(missing[:10]))
    tracks = [f"forget{strand}" for strand in scan.strands] + ["accessibility"]
    paths = {track: out_dir / TRACK_FILES[track] for track in tracks}
    arguments = [(str(scan.path), track, str(paths[track])) for track in tracks]
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")  # no fork of a process that may hold torch threads
        with ProcessPoolExecutor(min(workers, len(tracks)), mp_context=context) as pool:
            counts = list(pool.map(_write_track, *zip(*arguments)))
    else:
        counts = [_write_track(*args) for args in arguments]
    for track, count in zip(tracks, counts):
        log.info("%s: %d entries", paths[track], count)
    return paths
