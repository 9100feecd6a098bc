"""The workflow's configuration reference (``docs/config.md``), rendered from the settings declarations.

Every section of ``config/config.yaml`` that reaches a command as its ``--config``
YAML is listed in :data:`SECTIONS` with the settings classes behind it: its keys,
types, defaults, ranges and meanings are read from their
:func:`gategenome.core.settings.setting` declarations.  Keys only the workflow
reads, and sections not listed, are described from the schema
(``workflow/schemas/config.schema.yaml``).  Regenerate the page with::

    python -m gategenome.cli.reference > docs/config.md
"""

from __future__ import annotations

from dataclasses import Field, dataclass
from typing import Any

from gategenome.call.settings import CallSettings
from gategenome.cli.options import parameter_name
from gategenome.core.checkout import CONFIG_SCHEMA, workflow_root
from gategenome.core.settings import declared_fields, field_default
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings, SignalSettings
from gategenome.design.settings import (
    MEMORY_ONLY,
    RESET_ONLY,
    BoundarySettings,
    ConstraintSettings,
    ContextSettings,
    ResetSettings,
    SearchSettings,
)
from gategenome.evaluate.settings import EvaluateSettings, ReviewSettings
from gategenome.explain.settings import ExplainSettings, MotifSettings
from gategenome.export.settings import ExportSettings, TrackSettings
from gategenome.model.config import ModelConfig
from gategenome.scan.settings import ScanSettings
from gategenome.train.config import TrainConfig

#: The workflow's schema (in the checkout, or the copy an installed wheel carries).
SCHEMA = workflow_root() / CONFIG_SCHEMA


@dataclass(frozen=True)
class Section:
    """The settings behind one section of the workflow configuration.

    Attributes
    ----------
    classes
        Settings dataclasses whose declared fields are the section's keys (a name
        declared by several is one key).
    workflow_only
        Keys the rules read themselves (described in the schema), not passed to the command.
    from_rule
        Declared fields the rule sets itself (from a top-level key or its threads), not keys of the section.
    not_taken
        Declared fields of the classes that the section's command does not take (the other design goal's).
    """

    classes: tuple[type, ...]
    workflow_only: tuple[str, ...] = ()
    from_rule: tuple[str, ...] = ()
    not_taken: tuple[str, ...] = ()


#: Section of config/config.yaml -> the settings behind it.
SECTIONS: dict[str, Section] = {
    "signal": Section((SignalSettings,), from_rule=("call_peaks",)),
    "prepare": Section((PrepareSettings, SignalRegionSettings, PeakRegionSettings), from_rule=("seed",)),
    "call": Section((CallSettings,)),
    "evaluate": Section((EvaluateSettings,), workflow_only=("enabled",), from_rule=("seed",)),
    "tracks": Section((TrackSettings,), from_rule=("workers",)),
    "export": Section((ExportSettings,)),
    "model": Section((ModelConfig,)),
    "train": Section((TrainConfig,), from_rule=("seed", "threads", "device")),
    "scan": Section((ScanSettings,), workflow_only=("chroms", "exclude", "strand", "split_strands"),
                    from_rule=("seed",)),
    "design": Section((SearchSettings, ConstraintSettings), workflow_only=("enabled",), from_rule=("seed",),
                      not_taken=RESET_ONLY),
    "resets": Section((ResetSettings, SearchSettings, ConstraintSettings, BoundarySettings, ContextSettings),
                      workflow_only=("enabled", "length"), from_rule=("seed", "element_length"),
                      not_taken=MEMORY_ONLY),
    "explain": Section((ExplainSettings, MotifSettings), workflow_only=("enabled",)),
    "review": Section((ReviewSettings,), workflow_only=("enabled", "igv_js")),
}


