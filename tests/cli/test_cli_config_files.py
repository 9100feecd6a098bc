"""``--config FILE`` of the commands whose options are generated from settings declarations.

The YAML's keys are the settings' names; its values are read as the options
typed would be, and options on the command line win.  Arguments are parsed only
(no command runs).
"""

from __future__ import annotations

import click
import pytest
import yaml

from gategenome.cli.main import cli
from gategenome.core.settings import field_default
from gategenome.core.settings import declared_fields
from gategenome.data.settings import PeakRegionSettings, PrepareSettings, SignalRegionSettings, SignalSettings
from gategenome.evaluate.settings import EvaluateSettings
from gategenome.export.settings import ExportSettings, TrackSettings
from gategenome.simulate.settings import SimulationSettings

#: Command -> (its required arguments, the settings its --config takes).
COMMANDS = {
    "prepare": (["--genome", "g.fa", "--signal", "s.bw", "--out-dir", "o"],
                [PrepareSettings, SignalRegionSettings, PeakRegionSettings]),
    "signal": (["--genome", "g.fa", "--out-dir", "o"], [SignalSettings]),
    "simulate": (["--out-dir", "o"], [SimulationSettings]),
    "tracks": (["--scan-dir", "s"], [TrackSettings]),
    "export": (["--scan-dir", "s", "--drops", "d.bed", "--genome", "g.fa", "--out-dir", "o"], [ExportSettings]),
    "evaluate": (["--drops", "d.bed", "--scan-dir", "s", "--regions", "r.bed", "--folds", "f.json", "--out-dir", "o"],
                 [EvaluateSettings]),
}


def _parse(command: str, *extra: str) -> dict:
    arguments = [*COMMANDS[command][0], *extra]
    return cli.get_command(None, command).make_context(command, arguments).params


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_config_of_the_defaults_changes_nothing(command, tmp_path):
    defaults = {}
    for cls in COMMANDS[command][1]:
        for item in declared_fields(cls):
            value = field_default(item)
            defaults.setdefault(item.name, list(value) if isinstance(value, tuple) else value)
    if command == "prepare":  # one option for both region modes, unset by default
        defaults.pop("min_length"), defaults.pop("merge_gap")
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(defaults))
    assert _parse(command, "--config", str(path)) == _parse(command)


def test_config_values_are_converted_and_options_win(tmp_path):
    path = tmp_path / "evaluate.yaml"
    path.write_text("distances: [25, 50]\nflank: 500\nfold: valid\n")
    params = _parse("evaluate", "--config", str(path), "--flank", "300")
    assert params["distances"] == (25, 50) and params["flank"] == 300 and params["fold"] == "valid"
    path.write_text("distances: '10,20'\n")
    assert _parse("evaluate", "--config", str(path))["distances"] == (10, 20)


def test_prepare_config_sets_the_per_mode_settings(tmp_path):
    path = tmp_path / "prepare.yaml"
    path.write_text("min_length: 50\nexclude_chroms: [none]\n")
    params = _parse("prepare", "--config", str(path))
    assert params["min_length"] == 50 and params["merge_gap"] is None and params["exclude_chroms"] == ("none",)


@pytest.mark.parametrize("text, message", [
    ("replicates: 5\n", "replicates: got 5, expected at least 10"),
    ("fold: all\n", "fold: got 'all', expected one of train, valid, test"),
    ("flank: 2.5\n", "flank: got 2.5 (float), expected an integer"),
    ("distances: 50,x\n", "expected comma-separated integers"),
    ("window: 3\n", "unknown key(s) window"),
])
def test_bad_config_values_are_one_line_errors(tmp_path, text, message):
    path = tmp_path / "evaluate.yaml"
    path.write_text(text)
    with pytest.raises(click.BadParameter, match=message.replace("(", r"\(").replace(")", r"\)")):
        _parse("evaluate", "--config", str(path))


def test_distances_are_kept_sorted_and_distinct():
    params = _parse("evaluate", "--distances", "250,50,50")
    assert params["distances"] == (250, 50, 50)
    assert EvaluateSettings(distances=params["distances"]).distances == (50, 250)
