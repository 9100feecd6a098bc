"""Options and helpers shared by several subcommands."""

from __future__ import annotations

import click

#: Options of every subcommand show their defaults.
OPTION_SETTINGS = {"show_default": True}


def device_option(function):
    """``--device auto|cpu|cuda``."""
    return click.option(
        "--device",
        type=click.Choice(["auto", "cpu", "cuda"]),
        default="auto",
        show_default=True,
        help="Where to run the model: CUDA when available with auto.",
    )(function)
