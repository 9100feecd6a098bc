"""Settings dataclasses from plain dictionaries (YAML sections, checkpoints), with unknown keys and wrong types refused."""

from __future__ import annotations

import math
from dataclasses import MISSING, Field, field, fields
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


def non_finite(values: Any, where: str = "") -> tuple[str, float] | None:
    """The first NaN or infinite number in nested mappings and lists, with its dotted key.

    YAML reads ``.nan``, ``.inf`` and ``1e999`` as floats that pass every range
    rule of a JSON schema (comparisons with NaN are false), so a configuration is
    walked for them before use.

    Parameters
    ----------
    values
        A mapping, list or scalar (e.g. a parsed YAML configuration).
    where
        The key path of ``values`` (``""`` at the top).

    Returns
    -------
    tuple[str, float] or None
        ``("train.lr", nan)``; list items are named ``key[3]``; None when every number is finite.
    """
    if isinstance(values, float):
        return None if math.isfinite(values) else (where or "(top level)", values)
    if isinstance(values, dict):
        items = ((f"{where}.{key}" if where else str(key), value) for key, value in values.items())
    elif isinstance(values, (list, tuple)):
        items = ((f"{where}[{index}]", value) for index, value in enumerate(values))
    else:
        return None
    for name, value in items:
        found = non_finite(value, name)
        if found is not None:
            return found
    return None


def require_finite(settings: Any, section: str) -> None:
    """Refuse a dataclass whose float fields hold NaN or infinity, naming ``section.field``.

    Raises
    ------
    ConfigError
        ``"train.lr: got nan, expected a finite number"``.
    """
    for item in fields(settings):
        value = getattr(settings, item.name)
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{section}.{item.name}: got {value!r}, expected a finite number")


def setting(default: Any, help: str, *, low: float | None = None, high: float | None = None,
            low_open: bool = False, high_open: bool = False, choices: tuple[str, ...] | None = None,
            flag: str | None = None, comma_separated: bool = False) -> Any:
    """A settings field that declares, once, everything said about it.

    The command-line option (:func:`gategenome.cli.options.settings_options`), the
    ``--config`` YAML keys, the workflow schema check and the configuration
    reference page are all read from these fields.

    Parameters
    ----------
    default
        The default value; a list or tuple default is copied for each instance.
    help
        One sentence for ``--help`` and the reference page.
    low, high
        Inclusive bounds of a number (None: unbounded on that side).
    low_open, high_open
        Exclude the bound itself.
    choices
        The allowed strings.
    flag
        The option's name when it is not ``--`` plus the field name with dashes.
    comma_separated
        A ``tuple[int, ...]`` given as one comma-separated word (``--distances 50,100,250``)
        instead of a repeated option.

    Returns
    -------
    dataclasses.Field
        To assign to the dataclass attribute.
    """
    metadata = {"help": help, "low": low, "high": high, "low_open": low_open, "high_open": high_open,
                "choices": tuple(choices) if choices is not None else None, "flag": flag,
                "comma_separated": comma_separated}
    if isinstance(default, (list, dict, set)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def declared_fields(cls: type) -> list[Field]:
    """The fields of dataclass ``cls`` declared with :func:`setting` (those with a help text)."""
    return [item for item in fields(cls) if "help" in item.metadata]


def field_default(item: Field) -> Any:
    """The default of a dataclass field (a factory's value)."""
    return item.default_factory() if item.default_factory is not MISSING else item.default


def check_ranges(settings: Any, section: str) -> None:
    """Refuse a settings instance whose values lie outside their declared ranges or choices.

    NaN and infinity are refused in every float field.  Call it from ``__post_init__``.

    Raises
    ------
    ConfigError
        ``"call.fdr: got 2.0, expected at most 1"``.
    """
    require_finite(settings, section)
    for item in declared_fields(type(settings)):
        value = getattr(settings, item.name)
        problem = range_problem(value, item.metadata)
        if problem:
            raise ConfigError(f"{section}.{item.name}: got {value!r}, expected {problem}")


def range_problem(value: Any, metadata: dict[str, Any]) -> str | None:
    """What ``value`` must be to satisfy a field's declared range or choices, or None when it does."""
    choices = metadata.get("choices")
    if choices is not None and isinstance(value, str) and value not in choices:
        return "one of " + ", ".join(choices)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    low, high = metadata.get("low"), metadata.get("high")
    if low is not None and (value < low or (metadata.get("low_open") and value == low)):
        return ("more than " if metadata.get("low_open") else "at least ") + f"{low:g}"
    if high is not None and (value > high or (metadata.get("high_open") and value == high)):
        return ("less than " if metadata.get("high_open") else "at most ") + f"{high:g}"
    return None
