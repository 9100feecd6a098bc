"""Content checksums that identify inputs regardless of their path.

A scan directory records the checksum of its model state, genome index and
signal header (see :mod:`gategenome.io.scandir`), so shards of a model retrained
at the same path, or of another genome, are never mixed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping

#: Bytes of a file's head hashed by :func:`file_head_checksum` (a bigWig header, chromosome tree and summary).
HEAD_BYTES = 1 << 16


def sizes_checksum(sizes: Mapping[str, int]) -> str:
    """SHA-256 (hex) of a genome index: chromosome names and lengths, in order."""
    digest = hashlib.sha256()
    for name, length in sizes.items():
        digest.update(f"{name}\t{int(length)}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def file_head_checksum(path: str | os.PathLike, head: int = HEAD_BYTES) -> str:
    """SHA-256 (hex) of a file's size and first ``head`` bytes (for a bigWig: its header)."""
    digest = hashlib.sha256(str(os.path.getsize(path)).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(head))
    return digest.hexdigest()


def arrays_checksum(named_arrays: Iterable[tuple[str, bytes]]) -> str:
    """SHA-256 (hex) of named byte strings in order (e.g. a model's state, tensor by tensor)."""
    digest = hashlib.sha256()
    for name, data in named_arrays:
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()
