"""The option tables of the command pages (docs/<command>.md) agree with the commands' own defaults.

A table row reads ``| `--name` | default | meaning |``; where the default is a number,
on/off, none or required, one of the page's commands must have that option with
that default, so a changed default cannot leave its page behind.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from gategenome.cli.main import cli

DOCS = Path(__file__).parents[2] / "docs"

#: Page -> the commands it documents (the command of the page's name otherwise).
PAGE_COMMANDS = {
    "call.md": ["call", "boundaries"],
    "design.md": ["design memory", "design reset"],
    "scan.md": ["scan", "gather", "tracks"],
    "variants.md": ["variants", "variants-gather"],
}

ROW = re.compile(r"^\| `(--[a-z0-9-]+)(?: [A-Z_]+)?` \| ([^|]+?) \|")
NUMBER = re.compile(r"^-?[0-9][0-9,_]*(\.[0-9]+)?(e-?[0-9]+)?$")


def _command(path: str) -> click.Command:
    command = cli
    for name in path.split():
        command = command.get_command(click.Context(command), name)
        if command is None:
            raise KeyError(path)
    return command


def _options(path: str) -> dict[str, click.Option]:
    return {name: param for param in _command(path).params if isinstance(param, click.Option)
            for name in param.opts}


def _matches(option: click.Option, documented: str) -> bool:
    default = option.default
    if type(default).__name__ == "Sentinel":  # click's "no default"
        default = False if option.is_flag else None
    if documented == str(default):
        return True
    if documented == "required":
        return option.required
    if documented == "none":
        return default in (None, (), [], "") and not option.required
    if documented in ("on", "off"):
        return default is (documented == "on")
    if NUMBER.match(documented):
        return isinstance(default, (int, float)) and not isinstance(default, bool) and \
            float(documented.replace(",", "").replace("_", "")) == float(default)
    return True  # a default in words ("the scan's", "1 with peaks, 100 from the bigWig") is not checked


def _rows():
    for page in sorted(DOCS.glob("*.md")):
        commands = PAGE_COMMANDS.get(page.name, [page.stem])
        if not all(_command_exists(name) for name in commands):
            continue
        for line in page.read_text().splitlines():
            match = ROW.match(line)
            if match:
                yield pytest.param(commands, match[1], match[2].strip(), id=f"{page.name}:{match[1]}")


def _command_exists(path: str) -> bool:
    try:
        _command(path)
    except (KeyError, AttributeError):
        return False
    return True


@pytest.mark.parametrize(("commands", "option", "documented"), list(_rows()))
def test_documented_default_is_the_commands(commands, option, documented):
    having = [name for name in commands if option in _options(name)]
    assert having, f"{option} is documented but none of {commands} has it"
    assert any(_matches(_options(name)[option], documented) for name in having), \
        f"{option}: documented default {documented!r}, the command's is {_options(having[0])[option].default!r}"
