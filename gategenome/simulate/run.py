"""A synthetic genome and ATAC-seq track with known accessibility boundaries.

The genome is a yeast-like background (a first-order Markov chain with the base
and dinucleotide composition of S. cerevisiae sacCer3) into which accessible
regions are planted.  Each region carries sequence that explains it: clusters of
real yeast transcription-factor motifs (Reb1, Abf1, Rap1) and AT-rich
poly(dA:dT) stretches that exclude nucleosomes.  How open a region is grows with
its motif content, times a log-normal noise, and some regions are weak.

The ATAC-like coverage is a fragment pileup: each region receives a Poisson
number of short fragments (so counts are over-dispersed, negative-binomial-like,
across regions), the rest of the genome a thin background of longer fragments.
Peaks are called back from that coverage by a simple Poisson threshold, so they
miss weak regions and blur edges like a real peak caller does: they are not the
truth.  The truth is written separately: the planted regions, and their edges as
strand-aware boundaries (see :func:`boundaries`).

The sequence is drawn in :mod:`gategenome.simulate.sequence`, the coverage and
peaks in :mod:`gategenome.simulate.atac`, the truth in
:mod:`gategenome.simulate.truth`; :func:`simulate` draws every chromosome in turn
and writes the files.  Everything is drawn from one seeded :class:`numpy.random.Generator`: the same
seed gives byte-identical files.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np

from gategenome.core.stats import bh_qvalues
from gategenome.io.atomic import atomic_open
from gategenome.io.bed import Interval, write_bed
from gategenome.io.bigwig import write_bigwig
from gategenome.io.jsonfile import write_json
from gategenome.simulate.atac import call_peaks, coverage
from gategenome.simulate.sequence import BASES, MOTIFS, markov_background, plant_regions
from gategenome.simulate.settings import SimulationSettings
from gategenome.simulate.truth import Region, boundaries, region_records

log = logging.getLogger(__name__)

#: Output file names inside the simulation directory.
FILES = {
    "genome": "genome.fa",
    "sizes": "genome.chrom.sizes",
    "signal": "atac.bw",
    "peaks": "peaks.narrowPeak",
    "accessible": "truth.accessible.bed",
    "boundaries": "truth.boundaries.bed",
    "settings": "simulate.json",
}


def _write_fasta(path: Path, sequences: dict[str, np.ndarray], width: int = 60) -> None:
    with atomic_open(path, "wb") as handle:
        for name, sequence in sequences.items():
            handle.write(f">{name}\n".encode())
            raw = sequence.tobytes()
            handle.write(b"\n".join(raw[i:i + width] for i in range(0, len(raw), width)) + b"\n")
    import pysam

    pysam.faidx(str(path))


def _uncovered_as_gaps(values: np.ndarray):
    """A :func:`gategenome.io.bigwig.write_bigwig` reader that leaves zero-coverage bases out."""

    def read(start: int, end: int) -> np.ndarray:
        piece = values[start:end].astype(np.float32)
        piece[piece == 0] = np.nan
        return piece

    return read


def _draw_chromosomes(
    rng: np.random.Generator, settings: SimulationSettings
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[Region], list[Interval]]:
    """Draw every chromosome in turn: sequence, planted regions, coverage, called peaks.

    Returns
    -------
    tuple
        ``(sequences, coverages, regions, peaks)``: chromosome -> ``(L,)`` uint8
        ASCII bases and ``(L,)`` float32 coverage; all planted regions and all
        peaks (q-values not yet filled in), in chromosome order.
    """
    sequences: dict[str, np.ndarray] = {}
    tracks: dict[str, np.ndarray] = {}
    regions: list[Region] = []
    peaks: list[Interval] = []
    for number in range(1, settings.chroms + 1):
        name = f"chrS{number}"
        sequence = BASES[markov_background(rng, settings.length)]
        chrom_regions = plant_regions(rng, name, sequence, settings) if settings.regions else []
        values = coverage(rng, settings.length, chrom_regions, settings)
        sequences[name], tracks[name] = sequence, values
        regions += chrom_regions
        peaks += call_peaks(name, values)
        log.info("%s: %d bases, %d accessible regions", name, settings.length, len(chrom_regions))
    return sequences, tracks, regions, peaks


def _named_peaks(peaks: list[Interval]) -> list[Interval]:
    """The peaks named ``peak_<n>``, scored 10 x -log10 p (capped at 1000), with their BH q-values."""
    log10_p = np.array([float(peak.extra[1]) for peak in peaks])
    qvalues = -np.log10(np.maximum(bh_qvalues(10.0 ** -log10_p), 1e-300))
    return [
        Interval(peak.chrom, peak.start, peak.end, f"peak_{index + 1}",
                 min(1000, int(10 * float(peak.extra[1]))), ".",
                 (peak.extra[0], peak.extra[1], f"{q:.3f}", peak.extra[3]))
        for index, (peak, q) in enumerate(zip(peaks, qvalues.tolist()))
    ]


def simulate(out_dir: str | os.PathLike, settings: SimulationSettings = SimulationSettings()) -> dict[str, Path]:
    """Write a synthetic genome, ATAC coverage, peaks and truth to ``out_dir``.

    Parameters
    ----------
    out_dir
        Output directory (created).
    settings
        Simulation parameters.

    Returns
    -------
    dict[str, Path]
        The written files, keyed as in :data:`FILES`.
    """
    out = Path(out_dir)
    rng = np.random.default_rng(settings.seed)
    sequences, tracks, regions, peaks = _draw_chromosomes(rng, settings)
    # Created only once everything is drawn: an interrupted run leaves no empty directory.
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        paths = _write_files(out, settings, sequences, tracks, regions, peaks)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    log.info("wrote %d regions, %d peaks to %s", len(regions), len(peaks), out)
    return paths


def _write_files(out: Path, settings: SimulationSettings, sequences, tracks, regions, peaks) -> dict[str, Path]:
    """Write every file of :data:`FILES` into ``out``; returns their paths."""
    paths = {key: out / name for key, name in FILES.items()}
    _write_fasta(paths["genome"], sequences)
    with atomic_open(paths["sizes"]) as handle:
        for name, sequence in sequences.items():
            handle.write(f"{name}\t{sequence.shape[0]}\n")
    write_bigwig(
        paths["signal"], {name: v.shape[0] for name, v in tracks.items()},
        {name: _uncovered_as_gaps(v) for name, v in tracks.items()},
    )
    peaks = _named_peaks(peaks)
    write_bed(paths["peaks"], peaks)
    write_bed(paths["accessible"], region_records(regions))
    write_bed(paths["boundaries"], boundaries(regions))
    summary = {
        "settings": asdict(settings),
        "regions": len(regions),
        "peaks": len(peaks),
        "genome_size": settings.chroms * settings.length,
        "files": {key: path.name for key, path in paths.items()},
        "motifs": MOTIFS,
    }
    write_json(paths["settings"], summary)
    return paths
