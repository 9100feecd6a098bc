"""The ``signal`` step: ATAC-seq bigWigs (and MACS3 peaks) from fragments or BAMs.

:func:`run_signal` reads every input (replicates are pooled), keeps the listed
cells when barcodes are given, piles the fragments up one chromosome at a time
(:mod:`gategenome.data.pileup`) and writes, all together or none
(:func:`gategenome.io.atomic.atomic_directory`):

``coverage.bw`` / ``cutsites.bw``
    Fragment pileup and Tn5 cut-site counts (``GROUP.coverage.bw`` ... per group
    of a two-column barcodes file).
``peaks.narrowPeak``
    MACS3 peaks of the kept fragments (``GROUP.peaks.narrowPeak`` per group),
    unless peaks are not asked for.
``signal.json``
    Resolved settings, counts per input (kept, dropped per reason,
    mitochondrial), the MACS3 command and version, and the library QC per input
    and per group (``qc``: fragment lengths, FRiP, TSS enrichment with a TSS
    file, NRF/PBC of a BAM, each beside its ENCODE threshold;
    :mod:`gategenome.data.signal_qc`).
``qc.png``
    Fragment-length distributions and TSS enrichment profiles.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from gategenome import __version__
from gategenome.data.bam import read_bam_fragments
from gategenome.data.fragments import FragmentCounts, read_barcodes, read_fragment_file
from gategenome.data.library_qc import LibraryComplexity, PeakOverlap
from gategenome.data.peaks import call_peaks, find_macs3
from gategenome.data.pileup import TN5_SHIFT, TRACKS, RunStore, accumulate, write_pileup_tracks
from gategenome.data.qc_plots import plot_qc
from gategenome.data.settings import SignalSettings
from gategenome.data.signal_qc import SignalQC
from gategenome.data.tss import read_tss
from gategenome.errors import ConfigError, InputError
from gategenome.io.atomic import atomic_directory
from gategenome.io.bed import Interval, read_bed
from gategenome.io.chroms import name_lookup
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import write_json
from gategenome.io.reading import open_text, reading

log = logging.getLogger(__name__)

_GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


def output_names(groups: list[str]) -> dict[str, str]:
    """Group -> file-name prefix: ``""`` for bulk (one group), ``"GROUP."`` per group otherwise."""
    if groups == ["all"]:
        return {"all": ""}
    bad = [group for group in groups if not _GROUP_NAME.match(group)]
    if bad:
        raise InputError(f"barcode group {bad[0]!r}: expected letters, digits and _ . + - (it names output files)")
    return {group: f"{group}." for group in groups}


def _first_columns(path: str) -> int:
    """Columns of the first data line of a fragments file (0 when it has none, or when it is a pipe: read
    once, by the pileup)."""
    if not Path(path).is_file():
        return 0
    with reading(path, "a plain or gzip text fragments file"), open_text(path) as handle:
        for line in handle:
            if line.strip() and not line.startswith(("#", "track", "browser")):
                return len(line.split())
    return 0


class _FragmentWriter:
    """Kept fragments of each group as BEDPE, for MACS3 (genome chromosome names)."""

    def __init__(self, directory: Path, n_groups: int):
        self.paths = [directory / f"group{index}.bedpe" for index in range(n_groups)]
        self.handles = [open(path, "w") for path in self.paths]

    def tee(self, chunks):
        for chunk in chunks:
            for group, handle in enumerate(self.handles):
                mine = chunk.groups == group
                if mine.any():
                    block = np.column_stack([chunk.starts[mine], chunk.ends[mine]])
                    handle.write("".join(f"{chunk.chrom}\t{s}\t{e}\n" for s, e in block.tolist()))
            yield chunk

    def close(self):
        for handle in self.handles:
            handle.close()


def _sources(fragments: list[str], bam: list[str], settings: SignalSettings, sizes, cells, genome: str,
             complexity=None):
    """``(label, counts, chunk iterator)`` of every input, fragments files first.

    ``complexity``, when given, is a dict filled with each BAM's
    :class:`LibraryComplexity` under its input number.
    """
    for path in fragments:
        counts = FragmentCounts()
        yield path, counts, read_fragment_file(path, sizes, counts, cells, settings.chunk)
    for number, path in enumerate(bam, len(fragments)):
        counts = FragmentCounts()
        counter = None
        if complexity is not None:
            counter = complexity[number] = LibraryComplexity()
        yield path, counts, read_bam_fragments(path, sizes, counts, settings.min_mapq, settings.chunk, str(genome),
                                                complexity=counter)


def _peak_overlaps(peaks: dict, staging: Path, prefixes: dict, groups: list[str], sizes) -> dict[int, PeakOverlap]:
    """Group index -> its called peaks (chromosomes named as in the genome)."""
    lookup = name_lookup(sizes)
    overlaps = {}
    for index, group in enumerate(groups):
        if group in peaks:
            found = read_bed(staging / f"{prefixes[group]}peaks.narrowPeak", "narrowPeak")
            overlaps[index] = PeakOverlap(Interval(lookup(peak.chrom) or peak.chrom, peak.start, peak.end) for peak in found)
    return overlaps


def _check_reads(fragments: list[str], bam: list[str], barcodes: str | None) -> None:
    """Raise :class:`ConfigError` when no reads are given, one file is given twice (it would count twice), or
    barcodes with BAMs."""
    if not fragments and not bam:
        raise ConfigError("give --fragments or --bam (repeatable; replicates are pooled)")
    seen: dict[tuple, str] = {}
    for option, path in [("--fragments", p) for p in fragments] + [("--bam", p) for p in bam]:
        try:
            status = os.stat(path)
            identity = (status.st_dev, status.st_ino)
        except OSError:
            identity = (os.path.realpath(path),)
        if identity in seen:
            raise ConfigError(f"{option} {path}: the same file as {seen[identity]}; expected each replicate once "
                              "(a file given twice would count its fragments twice)")
        seen[identity] = f"{option} {path}"
    if barcodes and bam:
        raise ConfigError("--barcodes selects cells of a fragments file; it cannot be used with --bam")


def run_signal(genome: str, fragments: Sequence[str], bam: Sequence[str], out: str | os.PathLike,
               settings: SignalSettings, *, barcodes: str | None = None, tss: str | None = None) -> dict:
    """Run the signal step and write its outputs.

    Parameters
    ----------
    genome
        FASTA whose chromosomes name and size the bigWigs.
    fragments, bam
        Fragments files and paired-end BAMs (either may be empty); all of them are pooled (replicates).
    out
        Output directory.
    settings
        Options.
    barcodes
        Optional cell barcodes: one column keeps those cells, ``barcode  group``
        makes one signal per group.
    tss
        Optional BED of TSSs (or GTF of transcripts) for the TSS enrichment score.

    Returns
    -------
    dict
        The content of ``signal.json``.

    Raises
    ------
    GategenomeError
        Any invalid input or option; nothing is written then.
    """
    started = time.perf_counter()
    fragments, bam = list(fragments), list(bam)
    _check_reads(fragments, bam, barcodes)
    settings.validate()
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out-dir {out_dir}: exists and is not a directory")
    with Genome(genome) as fasta:
        sizes = dict(fasta.sizes)
    cells, groups = read_barcodes(barcodes) if barcodes else (None, ["all"])
    prefixes = output_names(groups)
    tss_sites = read_tss(tss, sizes) if tss else None
    if settings.call_peaks:
        find_macs3(settings.macs3)
    direct_peaks = (settings.call_peaks and len(fragments) == 1 and not bam
                    and cells is None and _first_columns(fragments[0]) == 3)
    shift = TN5_SHIFT if settings.tn5_shift else None
    with atomic_directory(out_dir) as staging:
        scratch = staging / ".scratch"
        store = RunStore(scratch)
        writer = _FragmentWriter(scratch, len(groups)) if settings.call_peaks and not direct_peaks else None
        inputs, piled = [], np.zeros(len(groups), dtype=np.int64)
        qc = SignalQC(fragments + bam, groups, sizes, shift, tss_sites)
        try:
            for number, (label, counts, chunks) in enumerate(_sources(fragments, bam, settings, sizes, cells, genome,
                                                                      qc.complexity)):
                chunks = qc.tap(chunks, number)
                piled += accumulate(writer.tee(chunks) if writer else chunks, sizes, len(groups), store, number, shift)
                inputs.append({"file": str(Path(label).absolute()), **counts.as_dict()})
                log.info("%s: %d fragments kept of %d records (%d mitochondrial)", label, counts.kept,
                         counts.records, counts.mitochondrial)
        finally:
            if writer:
                writer.close()
        empty = [group for group, count in zip(groups, piled) if count == 0]
        if empty and barcodes:
            raise InputError(f"{barcodes}: no fragment kept for group(s) {', '.join(empty[:5])}; expected "
                             "its barcodes to match column 4 of the fragments file")
        if empty:
            raise InputError(f"{', '.join(fragments + bam)}: no fragment kept; expected "
                             "fragments on the genome's chromosomes")
        outputs = {(index, track): staging / f"{prefixes[group]}{track}.bw"
                   for index, group in enumerate(groups) for track in TRACKS}
        write_pileup_tracks(store, sizes, outputs)
        peaks = {}
        if settings.call_peaks:
            genome_size = settings.genome_size or sum(sizes.values())
            for index, group in enumerate(groups):
                source = fragments[0] if direct_peaks else writer.paths[index]
                peaks[group] = call_peaks(source, staging / f"{prefixes[group]}peaks.narrowPeak", genome_size,
                                          settings.qvalue, settings.macs3)
        if peaks:
            overlaps = _peak_overlaps(peaks, staging, prefixes, groups, sizes)
            for number, (_, _, chunks) in enumerate(_sources(fragments, bam, settings, sizes, cells, genome)):
                qc.count_peaks(chunks, number, overlaps)
        qc.complexity = {number: counter.summary() for number, counter in qc.complexity.items()}
        for path in scratch.iterdir():
            path.unlink()
        scratch.rmdir()
        paths = {"genome": genome, "out_dir": out, "fragments": fragments, "bam": bam, "barcodes": barcodes,
                 "tss": tss}
        summary = _summary(paths, settings, sizes, groups, prefixes, piled, inputs, peaks, started)
        summary["qc"] = {**qc.summary(), "plot": "qc.png"}
        plot_qc(summary["qc"], staging / "qc.png")
        write_json(staging / "signal.json", summary)
    log.info("wrote %s: %d fragments piled up in %.1f s", out_dir, int(piled.sum()), summary["seconds"])
    return summary


def _summary(paths, settings, sizes, groups, prefixes, piled, inputs, peaks, started) -> dict:
    """``signal.json``: the paths (absolute) and settings, counts per input and group, peaks."""
    outputs = {group: {track: f"{prefixes[group]}{track}.bw" for track in TRACKS} for group in groups}
    for group in peaks:
        outputs[group]["peaks"] = f"{prefixes[group]}peaks.narrowPeak"
    resolved = {
        "genome": str(Path(paths["genome"]).absolute()),
        "out_dir": str(Path(paths["out_dir"]).absolute()),
        "fragments": [str(Path(path).absolute()) for path in paths["fragments"]],
        "bam": [str(Path(path).absolute()) for path in paths["bam"]],
        "barcodes": str(Path(paths["barcodes"]).absolute()) if paths["barcodes"] else None,
        "tss": str(Path(paths["tss"]).absolute()) if paths["tss"] else None,
        **asdict(settings),
    }
    return {
        "format": "gategenome-signal",
        "version": __version__,
        "settings": resolved,
        "tn5_shift": list(TN5_SHIFT) if settings.tn5_shift else None,
        "genome": {"chromosomes": len(sizes), "bases": sum(sizes.values())},
        "inputs": inputs,
        "groups": {group: {"fragments": int(count), "outputs": outputs[group]} for group, count in zip(groups, piled)},
        "peaks": {group: record for group, record in peaks.items()},
        "seconds": round(time.perf_counter() - started, 3),
    }
