"""The workflow schema's sections agree with the settings declared behind them.

A key of a section that reaches a command as its ``--config`` YAML is a declared
setting of the command (:data:`gategenome.cli.reference.SECTIONS`): the schema
must list exactly those (and the keys only the workflow reads), with the same
types, bounds and choices, and config/config.yaml's values must be ones the
command takes.
"""

from __future__ import annotations

import pytest

from declarations import config_problems, disagreements, expected_keys, schema_section
from gategenome.cli.reference import SECTIONS
from gategenome.errors import ConfigError
from gategenome.explain.settings import MotifSettings
from gategenome.model.config import ModelConfig
from gategenome.scan.settings import ScanSettings

#: Every section that reaches a command as its settings.
CHECKED = tuple(SECTIONS)


@pytest.mark.parametrize("name", CHECKED)
def test_schema_lists_the_declared_settings(name):
    assert set(schema_section(name)) == expected_keys(name)


@pytest.mark.parametrize("name", CHECKED)
def test_schema_types_and_bounds_are_the_declared_ones(name):
    assert disagreements(name) == []


@pytest.mark.parametrize("name", CHECKED)
def test_config_yaml_values_are_valid_settings(name, tmp_path):
    assert config_problems(name, tmp_path) == []


def test_every_command_section_is_checked():
    assert {"signal", "prepare", "call", "evaluate", "tracks", "export", "model", "train", "scan", "design",
            "resets", "explain"} <= set(CHECKED)


def test_a_key_is_the_options_name_when_the_option_is_renamed():
    # MotifSettings.window is --motif-window, ContextSettings.margin --context-margin
    assert "motif_window" in expected_keys("explain") and "window" not in schema_section("explain")
    assert "context_margin" in expected_keys("resets")


def test_a_value_out_of_its_declared_range_is_refused_by_the_settings():
    with pytest.raises(ConfigError, match="scan.null_window"):
        ScanSettings(null_window=1)
    with pytest.raises(ConfigError, match="model.chrono_max"):
        ModelConfig(chrono_max=1.0)
    with pytest.raises(ConfigError, match="explain.window"):
        MotifSettings(window=10)


def _bounded_fields():
    from gategenome.core.settings import declared_fields
    from gategenome.variants.settings import VariantSettings

    classes = {cls for section in SECTIONS.values() for cls in section.classes} | {VariantSettings}
    for cls in sorted(classes, key=lambda c: c.__name__):
        for item in declared_fields(cls):
            for end in ("low", "high"):
                if item.metadata.get(end) is not None and str(item.type).replace(" | None", "") in ("int", "float"):
                    yield pytest.param(item, end, id=f"{cls.__name__}.{item.name}.{end}")


@pytest.mark.parametrize(("item", "end"), list(_bounded_fields()))
def test_an_option_takes_its_bound_exactly_when_the_setting_does(item, end):
    """What --help shows (click's range, e.g. 0<x<1 for --qvalue) and what the settings check accept agree."""
    import click

    from gategenome.cli.options import _option_type
    from gategenome.core.settings import range_problem

    bound = item.metadata[end]
    try:
        _option_type(item).convert(bound, None, None)
        option_takes = True
    except click.BadParameter:
        option_takes = False
    assert option_takes == (range_problem(bound, item.metadata) is None), (item.name, end, bound)
