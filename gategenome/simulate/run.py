"""A synthetic genome and ATAC-seq track with known accessibility boundaries.

The genome is a yeast-like background (a first-order Markov chain with the base
and dinucleotide composition of S. cerevisiae sacCer3) into which accessible
regions are planted.  Each region carries sequence that explains it: clusters of
real yeast transcription-factor motifs (Reb1, Abf1, Rap1) and AT-rich
poly(dA:dT) stretches that exclude nucleosomes.  How open a region is grows with
its motif content, times a log-normal noise, and some regions are weak.

The reads are Tn5 fragments (a BEDPE, as ``gategenome signal --fragments``
reads it): each region receives a Poisson number of fragments whose two
insertions lie inside it (so counts are over-dispersed, negative-binomial-like,
across regions), the rest of the genome a thin background; lengths come from a
nucleosome-free / mono-nucleosome mixture.  The ATAC-like coverage bigWig is the
pileup of those fragments.  Peaks are called back from that coverage by a simple Poisson threshold, so they
miss weak regions and blur edges like a real peak caller does: they are not the
truth.  The truth is written separately: the planted regions, and their edges as
strand-aware boundaries (see :func:`boundaries`).

The sequence is drawn in :mod:`gategenome.simulate.sequence`, the fragments, coverage and
peaks in :mod:`gategenome.simulate.atac`, the truth in
:mod:`gategenome.simulate.truth`; :func:`simulate` draws every chromosome in turn
and writes the files.  Everything is drawn from one seeded :class:`numpy.random.Generator`: the same
seed gives byte-identical files.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from gategenome.io.atomic import atomic_directory, atomic_open, atomic_path
from gategenome.io.bigwig import write_bigwig
from gategenome.io.jsonfile import write_json
from gategenome.simulate.atac import Fragments, call_poisson_peaks, coverage, draw_fragments
from gategenome.simulate.pieces import CoverageFile, FastaStream, sequenced_pieces
from gategenome.simulate.records import RecordFiles
from gategenome.simulate.sequence import BASES, MOTIFS, markov_background, plant_regions
from gategenome.simulate.settings import SimulationSettings

log = logging.getLogger(__name__)

#: Output file names inside the simulation directory.
FILES = {
    "genome": "genome.fa",
    "sizes": "genome.chrom.sizes",
    "signal": "atac.bw",
    "fragments": "fragments.bedpe.gz",
    "peaks": "peaks.narrowPeak",
    "accessible": "truth.accessible.bed",
    "boundaries": "truth.boundaries.bed",
    "settings": "simulate.json",
}


def _draw_piece(rng: np.random.Generator, name: str, lo: int, hi: int, settings: SimulationSettings):
    """Draw bases ``lo:hi`` of chromosome ``name`` on their own: sequence, coverage, fragments, regions, peaks
    (genome coordinates)."""
    length = hi - lo
    sequence = BASES[markov_background(rng, length)]
    regions = plant_regions(rng, name, sequence, settings) if settings.regions else []
    fragments = draw_fragments(rng, length, regions, settings)
    values = coverage(fragments, length)
    peaks = call_poisson_peaks(name, values)
    if lo:
        regions = [replace(region, start=region.start + lo, end=region.end + lo) for region in regions]
        peaks = [replace(peak, start=peak.start + lo, end=peak.end + lo) for peak in peaks]
        fragments = Fragments(fragments.starts + lo, fragments.ends + lo)
    return sequence, values, fragments, regions, peaks


def _draw_genome(rng: np.random.Generator, settings: SimulationSettings, out: Path,
                 spill: CoverageFile, records: RecordFiles) -> None:
    """Draw every chromosome a piece at a time, writing the FASTA and the fragments and spilling the coverage and
    records as it goes (pieces are in order and fragments never cross one, so the fragments come out sorted)."""
    import pysam

    with atomic_open(out / FILES["genome"], "wb") as handle, atomic_path(out / FILES["fragments"]) as reads_path, \
            pysam.BGZFile(str(reads_path), "wb") as reads:
        fasta = FastaStream(handle)
        for name in _names(settings):
            fasta.start(name)
            written, planted = 0, 0
            for lo, hi in sequenced_pieces(settings.length, settings.gap_length):
                sequence, values, fragments, piece_regions, piece_peaks = _draw_piece(rng, name, lo, hi, settings)
                fasta.write_n(lo - written)
                fasta.write(sequence.tobytes())
                spill.write(name, lo, values)
                records.fragments += write_fragments(reads, name, fragments)
                records.add(name, piece_regions, piece_peaks)
                written, planted = hi, planted + len(piece_regions)
                del sequence, values, fragments, piece_regions, piece_peaks
            fasta.write_n(settings.length - written)
            fasta.end()
            log.info("%s: %d bases, %d accessible regions", name, settings.length, planted)
    pysam.faidx(str(out / FILES["genome"]))


def write_fragments(handle, chrom: str, fragments: Fragments, block: int = 1 << 16) -> int:
    """Append the fragments of ``chrom`` to an open binary ``handle`` as BEDPE lines ``chrom start end``;
    returns how many."""
    for lo in range(0, fragments.starts.size, block):
        lines = [f"{chrom}\t{start}\t{end}\n" for start, end in
                 zip(fragments.starts[lo:lo + block].tolist(), fragments.ends[lo:lo + block].tolist())]
        handle.write("".join(lines).encode())
    return int(fragments.starts.size)


def _names(settings: SimulationSettings) -> list[str]:
    """Chromosome names ``chrS1``, ``chrS2``, ..."""
    return [f"chrS{number}" for number in range(1, settings.chroms + 1)]


def run_simulate(out: str | os.PathLike, settings: SimulationSettings = SimulationSettings()) -> dict[str, Path]:
    """Write a synthetic genome, Tn5 fragments, their coverage, peaks and truth into the directory ``out``.

    Chromosomes are drawn a piece at a time (:mod:`gategenome.simulate.pieces`):
    the FASTA and the bgzipped fragments are written as they are drawn, the coverage spilled to a temporary
    file the bigWig is written from, and the regions, boundaries and peaks to
    temporary files the BED files are written from
    (:mod:`gategenome.simulate.records`), so memory grows neither with the
    chromosome length nor with the genome.

    Parameters
    ----------
    out
        Output directory (created).
    settings
        Simulation parameters.

    Returns
    -------
    dict[str, Path]
        The written files, keyed as in :data:`FILES`.
    """
    out = Path(out)
    rng = np.random.default_rng(settings.seed)
    sizes = {name: settings.length for name in _names(settings)}
    with atomic_directory(out) as stage:  # every file appears together, or none (an earlier result stays)
        spill_path = stage / f".coverage.{os.getpid()}.tmp"
        records = RecordFiles(stage)
        try:
            spill = CoverageFile(spill_path, sizes)
            _draw_genome(rng, settings, stage, spill, records)
            _write_files(stage, settings, sizes, spill, records)
        finally:
            spill_path.unlink(missing_ok=True)
            records.discard()
    paths = {key: out / name for key, name in FILES.items()}
    log.info("wrote %d regions, %d fragments, %d peaks to %s", records.regions, records.fragments, records.peaks, out)
    return paths


def _write_files(out: Path, settings: SimulationSettings, sizes: dict[str, int], spill: CoverageFile,
                 records: RecordFiles) -> dict[str, Path]:
    """Write the files of :data:`FILES` other than the FASTA into ``out``; returns every path."""
    paths = {key: out / name for key, name in FILES.items()}
    with atomic_open(paths["sizes"]) as handle:
        for name, length in sizes.items():
            handle.write(f"{name}\t{length}\n")
    write_bigwig(paths["signal"], sizes, {name: spill.reader(name) for name in sizes})
    records.write(paths["accessible"], paths["boundaries"], paths["peaks"])
    summary = {
        "settings": asdict(settings),
        "regions": records.regions,
        "peaks": records.peaks,
        "fragments": records.fragments,
        "genome_size": settings.chroms * settings.length,
        "files": {key: path.name for key, path in paths.items()},
        "motifs": MOTIFS,
    }
    write_json(paths["settings"], summary)
    return paths
