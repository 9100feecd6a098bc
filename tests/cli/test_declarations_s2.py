"""The workflow schema's sections of train, scan, explain and design agree with the settings declarations.

Each section that reaches a command (as its ``--config`` YAML, or the model:/train:
file of train) must name exactly the declared settings of the command's classes
(as the options name them), plus the keys the workflow handles itself; types,
bounds and choices must be the declared ones; and config/config.yaml's values
must be valid settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gategenome.cli.design import MEMORY_ONLY, RESET_ONLY
from gategenome.cli.options import parameter_name
from gategenome.core.settings import check_type, declared_fields, range_problem
from gategenome.design.settings import (
    BoundarySettings,
    ConstraintSettings,
    ContextSettings,
    ResetSettings,
    SearchSettings,
)
from gategenome.errors import ConfigError
from gategenome.explain.settings import ExplainSettings, MotifSettings
from gategenome.model.config import ModelConfig
from gategenome.scan.settings import ScanSettings
from gategenome.train.config import TrainConfig

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())["properties"]
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())

#: Section -> (settings classes, declared settings the rule passes otherwise, keys only the workflow reads).
SECTIONS = {
    "model": ([ModelConfig], (), ()),
    "train": ([TrainConfig], ("seed", "threads", "device"), ()),  # the top-level seed, threads, device
    "scan": ([ScanSettings], ("seed",), ("chroms", "exclude", "strand", "split_strands")),
    "design": ([SearchSettings, ConstraintSettings], ("seed", *RESET_ONLY), ("enabled",)),
    "resets": ([ResetSettings, SearchSettings, ConstraintSettings, BoundarySettings, ContextSettings],
               ("seed", "element_length", *MEMORY_ONLY), ("enabled", "length")),  # length: --element-length
    "explain": ([ExplainSettings, MotifSettings], (), ("enabled",)),
}

#: Declared annotation -> the schema type of its values.
SCHEMA_TYPES = {"int": "integer", "int | None": "integer", "float": "number", "float | None": "number",
                "bool": "boolean", "str": "string", "list[str]": "array"}


def _declared(section: str) -> dict:
    classes, elsewhere, _ = SECTIONS[section]
    return {parameter_name(item): item for cls in classes for item in declared_fields(cls)
            if item.name not in elsewhere}


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_schema_keys_are_the_declared_settings(section):
    workflow_only = set(SECTIONS[section][2])
    assert set(SCHEMA[section]["properties"]) == set(_declared(section)) | workflow_only


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_schema_types_bounds_and_choices_are_the_declared_ones(section):
    for key, item in _declared(section).items():
        rule, meta, annotation = SCHEMA[section]["properties"][key], item.metadata, str(item.type)
        if annotation == "float | str":  # a number or one of the declared words
            assert rule["oneOf"] == [{"type": "number"}, {"type": "string", "enum": list(meta["choices"])}], key
            continue
        assert rule["type"] == SCHEMA_TYPES[annotation], key
        if meta["choices"] is not None:
            assert rule["enum"] == list(meta["choices"]), key
        for bound, word in (("low", "Minimum"), ("high", "Maximum")):
            open_key, closed_key = "exclusive" + word, word.lower()
            expected = meta[bound]
            if expected is None:
                assert open_key not in rule and closed_key not in rule, key
            else:
                assert rule.get(open_key if meta[f"{bound}_open"] else closed_key) == expected, key


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_the_shipped_config_values_are_valid_settings(section):
    declared = _declared(section)
    for key, value in (CONFIG.get(section) or {}).items():
        if key not in declared:
            assert key in SECTIONS[section][2], key
            continue
        item = declared[key]
        check_type(f"{section}.{key}", value, str(item.type).replace(" | None", ""))
        assert range_problem(value, item.metadata) is None, key


def test_a_value_out_of_its_declared_range_is_refused_by_the_settings():
    with pytest.raises(ConfigError, match="scan.null_window"):
        ScanSettings(null_window=1)
    with pytest.raises(ConfigError, match="model.chrono_max"):
        ModelConfig(chrono_max=1.0)
    with pytest.raises(ConfigError, match="explain.window"):
        MotifSettings(window=10)
