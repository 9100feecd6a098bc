"""CLI option defaults are spelled out in the click layer (so --help needs no library
import); they must stay equal to the library's settings defaults."""

from __future__ import annotations

import dataclasses

import pytest

from gategenome.cli.main import cli
from gategenome.evaluate import EvaluateSettings
from gategenome.targets import SignalRegionSettings


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
