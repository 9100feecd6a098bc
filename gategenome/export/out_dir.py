"""Where ``gategenome export`` may write, and how it replaces an earlier export.

An export directory is replaced as a whole, so the command guards it: it refuses
an output directory that is one of its inputs, holds one, or holds the current
directory, and one that holds files it did not write (an earlier export lists
its files in ``export.json``).  Replacing an earlier export removes only the
files that list names; anything else found there at that moment is left in
place.  Staging directories of a killed export (``.NAME.PID@HOST.X.tmp``, by a
process of this host that no longer runs) are removed by the next one; nothing else
beside the output directory is.  The earlier export is moved aside
(``.NAME.PID@HOST.X.old/previous``) while the new one takes its place; an export
killed in that moment is finished by the next one: the earlier export is put back
when no new one took its place, else its listed files are removed as usual.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from gategenome.errors import ConfigError
from gategenome.io.atomic import honour_umask, process_alive, remove_abandoned, temporary_prefix
from gategenome.io.publish import crash_point, exchange

log = logging.getLogger(__name__)

MANIFEST = "export.json"


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _listed_files(out: Path) -> set[str] | None:
    """The files an earlier export wrote into ``out`` (its manifest), or None without a readable one."""
    try:
        files = json.loads((out / MANIFEST).read_text()).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    names = {os.path.normpath(name) for name in files}
    # a name that is absolute or leaves the directory (an edited manifest) was never an export's file
    inside = {name for name in names if not os.path.isabs(name) and name.split(os.sep)[0] != os.pardir}
    return inside | {MANIFEST}


def check_out_dir(out_dir: str | os.PathLike, inputs: Mapping[str, str | os.PathLike | None]) -> Path:
    """Refuse an output directory the export must not replace; return its resolved path.

    Parameters
    ----------
    out_dir
        The ``--out-dir`` given.
    inputs
        Option name -> input path (None for an option not given).

    Raises
    ------
    ConfigError
        ``out_dir`` is an input, holds an input or the current directory, is not
        a directory, or holds files an earlier export did not write.
    """
    out = Path(os.path.realpath(out_dir))
    guarded = {name: os.path.realpath(path) for name, path in inputs.items() if path is not None}
    guarded["the current directory"] = os.path.realpath(os.getcwd())
    for name, path in guarded.items():
        if _inside(path, str(out)):
            raise ConfigError(f"--out-dir {out_dir}: {'is' if path == str(out) else 'holds'} {name} ({path}); "
                              "expected a new directory or an earlier export (it is replaced)")
    if not out.exists():
        return out
    if not out.is_dir():
        raise ConfigError(f"--out-dir {out_dir}: exists and is not a directory; expected a new directory or an earlier export")
    present = sorted(str(p.relative_to(out)) for p in out.rglob("*") if not p.is_dir())
    listed = _listed_files(out) if present else set()
    foreign = present if listed is None else [name for name in present if name not in listed]
    if foreign:
        raise ConfigError(f"--out-dir {out_dir}: holds {len(foreign)} file(s) not written by 'gategenome export' "
                          f"({', '.join(foreign[:3])}); expected a new or empty directory or an earlier export")
    return out


def _remove_listed(old: Path, listed: set[str]) -> None:
    """Remove the listed files of a replaced export, then its empty directories; keep anything else.

    A listed file is removed only where it lies in the export's own directories: a
    name reached through a symbolic link (a directory of the hub replaced by a link
    to the user's files) is left alone.
    """
    root = os.path.realpath(old)
    for name in sorted(listed, key=lambda name: name == MANIFEST):  # the manifest last: a killed removal resumes
        if os.path.realpath((old / name).parent) != os.path.normpath(os.path.join(root, os.path.dirname(name))):
            log.warning("%s: not removed, reached through a symbolic link", old / name)
            continue
        with contextlib.suppress(FileNotFoundError):
            (old / name).unlink()
    for directory in sorted((p for p in old.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            directory.rmdir()
    try:
        old.rmdir()
    except OSError:
        log.warning("%s: kept files that appeared during the export (not written by it)", old)


def finish_interrupted_swaps(out: Path) -> list[Path]:
    """Finish the swaps of exports into ``out`` killed between moving the earlier export aside and removing it.

    Only ``.NAME.PID@HOST.X.old`` directories of processes of this host that no
    longer run are touched.  When ``out`` is missing (killed before the new export
    took its place) the earlier export is moved back; otherwise the files its
    manifest lists are removed (:func:`_remove_listed`, which keeps anything else).

    Returns
    -------
    list[Path]
        The ``.old`` directories handled.
    """
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(\d+)@(.+)\.[^.]+\.old")
    host, handled = socket.gethostname(), []
    if not out.parent.is_dir():
        return handled
    for aside in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(aside.name)
        if not match or match[2] != host or process_alive(int(match[1])) or not aside.is_dir() or aside.is_symlink():
            continue
        previous = aside / "previous"
        if previous.is_dir() and not previous.is_symlink():
            if not out.exists():
                os.replace(previous, out)
                log.warning("%s: put back the earlier export that a killed export had moved to %s", out, aside)
            else:
                _remove_listed(previous, _listed_files(previous) or {MANIFEST})
        with contextlib.suppress(OSError):
            aside.rmdir()
        handled.append(aside)
    return handled


@contextlib.contextmanager
def replace_export(out: Path) -> Iterator[Path]:
    """Stage an export beside ``out`` and put it in place of an earlier one (see the module docstring).

    Yields
    ------
    Path
        The staging directory; on an exception it is removed and ``out`` is left as it was.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    finish_interrupted_swaps(out)  # a killed export's earlier export set aside: .NAME.PID@HOST.X.old
    remove_abandoned(out)  # a killed export's staging directory: .NAME.PID@HOST.X.tmp of a dead process here
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(out), suffix=".tmp", dir=out.parent))
    honour_umask(tmp)  # mkdtemp makes 0700; the hub is served to browsers
    try:
        yield tmp
        if out.exists():
            listed = _listed_files(out) or {MANIFEST}
            old = Path(tempfile.mkdtemp(prefix=temporary_prefix(out), suffix=".old", dir=out.parent))
            if exchange(tmp, out):  # one step: out is the earlier export or the new one, never neither
                crash_point()
                os.replace(tmp, old / "previous")  # tmp now holds the earlier export
            else:
                os.replace(out, old / "previous")
                crash_point()
                os.replace(tmp, out)
            crash_point()
            _remove_listed(old / "previous", listed)
            with contextlib.suppress(OSError):
                old.rmdir()
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
