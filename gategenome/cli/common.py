"""Options and helpers shared by several subcommands."""

from __future__ import annotations

import dataclasses
from typing import Any

import click

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
