"""Library QC of the ``signal`` step, per input and per group, filled as the fragments stream by.

:class:`SignalQC` taps the chunks the pileup reads (fragment lengths, Tn5
insertions around TSSs), counts the fragments overlapping the called peaks in a
second pass over the inputs (FRiP), takes the library complexity of each BAM,
and sums each input's histograms into its groups.  :meth:`SignalQC.summary` is
the ``qc`` section of ``signal.json``; every value is judged against the ENCODE
ATAC-seq standards (:data:`gategenome.data.library_qc.ENCODE_THRESHOLDS`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from gategenome.data.fragments import FragmentChunk
from gategenome.data.library_qc import FragmentLengths, PeakOverlap, judge, log_judgement
from gategenome.data.pileup import shift_fragments
from gategenome.data.tss import TSSProfile


class _Cell:
    """The histograms of one (input, group)."""

    def __init__(self, tss):
        self.lengths = FragmentLengths()
        self.profile = TSSProfile(tss) if tss is not None else None
        self.in_peaks = 0

    def merge(self, other: _Cell) -> None:
        self.lengths.merge(other.lengths)
        if self.profile is not None:
            self.profile.merge(other.profile)
        self.in_peaks += other.in_peaks


class SignalQC:
    """QC counters of every input and group.

    Parameters
    ----------
    labels
        The inputs, in reading order.
    groups
        Group names (``["all"]`` for bulk).
    sizes
        Genome chromosome -> length (for the Tn5 shift).
    shift
        Tn5 shift applied to the insertions, or None.
    tss
        :func:`gategenome.data.tss.read_tss` output, or None (no TSS enrichment).
    """

    def __init__(self, labels: list[str], groups: list[str], sizes: Mapping[str, int],
                 shift: tuple[int, int] | None, tss=None):
        self.labels, self.groups, self.sizes, self.shift, self.tss = labels, groups, sizes, shift, tss
        self.cells = [[_Cell(tss) for _ in groups] for _ in labels]
        self.complexity: dict[int, dict] = {}
        self.peaks_counted = False

    def _per_group(self, chunk: FragmentChunk):
        """``(group index, starts, ends)`` of each group present in a chunk."""
        if len(self.groups) == 1:
            yield 0, chunk.starts, chunk.ends
            return
        for group in np.unique(chunk.groups).tolist():
            mine = chunk.groups == group
            yield group, chunk.starts[mine], chunk.ends[mine]

    def tap(self, chunks: Iterable[FragmentChunk], source: int) -> Iterator[FragmentChunk]:
        """Pass the chunks of input ``source`` on, counting their lengths and TSS insertions."""
        for chunk in chunks:
            for group, starts, ends in self._per_group(chunk):
                cell = self.cells[source][group]
                cell.lengths.add(ends - starts)
                if cell.profile is not None:
                    if self.shift is not None:
                        starts, ends, _ = shift_fragments(starts, ends, int(self.sizes[chunk.chrom]), self.shift)
                    cell.profile.add(chunk.chrom, np.concatenate([starts, ends - 1]))
            yield chunk

    def count_peaks(self, chunks: Iterable[FragmentChunk], source: int, overlaps: Mapping[int, PeakOverlap]) -> None:
        """Second pass over input ``source``: its fragments overlapping their group's peaks."""
        for chunk in chunks:
            for group, starts, ends in self._per_group(chunk):
                if group in overlaps:
                    hits = overlaps[group].overlapping(chunk.chrom, starts, ends)
                    self.cells[source][group].in_peaks += int(hits.sum())
        self.peaks_counted = True

    def _entry(self, cell: _Cell, complexity: dict | None) -> dict:
        lengths = cell.lengths.summary()
        entry: dict = {"fragment_lengths": lengths}
        values: dict = {}
        if self.peaks_counted:
            frip = cell.in_peaks / lengths["fragments"] if lengths["fragments"] else 0.0
            entry["frip"] = {"fragments_in_peaks": cell.in_peaks, "frip": frip}
            values["frip"] = frip
        if cell.profile is not None:
            entry["tss_enrichment"] = cell.profile.summary()
            values["tss_enrichment"] = entry["tss_enrichment"]["score"]
        if complexity is not None:
            entry["complexity"] = complexity
            values.update({key: complexity[key] for key in ("nrf", "pbc1", "pbc2")})
        entry["encode"] = judge(values)
        return entry

    def summary(self) -> dict:
        """``{"inputs": [...], "groups": {...}}``: one entry per input and per group, each value judged.

        An entry holds ``fragment_lengths`` (histogram, fraction under 147 bp,
        modes), ``frip`` (when peaks were called), ``tss_enrichment`` (with
        ``--tss``), ``complexity`` (BAM inputs) and ``encode`` (each value beside
        its ENCODE threshold).  Each shortfall is logged as a warning.
        """
        inputs = []
        for source, label in enumerate(self.labels):
            total = _Cell(self.tss)
            for cell in self.cells[source]:
                total.merge(cell)
            entry = {"file": label, **self._entry(total, self.complexity.get(source))}
            log_judgement(label, entry["encode"], entry["fragment_lengths"]["modes"])
            inputs.append(entry)
        groups = {}
        for index, group in enumerate(self.groups):
            total = _Cell(self.tss)
            for source in range(len(self.labels)):
                total.merge(self.cells[source][index])
            groups[group] = self._entry(total, None)
            if len(self.labels) > 1 or len(self.groups) > 1:
                log_judgement(f"group {group}", groups[group]["encode"], groups[group]["fragment_lengths"]["modes"])
        return {"inputs": inputs, "groups": groups}
