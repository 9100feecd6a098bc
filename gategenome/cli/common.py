"""Options and helpers shared by several subcommands."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, Union

import click

from gategenome.errors import ConfigError

PathLike = Union[str, "os.PathLike[str]"]

#: Options of every subcommand show their defaults.
OPTION_SETTINGS = {"show_default": True}


def setting_default(settings: type, name: str) -> Any:
    """The default of field ``name`` of a settings dataclass, for a click option.

    CLI defaults are read from the library's settings (never typed again), so the
    two cannot drift apart.  The settings modules import no heavy library, so
    ``--help`` stays instant.

    Parameters
    ----------
    settings
        A dataclass type, e.g. :class:`gategenome.scan.settings.ScanSettings`.
    name
        One of its fields.
    """
    for field in dataclasses.fields(settings):
        if field.name == name:
            if field.default_factory is not dataclasses.MISSING:
                return field.default_factory()
            if field.default is dataclasses.MISSING:
                raise ValueError(f"{settings.__name__}.{name} has no default")
            return field.default
    raise ValueError(f"{settings.__name__} has no field {name!r}")


def device_option(function):
    """``--device auto|cpu|cuda``."""
    return click.option(
        "--device",
        type=click.Choice(["auto", "cpu", "cuda"]),
        default="auto",
        show_default=True,
        help="Where to run the model: CUDA when available with auto.",
    )(function)


def refuse_same_files(outputs: Mapping[str, PathLike | None], inputs: Mapping[str, PathLike | None] | None = None) -> None:
    """Refuse two outputs, or an output and an input, that are the same file.

    Paths are compared after resolving ``..`` and symbolic links, and existing
    files also by identity (a hard link is the same file), so ``--out x.json``
    beside ``x.json`` settings, or ``--metrics`` equal to ``--out``, stop the
    command before it writes anything.

    Parameters
    ----------
    outputs
        What the command writes: a label (the option, or ``"the settings JSON
        (--out with .json)"``) -> path; None entries are skipped.
    inputs
        What it reads, label -> path.

    Raises
    ------
    ConfigError
        Naming both labels and the file.
    """
    seen: list[tuple[str, str, str]] = []  # (label, resolved path, kind)
    for kind, mapping in (("output", outputs), ("input", inputs or {})):
        for label, path in mapping.items():
            if path is None:
                continue
            resolved = os.path.realpath(path)
            for other_label, other, other_kind in seen:
                if other_kind == "input" and kind == "input":
                    continue
                if resolved == other or _same_existing(resolved, other):
                    expected = "distinct outputs" if other_kind == "output" else "an output other than each input"
                    raise ConfigError(f"{other_label} and {label} are the same file ({path}); expected {expected}")
            seen.append((label, resolved, kind))


def _same_existing(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
