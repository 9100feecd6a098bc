"""The encoded genome cache: base codes and ATAC signal of every chromosome, one ``.npy`` each.

Reading a FASTA and a bigWig base by base is slow and holding them in memory grows
with the genome (a one-hot ``uint8 (L, 4)`` array and a ``float32`` signal are 8
bytes per base).  The cache stores each chromosome once, on disk:

* ``sequence-<key>/NNNNN.npy``: ``(L,)`` uint8 base codes of
  :func:`gategenome.core.encode.encode_codes` (A, C, G, T = 0..3, anything else 4):
  1 byte per base;
* ``signal-<key>/NNNNN.npy``: ``(L,)`` float16 ATAC signal as
  :class:`gategenome.io.bigwig.SignalTrack` reads it (missing, negative and
  infinite values are 0), values above 65,504 (the float16 maximum) clipped there:
  2 bytes per base.

``NNNNN`` is the chromosome's index in the FASTA.  ``<key>`` is derived from the
SHA-256 of the whole FASTA (and of the whole bigWig plus the FASTA's, for the
signal), so a cache of another or an edited genome or signal is never found, let
alone read; each directory's ``manifest.json`` repeats the full checksums, the
chromosome names and lengths, and is checked before any array is used.  Every file
is written under a temporary name and renamed when complete (:mod:`gategenome.io.atomic`),
so a killed build leaves no array that looks finished, and two processes building the
same cache write the same bytes.  A chromosome is encoded on first use, in blocks of
``BLOCK`` bases, so building takes bounded memory whatever the chromosome length.

Each directory also lists the input files it was made from (``sources.json``: path,
size and modification time).  While open, a directory is held with a shared lock
on its ``.lock`` file.  Opening a cache removes a sibling directory of its own
(``sequence-``/``signal-`` + key, with a gategenome manifest and a source list)
only when one of its listed files is among the inputs now given, every listed
file has since changed or gone, and no process holds it open: the directories of
earlier versions of an edited genome or signal.  Nothing else in the cache
directory, or outside it, is touched; ``rm -r`` clears a cache by hand.

Readers use :func:`open_genome_cache` and :class:`GenomeCache`: :meth:`GenomeCache.codes`
and :meth:`GenomeCache.signal` read any slice with one ``pread`` (no mapping, so the
pages read stay in the page cache and out of the process's resident memory), and
every array file can also be opened with ``numpy.load(path, mmap_mode="r")``.
Coordinates are 0-based half-open.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from gategenome.core.encode import encode_codes
from gategenome.data.cache_entries import LOCK, SOURCES, file_state, remove_stale_entries
from gategenome.errors import InputError
from gategenome.io.atomic import atomic_open
from gategenome.io.bigwig import SignalTrack
from gategenome.io.checksum import sizes_checksum
from gategenome.io.fasta import Genome

log = logging.getLogger(__name__)

#: Written into every manifest; a cache of another format or version is not read.
CACHE_FORMAT = "gategenome-genome-cache"
CACHE_VERSION = 1
#: Bases encoded at a time when building a chromosome's arrays.
BLOCK = 1 << 18
#: Largest float16 value; larger signal values are stored as this.
FLOAT16_MAX = float(np.finfo(np.float16).max)
_HASH_BLOCK = 1 << 20


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 (hex) of a whole file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_HASH_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


class _ArrayFile:
    """One ``.npy`` array read slice by slice with ``os.pread``."""

    def __init__(self, path: Path, length: int, dtype: np.dtype):
        self.path, self.length, self.dtype = path, length, np.dtype(dtype)
        with open(path, "rb") as handle:
            version = np.lib.format.read_magic(handle)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, stored = reader(handle)
            self.offset = handle.tell()
        if shape != (length,) or np.dtype(stored) != self.dtype or fortran:
            raise InputError(f"{path}: holds {stored} {shape}, expected {self.dtype} ({length},); "
                             "remove the cache directory to rebuild it")
        self._fd = os.open(path, os.O_RDONLY)

    def read(self, start: int, end: int) -> np.ndarray:
        start, end = max(0, int(start)), min(self.length, int(end))
        if end <= start:
            return np.zeros(0, dtype=self.dtype)
        size = self.dtype.itemsize
        data = os.pread(self._fd, (end - start) * size, self.offset + start * size)
        if len(data) != (end - start) * size:
            raise InputError(f"{self.path}: truncated; remove the cache directory to rebuild it")
        return np.frombuffer(data, dtype=self.dtype)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class _Component:
    """One directory of the cache (the sequence, or one signal), keyed by content."""

    def __init__(self, root: Path, kind: str, identity: dict, sizes: dict[str, int], dtype: np.dtype):
        key = hashlib.sha256(json.dumps([CACHE_FORMAT, CACHE_VERSION, kind, identity], sort_keys=True).encode())
        self.directory = root / f"{kind}-{key.hexdigest()[:20]}"
        self.kind, self.dtype, self.sizes = kind, np.dtype(dtype), sizes
        self.index = {name: number for number, name in enumerate(sizes)}
        self.manifest = {
            "format": CACHE_FORMAT, "version": CACHE_VERSION, "kind": kind, "identity": identity,
            "dtype": self.dtype.str, "chromosomes": {name: {"file": self._file(name).name, "length": int(length)}
                                                    for name, length in sizes.items()},
        }
        self._files: dict[str, _ArrayFile] = {}
        self._lock = -1

    def _file(self, name: str) -> Path:
        return self.directory / f"{self.index[name]:05d}.npy"

    def hold(self) -> None:
        """Create the directory and take a shared lock on it (released by :meth:`close`).

        A directory removed as stale between opening its lock file and locking it is made again.
        """
        while self._lock < 0:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = self.directory / LOCK
            try:
                fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o644)
            except FileNotFoundError:
                continue
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                current = os.stat(lock)
            except FileNotFoundError:
                current = None
            if current is not None and os.path.samestat(os.fstat(fd), current):
                self._lock = fd
            else:
                os.close(fd)

    def record_source(self, files: dict[str, str | os.PathLike]) -> None:
        """Add the input ``files`` (role -> path) with their size and modification time to ``sources.json``."""
        path = self.directory / SOURCES
        try:
            sources = json.loads(path.read_text())
        except (OSError, ValueError):
            sources = []
        entry = {role: file_state(Path(name)) for role, name in files.items()}
        if entry not in sources:
            with atomic_open(path) as handle:
                json.dump([*sources, entry] if isinstance(sources, list) else [entry], handle, indent=1)

    def prepare(self) -> None:
        """Create the directory and its manifest, or check the manifest already there."""
        self.hold()
        manifest = self.directory / "manifest.json"
        if manifest.exists():
            try:
                found = json.loads(manifest.read_text())
            except (OSError, ValueError) as exc:
                raise InputError(f"{manifest}: unreadable cache manifest ({exc}); remove {self.directory}") from None
            if found != self.manifest:
                raise InputError(f"{manifest}: describes other inputs than the ones given "
                                 f"(a stale or foreign cache); remove {self.directory} to rebuild it")
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with atomic_open(manifest) as handle:
            json.dump(self.manifest, handle, indent=1, sort_keys=True)

    def ready(self, name: str) -> bool:
        return self._file(name).exists()

    def build(self, name: str, read) -> None:
        """Write chromosome ``name`` from ``read(start, end)``, ``BLOCK`` bases at a time.

        Plain appends after the ``.npy`` header (no mapping): memory stays one block.
        """
        length = self.sizes[name]
        header = {"descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False, "shape": (length,)}
        with atomic_open(self._file(name), "wb") as handle:
            np.lib.format.write_array_header_1_0(handle, header)
            for start in range(0, length, BLOCK):
                end = min(start + BLOCK, length)
                block = np.asarray(read(start, end), dtype=self.dtype)
                if block.shape != (end - start,):
                    raise InputError(f"{name}:{start}-{end}: read {block.shape[0]} values, expected {end - start}")
                handle.write(block.tobytes())

    def array(self, name: str) -> _ArrayFile:
        if name not in self._files:
            self._files[name] = _ArrayFile(self._file(name), self.sizes[name], self.dtype)
        return self._files[name]

    def path(self, name: str) -> Path:
        return self._file(name)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()
        self._files.clear()
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1



class GenomeCache:
    """Base codes (and signal) of a genome's chromosomes, read slice by slice from the cache.

    Made by :func:`open_genome_cache`; close it (or use it as a context manager)
    to release its file descriptors.

    Attributes
    ----------
    sizes : dict[str, int]
        Every FASTA chromosome -> length, in FASTA order.
    chromosomes : list[str]
        The chromosomes built, readable with :meth:`codes` and :meth:`signal`.
    has_signal : bool
        Whether a signal was cached.
    """

    def __init__(self, sizes: dict[str, int], chromosomes: list[str], sequence: _Component, signal: _Component | None):
        self.sizes, self.chromosomes = dict(sizes), list(chromosomes)
        self._sequence, self._signal = sequence, signal
        self.has_signal = signal is not None

    def _check(self, chrom: str) -> None:
        if chrom not in self.chromosomes:
            raise InputError(f"{self._sequence.directory.parent}: chromosome {chrom!r} is not in the cache opened; "
                             f"expected one of {', '.join(self.chromosomes[:10])}")

    def codes(self, chrom: str, start: int = 0, end: int | None = None) -> np.ndarray:
        """``(end - start,)`` uint8 base codes of ``chrom[start:end]`` (A, C, G, T = 0..3, other 4)."""
        self._check(chrom)
        return self._sequence.array(chrom).read(start, self.sizes[chrom] if end is None else end)

    def signal(self, chrom: str, start: int = 0, end: int | None = None) -> np.ndarray:
        """``(end - start,)`` float16 signal of ``chrom[start:end]``.

        Raises
        ------
        InputError
            No signal was cached.
        """
        self._check(chrom)
        if self._signal is None:
            raise InputError(f"{self._sequence.directory.parent}: opened without a signal; pass one to open_genome_cache")
        return self._signal.array(chrom).read(start, self.sizes[chrom] if end is None else end)

    def array_path(self, chrom: str, kind: str = "sequence") -> Path:
        """The ``.npy`` of ``chrom``'s codes (``kind="sequence"``) or signal, for ``numpy.load(mmap_mode="r")``."""
        self._check(chrom)
        component = self._sequence if kind == "sequence" else self._signal
        if component is None:
            raise InputError(f"{self._sequence.directory.parent}: opened without a signal")
        return component.path(chrom)

    def close(self) -> None:
        """Close the array files."""
        self._sequence.close()
        if self._signal is not None:
            self._signal.close()

    def __enter__(self) -> GenomeCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_genome_cache(
    directory: str | os.PathLike,
    genome: str | os.PathLike,
    signal: str | os.PathLike | None = None,
    chromosomes: Iterable[str] | None = None,
) -> GenomeCache:
    """Open the cache of ``genome`` (and ``signal``) in ``directory``, encoding what is missing.

    Parameters
    ----------
    directory
        The cache directory (created when missing); several genomes and signals
        may share one, each in its own content-keyed subdirectory.
    genome
        FASTA (plain or bgzip).
    signal
        ATAC bigWig, or None to cache the sequence only.
    chromosomes
        Chromosomes needed (default: all of the FASTA); only these are encoded.

    Returns
    -------
    GenomeCache

    Raises
    ------
    InputError
        An unknown chromosome, or a cache manifest that does not describe these inputs.
    """
    root, opened = Path(directory), []
    try:
        with Genome(genome) as fasta:
            sizes = dict(fasta.sizes)
            wanted = list(sizes) if chromosomes is None else list(dict.fromkeys(chromosomes))
            unknown = [name for name in wanted if name not in sizes]
            if unknown:
                raise InputError(f"{genome}: no chromosome {unknown[0]!r}; expected one of {', '.join(list(sizes)[:10])}")
            if signal is not None:  # a signal of another assembly is refused before anything is cached
                SignalTrack(signal, sizes, str(genome)).close()
            genome_id = {"sha256": file_sha256(genome), "bytes": os.path.getsize(genome), "sizes": sizes_checksum(sizes)}
            sequence = _Component(root, "sequence", {"genome": genome_id}, sizes, np.uint8)
            opened.append(sequence)
            _build(sequence, wanted, {"genome": genome}, lambda: contextlib.nullcontext(
                lambda name, start, end: encode_codes(fasta.fetch(name, start, end))))
        track = None
        if signal is not None:
            signal_id = {"genome": genome_id, "sha256": file_sha256(signal), "bytes": os.path.getsize(signal)}
            track = _Component(root, "signal", signal_id, sizes, np.float16)
            opened.append(track)
            _build(track, wanted, {"genome": genome, "signal": signal}, lambda: _signal_reader(signal, sizes, genome))
    except BaseException:
        for component in opened:
            component.close()
        raise
    inputs = [genome] if signal is None else [genome, signal]
    remove_stale_entries(root, inputs, CACHE_FORMAT, keep=[component.directory for component in opened])
    return GenomeCache(sizes, wanted, sequence, track)


