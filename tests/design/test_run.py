"""Whole design runs, from the library and the command line: constraints, fail-fast, outputs, defaults."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time

import numpy as np
import pytest
from Bio import SeqIO
from click.testing import CliRunner
from design_testlib import independent_check, no_progress, small_model

from gategenome.cli.main import cli
from gategenome.design.constraints import SequenceConstraints
from gategenome.design.retention import reference_model
from gategenome.design.run import run_memory
from gategenome.design.settings import (
    BoundarySettings,
    ConstraintSettings,
    ContextSettings,
    ResetSettings,
    SearchSettings,
)
from gategenome.model.checkpoint import save_checkpoint

TSV_COLUMNS = [
    "design",
    "kind",
    "length",
    "gc",
    "longest_homopolymer",
    "hold",
    "retention_at_L",
    "peak_retention",
    "half_life",
    "log10_hold",
    "log10_retention",
    "log10_linearised",
    "constraints",
]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.slow
def test_designs_meet_every_constraint_over_many_seeds(tmp_path):
    model = small_model(2)
    cases = [
        SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC", "GGATCC"]),
        SequenceConstraints(0.2, 0.5, 30, 3, ["GATC", "CCWGG"]),
    ]
    for seed in range(4):
        constraints = cases[seed % 2]
        settings = SearchSettings(length=240, count=2, iterations=4, proposals=4, seed=seed, unit_max_k=4)
        rows = run_memory(model, str(tmp_path / f"m{seed}"), settings, constraints, progress=no_progress)
        designs = [r for r in rows if r.kind == "design"]
        assert len(designs) == 2
        for row in rows:
            if row.kind in ("design", "best_constrained_unit", "random_constrained"):
                assert row.violations == []
                independent_check(row.sequence, constraints)
        records = list(SeqIO.parse(tmp_path / f"m{seed}.fa", "fasta"))
        assert [str(r.seq) for r in records] == [r.sequence for r in designs]
        for record in records:
            independent_check(str(record.seq), constraints)


def test_optimised_design_beats_best_unit_on_the_reference_under_gc_limits(tmp_path):
    # best 5-mer under GC >= 0.35 has 2 G/C in 5; the search mixes T and C more finely
    constraints = SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC"])
    settings = SearchSettings(length=600, count=1, iterations=15, proposals=8, seed=0, unit_max_k=5)
    rows = run_memory(reference_model(), str(tmp_path / "ref"), settings, constraints, progress=no_progress)
    design = next(r for r in rows if r.kind == "design")
    unit = next(r for r in rows if r.kind == "best_constrained_unit")
    assert design.score >= unit.score - 1e-9
    ceiling = 0.9995 ** (600 * 0.64) * 0.999 ** (600 * 0.36)  # >= 18 of every 50 bp must be G/C
    assert 10**design.score <= ceiling * 1.02
    # retention reported equals the arithmetic of the design's own bases
    filler = design.sequence[1:]
    expected = (
        0.9995 ** filler.count("T")
        * 0.999 ** filler.count("C")
        * 0.99 ** filler.count("G")
        * (0.0 if "A" in filler else 1.0)
    )
    assert abs(10**design.score - expected) <= 1e-3 * expected


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--avoid", "N"], "--avoid N"),
        (["--gc-min", "0.41", "--gc-max", "0.43", "--gc-window", "10"], "--gc-min 0.41"),
        (["--gc-min", "0.5", "--avoid", "S"], "--gc-min 0.5"),
        (["--gc-min", "0.5", "--avoid", "SS", "--avoid", "SWS"], "no sequence of"),
        (["--avoid", "X"], "--avoid X"),
        (["--gc-min", "0.7", "--gc-max", "0.6"], "--gc-min 0.7"),
    ],
)
def test_impossible_constraints_fail_fast_with_one_line(tmp_path, args, needle):
    prefix = tmp_path / "out"
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["design", "memory", "--reference", "--length", "2000", *args, "--out-prefix", str(prefix)])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gategenome: error:") and needle in lines[0]
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_cli_reference_design_outputs_parse(tmp_path):
    prefix = tmp_path / "ref"
    result = CliRunner().invoke(
        cli,
        [
            "design",
            "memory",
            "--reference",
            "--length",
            "1000",
            "--count",
            "2",
            "--iterations",
            "3",
            "--proposals",
            "4",
            "--unit-max-k",
            "3",
            "--out-prefix",
            str(prefix),
        ],
    )
    assert result.exit_code == 0, result.output
    records = list(SeqIO.parse(f"{prefix}.fa", "fasta"))
    assert len(records) == 2
    with open(f"{prefix}.tsv") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == TSV_COLUMNS
    kinds = {row["kind"] for row in rows}
    assert {"design", "best_constrained_unit", "random_constrained", "unconstrained_unit"} <= kinds
    design = rows[0]
    # unconstrained: the search keeps all-T filler, whose retention is 0.9995^L
    assert records[0].seq == "A" + "T" * 1000
    assert abs(float(design["retention_at_L"]) / 0.9995**1000 - 1) < 1e-3
    # no recurrent weights in the reference: the linearised objective is exact
    assert abs(10 ** float(design["log10_linearised"]) / 0.9995**1000 - 1) < 1e-3
    assert f"retention={design['retention_at_L']}" in records[0].description
    assert records[0].description.endswith("model=reference")
    # a decaying curve holds exactly its retention at L, and never grows above 1
    assert design["hold"] == design["retention_at_L"] and float(design["peak_retention"]) == 1.0
    assert abs(float(design["log10_retention"]) - 1000 * np.log10(0.9995)) < 1e-4
    assert (tmp_path / "ref.png").read_bytes()[:4] == b"\x89PNG"
    settings = json.loads((tmp_path / "ref.json").read_text())
    assert settings["writer"] == "A" and settings["settings"]["length"] == 1000


def test_cli_design_with_checkpoint_and_signal_channel(tmp_path):
    model = small_model(3, inputs="dna+signal")
    save_checkpoint(tmp_path / "model.pt", model)
    result = CliRunner().invoke(
        cli,
        [
            "design",
            "memory",
            "--model",
            str(tmp_path / "model.pt"),
            "--length",
            "200",
            "--count",
            "1",
            "--iterations",
            "2",
            "--unit-max-k",
            "3",
            "--gc-min",
            "0.3",
            "--gc-max",
            "0.7",
            "--max-homopolymer",
            "4",
            "--avoid",
            "GAATTC",
            "--signal-value",
            "5",
            "--out-prefix",
            str(tmp_path / "d"),
        ],
    )
    assert result.exit_code == 0, result.output
    [record] = SeqIO.parse(tmp_path / "d.fa", "fasta")
    independent_check(str(record.seq), SequenceConstraints(0.3, 0.7, 50, 4, ["GAATTC"]))
    assert json.loads((tmp_path / "d.json").read_text())["settings"]["signal_value"] == 5


def test_cli_needs_exactly_one_model_source(tmp_path):
    for goal in ("memory", "reset"):
        result = CliRunner().invoke(cli, ["design", goal, "--out-prefix", str(tmp_path / "x")])
        assert result.exit_code == 2 and "exactly one of --model" in result.output
    result = CliRunner().invoke(
        cli, ["design", "reset", "--reference", "--element-length", "60", "--out-prefix", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "--element-length" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_option_out_of_its_declared_range_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["design", "memory", "--reference", "--max-homopolymer", "0",
                                      "--out-prefix", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--max-homopolymer" in result.output
    assert list(tmp_path.iterdir()) == []


def test_each_goal_has_only_its_own_options():
    design = cli.get_command(None, "design")
    memory = {p.name for p in design.get_command(None, "memory").params}
    reset = {p.name for p in design.get_command(None, "reset").params}
    assert {"length", "unit_max_k", "max_identity"} <= memory - reset
    assert {"element_length", "reset_shuffles", "boundaries", "accessible", "flank", "contexts",
            "context_margin", "design_contexts", "threshold", "min_depth"} <= reset - memory
    assert "goal" not in memory | reset


def test_cli_defaults_are_the_settings_defaults():
    design = cli.get_command(None, "design")
    defaults = {p.name: p.default for goal in ("memory", "reset") for p in design.get_command(None, goal).params}
    assert defaults["length"] == SearchSettings().length and defaults["element_length"] == ResetSettings().element_length
    assert defaults["context_margin"] == ContextSettings("genome.fa", "accessible.bed").margin
    cases = [
        (SearchSettings(), ["count", "iterations", "proposals", "unit_max_k", "signal_value", "seed"]),
        (ConstraintSettings(), ["gc_min", "gc_max", "gc_window", "max_homopolymer"]),
        (BoundarySettings("drops.bed", "genome.fa"), ["flank"]),
    ]
    for settings, fields in cases:
        for field in fields:
            assert defaults[field] == getattr(settings, field), field
    assert SequenceConstraints().to_dict() == ConstraintSettings().__dict__


def test_design_settings_and_command_import_neither_torch_nor_numpy():
    code = (
        "import sys, gategenome.design.settings, gategenome.cli.design; "
        "heavy = {'torch', 'numpy', 'pyBigWig', 'matplotlib'} & set(sys.modules); assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_config_file_sets_the_settings_and_options_given_win(tmp_path):
    config = tmp_path / "design.yaml"
    config.write_text("length: 300\ncount: 1\niterations: 2\nunit_max_k: 3\ngc_window: 40\nseed: 5\n")
    result = CliRunner().invoke(cli, ["design", "memory", "--reference", "--config", str(config), "--seed", "7",
                                      "--out-prefix", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "m.json").read_text())
    assert saved["settings"]["length"] == 300 and saved["settings"]["unit_max_k"] == 3
    assert saved["settings"]["seed"] == 7 and saved["constraints"]["gc_window"] == 40


def test_config_file_keys_are_the_subcommands_own_options(tmp_path):
    config = tmp_path / "resets.yaml"
    config.write_text("element_length: 12\ncount: 1\niterations: 2\ncontext_margin: 100\n")
    result = CliRunner().invoke(cli, ["design", "reset", "--reference", "--config", str(config),
                                      "--out-prefix", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "r.json").read_text())["settings"]["length"] == 12
    from gategenome.cli.options import settings_from_options

    # the option --context-margin sets ContextSettings.margin, under its own name in the file too
    assert settings_from_options(ContextSettings, {"context_margin": 100}, genome="g", accessible="a").margin == 100
    config.write_text("length: 12\n")  # the memory goal's key
    result = CliRunner().invoke(cli, ["design", "reset", "--reference", "--config", str(config),
                                      "--out-prefix", str(tmp_path / "x")])
    assert result.exit_code == 2 and "unknown key(s) length" in result.output
