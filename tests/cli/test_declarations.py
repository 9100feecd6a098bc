"""The workflow schema's sections agree with the settings declared behind them.

A key of a section that reaches a command as its ``--config`` YAML is a declared
setting of the command (:data:`gategenome.cli.reference.SECTIONS`): the schema
must list exactly those (and the keys only the workflow reads), with the same
types, bounds and choices, and config/config.yaml's values must be ones the
command takes.
"""

from __future__ import annotations

import pytest

from gategenome.cli.reference import SECTIONS
from declarations import config_problems, disagreements, expected_keys, schema_section

#: The sections checked here (the others have their own test_declarations_*.py).
CHECKED = ("signal", "prepare", "call", "evaluate", "tracks", "export")


@pytest.mark.parametrize("name", CHECKED)
def test_schema_lists_the_declared_settings(name):
    assert set(schema_section(name)) == expected_keys(name)


@pytest.mark.parametrize("name", CHECKED)
def test_schema_types_and_bounds_are_the_declared_ones(name):
    assert disagreements(name) == []


@pytest.mark.parametrize("name", CHECKED)
def test_config_yaml_values_are_valid_settings(name, tmp_path):
    assert config_problems(name, tmp_path) == []


def test_checked_sections_are_mapped():
    assert set(CHECKED) <= set(SECTIONS)