def section_fields(section: Section) -> dict[str, list[tuple[type, Field]]]:
    """Key -> ``(class, field)`` of every class declaring it, in declaration order (``from_rule`` and
    ``not_taken`` left out); the key is the option's name with underscores (``motif_window``)."""
    keys: dict[str, list[tuple[type, Field]]] = {}
    for cls in section.classes:
        for item in declared_fields(cls):
            if item.name not in section.from_rule + section.not_taken:
                keys.setdefault(parameter_name(item), []).append((cls, item))
    return keys


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def _value(value: Any) -> str:
    """A YAML value as typed in config.yaml, in a code span (empty for unset)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(str(item) for item in value) + "]"
    elif isinstance(value, str) and value == "":
        text = '""'
    else:
        text = str(value)
    return f"`{text}`"


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f"{'>' if low_open else '≥'} {_number(low)}"
    if low is None:
        return f"{'<' if high_open else '≤'} {_number(high)}"
    return f"{'(' if low_open else '['}{_number(low)}, {_number(high)}{')' if high_open else ']'}"


#: Annotation -> the type's name on the page.
_TYPE_NAMES = {"int": "integer", "float": "number", "bool": "boolean", "str": "string", "list[str]": "list of strings",
               "tuple[str, ...]": "list of strings", "tuple[int, ...]": "list of integers"}


def _declared_row(name: str, declarations: list[tuple[type, Field]]) -> list[str]:
    item = declarations[0][1]
    meta = item.metadata
    parts = [part.strip() for part in str(item.type).split("|") if part.strip() != "None"]
    kind = "integers, comma-separated" if meta.get("comma_separated") else " or ".join(
        _TYPE_NAMES.get(part, part) for part in parts)
    defaults = [(cls, field_default(declared)) for cls, declared in declarations]
    if len({repr(value) for _, value in defaults}) == 1:
        default = _value(defaults[0][1])
    else:
        default = ", ".join(f"{_value(value)} ({cls.__name__})" for cls, value in defaults)
    allowed = ", ".join(meta["choices"]) if meta.get("choices") else _interval(
        meta.get("low"), meta.get("high"), meta.get("low_open"), meta.get("high_open"))
    return [f"`{name}`", kind, default, allowed, meta["help"]]


def _schema_type(spec: dict) -> str:
    if "oneOf" in spec:
        return " or ".join(_schema_type(option) for option in spec["oneOf"])
    kind = spec.get("type", "object")
    if kind == "array":
        return f"list of {_schema_type(spec.get('items', {}))}s"
    return {"boolean": "boolean", "integer": "integer", "number": "number", "string": "string"}.get(kind, kind)


def _schema_row(name: str, spec: dict) -> list[str]:
    if "enum" in spec:
        allowed = ", ".join(str(choice) for choice in spec["enum"])
    else:
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        high = spec.get("maximum", spec.get("exclusiveMaximum"))
        allowed = _interval(low, high, "exclusiveMinimum" in spec, "exclusiveMaximum" in spec)
    meaning = " ".join(str(spec.get("description", "")).split())
    return [f"`{name}`", _schema_type(spec), _value(spec.get("default")), allowed, meaning]


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| key | type | default | range / choices | meaning |", "|---|---|---|---|---|"]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]


def section_rows(name: str, spec: dict) -> list[list[str]]:
    """The table rows of one section: declared settings from :data:`SECTIONS`, the rest from the schema."""
    properties = spec.get("properties", {})
    section = SECTIONS.get(name)
    if section is None:
        return [_schema_row(key, value) for key, value in properties.items()]
    rows = [_schema_row(key, properties.get(key, {})) for key in section.workflow_only]
    return rows + [_declared_row(key, declarations) for key, declarations in section_fields(section).items()]


def render_reference(schema: dict) -> str:
    """The Markdown of ``docs/config.md`` from the workflow's schema (parsed) and :data:`SECTIONS`."""
    properties = schema["properties"]
    top = {key: spec for key, spec in properties.items() if spec.get("type") != "object"}
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by `python -m gategenome.cli.reference > docs/config.md` from the settings",
        "     declarations and workflow/schemas/config.schema.yaml; edit those, not this page. -->",
        "",
        "The keys of `config/config.yaml`, checked against `workflow/schemas/config.schema.yaml` before any",
        "job runs (unknown keys are errors).  A section read by a command reaches it as one `--config` YAML",
        "written beside the outputs (`results/{sample}/config/<command>.yaml`): each key is the command's",
        "option of the same name (`min_length` is `--min-length`), and a key left unset takes the default",
        "shown here, the command's own.",
        "",
        "## Top level",
        "",
        *_table([_schema_row(key, spec) for key, spec in top.items()]),
    ]
    for name, spec in properties.items():
        if name in top:
            continue
        lines += ["", f"## {name}", ""]
        description = " ".join(str(spec.get("description", "")).split())
        if description:
            lines += [description, ""]
        lines += _table(section_rows(name, spec))
        if name in SECTIONS and SECTIONS[name].from_rule:
            options = ", ".join(f"`--{key.replace('_', '-')}`" for key in SECTIONS[name].from_rule)
            lines += ["", f"The rule sets {options} itself (not a key of this section)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the reference page of the workflow's schema."""
    import yaml

    print(render_reference(yaml.safe_load(SCHEMA.read_text())), end="")


if __name__ == "__main__":
    main()
