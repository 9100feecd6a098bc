"""Click options and ``--config`` YAML files made from settings dataclasses.

A setting is declared once, as a :func:`gategenome.core.settings.setting` field
(name, type, default, range, help); the option of every command that exposes it
is generated here, so adding a setting is a one-file change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import Field
from pathlib import Path
from typing import Any

import click

from gategenome.cli.common import FiniteFloat
from gategenome.core.settings import check_type, declared_fields, field_default, range_problem
from gategenome.io.guard import CONFIG_META

#: Annotations whose option takes the value several times (``--test-chrom I --test-chrom II``).
_REPEATED = {"tuple[str, ...]": click.STRING, "list[str]": click.STRING, "tuple[int, ...]": click.INT}


class CommaSeparatedIntegers(click.ParamType):
    """Integers given as one comma-separated word (``50,100,250``), or as a YAML list in ``--config``."""

    name = "integers"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, ...]:
        items = value if isinstance(value, (list, tuple)) else str(value).split(",")
        try:
            return tuple(item if isinstance(item, int) and not isinstance(item, bool) else int(str(item).strip())
                         for item in items if str(item).strip())
        except ValueError:
            self.fail(f"{value!r}: expected comma-separated integers, e.g. 50,100,250", param, ctx)


def option_name(item: Field) -> str:
    """``--min-depth`` for field ``min_depth`` (or the field's declared ``flag``)."""
    return item.metadata.get("flag") or "--" + item.name.replace("_", "-")


def parameter_name(item: Field) -> str:
    """The command's parameter and ``--config`` key of a field: its option name with underscores
    (``context_margin`` for field ``margin`` declared with ``flag="--context-margin"``)."""
    return option_name(item)[2:].replace("-", "_")


def _option_type(item: Field) -> click.ParamType | None:
    meta, annotation = item.metadata, str(item.type).replace(" | None", "")
    if meta.get("choices") is not None and annotation == "str":
        return click.Choice(list(meta["choices"]))
    bounds = dict(min=meta.get("low"), max=meta.get("high"), min_open=meta.get("low_open", False),
                  max_open=meta.get("high_open", False))
    if annotation == "int":
        return click.IntRange(**bounds) if meta.get("low") is not None or meta.get("high") is not None else click.INT
    if annotation == "float":
        return FiniteFloat(**bounds)
    return _REPEATED.get(annotation)


def field_option(item: Field, *, override: str | None = None) -> Callable:
    """The click option of one declared settings field.

    Parameters
    ----------
    item
        A field declared with :func:`gategenome.core.settings.setting`.
    override
        The section of a settings file the option overrides (``"train"``): the
        option defaults to None, so the file's value, else the field's default, applies.
    """
    meta = item.metadata
    name, parameter = option_name(item), parameter_name(item)
    default = field_default(item)
    common = dict(default=default, show_default=True, help=meta["help"])
    if override is not None:
        common = dict(default=None, help=f"{meta['help']}  [default: --config's {override}.{item.name}, "
                                         f"else {default}]")
    annotation = str(item.type)
    if annotation == "bool":
        return click.option(f"{name}/--no-{name[2:]}", parameter, **common)
    if meta.get("comma_separated"):
        common["default"] = ",".join(map(str, default))
        return click.option(name, parameter, type=CommaSeparatedIntegers(), **common)
    if annotation in _REPEATED:
        return click.option(name, parameter, type=_REPEATED[annotation], multiple=True, **common)
    return click.option(name, parameter, type=_option_type(item), **common)


def settings_options(*classes: type, exclude: Iterable[str] = ()) -> Callable:
    """Decorate a command with one option per declared field of ``classes``, in field order.

    A field name declared by two classes gets one option (the first class's).

    Parameters
    ----------
    classes
        Settings dataclasses.
    exclude
        Field names the command sets itself.
    """
    skip, chosen = set(exclude), {}
    for cls in classes:
        for item in declared_fields(cls):
            if item.name not in skip:
                chosen.setdefault(item.name, item)

    def decorate(function: Callable) -> Callable:
        for item in reversed(list(chosen.values())):
            function = field_option(item)(function)
        return function

    return decorate


def settings_from_options(cls: type, values: Mapping[str, Any], **extra: Any) -> Any:
    """An instance of ``cls`` from a command's parameters (its declared fields only) and ``extra``.

    Repeated options arrive as tuples and are passed as the field's type expects.
    """
    chosen = {}
    for item in declared_fields(cls):
        if parameter_name(item) in values:
            value = values[parameter_name(item)]
            chosen[item.name] = list(value) if str(item.type) == "list[str]" else value
    return cls(**chosen, **extra)


def config_option(*classes: type, exclude: Iterable[str] = ()) -> Callable:
    """``--config FILE``: a YAML mapping of ``classes``' settings; options given on the command line win.

    The file's keys are the options' names with underscores (``min_depth``); unknown keys, values of
    the wrong type and values out of range are one-line errors naming the file.
    The values become the options' defaults, so they are checked and converted
    exactly as typed options are.  ``exclude``: as in :func:`settings_options`.
    """
    known = {parameter_name(item): item for cls in classes for item in declared_fields(cls)
             if item.name not in set(exclude)}

    def load(ctx: click.Context, param: click.Parameter, path: str | None) -> str | None:
        if path is None:
            return None
        values = read_config(Path(path), known)
        ctx.meta[CONFIG_META] = path  # an input of the command (io.guard)
        ctx.default_map = {**(ctx.default_map or {}), **values}
        return path

    return click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True), is_eager=True,
                        expose_value=False, callback=load,
                        help="YAML of this command's settings (keys as the options, with underscores); "
                             "options given here win.")


def read_config(path: Path, known: Mapping[str, Field]) -> dict[str, Any]:
    """The settings of a ``--config`` YAML, their names and types checked.

    Raises
    ------
    click.BadParameter
        One line naming the file and the key.
    """
    import yaml

    from gategenome.io.yamlfile import read_yaml

    try:
        values = read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"{path}: not readable YAML ({str(exc).splitlines()[0]})", param_hint="--config")
    if not isinstance(values, dict):
        raise click.BadParameter(f"{path}: expected a mapping of settings", param_hint="--config")
    unknown = sorted(set(map(str, values)) - set(known))
    if unknown:
        raise click.BadParameter(f"{path}: unknown key(s) {', '.join(unknown)}; expected some of "
                                 f"{', '.join(sorted(known))}", param_hint="--config")
    from gategenome.errors import ConfigError

    for name, value in values.items():
        annotation = str(known[name].type).replace(" | None", "")
        try:
            if value is not None:
                check_type(name, value, annotation)
        except ConfigError as exc:
            raise click.BadParameter(f"{path}: {exc}", param_hint="--config")
        problem = range_problem(value, known[name].metadata)
        if problem:
            raise click.BadParameter(f"{path}: {name}: got {value!r}, expected {problem}", param_hint="--config")
    return {name: tuple(value) if isinstance(value, list) else value for name, value in values.items()}
