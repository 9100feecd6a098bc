"""Generated bad inputs, grouped by the command that reads them, and the checks every refusal must pass.

Each function writes one hostile or careless input into a test's temporary
directory; nothing here is a checked-in data file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

#: Chromosome names that must never become paths outside the output or shell words.
HOSTILE_CHROMS = ["../../../../escape", "/tmp/gategenome-victim", "x$(>PWNED)", ".hidden", "a|pipe"]


def assert_clean_error(result, *words: str, code: int = 1) -> str:
    """Exit ``code``, exactly one stderr line ``gategenome: error: ...`` naming ``words``, no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("gategenome: error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def checksums(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root`` (hidden ones included)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- genome FASTA (every command that reads --genome) -------------------------------------------

def fasta(path: Path, records: list[tuple[str, str]], width: int = 60) -> Path:
    """A FASTA of ``(name, sequence)`` records, ``width`` bases a line."""
    lines = []
    for name, sequence in records:
        lines.append(f">{name}")
        lines += [sequence[i:i + width] for i in range(0, len(sequence), width)]
    path.write_text("\n".join(lines) + "\n")
    return path


def random_dna(length: int, seed: int = 0) -> str:
    return "".join(np.random.default_rng(seed).choice(list("ACGT"), length))


def duplicate_names_fasta(path: Path) -> Path:
    """``chrA`` twice (records 1 and 3; header lines 1 and 10)."""
    return fasta(path, [("chrA", random_dna(300, 1)), ("chrB", random_dna(120, 2)), ("chrA", random_dna(60, 3))])


def empty_first_record_fasta(path: Path) -> Path:
    """A first record with a header and no sequence."""
    return fasta(path, [("empty", ""), ("chrA", random_dna(300, 1))])


def stale_index_fasta(path: Path) -> Path:
    """A FASTA indexed, then edited (a longer first record) so its .fai is stale."""
    import pysam

    fasta(path, [("chrA", random_dna(300, 1)), ("chrB", random_dna(200, 2))])
    pysam.faidx(str(path))
    old = os.stat(str(path) + ".fai")
    fasta(path, [("chrA", random_dna(500, 3)), ("chrB", random_dna(200, 2))])
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns + 5_000_000_000))
    return path


# --- scan directories (tracks, call, export, evaluate) -------------------------------------------

def truncate(path: Path, keep: int | None = None) -> Path:
    """Cut a file to ``keep`` bytes (default: half)."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if keep is None else keep])
    return path


# --- compressed files -----------------------------------------------------------------------------------

def corrupt_gzip(path: Path, text: str) -> Path:
    """``text`` gzip-compressed, with 8 bytes of the deflate stream (the first place past the middle that
    works, else before it) overwritten so that decompressing stops there with ``zlib.error``, not at the
    final CRC check."""
    import gzip
    import zlib

    packed = gzip.compress(text.encode())
    for offset in [*range(len(packed) // 2, len(packed) - 16), *range(10, len(packed) // 2)]:
        data = packed[:offset] + b"\xff" * 8 + packed[offset + 8:]
        try:
            gzip.decompress(data)
        except zlib.error:
            path.write_bytes(data)
            return path
        except Exception:  # noqa: BLE001 - a CRC failure: try the next offset
            continue
    raise AssertionError("no corruption found that zlib refuses")
