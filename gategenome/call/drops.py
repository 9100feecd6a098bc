"""Call forget-gate drops, calibrated against the shuffled-sequence null.

A **drop** is a maximal run of bases (on one strand) whose mean forget gate is
below a threshold ``t``.  ``t`` is the ``threshold_quantile`` quantile of the null
values: the same model's gates over dinucleotide-shuffled windows of the same
chromosomes (see :mod:`gategenome.scan.stream`), computed exactly from a histogram of the
float16 values.  Each drop's depth ``1 - min f`` gets an empirical p-value against
the depths of all drops found the same way in the null,
``p = (1 + #{null depth >= depth}) / (1 + #null drops)``, and Benjamini-Hochberg
q-values over all drops tested (those at least ``min_length`` long and
``min_depth`` deep).  Drops with ``q <= fdr`` are reported (settings in
:class:`gategenome.call.settings.CallSettings`).

Output is BED6+4 in the narrowPeak layout (0-based, half-open)::

    chrom start end name score strand signalValue pValue qValue peak

``name`` is ``drop_<n>``, ``score`` is ``round(1000 * depth)``, ``strand`` is the
scan direction, ``signalValue`` the depth ``1 - min f``, ``pValue`` and
``qValue`` are ``-log10`` values, ``peak`` the summit (the base of the minimum)
as an offset from ``start``.  Records are sorted in genome (FASTA) order.
Everything is vectorised (no per-base Python loops) and read in blocks; the
called drops are held as arrays (:class:`gategenome.call.table.DropTable`), not
one object per drop, and written to BED a block of records at a time.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np

from gategenome.call.settings import CallSettings
from gategenome.call.table import DropTable
from gategenome.core.runs import true_runs
from gategenome.core.stats import bh_qvalues, empirical_pvalues
from gategenome.errors import InputError
from gategenome.io.bed import Interval
from gategenome.io.scandir.reader import ScanDir, read_block

log = logging.getLogger(__name__)

#: Below this genome / null ratio of drops per base, a call with no drop warns (an FDR of 0.05 needs about 20).
RATE_WARNING = 2.0
#: Bases read at a time (a run crossing a block edge is joined exactly): memory is a few times this
#: (about 30 bytes a base at most), whatever the chromosome.
BLOCK = 1 << 20


@dataclass
class Drops:
    """Drops of one array: ``(R,)`` starts, ends, minimum gate and summit position."""

    starts: np.ndarray
    ends: np.ndarray
    minima: np.ndarray
    summits: np.ndarray

    @property
    def depths(self) -> np.ndarray:
        """``1 - min f`` per drop."""
        return 1.0 - self.minima

    def subset(self, keep: np.ndarray) -> "Drops":
        """The drops where the ``(R,)`` bool ``keep`` is True."""
        return Drops(self.starts[keep], self.ends[keep], self.minima[keep], self.summits[keep])


def find_drops(values: np.ndarray, threshold: float, min_length: int = 1, block: int = BLOCK,
               min_depth: float | None = None) -> Drops:
    """Runs of values below ``threshold`` (NaN breaks a run), read ``block`` at a time.

    Parameters
    ----------
    values
        ``(L,)`` mean forget gate (float16; a memory-mapped one is read with ``pread``, so only the
        block is resident, not the pages already read).
    threshold
        A base is in a drop when its value is below this.
    min_length
        Shorter runs are left out.
    block
        Bases read at a time (a run crossing a block edge is read whole).
    min_depth
        Shallower runs (``1 - min f`` below this) are left out too.  Runs are
        filtered block by block, so only the kept ones are held: a chromosome
        has a run below a low threshold every few tens of bases, most of them
        too short or too shallow to be tested.

    Returns
    -------
    Drops
        Positions are indices into ``values``; ``summits`` are absolute indices of
        the first minimum of each run.
    """
    length = values.shape[0]
    found: list[tuple[np.ndarray, ...]] = []
    position = 0
    while position < length:
        end = min(position + block, length)
        f = np.asarray(read_block(values, position, end), dtype=np.float32)
        starts, ends = true_runs(f < threshold)
        following = end
        if end < length and ends.size and ends[-1] == f.size:
            if starts[-1] == 0:  # one run fills the block: read a longer one
                block *= 2
                continue
            following = position + int(starts[-1])
            starts, ends = starts[:-1], ends[:-1]
        if starts.size:
            used = f[: ends[-1]]  # leave out a run deferred to the next block
            minima = np.fmin.reduceat(used, starts)  # between runs every value is >= threshold or NaN
            inside = np.flatnonzero(used < threshold)
            run = np.searchsorted(starts, inside, side="right") - 1
            at_min = f[inside] == minima[run]
            _, first = np.unique(run[at_min], return_index=True)
            summits = inside[at_min][first]
            keep = ends - starts >= min_length
            if min_depth is not None:
                keep &= (1.0 - minima) >= min_depth  # as Drops.depths >= min_depth
            found.append((starts[keep] + position, ends[keep] + position, minima[keep], summits[keep] + position))
        position = following
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Drops(empty, empty.copy(), np.zeros(0, dtype=np.float32), empty.copy())
    starts, ends, minima, summits = (np.concatenate(parts) for parts in zip(*found))
    return Drops(starts, ends, minima, summits).subset(ends - starts >= min_length)


def scan_null_threshold(scan: ScanDir, quantile: float) -> tuple[float, int]:
    """The ``quantile`` of all null values, exact, from a histogram of float16 bit patterns.

    Returns
    -------
    tuple
        ``(threshold, n_values)``.

    Raises
    ------
    InputError
        When the scan directory has no null.
    """
    counts = np.zeros(1 << 16, dtype=np.int64)
    for chrom in scan.sizes:
        for strand in scan.strands:
            null = scan.null_forget(chrom, strand)
            if null is None:
                continue
            for start in range(0, null.shape[0], BLOCK):
                block = read_block(null, start, start + BLOCK)
                counts += np.bincount(block[~np.isnan(block)].view(np.uint16), minlength=1 << 16)
    total = int(counts.sum())
    if total == 0:
        raise InputError(
            f"{scan.path}: the scan has no null (shuffled-sequence) values; "
            "expected a scan made with --null-fraction > 0"
        )
    patterns = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32)
    present = np.flatnonzero(counts)
    order = present[np.argsort(patterns[present], kind="stable")]
    cumulative = np.cumsum(counts[order])
    index = int(np.searchsorted(cumulative, quantile * total, side="left"))
    return float(patterns[order[min(index, order.size - 1)]]), total


def _null_depths(scan: ScanDir, threshold: float) -> np.ndarray:
    """``(N,)`` depths of every drop below ``threshold`` in the null, of any length."""
    depths = []
    for chrom in scan.sizes:
        for strand in scan.strands:
            null = scan.null_forget(chrom, strand)
            if null is not None:
                depths.append(find_drops(null, threshold).depths)
    depths = np.concatenate(depths) if depths else np.zeros(0, dtype=np.float32)
    if depths.size == 0:
        log.warning("%s: no drop below %.4f in the null; nothing can be called", scan.path, threshold)
    return depths


def _tested_drops(scan: ScanDir, threshold: float, settings: CallSettings) -> list[tuple[str, str, Drops]]:
    """``(chrom, strand, drops)`` of the scan, at least ``min_length`` long and ``min_depth`` deep."""
    tested = []
    for chrom in scan.sizes:
        for strand in scan.strands:
            drops = find_drops(scan.forget(chrom, strand), threshold, settings.min_length, min_depth=settings.min_depth)
            tested.append((chrom, strand, drops.subset(drops.depths >= settings.min_depth)))
    return tested


def call_drop_table(scan_dir: str | os.PathLike, settings: CallSettings | None = None) -> tuple[DropTable, dict]:
    """Call drops over every completed chromosome and strand of a scan directory, as arrays.

    Chromosomes are read one at a time, ``BLOCK`` bases at a time; only the
    tested drops are held, about 50 bytes each (no Python object per drop).

    Parameters
    ----------
    scan_dir
        The scan directory.
    settings
        :class:`CallSettings` (defaults when omitted).

    Returns
    -------
    tuple
        ``(table, summary)``: the called drops in genome order
        (:class:`gategenome.call.table.DropTable`), and the calibration
        (threshold, counts) as plain types.
    """
    settings = settings or CallSettings()
    scan = ScanDir(scan_dir)
    unscanned = _warn_unscanned(scan)
    threshold, null_values = scan_null_threshold(scan, settings.threshold_quantile)
    null_depths = _null_depths(scan, threshold)
    tested = _tested_drops(scan, threshold, settings)
    depths = np.concatenate([d.depths for _, _, d in tested]) if tested else np.zeros(0, dtype=np.float32)
    pvalues = empirical_pvalues(depths, null_depths) if null_depths.size else np.ones(depths.shape)
    qvalues = bh_qvalues(pvalues)
    table = DropTable.from_tested(tested, pvalues, qvalues, list(scan.meta.get("chroms", scan.sizes)))
    table = table.subset(table.qvalues <= settings.fdr)
    rate = _rate_over_null(depths.size, null_depths, null_values, scan, settings)
    del tested, depths, pvalues, qvalues
    summary = {
        "threshold": threshold,
        "threshold_quantile": settings.threshold_quantile,
        "null_values": null_values,
        "null_drops": int(null_depths.size),
        "tested_drops": int(table.tested),
        "called_drops": len(table),
        "fdr": settings.fdr,
        "min_length": settings.min_length,
        "min_depth": settings.min_depth,
        "min_pvalue": float(1.0 / (1.0 + null_depths.size)),
        "chromosomes_called": list(scan.sizes),
        "chromosomes_not_scanned": unscanned,
        "rate_over_null": rate,
    }
    log.info(
        "threshold %.4f (null quantile %g); %d null drops; %d of %d drops at q <= %g",
        threshold, settings.threshold_quantile, null_depths.size, len(table), table.tested, settings.fdr,
    )
    if rate is not None and rate < RATE_WARNING and len(table) == 0 and table.tested:
        log.warning(
            "%s: the shuffled-sequence null has about as many drops per base as the genome (genome / null %.2fx), "
            "so none can pass the FDR: the gate closes on composition a dinucleotide shuffle keeps; "
            "call this model's boundaries instead (gategenome boundaries, which tests the drops on its predicted "
            "accessibility step; docs/call.md)", scan.path, rate,
        )
    return table, summary


def _rate_over_null(tested: int, null_depths: np.ndarray, null_values: int, scan: ScanDir,
                    settings: CallSettings) -> float | None:
    """Tested drops per scanned base of the genome over null drops as deep per null base (None without any)."""
    genome_bases = sum(scan.sizes.values()) * len(scan.strands)
    null_deep = int((null_depths >= settings.min_depth).sum())
    if not genome_bases or not null_values or not null_deep:
        return None
    return round((tested / genome_bases) / (null_deep / null_values), 4)


def call_drops(scan_dir: str | os.PathLike, settings: CallSettings | None = None) -> tuple[list[Interval], dict]:
    """:func:`call_drop_table` as a list of BED6+4 records (one object per drop: for small genomes).

    Returns
    -------
    tuple
        ``(intervals, summary)``: records sorted in genome order named ``drop_<n>``,
        and the calibration as plain types.
    """
    table, summary = call_drop_table(scan_dir, settings)
    return table.intervals(), summary


def _warn_unscanned(scan: ScanDir) -> list[str]:
    """Genome chromosomes without a completed shard (a scan killed mid-way, or one shard), with a warning."""
    unscanned = [name for name in scan.meta.get("chroms", {}) if name not in scan.sizes]
    if unscanned:
        log.warning(
            "%s: %d of %d chromosome(s) have no completed scan (%s%s); drops are called on the other %d only "
            "(finish the scan, or gather every shard, to call the whole genome)",
            scan.path, len(unscanned), len(unscanned) + len(scan.sizes), ", ".join(unscanned[:5]),
            ", ..." if len(unscanned) > 5 else "", len(scan.sizes),
        )
    return unscanned
