"""One-hot encoding of DNA, with no per-base Python loops.

Channel order is A, C, G, T.  Lowercase (soft-masked) bases encode like uppercase;
``N`` and every other IUPAC ambiguity code, and any other byte, encode as an
all-zero row.
"""

from __future__ import annotations

import numpy as np

#: Channel order of every one-hot array in the package.
ALPHABET = "ACGT"

_CODE = np.full(256, 4, dtype=np.uint8)
for _index, _base in enumerate(ALPHABET):
    _CODE[ord(_base)] = _index
    _CODE[ord(_base.lower())] = _index
_CODE_TABLE = _CODE.tobytes()

#: Reference lookup table: row ``b`` is the one-hot row of byte ``b``.
_ONE_HOT = np.zeros((256, 4), dtype=np.uint8)
for _index, _base in enumerate(ALPHABET):
    _ONE_HOT[ord(_base), _index] = 1
    _ONE_HOT[ord(_base.lower()), _index] = 1

# Byte -> 4-bit one-hot nibble, A=0b1000 ... T=0b0001 (most significant bit first, as
# numpy.unpackbits reads it); anything else is 0.
_NIBBLE_TABLE = bytes(sum(1 << (3 - index) for index in range(4) if int(_ONE_HOT[byte, index])) for byte in range(256))

#: Code of a base that is not A, C, G or T in :func:`encode_codes`.
UNKNOWN_CODE = 4

#: One-hot rows of the codes of :func:`encode_codes`: ``ONE_HOT_CODE[codes]`` is
#: ``(L, 4)`` float32, and the unknown code is an all-zero row.
ONE_HOT_CODE = np.vstack([np.eye(4, dtype=np.float32), np.zeros((1, 4), dtype=np.float32)])

#: Complement of the codes of :func:`encode_codes` (A<->T, C<->G, unknown stays unknown).
COMPLEMENT_CODE = np.array([3, 2, 1, 0, UNKNOWN_CODE], dtype=np.uint8)


def _as_bytes(sequence: bytes | bytearray | memoryview | str | np.ndarray) -> bytes | bytearray:
    if isinstance(sequence, str):
        return sequence.encode("ascii")
    if isinstance(sequence, np.ndarray):
        return sequence.view(np.uint8).reshape(-1).tobytes()
    if isinstance(sequence, memoryview):
        return sequence.tobytes()
    return sequence


def encode_codes(sequence: bytes | str | np.ndarray) -> np.ndarray:
    """Map bases to integer codes.

    Parameters
    ----------
    sequence
        Raw FASTA bytes (or ``str``) of length ``L``, no newlines.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` uint8: 0, 1, 2, 3 for A, C, G, T (either case), 4 for anything else.
    """
    return np.frombuffer(bytearray(_as_bytes(sequence).translate(_CODE_TABLE)), dtype=np.uint8)


def reverse_complement_codes(codes: np.ndarray) -> np.ndarray:
    """Reverse complement of integer base codes.

    Parameters
    ----------
    codes
        ``(L,)`` uint8 codes of :func:`encode_codes`.

    Returns
    -------
    numpy.ndarray
        ``(L,)`` uint8: position ``j`` holds the complement of ``codes[L-1-j]``.
    """
    return COMPLEMENT_CODE[codes[::-1]]


def one_hot(sequence: bytes | str | np.ndarray, dtype: np.dtype | type = np.float32) -> np.ndarray:
    """One-hot encode a DNA sequence with byte-level table passes (no per-base Python).

    Parameters
    ----------
    sequence
        Raw FASTA bytes (or ``str``) of length ``L``, no newlines.
    dtype
        Output dtype; ``numpy.uint8`` is the most compact.

    Returns
    -------
    numpy.ndarray
        ``(L, 4)`` array in A, C, G, T order; non-ACGT bases are all-zero rows.
    """
    raw = _as_bytes(sequence)
    length = len(raw)
    if length % 2:
        raw = bytes(raw) + b"N"
    # One translate pass gives each base's nibble; two neighbouring bases are packed
    # into one byte (little-endian uint16 view: (b0 << 4) | b1, low byte kept), and
    # unpackbits spreads each byte back into 2 x 4 one-hot bytes: faster than
    # indexing the 256 x 4 table (benchmarks/encode.py compares the two).
    pairs = np.frombuffer(raw.translate(_NIBBLE_TABLE), dtype="<u2")
    packed = ((pairs << 4) | (pairs >> 8)).astype(np.uint8)
    onehot = np.unpackbits(packed).reshape(-1, 4)[:length]
    return onehot if np.dtype(dtype) == np.uint8 else onehot.astype(dtype)


def reverse_complement(onehot: np.ndarray) -> np.ndarray:
    """Reverse-complement one-hot arrays along the sequence axis.

    With channels in A, C, G, T order the complement is the reversed channel axis,
    so the reverse complement is a flip of the last two axes (a view, no copy).

    Parameters
    ----------
    onehot
        ``(..., L, 4)`` one-hot array.

    Returns
    -------
    numpy.ndarray
        ``(..., L, 4)`` view: position ``j`` holds the complement of base ``L-1-j``.
    """
    return onehot[..., ::-1, ::-1]


def reverse_complement_bytes(sequence: bytes) -> bytes:
    """Reverse complement of raw sequence bytes, keeping case; unknown codes become N.

    Parameters
    ----------
    sequence
        Raw sequence bytes of length ``L``.

    Returns
    -------
    bytes
        Length ``L``.
    """
    return sequence.translate(_COMPLEMENT_TABLE)[::-1]


_COMPLEMENT_TABLE = bytes.maketrans(b"ACGTacgtNn", b"TGCAtgcaNn")
