"""Writing a scan directory: ``scan.json``, arrays published atomically, shard markers last."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.io.atomic import honour_umask, remove_abandoned, temporary_prefix
from gategenome.io.jsonfile import read_json_object, write_json
from gategenome.io.provenance import require_compatible, scan_product
from gategenome.io.scandir.layout import (
    DTYPES,
    IDENTITY_KEYS,
    KINDS,
    STRAND_NAMES,
    array_path,
    null_path,
    quantise_probability,
    shard_path,
)


class ArrayWriter:
    """A ``.npy`` array (float16, or ``uint8`` probability levels) written by positioned writes and
    published atomically.

    The file is created under a temporary name in the destination directory with
    :func:`numpy.lib.format.open_memmap` (which writes the header and sizes the
    file), then filled with ``os.pwrite`` at byte offsets, so writing never maps
    the array into the process's memory.  No file descriptor is held between
    writes, so a genome of thousands of contigs in progress at once cannot run
    out of them.  :meth:`commit` renames it into place; :meth:`discard` removes it.

    Parameters
    ----------
    path
        Final path of the array.
    length
        Number of elements.
    dtype
        ``float16``, or ``uint8``: probabilities stored as levels (:func:`quantise_probability`;
        floating values written are quantised, NaN as :data:`ACCESS_MISSING`).
    """

    BLOCK = 1 << 20

    def __init__(self, path: str | os.PathLike, length: int, dtype: np.dtype | type = np.float16):
        self.path = Path(path)
        self.length = int(length)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.dtype(np.float16), np.dtype(np.uint8)):
            raise ValueError(f"array dtype {self.dtype}; expected float16 or uint8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(self.path), suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        honour_umask(self.tmp)  # mkstemp makes 0600; a published array is readable as the umask allows
        array = np.lib.format.open_memmap(self.tmp, mode="w+", dtype=self.dtype, shape=(self.length,))
        self.offset = int(array.offset)
        del array

    def fill(self, start: int, end: int, value: float) -> None:
        """Set elements ``[start, end)`` to ``value``."""
        block = self._stored(np.full(min(self.BLOCK, max(end - start, 0)), value, dtype=np.float32))
        for position in range(start, end, self.BLOCK):
            count = min(self.BLOCK, end - position)
            self.write(position, block[:count])

    def _stored(self, values: np.ndarray) -> np.ndarray:
        """``values`` in the stored dtype (floating values quantised for a ``uint8`` array)."""
        values = np.asarray(values)
        if self.dtype == np.uint8 and values.dtype != np.uint8:
            values = quantise_probability(values)
        return np.ascontiguousarray(values, dtype=self.dtype)

    def write(self, start: int, values: np.ndarray) -> None:
        """Write ``values`` (in the stored dtype) at elements ``[start, start + len(values))``."""
        values = self._stored(values)
        if start < 0 or start + values.size > self.length:
            raise ValueError(f"write of {values.size} values at {start} outside array of length {self.length}")
        fd = os.open(self.tmp, os.O_WRONLY)
        try:
            os.pwrite(fd, values.tobytes(), self.offset + self.dtype.itemsize * int(start))
        finally:
            os.close(fd)

    def commit(self) -> None:
        """Flush and rename the array to its final path."""
        fd = os.open(self.tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        """Delete the temporary file."""
        self.tmp.unlink(missing_ok=True)



class ShardWriter:
    """Per-chromosome array writers, committed when all the chromosome's jobs are done.

    Arrays are declared up front (:meth:`open`) but their files are created on
    first write (or at completion); writers hold no open file between writes.

    Parameters
    ----------
    out_dir
        The scan directory.
    on_complete
        Called with the chromosome's name once its arrays are in place (the
        scan writes the shard marker there).
    """

    def __init__(self, out_dir: Path, on_complete: Callable[[str], None]):
        self.out_dir = out_dir
        self.specs: dict[str, dict[tuple[str, str], tuple[int, list[tuple[int, int]]]]] = defaultdict(dict)
        self.writers: dict[tuple[str, str, str], ArrayWriter] = {}
        self.pending: dict[str, int] = defaultdict(int)
        self.on_complete = on_complete

    def open(self, chrom: str, strand: str, kind: str, length: int, gaps: list[tuple[int, int]]) -> None:
        """Declare an array of ``length`` whose ``gaps`` (no job writes there) are NaN."""
        self.specs[chrom][(strand, kind)] = (length, gaps)

    def writer(self, chrom: str, strand: str, kind: str) -> ArrayWriter:
        """The writer of one declared array (``kind`` ``"null"``: the null array)."""
        key = (chrom, strand, kind)
        if key not in self.writers:
            length, gaps = self.specs[chrom][(strand, kind)]
            path = null_path(self.out_dir, chrom, strand) if kind == "null" else array_path(self.out_dir, chrom, strand, kind)
            writer = ArrayWriter(path, length, DTYPES[kind])
            for start, end in gaps:
                writer.fill(start, end, np.nan)
            self.writers[key] = writer
        return self.writers[key]

    def expect(self, chrom: str, jobs: int) -> None:
        """``chrom`` is complete after ``jobs`` calls of :meth:`job_done` (now, if 0)."""
        self.pending[chrom] = jobs
        if jobs == 0:
            self.complete(chrom)

    def job_done(self, chrom: str) -> None:
        """One job of ``chrom`` wrote its last output; the last one completes the chromosome."""
        self.pending[chrom] -= 1
        if self.pending[chrom] == 0:
            self.complete(chrom)

    def complete(self, chrom: str) -> None:
        """Commit every array of ``chrom`` (creating those no job wrote) and report it done."""
        for strand, kind in list(self.specs.get(chrom, {})):
            self.writer(chrom, strand, kind).commit()
            del self.writers[(chrom, strand, kind)]
        self.specs.pop(chrom, None)
        self.on_complete(chrom)

    def discard(self) -> None:
        """Delete every array not yet committed."""
        for writer in self.writers.values():
            writer.discard()
        self.writers.clear()



def open_scan_dir(directory: str | os.PathLike, meta: dict[str, Any]) -> Path:
    """Create (or reuse) a scan directory and write its ``scan.json``.

    Shards of other chromosomes already there are kept, so a genome can be scanned
    one chromosome at a time into one directory; they must come from the same model
    state, genome, signal, strands, layer and null settings (:data:`IDENTITY_KEYS`:
    checksums of the inputs, not their paths).

    Parameters
    ----------
    directory
        The scan directory.
    meta
        The run metadata (``format``, ``version``, the identity keys, settings...).

    Returns
    -------
    Path
        The directory.

    Raises
    ------
    InputError
        ``scan.json`` there was written with other identity values
        (:func:`~gategenome.io.provenance.require_compatible`), or is not valid JSON (a corrupt
        directory is never reused).
    """
    directory = Path(directory)
    meta_path = directory / "scan.json"
    if meta_path.exists():
        old = read_json_object(meta_path, "the scan metadata written by 'gategenome scan' (or a new --out-dir)")
        settings = tuple(key for key in IDENTITY_KEYS if key not in ("model_checksum", "genome_checksum"))
        require_compatible(scan_product(meta_path, old, settings),
                           scan_product(f"this scan (of {meta.get('model')} on {meta.get('genome')}; or use a new "
                                        "--out-dir)", meta, settings))
    directory.mkdir(parents=True, exist_ok=True)
    write_json(meta_path, meta)  # removes the scan.json temporaries a killed scan left (io.atomic)
    return directory


def remove_if_no_shard(directory: str | os.PathLike) -> None:
    """After a failed scan: remove ``scan.json`` and the empty directories when no chromosome is complete."""
    directory = Path(directory)
    if any((directory / "chroms").glob("*.json")):
        return
    (directory / "scan.json").unlink(missing_ok=True)
    for path in (directory / "chroms", directory / "null", directory):
        with contextlib.suppress(OSError):
            path.rmdir()


def clear_shard_marker(directory: str | os.PathLike, chrom: str) -> None:
    """Mark ``chrom`` incomplete before it is scanned again (readers then skip it), and remove
    the temporary arrays of ``chrom`` that a killed scan left behind: only names a scan writes
    (``.NAME.PID@HOST.X.tmp``) of a process of this host that no longer runs
    (:func:`gategenome.io.atomic.remove_abandoned`), never another file or a running scan's."""
    shard_path(directory, chrom).unlink(missing_ok=True)
    for strand in STRAND_NAMES:
        finals = [array_path(directory, chrom, strand, kind) for kind in KINDS] + [null_path(directory, chrom, strand)]
        for final in finals:
            remove_abandoned(final)


def write_shard_marker(directory: str | os.PathLike, chrom: str, record: dict[str, Any]) -> None:
    """Mark ``chrom`` complete: its arrays are in place (written last, atomically)."""
    write_json(shard_path(directory, chrom), record)
