"""The genome cache's own directories: which are stale, and removing them when no process holds them.

A cache directory (:mod:`gategenome.data.cache`) lists the input files it was made
from in ``sources.json``, one entry per set of inputs that opened it: role ->
``[resolved path, size, mtime in ns]``.  It is stale when every entry has a file
that has since changed or gone (the directory was made from earlier versions of
them: an edited FASTA or bigWig gets a new directory, keyed by content).  Readers
hold a shared ``flock`` on its ``.lock`` file; a stale directory is removed only
under an exclusive lock taken without waiting, so never while a process reads it.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

#: The lock file and the input list of every cache directory.
LOCK, SOURCES = ".lock", "sources.json"
#: Names of the cache's own directories: ``sequence-KEY`` and ``signal-KEY``.
ENTRY_NAME = re.compile(r"(sequence|signal)-[0-9a-f]{20}")


def file_state(path: Path) -> list:
    """``[resolved path, size, mtime in ns]`` of an input file (size and time None when it is gone)."""
    try:
        stat = path.stat()
    except OSError:
        return [str(path.resolve()), None, None]
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


def is_stale(directory: Path, inputs: set[str], marker: str) -> bool:
    """Whether ``directory`` is a cache directory made only from earlier versions of files, one of them in ``inputs``.

    Parameters
    ----------
    directory
        A candidate directory.
    inputs
        Resolved paths of this run's input files.
    marker
        The ``format`` its ``manifest.json`` must hold.
    """
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
        sources = json.loads((directory / SOURCES).read_text())
        uses = [[list(state) for state in entry.values()] for entry in sources]
        if not isinstance(manifest, dict) or manifest.get("format") != marker or not uses:
            return False
        if not any(state[0] in inputs for states in uses for state in states):
            return False
        return all(any(file_state(Path(state[0])) != state for state in states) for states in uses)
    except (OSError, ValueError, AttributeError, TypeError, IndexError):
        return False


def remove_stale_entries(root: str | os.PathLike, inputs: Iterable[str | os.PathLike], marker: str,
                         keep: Iterable[Path] = ()) -> list[Path]:
    """Remove the stale cache directories of ``root`` (see :func:`is_stale`) that no process holds.

    Only directories directly in ``root``, named like the cache's own, with its
    ``marker`` in their manifest, are considered; nothing else is touched.

    Parameters
    ----------
    root
        The cache directory.
    inputs
        This run's input files (FASTA, bigWig).
    marker
        The manifest ``format`` of the cache.
    keep
        Directories never removed (those this run uses).

    Returns
    -------
    list[Path]
        The directories removed.
    """
    root, removed = Path(root), []
    wanted = {str(Path(path).resolve()) for path in inputs}
    kept = {Path(path).resolve() for path in keep}
    for directory in sorted(root.iterdir()) if root.is_dir() else []:
        if (not ENTRY_NAME.fullmatch(directory.name) or directory.is_symlink() or not directory.is_dir()
                or directory.resolve() in kept or not is_stale(directory, wanted, marker)):
            continue
        try:
            fd = os.open(directory / LOCK, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a running reader
            os.close(fd)
            continue
        try:
            shutil.rmtree(directory)
            removed.append(directory)
            log.info("%s: removed, made from earlier versions of the inputs", directory)
        except OSError as exc:
            log.warning("%s: could not remove this stale cache directory (%s)", directory, exc)
        finally:
            os.close(fd)
    return removed
