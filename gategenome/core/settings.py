"""Settings dataclasses from plain dictionaries (YAML sections, checkpoints), with unknown keys refused."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from gategenome.errors import ConfigError

Settings = TypeVar("Settings")


def settings_from_dict(cls: type[Settings], values: dict[str, Any], section: str) -> Settings:
    """Build the dataclass ``cls`` from ``values``, rejecting unknown keys with the valid ones listed.

    Parameters
    ----------
    cls
        A dataclass type.
    values
        Field name -> value.
    section
        Name of the configuration section, for the message (``"model"``, ``"train"``).
    """
    known = {field.name for field in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{section}: unknown key(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}")
    return cls(**values)
