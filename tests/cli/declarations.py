"""Checks that a section of the workflow schema agrees with the settings declared behind it.

Shared by the declaration tests of every section (``test_declarations*.py``): each
takes a section name of :data:`gategenome.cli.reference.SECTIONS` and returns the
disagreements found, one line each, so a failing test lists them all.
"""

from __future__ import annotations

from dataclasses import Field
from pathlib import Path
from typing import Any

import click
import yaml

from gategenome.cli.options import read_config
from gategenome.cli.reference import SECTIONS, section_fields

ROOT = Path(__file__).parents[2]

#: Annotation (without ``None``) -> the schema types a value of it may have.
_SCHEMA_TYPES = {"int": {"integer"}, "float": {"number"}, "bool": {"boolean"}, "str": {"string"},
                 "list[str]": {"array"}, "tuple[str, ...]": {"array"}, "tuple[int, ...]": {"array"}}


def schema_section(name: str) -> dict[str, Any]:
    """The properties of section ``name`` of workflow/schemas/config.schema.yaml."""
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    return schema["properties"][name]["properties"]


def config_section(name: str) -> dict[str, Any]:
    """Section ``name`` of config/config.yaml (empty when absent)."""
    return yaml.safe_load((ROOT / "config/config.yaml").read_text()).get(name) or {}


def expected_keys(name: str) -> set[str]:
    """The keys section ``name`` must have: its declared settings and its workflow-only keys."""
    section = SECTIONS[name]
    return set(section_fields(section)) | set(section.workflow_only)


def _schema_types(spec: dict[str, Any]) -> set[str]:
    if "oneOf" in spec:
        return set().union(*(_schema_types(option) for option in spec["oneOf"]))
    return {spec["type"]} if "type" in spec else set()


def _declared_types(item: Field) -> set[str]:
    if item.metadata.get("comma_separated"):
        return {"string"}
    parts = [part.strip() for part in str(item.type).split("|") if part.strip() != "None"]
    return set().union(*(_SCHEMA_TYPES.get(part, {part}) for part in parts))


def _bounds(spec: dict[str, Any]) -> tuple:
    low = spec.get("minimum", spec.get("exclusiveMinimum"))
    high = spec.get("maximum", spec.get("exclusiveMaximum"))
    return low, high, "exclusiveMinimum" in spec, "exclusiveMaximum" in spec


def disagreements(name: str) -> list[str]:
    """How the schema's section ``name`` differs from the declarations: types, bounds, choices."""
    properties, problems = schema_section(name), []
    for key, declarations in section_fields(SECTIONS[name]).items():
        spec = properties.get(key)
        if spec is None:
            continue
        for cls, item in declarations:
            meta, where = item.metadata, f"{name}.{key} ({cls.__name__})"
            if _schema_types(spec) != _declared_types(item):
                problems.append(f"{where}: schema type {sorted(_schema_types(spec))}, declared {item.type}")
            declared = (meta.get("low"), meta.get("high"), bool(meta.get("low_open")), bool(meta.get("high_open")))
            if _bounds(spec) != declared:
                problems.append(f"{where}: schema bounds {_bounds(spec)}, declared {declared}")
            choices = list(meta["choices"]) if meta.get("choices") else None
            if spec.get("enum") != choices and "oneOf" not in spec:
                problems.append(f"{where}: schema choices {spec.get('enum')}, declared {choices}")
    return problems


def config_problems(name: str, tmp_path: Path) -> list[str]:
    """Why config/config.yaml's section ``name`` (its settings) would not be read as a ``--config`` YAML."""
    section = SECTIONS[name]
    values = {key: value for key, value in config_section(name).items() if key not in section.workflow_only}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(values))
    known = {key: declarations[0][1] for key, declarations in section_fields(section).items()}
    try:
        read_config(path, known)
    except click.BadParameter as exc:
        return [exc.format_message()]
    return []
