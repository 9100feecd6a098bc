"""Reading a user's YAML (``--config`` files, the model/train YAML): a key written twice is refused.

PyYAML keeps the last of two equal keys of one mapping without a word, so a
setting edited in one place and left in another silently takes whichever comes
last.  :func:`read_yaml` refuses it, naming the key, its line and the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from gategenome.errors import ConfigError


class _UniqueKeyLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a mapping holding one key twice."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: PyYAML reports it below
                continue
            if first != key_node.start_mark.line + 1:
                raise ConfigError(f"{self.name}: key {key!r} appears twice (lines {first} and "
                                  f"{key_node.start_mark.line + 1}); expected each key once")
        return super().construct_mapping(node, deep)


def read_yaml(path: str | os.PathLike) -> Any:
    """The YAML document of ``path`` (None for an empty file).

    Raises
    ------
    ConfigError
        A key written twice in one mapping (naming it, both lines and the file).
    OSError, yaml.YAMLError
        An unreadable file or text that is not YAML (callers name the option).
    """
    path = Path(path)
    text = path.read_text()
    loader = _UniqueKeyLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
