"""Names and paths of a scan directory (see :mod:`gategenome.io.scandir`).

A chromosome name comes from a FASTA header and may hold any character but
whitespace.  It never becomes a path as it is: :func:`file_name` maps it to a
file name made only of letters, digits, ``_``, ``.`` and ``-`` (other bytes as
``@XX`` hex escapes, a leading ``.`` escaped too), so ``../x`` or ``/tmp/x``
stays inside the directory and a shell never sees a special character.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np

FORMAT = "gategenome-scan"

#: 2: accessibility stored as ``uint8`` levels (:func:`quantise_probability`); 1 stored it as float16.
#: Readers take both (the dtype of each ``.npy`` says which).
VERSION = 2

STRAND_NAMES = {"+": "plus", "-": "minus"}

STRAND_ORDER = {"+": 0, "-": 1}

KINDS = ("forget", "accessibility")

#: The bigWigs ``gategenome tracks`` writes into a scan directory, by track.
TRACK_FILES = {"forget+": "forget.plus.bw", "forget-": "forget.minus.bw", "accessibility": "accessibility.bw"}

#: What ``gategenome tracks`` writes beside its bigWigs: the scan they were made from (model and genome checksums,
#: chromosomes), so a directory of tracks is never shown beside another model's or genome's scan.
TRACKS_META = "tracks.json"

#: dtype of each stored array (``"null"``: the null forget gate).  The forget gate stays float16: drops
#: are read from ``1 - f`` near 1, where float16 keeps steps of 2**-11.
DTYPES = {"forget": np.dtype(np.float16), "accessibility": np.dtype(np.uint8), "null": np.dtype(np.float16)}

#: P(accessible) ``p`` is stored as ``round(p * ACCESS_LEVELS)``, at most ``0.5 / ACCESS_LEVELS`` (< 0.002) off.
ACCESS_LEVELS = 254

#: The stored accessibility level that means "no value" (NaN).
ACCESS_MISSING = 255

_LEVEL_VALUES = np.append(np.arange(ACCESS_LEVELS + 1, dtype=np.float32) / np.float32(ACCESS_LEVELS),
                          np.full(255 - ACCESS_LEVELS, np.nan, dtype=np.float32))


def quantise_probability(values: np.ndarray) -> np.ndarray:
    """Probabilities ``(...)`` (NaN: no value) as the stored ``uint8`` levels ``(...)``.

    Values are clipped to [0, 1] and rounded to the nearest of ``ACCESS_LEVELS + 1``
    levels; NaN becomes :data:`ACCESS_MISSING`.
    """
    values = np.asarray(values, dtype=np.float32)
    levels = np.rint(np.clip(values, 0.0, 1.0) * np.float32(ACCESS_LEVELS))
    levels[np.isnan(values)] = ACCESS_MISSING
    return levels.astype(np.uint8)


def dequantise_probability(levels: np.ndarray) -> np.ndarray:
    """Stored ``uint8`` levels ``(...)`` as probabilities ``(...)`` float32 (NaN where missing)."""
    return _LEVEL_VALUES[np.asarray(levels, dtype=np.uint8)]

#: ``scan.json`` keys that must agree for shards to share a scan directory: checksums of the
#: model state, the genome index (names and lengths) and the signal header, not their paths.
IDENTITY_KEYS = ("model_checksum", "genome_checksum", "signal_checksum", "strands", "layer", "null")

_SAFE = re.compile(r"[A-Za-z0-9_.-]+")
_SAFE_BYTE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
#: Longest mapped name kept whole; longer ones are cut and end in a checksum (file names stop at 255 bytes).
MAX_NAME = 150


def file_name(name: str) -> str:
    """A file-name-safe, one-to-one stand-in for a chromosome (or other) name.

    Names of letters, digits, ``_``, ``.`` and ``-`` not starting with ``.`` are
    kept; any other byte becomes ``@XX`` (its hex value), so ``chr1`` stays
    ``chr1`` and ``../x`` becomes ``@2E.@2Fx``.  Names longer than :data:`MAX_NAME` after mapping are cut and
    end in ``~`` and a checksum of the whole name.

    Parameters
    ----------
    name
        Any string.

    Returns
    -------
    str
        A name safe in a path and in a shell word, never ``.`` or ``..``.
    """
    if _SAFE.fullmatch(name) and not name.startswith(".") and len(name) <= MAX_NAME:
        return name
    data = name.encode("utf-8", "surrogatepass")
    mapped = "".join(chr(b) if b in _SAFE_BYTE and (i or b != ord(".")) else f"@{b:02X}" for i, b in enumerate(data))
    if not mapped:
        return "@"
    if len(mapped) > MAX_NAME:
        mapped = f"{mapped[:MAX_NAME - 17]}~{hashlib.sha256(data).hexdigest()[:16]}"
    return mapped


def array_path(directory: str | os.PathLike, chrom: str, strand: str, kind: str) -> Path:
    """Path of one array: ``DIR/chroms/{chrom}.{plus|minus}.{kind}.npy`` (``chrom`` via :func:`file_name`)."""
    return Path(directory) / "chroms" / f"{file_name(chrom)}.{STRAND_NAMES[strand]}.{kind}.npy"


def null_path(directory: str | os.PathLike, chrom: str, strand: str) -> Path:
    """Path of a null array: ``DIR/null/{chrom}.{plus|minus}.forget.npy`` (``chrom`` via :func:`file_name`)."""
    return Path(directory) / "null" / f"{file_name(chrom)}.{STRAND_NAMES[strand]}.forget.npy"


def shard_path(directory: str | os.PathLike, chrom: str) -> Path:
    """Path of a chromosome's completion marker: ``DIR/chroms/{chrom}.json`` (``chrom`` via :func:`file_name`)."""
    return Path(directory) / "chroms" / f"{file_name(chrom)}.json"
