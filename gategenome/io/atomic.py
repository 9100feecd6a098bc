"""Write outputs under a temporary name and rename them when complete.

A run that is killed or fails never leaves a truncated file that looks finished:
readers only ever see either no file or a complete one.  Temporary names carry
the writing process's id and host (``.NAME.PID@HOST.XXXXXXXX.tmp``), so the next
write of ``NAME`` removes what a killed process of this host left behind, and
never the temporary of a process still running (:func:`remove_abandoned`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gategenome.io.publish import (  # noqa: F401  (process_alive: also this module's)
    crash_point,
    process_alive,
    publish_file,
    recover_commits,
    remove_when_published,
)


def temporary_prefix(final: Path) -> str:
    """Start of the temporary names of ``final``: ``.NAME.PID@HOST.`` (see :func:`remove_abandoned`)."""
    return f".{final.name}.{os.getpid()}@{socket.gethostname()}."


def remove_abandoned(final: str | os.PathLike, directory: str | os.PathLike | None = None) -> list[Path]:
    """Remove the temporaries of ``final`` left by processes of this host that no longer run.

    Parameters
    ----------
    final
        An output path.
    directory
        Where its temporaries are (default: beside it).

    Returns
    -------
    list[Path]
        What was removed.
    """
    final = Path(final)
    directory = Path(directory) if directory is not None else final.parent
    recover_commits(directory)  # a killed run's committed renames are finished, never removed
    pattern = re.compile(rf"\.{re.escape(final.name)}\.(\d+)@(.+)\.[^.]+\.tmp")
    host, removed = socket.gethostname(), []
    if not directory.is_dir():
        return removed
    for candidate in directory.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match and match[2] == host and not process_alive(int(match[1])):
            if candidate.is_dir() and not candidate.is_symlink():
                shutil.rmtree(candidate, ignore_errors=True)
            else:
                candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` on success.

    Parameters
    ----------
    path
        The final output path.  Its parent directory is created if missing.

    Yields
    ------
    Path
        A temporary path in the same directory (so the rename is atomic).  On an
        exception the temporary file or directory is removed and ``path`` is left
        untouched.  Inside a :func:`gategenome.io.publish.publication` covering
        ``path`` the rename waits for the publication's commit.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(final)
    fd, tmp_name = tempfile.mkstemp(prefix=temporary_prefix(final), suffix=".tmp", dir=final.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        yield tmp
        crash_point()
        publish_file(tmp, final)
    except BaseException:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w", **kwargs) -> Iterator:
    """Open a temporary file for writing and rename it to ``path`` when closed cleanly.

    Parameters
    ----------
    path
        The final output path.
    mode
        A write mode, ``"w"`` or ``"wb"``.
    **kwargs
        Passed to :func:`open`.
    """
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as handle:
        yield handle


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (``/proc/self/status``;
    elsewhere set and restored at once, which a thread creating a file meanwhile could notice)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def honour_umask(path: str | os.PathLike) -> None:
    """Give ``path`` the mode a plain ``open`` or ``mkdir`` would have: ``mkstemp`` and ``mkdtemp`` make
    0600 and 0700, which the rest of a group on a shared cluster cannot read once published."""
    base = 0o777 if Path(path).is_dir() else 0o666
    os.chmod(path, base & ~current_umask())


@contextlib.contextmanager
def atomic_directory(out_dir: str | os.PathLike) -> Iterator[Path]:
    """Stage several outputs and publish them into ``out_dir`` together.

    Parameters
    ----------
    out_dir
        The output directory.  When it does not exist yet, the outputs are written
        to a temporary sibling directory that is renamed to ``out_dir`` at the end
        (so ``out_dir`` appears complete or not at all).  When it exists, the
        outputs are staged in a hidden temporary directory inside it and each is
        renamed into place at the end (other files in ``out_dir`` are kept).

    Yields
    ------
    Path
        The staging directory: write every output there under its final name.
        On an exception it is removed with everything in it, as are parent
        directories this call created, and ``out_dir`` is left as it was.  Inside
        a :func:`gategenome.io.publish.publication` covering ``out_dir`` the
        renames wait for the publication's commit.
    """
    final = Path(out_dir)
    created: list[Path] = []
    parent = final.absolute().parent
    while not parent.exists():
        created.append(parent)
        parent = parent.parent
    final.parent.mkdir(parents=True, exist_ok=True)
    existed = final.is_dir()
    staging_parent = final if existed else final.parent
    remove_abandoned(final, staging_parent)
    staging = Path(tempfile.mkdtemp(prefix=temporary_prefix(final), suffix=".tmp", dir=staging_parent))
    try:
        if not existed:  # mkdtemp makes 0700; the published directory gets the usual umask mode
            honour_umask(staging)
        yield staging
        crash_point()
        if existed:
            for item in sorted(staging.iterdir()):
                publish_file(item, final / item.name)
            remove_when_published(staging, final / staging.name)
        else:
            publish_file(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for directory in created:
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise
