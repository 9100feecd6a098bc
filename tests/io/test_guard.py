"""Every command goes through the one guard (gategenome.io.guard): outputs never touch inputs.

The declaration test walks the click group and fails for a command whose path
parameters are not declared to the guard; the behavioural test points, for
every command, an output at one of its inputs and checks the refusal (one
line, no traceback) and that the input is byte for byte unchanged.  The guard
runs before any work, so the inputs here are placeholders.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner
from hostile import assert_clean_error, checksums
from scan_testlib import write_bigwig

from gategenome.cli.main import cli
from gategenome.io.guard import PUBLISH_MODES, check_paths, declared_paths

SCAN_JSON = '{"format": "gategenome-scan", "version": 1}\n'
MARKERS = {"scan.json": SCAN_JSON, "hub.txt": "hub x\n", "prepare.json": '{"format": "gategenome-prepare"}\n',
           "manifest.json": '{"format": "gategenome-genome-cache"}\n'}
ROLE_FIELDS = ("inputs", "input_dirs", "outputs", "output_dirs", "replaced_dirs")


def _commands() -> dict[str, click.Command]:
    context = click.Context(cli)
    found = {}
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        if isinstance(command, click.Group):
            found.update({f"{name} {sub}": child for sub, child in command.commands.items()})
        else:
            found[name] = command
    return found


COMMANDS = _commands()


def _is_path(param: click.Parameter) -> bool:
    return isinstance(param.type, click.Path) or param.name in ("prefix", "out_prefix")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_declares_its_paths_to_the_guard(name):
    command = COMMANDS[name]
    roles = getattr(command.callback, "path_roles", None)
    assert roles is not None, f"{name}: not decorated with gategenome.io.guard.guard_paths"
    assert roles.publish in PUBLISH_MODES
    declared = {param for field in ROLE_FIELDS for param in getattr(roles, field)} | set(roles.prefixes)
    params = {param.name: param for param in command.params}
    assert declared <= set(params), f"{name}: declares unknown parameters {declared - set(params)}"
    undeclared = [p for p, param in params.items() if _is_path(param) and p not in declared
                  and p not in ("config_file",)]  # --config is added by the guard itself
    if roles.derived is not None:  # outputs derived from a declared parameter (train's --metrics, ...)
        undeclared = [p for p in undeclared if p not in ("metrics_path", "curves_path", "cache_dir", "out", "out_dir")]
    assert not undeclared, f"{name}: path parameters not declared to the guard: {undeclared}"


def test_the_command_list_is_the_one_checked():
    assert {"boundaries", "call", "design memory", "design reset", "evaluate", "explain", "export", "gather",
            "prepare", "run", "scan", "signal", "simulate", "tracks", "train", "variants",
            "variants-gather"} <= set(COMMANDS)


@pytest.fixture
def work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.bw", "genome.fa", "model.pt", "calls.vcf", "drops.bed", "regions.bed", "folds.json",
                 "fragments.tsv", "part.tsv", "part.json", "part.vcf.gz", "part.vcf.gz.tbi", "x.yaml"):
        Path(name).write_text(f"{name} must stay as it is\n")
    Path("x.yaml").write_text("{}\n")
    Path("genome.fa").write_text(">chrA\nACGTACGTAC\n")
    write_bigwig(Path("a.bw"), {"chrA": np.ones(10)})
    for directory in ("scan", "scan/chroms", "shard"):
        Path(directory).mkdir()
    Path("scan/scan.json").write_text(SCAN_JSON)
    Path("scan/chroms/chrS1.json").write_text("{}\n")
    Path("shard/scan.json").write_text(SCAN_JSON)
    return tmp_path


#: For every command: a command line whose output is one of its inputs, and what the error names.
OUTPUT_ON_INPUT = {
    "boundaries": (["boundaries", "--scan-dir", "scan", "--signal", "a.bw", "--out", "a.bw"], "a.bw"),
    "call": (["call", "--scan-dir", "scan", "--out", "scan/chroms/chrS1.bed"], "scan"),
    "design memory": (["design", "memory", "--model", "model.pt", "--length", "100", "--out-prefix", "model"],
                      "model.pt"),
    "design reset": (["design", "reset", "--reference", "--element-length", "20", "--boundaries", "drops.bed",
                      "--genome", "genome.fa", "--out-prefix", "drops"], "drops"),
    "evaluate": (["evaluate", "--drops", "drops.bed", "--scan-dir", "scan", "--regions", "regions.bed", "--folds",
                  "folds.json", "--out-dir", "scan"], "scan"),
    "explain": (["explain", "--model", "model.pt", "--genome", "genome.fa", "--drops", "drops.bed",
                 "--out-dir", "scan/explain"], "scan"),
    "export": (["export", "--scan-dir", "scan", "--drops", "drops.bed", "--genome", "genome.fa", "--out-dir", "."],
               "--out-dir"),
    "gather": (["gather", "--out-dir", "shard", "shard"], "shard"),
    "multiqc-files": (["multiqc-files", "--sample", "s", "--drops", "drops.bed", "--out-dir", "."], "--out-dir"),
    "prepare": (["prepare", "--genome", "genome.fa", "--signal", "a.bw", "--out-dir", "scan"], "scan"),
    "review": (["review", "--genome", "genome.fa", "--signal", "a.bw", "--tracks-dir", "scan", "--boundaries",
                "drops.bed", "--igv-js", "x.yaml", "--out", "a.bw"], "a.bw"),
    "scan": (["scan", "--model", "model.pt", "--genome", "genome.fa", "--out-dir", "shard/scan"], "shard"),
    "signal": (["signal", "--genome", "genome.fa", "--fragments", "fragments.tsv", "--out-dir", "scan/signal"],
               "scan"),
    "simulate": (["simulate", "--out-dir", "scan/sim"], "scan"),
    "tracks": (["tracks", "--scan-dir", "scan", "--out-dir", "shard/tracks"], "shard"),
    "train": (["train", "--genome", "genome.fa", "--regions", "regions.bed", "--folds", "folds.json",
               "--out", "model.pt", "--metrics", "regions.bed"], "regions.bed"),
    "variants": (["variants", "--model", "model.pt", "--genome", "genome.fa", "--vcf", "calls.vcf",
                  "--scan-dir", "scan", "--out", "scan/scan"], "scan"),
    "variants-gather": (["variants-gather", "--out", "part", "part"], "part"),
}


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"run"}))
def test_every_command_refuses_an_output_on_an_input_and_keeps_it(work, name):
    argv, needle = OUTPUT_ON_INPUT[name]
    before = checksums(work)
    result = CliRunner().invoke(cli, argv)
    assert_clean_error(result, needle)
    assert checksums(work) == before


def test_run_writes_nothing_itself():
    assert COMMANDS["run"].callback.path_roles.publish == "none"


# --- the defects, one by one -------------------------------------------------------------------

def test_boundaries_refuses_to_replace_its_signal_bigwig(work):
    from test_crash_consistency import _scan_with_null

    scan = _scan_with_null(work / "called")
    write_bigwig(Path("a.bw"), {"chrA": np.full(2_000, 3.0), "chrB": np.full(1_500, 3.0)})
    before = checksums(work)
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", str(scan), "--signal", "a.bw", "--out", "a.bw",
                                      "--decoys", "1000"])
    assert_clean_error(result, "--signal", "a.bw", "an output other than each input")
    assert checksums(work) == before


def test_boundaries_refuses_an_output_inside_the_scan_directory(work):
    before = checksums(work)
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", "scan", "--out", "scan/chroms/chrS1.bed"])
    assert_clean_error(result, "--scan-dir")
    assert checksums(work) == before


def test_variants_refuses_an_output_prefix_that_makes_the_scan_json(work):
    result = CliRunner().invoke(cli, ["variants", "--model", "model.pt", "--genome", "genome.fa", "--vcf", "calls.vcf",
                                      "--scan-dir", "scan", "--out", "scan/scan"])
    assert_clean_error(result, "scan")
    assert Path("scan/scan.json").read_text() == SCAN_JSON


@pytest.mark.parametrize("argv", [
    ["variants-gather", "--out", "results/", "part"],
    ["variants", "--model", "model.pt", "--genome", "genome.fa", "--vcf", "calls.vcf", "--out", "results/"],
    ["design", "memory", "--reference", "--length", "100", "--out-prefix", "results/"],
])
def test_an_output_prefix_that_names_a_directory_is_refused(work, argv):
    Path("results").mkdir()
    assert_clean_error(CliRunner().invoke(cli, argv), "results/")
    assert list(Path("results").iterdir()) == []


@pytest.mark.parametrize("marker", ["scan.json", "hub.txt", "prepare.json", "manifest.json"])
def test_an_output_inside_another_products_directory_is_refused(work, marker):
    Path("product").mkdir()
    (Path("product") / marker).write_text(MARKERS[marker])
    if marker == "hub.txt":
        Path("product/export.json").write_text("{}\n")
    before = checksums(work)
    result = CliRunner().invoke(cli, ["variants-gather", "--out", "product/v", "part"])
    assert_clean_error(result, "product")
    assert checksums(work) == before


@pytest.mark.parametrize("marker", ["scan.json", "manifest.json", "prepare.json", "hub.txt"])
def test_a_file_of_the_same_name_from_elsewhere_does_not_make_a_product(work, marker):
    (work / marker).write_text('{"name": "some other tool"}\n')
    paths = declared_paths(COMMANDS["variants-gather"].callback.path_roles, {"prefix": "results/v", "parts": ()})
    check_paths(paths)  # no error


def test_an_output_reached_through_a_symbolic_link_into_an_input_directory_is_refused(work):
    os.symlink("scan", "alias")
    result = CliRunner().invoke(cli, ["call", "--scan-dir", "scan", "--out", "alias/drops.bed"])
    assert_clean_error(result, "--scan-dir")
    assert not Path("scan/drops.bed").exists()


def test_an_output_hard_linked_to_an_input_is_refused(work):
    os.link("a.bw", "b.bw")
    result = CliRunner().invoke(cli, ["boundaries", "--scan-dir", "scan", "--signal", "a.bw", "--out", "b.bw"])
    assert_clean_error(result, "same file")


def test_a_config_yaml_is_an_input(work):
    result = CliRunner().invoke(cli, ["call", "--scan-dir", "scan", "--config", "x.yaml", "--out", "x.yaml"])
    assert_clean_error(result, "--config")
    assert Path("x.yaml").read_text() == "{}\n"


def test_gather_refuses_an_output_directory_that_is_a_symbolic_link(work, tmp_path):
    Path("elsewhere").mkdir()
    Path("elsewhere/keep.txt").write_text("keep\n")
    os.symlink("elsewhere", "gathered")
    result = CliRunner().invoke(cli, ["gather", "--out-dir", "gathered", "shard"])
    assert_clean_error(result, "symbolic link")
    assert Path("elsewhere/keep.txt").read_text() == "keep\n"


def test_export_refuses_a_replaced_hub_that_holds_an_input(work):
    Path("hub").mkdir()
    os.replace("drops.bed", "hub/drops.bed")
    result = CliRunner().invoke(cli, ["export", "--scan-dir", "scan", "--drops", "hub/drops.bed", "--genome",
                                      "genome.fa", "--out-dir", "hub"])
    assert_clean_error(result, "--drops")


def test_tracks_may_write_into_its_scan_directory(work):
    paths = declared_paths(COMMANDS["tracks"].callback.path_roles, {"scan_dir": "scan", "out_dir": "scan"})
    check_paths(paths)  # no error: tracks owns the bigWigs of its scan directory
