"""CLI option defaults come from the library's settings dataclasses, never typed again.

Every command is listed with the settings it exposes; each option named like a
field of them must default to the field's default (or to None, meaning "the
setting decides"), and its default in the source must not be a literal.  A field
declared with :func:`gategenome.core.settings.setting` is an option of the
command, generated from the declaration (its help), and the command reads a
``--config`` YAML of them.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import click
import pytest
import yaml

from gategenome.call.settings import BoundaryCallSettings as CallBoundarySettings
from gategenome.call.settings import CallSettings
from gategenome.cli.main import cli
from gategenome.cli.options import parameter_name
from gategenome.cli.train import OVERRIDES as TRAIN_OVERRIDES
from gategenome.core.settings import declared_fields
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings, SignalSettings
from gategenome.design.settings import (
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
from gategenome.simulate.settings import SimulationSettings
from gategenome.train.config import TrainConfig
from gategenome.variants.settings import VariantSettings

ROOT = Path(__file__).parents[2]

#: Command -> the settings dataclasses its options mirror (gather, run and multiqc-files have none).
COMMAND_SETTINGS = {
    "prepare": [PrepareSettings, SignalRegionSettings, PeakRegionSettings],
    "train": [TrainConfig],
    "scan": [ScanSettings],
    "gather": [],
    "tracks": [TrackSettings],
    "call": [CallSettings],
    "boundaries": [CallBoundarySettings, CallSettings],
    "evaluate": [EvaluateSettings],
    "export": [ExportSettings],
    "design": [SearchSettings, ResetSettings, ConstraintSettings, BoundarySettings, ContextSettings],
    "simulate": [SimulationSettings],
    "variants": [VariantSettings],
    "explain": [ExplainSettings, MotifSettings],
    "variants-gather": [],
    "run": [],
    "signal": [SignalSettings],
    "multiqc-files": [],
    "review": [ReviewSettings],
}


def _field_defaults(settings: list[type]) -> dict[str, object]:
    defaults: dict[str, object] = {}
    for cls in settings:
        for field in dataclasses.fields(cls):
            if field.default is not dataclasses.MISSING:
                defaults.setdefault(field.name, field.default)
            elif field.default_factory is not dataclasses.MISSING:
                defaults.setdefault(field.name, field.default_factory())
    return defaults


def _has_default(param) -> bool:
    """Whether the option sets a default (None or unset: the setting decides, or it is required)."""
    return param.default is not None and not type(param.default).__name__ == "Sentinel"


def _params(command: str) -> list:
    """The parameters of a command, or of every subcommand of a group (design memory, design reset)."""
    found = cli.get_command(None, command)
    if isinstance(found, click.Group):
        return [param for name in found.list_commands(None) for param in found.get_command(None, name).params]
    return found.params


def test_every_command_is_listed():
    assert set(COMMAND_SETTINGS) == set(cli.list_commands(None))


@pytest.mark.parametrize("command", sorted(COMMAND_SETTINGS))
def test_option_defaults_are_the_settings_defaults(command):
    fields = _field_defaults(COMMAND_SETTINGS[command])
    compared = 0
    params = [param for param in _params(command) if param.name in fields]
    for param in params:
        if not _has_default(param):
            continue
        default = list(param.default) if isinstance(param.default, tuple) else param.default
        expected = list(fields[param.name]) if isinstance(fields[param.name], tuple) else fields[param.name]
        if isinstance(default, str) and isinstance(expected, list):  # a comma-separated list option
            default = [type(expected[0])(item) for item in default.split(",")] if expected else []
        assert default == expected, f"{command} --{param.name.replace('_', '-')}"
        compared += 1
    overrides = [param.name for param in params if not _has_default(param)]
    assert compared + len(overrides) >= (1 if COMMAND_SETTINGS[command] else 0)


#: Commands whose declared settings are keys of their --config file, only these of them also options.
CONFIG_FILE_ONLY = {"train": TRAIN_OVERRIDES}


@pytest.mark.parametrize("command", sorted(COMMAND_SETTINGS))
def test_declared_settings_are_generated_options(command):
    params = {param.name: param for param in _params(command)}  # design: both subcommands
    helps: dict[str, set[str]] = {}
    for cls in COMMAND_SETTINGS[command]:
        for item in declared_fields(cls):
            if command not in CONFIG_FILE_ONLY or item.name in CONFIG_FILE_ONLY[command]:
                helps.setdefault(parameter_name(item), set()).add(item.metadata["help"])
    for name, texts in helps.items():
        assert name in params, f"{command}: declared setting {name} has no option"
        assert any(params[name].help.startswith(text) for text in texts), \
            f"{command} --{name.replace('_', '-')}: help typed again"
    if helps:
        assert {"config_file", "config_path"} & set(params), f"{command}: declared settings but no --config"


def _literal_defaults(path: Path) -> list[tuple[str, object]]:
    """``(option name, literal default)`` of the click.option calls of a CLI module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "option"):
            continue
        names = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
        flags = [name for name in names if name.startswith("--")]
        dest = next((name for name in names if not name.startswith("-")), None)
        if not flags:
            continue
        name = dest or flags[0].lstrip("-").split("/")[0].replace("-", "_")
        for keyword in node.keywords:
            if keyword.arg == "default" and isinstance(keyword.value, ast.Constant) and keyword.value.value is not None:
                found.append((name, keyword.value.value))
    return found


@pytest.mark.parametrize("command", sorted(COMMAND_SETTINGS))
def test_no_settings_default_is_typed_again_in_the_cli(command):
    fields = _field_defaults(COMMAND_SETTINGS[command])
    source = ROOT / "gategenome" / "cli" / f"{command.replace('-', '_')}.py"
    typed = [(name, value) for name, value in _literal_defaults(source) if name in fields]
    assert not typed, f"{source.name}: literal defaults of settings fields {typed}; declare them with setting()"


def _option_defaults(command: str) -> dict[str, object]:
    return {p.name: p.default for p in _params(command) if p.name}


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
        ("simulate", SimulationSettings(), ["seed", "chroms", "length", "spacing", "depth", "regions"]),
    ],
)
def test_export_tracks_simulate_cli_defaults_equal_the_settings_defaults(command, settings, fields):
    defaults = _option_defaults(command)
    for field in fields:
        assert defaults[field] == getattr(settings, field), f"{command} --{field.replace('_', '-')}"
