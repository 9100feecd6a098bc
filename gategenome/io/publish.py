"""All-or-nothing publishing: a command's outputs appear together, after every check, or not at all.

While a :func:`publication` is open (every command declared ``publish="together"``
in :func:`gategenome.io.guard.guard_paths` runs inside one), a finished output
that the publication covers is not renamed into place: its temporary
(``.NAME.PID@HOST.XXXXXXXX.tmp`` beside it, made by :mod:`gategenome.io.atomic`) waits.
When the command returns, :meth:`Publication.commit` writes a commit record
(``.publish.PID@HOST.XXXXXXXX.commit``, the list of renames) and then renames
every temporary onto its output; the record goes last.  A command that fails
removes its temporaries and publishes nothing, so an earlier complete result
stays as it was.

A process killed before the record exists leaves only temporaries, which the
next write of the same names removes (:func:`gategenome.io.atomic.remove_abandoned`).
A process killed during the renames leaves the record: the next command that
publishes into that directory first finishes those renames
(:func:`recover_commits`), so the result becomes the new complete one, never a
mix.

``GATEGENOME_CRASH_AT=N`` kills the process with SIGKILL at the N-th publishing
step (a staged output, the record, each rename), for crash-consistency tests.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import re
import shutil
import signal
import socket
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from gategenome.errors import ConfigError

#: The environment variable of the crash hook.
CRASH_VARIABLE = "GATEGENOME_CRASH_AT"
_RECORD = re.compile(r"\.publish\.(\d+)@(.+)\.[^.]+\.(commit|part)")
_current: contextvars.ContextVar[Publication | None] = contextvars.ContextVar("publication", default=None)
_steps = [0]


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def crash_point() -> None:
    """One publishing step: SIGKILL this process when it is the ``GATEGENOME_CRASH_AT``-th."""
    wanted = os.environ.get(CRASH_VARIABLE)
    if not wanted:
        return
    _steps[0] += 1
    if str(_steps[0]) == wanted:
        os.kill(os.getpid(), signal.SIGKILL)


def _key(path: str | os.PathLike) -> str:
    """``path`` with its parent resolved (the last component itself is never followed)."""
    path = Path(os.path.abspath(path))
    return os.path.join(os.path.realpath(path.parent), path.name)


class Publication:
    """The outputs of one command, published together by :meth:`commit`.

    Parameters
    ----------
    files
        Output files the publication covers.
    directories
        Output directories: the directory itself and every file directly in it are covered.
    """

    def __init__(self, files: Iterable[str | os.PathLike] = (), directories: Iterable[str | os.PathLike] = ()):
        self.files = {_key(path) for path in files}
        self.directories = {_key(path) for path in directories}
        self.pending: list[tuple[Path, Path]] = []
        self.empty_after: list[Path] = []

    def covers(self, final: str | os.PathLike) -> bool:
        """Whether ``final`` is one of the outputs (or lies directly in an output directory)."""
        key = _key(final)
        return key in self.files or key in self.directories or os.path.dirname(key) in self.directories

    def defer(self, temporary: Path, final: Path) -> None:
        """Rename ``temporary`` onto ``final`` at :meth:`commit`."""
        self.pending.append((Path(temporary), Path(final)))
        crash_point()

    def commit(self) -> None:
        """Write the commit record, rename every staged output into place, remove the record."""
        if not self.pending:
            self._remove_empty()
            return
        for temporary, final in self.pending:  # a rename that would fail fails here, before any is made
            if final.is_dir() and not final.is_symlink() and not temporary.is_dir():
                self.abandon()
                raise ConfigError(f"{final}: is a directory where this command writes a file; expected no "
                                  "directory of that name (nothing was written)")
        # one record in every directory an output lands in, so a reader of any output finds it
        directories = list(dict.fromkeys(final.absolute().parent for _, final in self.pending))
        parts = []
        for directory in directories:
            fd, record = tempfile.mkstemp(prefix=f".publish.{os.getpid()}@{socket.gethostname()}.",
                                          suffix=".part", dir=directory)
            os.close(fd)
            parts.append(record)
        records = [record[: -len(".part")] + ".commit" for record in parts]
        content = {"renames": [[str(t.absolute()), str(f.absolute())] for t, f in self.pending],
                   "empty": [str(p.absolute()) for p in self.empty_after], "records": records}
        for part, final_record in zip(parts, records):
            with open(part, "w") as handle:
                json.dump(content, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, final_record)
            crash_point()
        for temporary, final in self.pending:
            _replace(temporary, final)
            crash_point()
        self._remove_empty()
        for final_record in records:
            os.unlink(final_record)
        self.pending.clear()

    def abandon(self) -> None:
        """Remove every staged output; nothing is published."""
        for temporary, _ in self.pending:
            _remove(temporary)
        self._remove_empty()
        self.pending.clear()

    def _remove_empty(self) -> None:
        for directory in self.empty_after:
            _remove(directory)
        self.empty_after.clear()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


_RENAME_EXCHANGE = 2  # renameat2(2) flag: swap two paths atomically (Linux 3.15+)


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Swap the paths ``a`` and ``b`` (two directories) in one step, where the system can (Linux
    ``renameat2`` with ``RENAME_EXCHANGE``); False where it cannot, having changed nothing."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not on this system or filesystem
        return False
    raise OSError(error, os.strerror(error), os.fspath(b))


def replace_directory(new: Path, final: Path) -> None:
    """Put the directory ``new`` in the place of ``final``; an earlier ``final`` is removed after.

    Both directories are swapped in one step where the system allows, so
    ``final`` is always either the earlier directory or the new one; elsewhere
    the earlier one is moved aside first (a moment with neither).
    """
    if not final.is_dir() or final.is_symlink():
        os.replace(new, final)
        return
    if exchange(new, final):
        shutil.rmtree(new, ignore_errors=True)  # now the earlier directory
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.{os.getpid()}@{socket.gethostname()}.", suffix=".tmp",
                                  dir=final.parent))
    os.replace(final, aside / final.name)
    os.replace(new, final)
    shutil.rmtree(aside, ignore_errors=True)


def _replace(temporary: Path, final: Path) -> None:
    """Rename; a directory taking the place of an earlier one goes through :func:`replace_directory`."""
    if temporary.is_dir() and not temporary.is_symlink():
        replace_directory(temporary, final)
        return
    os.replace(temporary, final)


def publish_file(temporary: str | os.PathLike, final: str | os.PathLike) -> None:
    """Rename a finished ``temporary`` onto ``final``: now, or at the commit of the open publication covering it."""
    current = _current.get()
    if current is not None and current.covers(final):
        current.defer(Path(temporary), Path(final))
    else:
        os.replace(temporary, final)


def remove_when_published(directory: str | os.PathLike, final: str | os.PathLike) -> None:
    """Remove ``directory`` (a staging directory emptied by the renames) after the commit, or now."""
    current = _current.get()
    if current is not None and current.covers(final) and current.pending:
        current.empty_after.append(Path(directory))
    else:
        _remove(Path(directory))


def deferred(final: str | os.PathLike) -> bool:
    """Whether a write of ``final`` now waits for the commit of the open publication."""
    current = _current.get()
    return current is not None and current.covers(final)


def recover_commits(directory: str | os.PathLike) -> list[Path]:
    """Finish the commits that processes of this host killed during their renames left in ``directory``.

    Returns
    -------
    list[Path]
        The outputs renamed into place.
    """
    directory, host, done = Path(directory), socket.gethostname(), []
    if not directory.is_dir():
        return done
    for candidate in sorted(directory.iterdir()):
        match = _RECORD.fullmatch(candidate.name)
        if not match or match[2] != host or process_alive(int(match[1])):
            continue
        if match[3] == "part":  # killed while writing the record: nothing was renamed yet
            candidate.unlink(missing_ok=True)
            continue
        try:
            record = json.loads(candidate.read_text())
        except (OSError, ValueError):
            record = {}
        for temporary, final in record.get("renames", []):
            if os.path.lexists(temporary):
                _replace(Path(temporary), Path(final))
                done.append(Path(final))
        for empty in record.get("empty", []):
            _remove(Path(empty))
        for other in record.get("records", []):  # the same record in the other directories of the outputs
            if _RECORD.fullmatch(os.path.basename(other)):
                with contextlib.suppress(OSError):
                    os.unlink(other)
        candidate.unlink(missing_ok=True)
    return done


def leftover_commits(directory: str | os.PathLike) -> list[Path]:
    """Commit records in ``directory`` of processes of this host killed during their renames."""
    directory, host, found = Path(directory), socket.gethostname(), []
    if not directory.is_dir():
        return found
    for candidate in sorted(directory.iterdir()):
        match = _RECORD.fullmatch(candidate.name)
        if match and match[3] == "commit" and match[2] == host and not process_alive(int(match[1])):
            found.append(candidate)
    return found


def _writable(directory: str | os.PathLike) -> bool:
    return os.access(directory, os.W_OK | os.X_OK)


def finish_before_reading(inputs: Iterable[str | os.PathLike]) -> None:
    """Before a command reads ``inputs`` (files or directories), finish what a killed publication left there.

    A directory holding an input (and an input directory with its subdirectories)
    may hold the commit record of a process killed during its renames: some
    outputs new, the others still old.  Where the directory is writable the
    renames are finished (:func:`recover_commits`); elsewhere the command is
    refused, so no reader sees half of a publication.

    Raises
    ------
    ConfigError
        A leftover record in a directory this process cannot write, naming it.
    """
    places: dict[str, None] = {}
    for path in inputs:
        path = Path(os.path.realpath(path))
        if path.is_dir():
            places[str(path)] = None
            with contextlib.suppress(OSError):
                places.update({str(sub): None for sub in path.iterdir() if sub.is_dir() and not sub.is_symlink()})
        places[str(path.parent)] = None
    for place in places:
        leftovers = leftover_commits(place)
        if not leftovers:
            continue
        if not _writable(place):
            raise ConfigError(f"{leftovers[0]}: a killed command left its outputs half published here and "
                              f"{place} is not writable; expected no leftover commit record (rerun that command, "
                              "or any gategenome command reading there as a user who can write it)")
        try:
            recover_commits(place)
        except OSError as error:
            raise ConfigError(f"{leftovers[0]}: finishing a killed command's outputs failed ({error.strerror}); "
                              "expected a commit record whose renames can be made") from None


@contextlib.contextmanager
def publication(files: Iterable[str | os.PathLike] = (),
                directories: Iterable[str | os.PathLike] = ()) -> Iterator[Publication]:
    """Publish every covered output written inside the block together when it ends cleanly.

    Parameters
    ----------
    files, directories
        What the command writes (see :class:`Publication`).  Commits a killed
        run left in their directories are finished first (:func:`recover_commits`).

    Yields
    ------
    Publication
        The open publication; an exception in the block abandons it.
    """
    files, directories = list(files), list(directories)
    where = {os.path.dirname(_key(p)) for p in files} | {_key(p) for p in directories} | \
            {os.path.dirname(_key(p)) for p in directories}
    for place in sorted(where):
        recover_commits(place)
    current = Publication(files, directories)
    token = _current.set(current)
    try:
        yield current
    except BaseException:
        current.abandon()
        raise
    finally:
        _current.reset(token)
    current.commit()
