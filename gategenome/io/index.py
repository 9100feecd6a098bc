"""Index files beside their data (``.tbi``, ``.csi``, ``.bai``): one older than its data is refused.

htslib reads an index older than its file with a warning at most, and an index of
an earlier version of the file points at the wrong bytes: records go missing or
reads fail far from the cause.  Readers that go through an index call
:func:`require_fresh_index` first.  (FASTA indexes are checked, and rebuilt
instead, by :class:`gategenome.io.fasta.Genome`.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from gategenome.errors import InputError


def index_candidates(path: str | os.PathLike, suffixes: Iterable[str]) -> list[Path]:
    """The index files of ``path`` that exist: ``path + suffix``, and for ``.bai`` also ``x.bai`` beside ``x.bam``."""
    path = Path(path)
    found = []
    for suffix in suffixes:
        names = [Path(f"{path}{suffix}")]
        if suffix == ".bai" and path.suffix == ".bam":
            names.append(path.with_suffix(".bai"))
        found += [name for name in names if name.is_file()]
    return found


def stale_index(path: str | os.PathLike, suffixes: Iterable[str]) -> Path | None:
    """The first existing index of ``path`` (see :func:`index_candidates`) older than it, or None."""
    data = Path(path).stat().st_mtime_ns
    for index in index_candidates(path, suffixes):
        if index.stat().st_mtime_ns < data:
            return index
    return None


def require_fresh_index(path: str | os.PathLike, suffixes: Iterable[str], remedy: str) -> None:
    """Refuse ``path`` when an index of it lying beside it is older than it.

    Parameters
    ----------
    path
        The indexed file (VCF, BCF, BAM).
    suffixes
        Its index suffixes, e.g. ``(".tbi", ".csi")``.
    remedy
        The command that remakes the index, for the message.

    Raises
    ------
    InputError
        ``"calls.vcf.gz: its index calls.vcf.gz.tbi is older than it; expected ..."``.
    """
    index = stale_index(path, suffixes)
    if index is not None:
        raise InputError(f"{path}: its index {index} is older than it (made before the file last changed); "
                         f"expected an index made after the file ({remedy})")
