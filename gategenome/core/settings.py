"""Settings dataclasses from plain dictionaries (YAML sections, checkpoints), with unknown keys and wrong types refused."""

from __future__ import annotations

import math
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
    annotations = {field.name: str(field.type) for field in fields(cls)}
    unknown = sorted(set(values) - set(annotations))
    if unknown:
        raise ConfigError(
            f"{section}: unknown key(s) {', '.join(map(str, unknown))}; expected some of {', '.join(sorted(annotations))}"
        )
    for name, value in values.items():
        check_type(f"{section}.{name}", value, annotations[name])
    return cls(**values)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


#: Annotation -> (test, what a value must be, for messages).
_TYPES = {
    "int": (_is_int, "an integer"),
    "float": (_is_number, "a finite number"),
    "bool": (lambda value: isinstance(value, bool), "true or false"),
    "str": (lambda value: isinstance(value, str), "a string"),
}


def check_type(name: str, value: Any, annotation: str) -> None:
    """Refuse ``value`` unless it is of one of the types of ``annotation`` (e.g. ``"float | str"``).

    ``4096.7`` is not an integer, the string ``"no"`` is not a boolean, and NaN
    or infinity is not a number here; annotations other than int, float, bool
    and str are not checked.

    Raises
    ------
    ConfigError
        Naming the key, the value and the expected type.
    """
    parts = [part.strip() for part in annotation.split("|")]
    if any(part not in _TYPES for part in parts):
        return
    if not any(_TYPES[part][0](value) for part in parts):
        expected = " or ".join(_TYPES[part][1] for part in parts)
        raise ConfigError(f"{name}: got {value!r} ({type(value).__name__}), expected {expected}")