def _build(component: _Component, names: list[str], sources: dict, open_reader) -> None:
    """Check ``component``, record its input files and encode the chromosomes of ``names`` it lacks.

    ``open_reader()`` is a context manager yielding ``read(name, start, end)``, entered only when one is missing.
    """
    missing, started = _missing(component, names), time.perf_counter()
    component.record_source(sources)
    if not missing:
        return
    with open_reader() as read:
        for name in missing:
            component.build(name, lambda start, end, name=name: read(name, start, end))
    _log_built(component, missing, started)


@contextlib.contextmanager
def _signal_reader(signal: str | os.PathLike, sizes: dict[str, int], genome: str | os.PathLike) -> Iterator:
    """``read(name, start, end)``: the bigWig's values, clipped to the float16 maximum (``genome``: for messages)."""
    with SignalTrack(signal, sizes, str(genome)) as bigwig:
        yield lambda name, start, end: np.minimum(bigwig.values(name, start, end), FLOAT16_MAX)


def _log_built(component: _Component, names: list[str], started: float) -> None:
    seconds = time.perf_counter() - started
    if seconds > 0.5:
        bases = sum(component.sizes[name] for name in names)
        log.info("%s: ready in %.1f s (%.2f s per Mb encoded)", component.directory, seconds, seconds * 1e6 / max(1, bases))


def _missing(component: _Component, names: list[str]) -> list[str]:
    """Check ``component``'s manifest; the chromosomes of ``names`` it lacks (logged)."""
    component.prepare()
    missing = [name for name in names if not component.ready(name)]
    if missing:
        total = sum(component.sizes[name] for name in missing)
        log.info("%s: encoding %d chromosome(s), %d bases (%d byte(s) per base)",
                 component.directory, len(missing), total, component.dtype.itemsize)
    return missing
