"""CLI option defaults are spelled out in the click layer (so --help needs no library
import); they must stay equal to the library's settings defaults."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from gategenome.call.settings import CallSettings
from gategenome.cli.main import cli
from gategenome.data.settings import SignalRegionSettings
from gategenome.evaluate.settings import EvaluateSettings
from gategenome.export.settings import ExportSettings, TrackSettings
from gategenome.model.config import ModelConfig
from gategenome.simulate.settings import SimulationSettings
from gategenome.train.config import TrainConfig

ROOT = Path(__file__).parents[2]


def _option_defaults(command: str) -> dict[str, object]:
    return {p.name: p.default for p in cli.get_command(None, command).params if p.name}


@pytest.mark.parametrize(
    "command, settings, fields",
    [
        ("prepare", SignalRegionSettings(), ["smooth", "threshold_factor"]),
        ("evaluate", EvaluateSettings(), ["fold", "flank", "replicates", "seed", "signal_window", "signal_threshold"]),
    ],
)
def test_cli_defaults_equal_the_settings_defaults(command, settings, fields):
    defaults = _option_defaults(command)
    for field in fields:
        assert field in {f.name for f in dataclasses.fields(settings)}
        assert defaults[field] == getattr(settings, field), f"{command} --{field.replace('_', '-')}"


def test_evaluate_distances_default_matches():
    text = _option_defaults("evaluate")["distances"]
    assert tuple(int(d) for d in text.split(",")) == EvaluateSettings().distances


def test_workflow_schema_accepts_every_model_and_train_setting():
    """config.yaml's model:/train: sections are passed to `gategenome train --config`;
    the schema (additionalProperties: false) must list every key the library takes."""
    schema = yaml.safe_load((ROOT / "workflow/schemas/config.schema.yaml").read_text())
    sections = schema["properties"]
    from_top_level = {"seed", "device", "threads"}
    assert {f.name for f in dataclasses.fields(ModelConfig)} <= set(sections["model"]["properties"])
    assert {f.name for f in dataclasses.fields(TrainConfig)} - from_top_level <= set(sections["train"]["properties"])


def test_workflow_default_model_is_the_library_default():
    """A `snakemake` run and a bare `gategenome train` train the same model by default."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    assert ModelConfig(**config["model"]) == ModelConfig()
    assert config["train"] == {}


def test_call_cli_defaults_equal_the_library_defaults():
    defaults = _option_defaults("call")
    for name in ("fdr", "min_length", "threshold_quantile", "min_depth"):
        assert defaults[name] == getattr(CallSettings(), name), name


@pytest.mark.parametrize(
    "command, settings, fields",
    [
        ("export", ExportSettings(), ["assembly", "email", "locus", "copy"]),
        ("tracks", TrackSettings(), ["workers"]),
        ("simulate", SimulationSettings(), ["seed", "chroms", "length", "spacing", "depth"]),
    ],
)
def test_export_tracks_simulate_cli_defaults_equal_the_settings_defaults(command, settings, fields):
    defaults = _option_defaults(command)
    for field in fields:
        assert defaults[field] == getattr(settings, field), f"{command} --{field.replace('_', '-')}"
