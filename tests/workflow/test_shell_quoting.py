"""Every value a workflow rule puts into a shell command is a quoted shell word.

File names, chromosome names and config values reach the shell of every job; a
placeholder without ``:q`` would let a space or ``;`` in one split or extend the
command.  The only bare placeholders are integers and option strings that
``cli_options`` (workflow/rules/common.smk) has already quoted word by word.
"""

from __future__ import annotations

import re
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "workflow" / "rules"

#: Bare placeholders allowed: built by cli_options (each value shlex-quoted), or integers.
PREQUOTED = {"params.options", "params.inputs", "params.chroms", "params.replicates", "params.explain"}
INTEGERS = {"threads", "params.workers"}


def _shell_strings(text: str) -> list[str]:
    """The string literals of every ``shell:`` directive."""
    strings, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "shell:":
            inside = True
            continue
        if inside and stripped.startswith(('"', "'")):
            strings += re.findall(r'"((?:[^"\\]|\\.)*)"', stripped)
        elif inside and stripped:
            inside = False
    return strings


def test_the_rules_have_shell_commands():
    assert sum(len(_shell_strings(path.read_text())) for path in RULES.glob("*.smk")) > 20


def test_every_placeholder_of_a_shell_command_is_quoted():
    bare = []
    for path in sorted(RULES.glob("*.smk")):
        for string in _shell_strings(path.read_text()):
            for name, _, spec in re.findall(r"\{([\w.]+)(:(\w+))?\}", string):
                if spec != "q" and name not in PREQUOTED | INTEGERS:
                    bare.append(f"{path.name}: {{{name}}}")
    assert not bare, f"unquoted shell placeholders (add :q): {bare}"
