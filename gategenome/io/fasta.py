"""Genome FASTA access through :class:`pysam.FastaFile`.

Plain and bgzip-compressed FASTA are supported; a missing ``.fai`` index is built
(beside the FASTA, or in a cache in the temporary directory when that is
read-only).  An index older than its FASTA, or (plain FASTA) one whose records do
not end where the file does, is stale: it is never read; a fresh one is built into
the cache, with a warning naming the command that refreshes it.  Building an
index first reads the headers: a name used twice, or a record without sequence
(first, last or anywhere), is an error naming the line numbers.  Plain gzip
cannot be indexed for random access and is refused with a message saying to use
``bgzip``.  Coordinates are 0-based, half-open.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import logging
import os
import stat as stat_module
import tempfile
import zlib
from pathlib import Path

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_path
from gategenome.io.reading import reading

log = logging.getLogger(__name__)

#: What a corrupt FASTA raises on a read (a bgzip block, bytes that are not ASCII); a ValueError of
#: coordinates is the caller's.
_CORRUPT = (OSError, EOFError, zlib.error, UnicodeError)

_GZIP_MAGIC = b"\x1f\x8b"


def _is_bgzf(header: bytes) -> bool:
    # BGZF is gzip with the FEXTRA flag and a 'BC' extra subfield.
    return len(header) >= 14 and header[:2] == _GZIP_MAGIC and header[3] & 4 and header[12:14] == b"BC"


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(18)


def _check_fasta_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: genome FASTA not found")
    if not path.is_file():
        raise InputError(f"{path}: expected a FASTA file, found a directory or special file")
    header = _head(path)
    if header[:2] == _GZIP_MAGIC:
        if not _is_bgzf(header):
            raise InputError(
                f"{path}: plain gzip cannot be read by position; recompress it with bgzip "
                f"(gunzip {path.name} && bgzip {path.stem})"
            )
        return
    if not header.strip():
        raise InputError(f"{path}: FASTA is empty; expected at least one '>' record")
    if not header.lstrip().startswith(b">"):
        raise InputError(f"{path}: not a FASTA file; expected the first line to start with '>'")


def check_records(path: Path, compressed: bool = False) -> None:
    """Raise :class:`InputError` when a sequence name is used twice or a record has no sequence.

    htslib keeps the first of two records with one name (silently, its warning
    muted) and drops an empty record: both would give wrong sequences or sizes.

    Parameters
    ----------
    path
        The FASTA.
    compressed
        Whether it is bgzip-compressed.
    """
    seen: dict[str, int] = {}
    pending: tuple[str, int] | None = None  # the last header, until a sequence line follows it
    with (gzip.open(path, "rb") if compressed else open(path, "rb")) as handle:
        for number, line in enumerate(handle, 1):
            if line[:1] == b">":
                if pending is not None:
                    _empty_record(path, *pending)
                name = (line[1:].split() or [b""])[0].decode("utf-8", "replace")
                if name in seen:
                    raise InputError(f"{path}: sequence name {name!r} appears twice (records at lines {seen[name]} and "
                                     f"{number}); expected unique names")
                seen[name] = number
                pending = (name, number)
            elif pending is not None and line.strip():
                pending = None
    if pending is not None:
        _empty_record(path, *pending)


def _empty_record(path: Path, name: str, line: int) -> None:
    raise InputError(f"{path}: cannot build a FASTA index: record {name!r} (line {line}) has no sequence; "
                     "expected every record to have bases (remove the empty record)")


def _stale_reason(fasta: Path, fai: Path, compressed: bool) -> str | None:
    """Why ``fai`` does not describe ``fasta`` (older than it, or records not ending where it does), or None."""
    stat = fasta.stat()
    if fai.stat().st_mtime_ns < stat.st_mtime_ns:
        return "is older than the FASTA"
    if compressed:
        return None
    lines = fai.read_text(errors="replace").splitlines()
    try:
        _, length, offset, line_bases, line_width = lines[-1].split("\t")[:5]
        length, offset, line_bases, line_width = int(length), int(offset), int(line_bases), int(line_width)
        end = offset + (length // line_bases) * line_width + length % line_bases
    except (IndexError, ValueError, ZeroDivisionError):
        return "is not a valid .fai"
    if end > stat.st_size:
        return f"ends at byte {end}, past the end of the FASTA ({stat.st_size} bytes)"
    if stat.st_size - end > 1 << 20:
        return f"ends at byte {end}, far before the end of the FASTA ({stat.st_size} bytes)"
    with open(fasta, "rb") as handle:
        handle.seek(end)
        if b">" in handle.read():
            return "misses records at the end of the FASTA"
        return _misplaced_record(handle, lines)


def _misplaced_record(handle, lines: list[str]) -> str | None:
    """Why the ``.fai`` ``lines`` do not start each record right after its own header line in the open
    FASTA ``handle`` (an index pointing one chromosome at another's bytes), or None."""
    for line in lines:
        fields = line.split("\t")
        try:
            name, offset = fields[0], int(fields[2])
        except (IndexError, ValueError):
            return "is not a valid .fai"
        for window in (256, 65536):  # a header line is short; one with a long description is read further
            handle.seek(max(0, offset - window))
            before = handle.read(offset - max(0, offset - window))
            if b"\n" in before[:-1] or offset <= window:
                break
        header = before[:-1].rsplit(b"\n", 1)[-1].rstrip(b"\r")
        if not before.endswith(b"\n") or not (header == b">" + name.encode()
                                              or header.startswith(b">" + name.encode() + b" ")
                                              or header.startswith(b">" + name.encode() + b"\t")):
            return f"puts record {name!r} at byte {offset}, which does not follow its header line"
    return None


def fresh_fai(fasta: str | os.PathLike) -> Path | None:
    """The ``.fai`` beside ``fasta`` when it describes it (not older, reaching its last record), else None.

    For readers that take names and lengths from the index without opening the
    FASTA (the workflow, when it is parsed); :class:`Genome` makes the same check.
    """
    fasta = Path(fasta)
    fai = Path(f"{fasta}.fai")
    if not fai.is_file() or not fasta.is_file():
        return None
    return fai if _stale_reason(fasta, fai, _is_bgzf(_head(fasta))) is None else None


def _build_index(fasta: Path, index: Path, gzi: Path | None) -> None:
    """``samtools faidx`` into temporary names renamed when complete: a killed build leaves no index to be read."""
    import pysam

    with contextlib.ExitStack() as stack:
        fai_tmp = stack.enter_context(atomic_path(index))
        args = [str(fasta), "--fai-idx", str(fai_tmp)]
        if gzi is not None:
            args += ["--gzi-idx", str(stack.enter_context(atomic_path(gzi)))]
        verbosity = pysam.set_verbosity(0)  # our one-line error replaces htslib's
        try:
            pysam.faidx(*args)
        finally:
            pysam.set_verbosity(verbosity)


def index_cache() -> Path:
    """This user's FASTA index cache: ``gategenome-fai-UID`` in the temporary directory, mode 0700.

    One that is not a real directory owned by this user with no access for others
    (planted by someone else at the predictable path) is not used: a private
    directory made for this process takes its place, with a warning.
    """
    cache = Path(tempfile.gettempdir()) / f"gategenome-fai-{os.getuid()}"
    try:
        cache.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return _private_cache()
    info = os.lstat(cache)
    if not stat_module.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        log.warning("%s: not a directory of this user's alone (owner uid %d, mode %o); not trusting the FASTA "
                    "indexes in it", cache, info.st_uid, stat_module.S_IMODE(info.st_mode))
        return _private_cache()
    return cache


_PRIVATE: list[Path] = []


def _private_cache() -> Path:
    """A 0700 directory of this process for FASTA indexes (made once)."""
    if not _PRIVATE:
        _PRIVATE.append(Path(tempfile.mkdtemp(prefix="gategenome-fai-")))
    return _PRIVATE[0]


class Genome:
    """A random-access genome.

    Parameters
    ----------
    path
        FASTA file, plain or bgzip-compressed.

    Attributes
    ----------
    path : Path
        The FASTA path.
    sizes : dict[str, int]
        Chromosome name -> length, in FASTA order.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        _check_fasta_file(self.path)
        import pysam

        self._compressed = _is_bgzf(_head(self.path))
        index, gzi = self._index_paths()
        try:
            if not index.exists() or (gzi is not None and not gzi.exists()):
                log.info("%s: building the FASTA index %s", self.path, index)
                check_records(self.path, self._compressed)
                _build_index(self.path, index, gzi)
            self._fasta = pysam.FastaFile(
                str(self.path),
                filepath_index=str(index),
                filepath_index_compressed=str(gzi) if gzi is not None else None,
            )
        except pysam.SamtoolsError:
            raise InputError(
                f"{self.path}: cannot build a FASTA index; expected every record to have a sequence "
                "and equal-length lines within each record"
            ) from None
        except (OSError, ValueError) as exc:
            detail = " ".join(str(exc).split())[:200]
            raise InputError(f"{self.path}: cannot read FASTA ({detail}); expected a valid FASTA file") from None
        #: The ``.fai`` (and bgzip ``.gzi``, else None) read: beside the FASTA when up to date, else a fresh one in the cache.
        self.index_paths: tuple[Path, Path | None] = (index, gzi)
        self.sizes: dict[str, int] = dict(zip(self._fasta.references, self._fasta.lengths))
        if not self.sizes:
            raise InputError(f"{self.path}: FASTA has no sequences; expected at least one '>' record")

    def _index_paths(self) -> tuple[Path, Path | None]:
        """The .fai (and, for bgzip, .gzi) paths: beside the FASTA, or in a cache when
        the FASTA's directory is read-only and the index is missing, or the index there is stale."""
        fai = Path(str(self.path) + ".fai")
        gzi = Path(str(self.path) + ".gzi") if self._compressed else None
        if fai.exists() and (gzi is None or gzi.exists()):
            reason = _stale_reason(self.path, fai, self._compressed)
            if reason is None and (gzi is None or gzi.stat().st_mtime_ns >= self.path.stat().st_mtime_ns):
                return fai, gzi
            log.warning("%s: the index %s %s; not using it and building a fresh one in the cache (refresh it with "
                        "'samtools faidx %s')", self.path, fai, reason or "is older than the FASTA (.gzi)", self.path)
            return self._cached_index_paths(gzi is not None)
        if os.access(self.path.parent, os.W_OK):
            return fai, gzi
        log.info("%s: directory is read-only, keeping the FASTA index in the cache", self.path)
        return self._cached_index_paths(gzi is not None)

    def _cached_index_paths(self, with_gzi: bool) -> tuple[Path, Path | None]:
        """Index paths in the cache, keyed by the FASTA's path, size and modification time."""
        stat = self.path.stat()
        key = hashlib.sha1(f"{self.path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
        stem = index_cache() / f"{key}-{self.path.name}"
        fai, gzi = Path(f"{stem}.fai"), (Path(f"{stem}.gzi") if with_gzi else None)
        if fai.exists() and (gzi is None or gzi.exists()):
            reason = _stale_reason(self.path, fai, self._compressed)  # checked as one beside the FASTA is
            if reason is not None:
                log.warning("%s: the cached index %s %s; building it again", self.path, fai, reason)
                for path in (fai, gzi):
                    if path is not None:
                        path.unlink(missing_ok=True)
        return fai, gzi


    @property
    def chromosomes(self) -> list[str]:
        """Chromosome names in FASTA order."""
        return list(self.sizes)

    def fetch(self, chrom: str, start: int = 0, end: int | None = None) -> bytes:
        """Return raw sequence bytes of ``chrom[start:end]`` (0-based, half-open).

        Parameters
        ----------
        chrom
            Chromosome name as in the FASTA.
        start, end
            Interval; ``end=None`` means the chromosome end.

        Returns
        -------
        bytes
            ``end - start`` bytes, case preserved.
        """
        if chrom not in self.sizes:
            raise InputError(f"{self.path}: no chromosome {chrom!r}; expected one of {', '.join(self.sizes)}")
        end = self.sizes[chrom] if end is None else end
        with reading(self.path, "a complete FASTA of ASCII bases (plain or bgzip)", _CORRUPT):
            return self._fasta.fetch(chrom, start, end).encode("ascii")

    def close(self) -> None:
        """Close the underlying file."""
        self._fasta.close()

    def __enter__(self) -> Genome:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_chrom_sizes(sizes: dict[str, int], handle) -> None:
    """Write ``name<TAB>length`` lines (UCSC chrom.sizes) to an open text handle."""
    for name, length in sizes.items():
        handle.write(f"{name}\t{length}\n")


def read_chrom_sizes(path: str | os.PathLike) -> dict[str, int]:
    """Read a UCSC chrom.sizes file.

    Returns
    -------
    dict[str, int]
        Name -> length, in file order.
    """
    sizes: dict[str, int] = {}
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: chrom.sizes file not found")
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) < 2 or not fields[1].isdigit():
                raise InputError(f"{path}:{number}: expected 'name<TAB>length', got {line.strip()!r}")
            sizes[fields[0]] = int(fields[1])
    return sizes
