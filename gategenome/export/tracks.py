"""bigWig tracks from a scan directory, for IGV and the UCSC browser.

``gategenome tracks`` gathers the per-chromosome shards of a scan directory into
three bigWigs: ``forget.plus.bw``, ``forget.minus.bw`` (mean forget gate per
strand, at reference coordinates) and ``accessibility.bw`` (predicted probability
of accessibility: the mean of the two strands where both were scanned, else the
one scanned strand).  The header lists every chromosome of the genome in FASTA
order, so the files match the assembly; chromosomes not scanned are empty.
Values are rounded to ``precision`` decimal places (default 2: at most 0.005 off,
half a pixel of a 100-pixel track spanning 0..1) and written as fixedStep or
run-length sections, whichever is smaller (see :mod:`gategenome.io.bigwig_writer`);
NaN (runs of N, unscanned bases) are gaps.  Coordinates are 0-based,
half-open.

Every array is checked before the first bigWig is written, and the bigWigs are
published together when all of them are complete: a missing or truncated array
is a one-line error and leaves no bigWig.  Worker processes die with the
command (``PR_SET_PDEATHSIG`` on Linux, a parent watch elsewhere), so a killed
``tracks`` or ``scan`` leaves no process behind and nothing is published after
it; the staged files of a killed run are removed by the next one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from gategenome.export.settings import TrackSettings
from gategenome.io.atomic import remove_abandoned, temporary_prefix
from gategenome.io.bigwig import write_bigwig
from gategenome.io.jsonfile import write_json
from gategenome.io.publish import publish_file, remove_when_published
from gategenome.io.scandir.layout import TRACK_FILES, TRACKS_META
from gategenome.io.scandir.reader import LevelArray, ScanDir, read_block

_DEFAULTS = TrackSettings()
DEFAULT_PRECISION = _DEFAULTS.precision
DEFAULT_MAX_ZOOMS = _DEFAULTS.max_zooms

log = logging.getLogger(__name__)

#: Name whose temporaries (``.tracks.PID@HOST.X.tmp``) stage the bigWigs until all are complete.
STAGING = "tracks"


def _array_reader(array: np.ndarray):
    return lambda start, end: read_block(array, start, end)


def _accessibility_reader(scan: ScanDir, chrom: str):
    arrays = [scan.accessibility(chrom, strand) for strand in scan.strands]
    stored_levels = any(isinstance(array, LevelArray) for array in arrays)

    def read(start: int, end: int) -> np.ndarray:
        if len(arrays) == 1:
            return read_block(arrays[0], start, end)
        # mean of the strands in float32 (one strand where the other is NaN); float16 arrays (format 1) back to float16
        plus, minus = (read_block(a, start, end).astype(np.float32) for a in arrays)
        mean = (plus + minus) * np.float32(0.5)
        only_minus, only_plus = np.isnan(plus), np.isnan(minus)
        mean[only_minus] = minus[only_minus]
        mean[only_plus] = plus[only_plus]
        return mean if stored_levels else mean.astype(np.float16)

    return read


def _write_track(scan_dir: str, track: str, path: str, precision: int | None = DEFAULT_PRECISION,
                 max_zooms: int = DEFAULT_MAX_ZOOMS) -> int:
    """Write one of the three tracks (``"forget+"``, ``"forget-"``, ``"accessibility"``)."""
    scan = ScanDir(scan_dir)
    genome_sizes = {name: int(length) for name, length in scan.meta["chroms"].items()}
    if track == "accessibility":
        readers = {chrom: _accessibility_reader(scan, chrom) for chrom in scan.sizes}
    else:
        readers = {chrom: _array_reader(scan.forget(chrom, track[-1])) for chrom in scan.sizes}
    return write_bigwig(path, genome_sizes, readers, precision, max_zooms)


def _die_with_parent(parent: int) -> None:
    """Worker initialiser: end this process when ``parent`` (the command) dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def run_tracks(
    scan_dir: str | os.PathLike, out: str | os.PathLike | None, settings: TrackSettings,
) -> dict[str, Path]:
    """Gather a scan directory's shards into the bigWig tracks.

    Parameters
    ----------
    scan_dir
        A scan directory (see :mod:`gategenome.io.scandir`).
    out
        The directory to write the bigWigs into (None: the scan directory).
    settings
        :class:`TrackSettings`: processes (up to 3; 1 writes the tracks in turn),
        decimal places kept (``None``: the stored float16 values exactly) and zoom levels.

    Returns
    -------
    dict
        Track name (``"forget+"``, ``"forget-"``, ``"accessibility"``) -> path written.
    """
    scan = ScanDir(scan_dir)
    scan.check_arrays()
    out_dir = Path(out) if out is not None else scan.path
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out_dir / STAGING, out_dir)  # a killed run's staging directory, never a running one's
    missing = [name for name in scan.meta["chroms"] if name not in scan.sizes]
    if missing:
        log.info("%s: %d chromosome(s) not scanned, empty in the tracks (%s)", scan.path, len(missing),
                 ", ".join(missing[:10]))
    tracks = [f"forget{strand}" for strand in scan.strands] + ["accessibility"]
    paths = {track: out_dir / TRACK_FILES[track] for track in tracks}
    staging = Path(tempfile.mkdtemp(prefix=temporary_prefix(out_dir / STAGING), suffix=".tmp", dir=out_dir))
    staged = {track: staging / TRACK_FILES[track] for track in tracks}
    arguments = [(str(scan.path), track, str(staged[track]), settings.precision, settings.max_zooms)
                 for track in tracks]
    try:
        if settings.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")  # no fork of a process that may hold torch threads
            workers = min(settings.workers, len(tracks))
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent,
                                     initargs=(os.getpid(),)) as pool:
                counts = list(pool.map(_write_track, *zip(*arguments)))
        else:
            counts = [_write_track(*args) for args in arguments]
        for track, count in zip(tracks, counts):
            log.info("%s: %d data sections, %.3f bytes per base", paths[track], count,
                     staged[track].stat().st_size / max(1, sum(scan.sizes.values())))
        for track in tracks:  # published together, once every track is complete (io.publish)
            publish_file(staged[track], paths[track])
        if out_dir.resolve() != scan.path.resolve():  # in the scan directory, scan.json says where they come from
            write_json(out_dir / TRACKS_META, {key: scan.meta.get(key) for key in
                                               ("model_checksum", "genome_checksum", "chroms", "strands")}
                       | {"scan_dir": str(scan.path)})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # made above by this run
        raise
    remove_when_published(staging, paths[tracks[0]])
    return paths
