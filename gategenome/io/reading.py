"""Reading a user's file: what a library raises on a malformed one becomes one line naming the file.

Every reader of a user file (FASTA, bigWig, BED, fragments, BAM, VCF) reads inside
:func:`reading`, which turns what pysam, gzip, zlib and pyBigWig raise on a
malformed, truncated or corrupt file (``ValueError``, ``OSError``, ``EOFError``,
``zlib.error``, ``OverflowError``, ``NotImplementedError``, ``UnicodeDecodeError``,
pyBigWig's ``RuntimeError``) into an :class:`~gategenome.errors.InputError` that
names the file and what was expected.  :func:`open_binary` and :func:`open_text`
open a plain or gzip file and tell which it is without consuming a byte of a
stream that cannot seek (a pipe, ``<(zcat x)``).
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from gategenome.errors import GategenomeError, InputError

#: What libraries raise on a malformed or corrupt file.
LIBRARY_ERRORS: tuple[type[BaseException], ...] = (
    ValueError, OSError, EOFError, zlib.error, OverflowError, NotImplementedError, RuntimeError,
)

_GZIP_MAGIC = b"\x1f\x8b"


def describe(exc: BaseException) -> str:
    """A library exception as one short line: its type and message, whitespace folded, at most 160 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, zlib.error) or "zlib" in type(exc).__module__:
        text = f"corrupt compressed data: {text}"
    return text[:160]


@contextmanager
def reading(path: str | os.PathLike, what: str,
            errors: tuple[type[BaseException], ...] = LIBRARY_ERRORS) -> Iterator[None]:
    """Run a read of ``path``; a library's exception becomes one :class:`InputError` naming it.

    Parameters
    ----------
    path
        The file read (named in the message).
    what
        What it should be, e.g. ``"a VCF or BCF (plain or bgzip)"``.
    errors
        The exceptions that mean a malformed file here (default :data:`LIBRARY_ERRORS`; a narrower
        set where a ``ValueError`` would rather be a caller's wrong coordinates).

    Raises
    ------
    InputError
        ``"{path}: cannot read ({detail}); expected {what}"`` for any of ``errors``;
        errors the library raises on purpose (:class:`~gategenome.errors.GategenomeError`) pass unchanged.
    """
    try:
        yield
    except GategenomeError:
        raise
    except errors as exc:
        raise InputError(f"{path}: cannot read ({describe(exc)}); expected {what}") from None


def open_binary(path: str | os.PathLike) -> io.BufferedIOBase:
    """Open a plain or gzip/bgzip file for reading bytes (decompressed).

    The file is opened once and its first two bytes are peeked at, never consumed,
    so a pipe or process substitution loses nothing to the sniff.
    """
    raw = open(path, "rb", buffering=0)
    try:
        handle = io.BufferedReader(raw, buffer_size=1 << 16)
        if handle.peek(2)[:2] == _GZIP_MAGIC:
            unpacked = gzip.GzipFile(fileobj=handle, mode="rb")
            unpacked.myfileobj = handle  # closed with it, as gzip.open closes the file it opened
            return unpacked
        return handle
    except BaseException:
        raw.close()
        raise


def open_text(path: str | os.PathLike) -> io.TextIOBase:
    """Open a plain or gzip/bgzip text file (UTF-8) without consuming a non-seekable stream (:func:`open_binary`)."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8")
