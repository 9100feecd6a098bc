"""Every command on malformed inputs: a clean failure, nothing written outside the output.

The corpus (:mod:`hostile_inputs`) is written once; each case runs in-process
through click's runner and must exit 1 with exactly one ``gategenome: error:``
line naming what is wrong (or 2 with click's usage error), print no traceback,
run no code from a checkpoint, write nothing outside its output, and leave every
file that existed before (other outputs included) byte for byte unchanged.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_inputs import MARKER, cases, write_corpus

from gategenome.cli.main import cli

_CORPUS_ROOT: Path | None = None


def _snapshot(root: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root`` (directories as '<dir>')."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            state[os.path.relpath(os.path.join(dirpath, name), root)] = "<dir>"
        for name in filenames:
            path = os.path.join(dirpath, name)
            state[os.path.relpath(path, root)] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return state


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def _case_ids():
    # The ids are known without writing the corpus: the paths only fill the command lines.
    placeholder = {key: Path("/placeholder") / key for key in _KEYS}
    return [case.id for case in cases(placeholder)]


_KEYS = [
    "root", "genome", "signal", "regions", "folds", "fragments_unsorted", "fragments_unknown", "vcf_headerless", "vcf_unknown", "vcf_clash", "model", "model_text", "model_empty", "model_truncated",
    "model_list", "model_shape", "model_code", "model_pickle", "signal_nan", "signal_negative", "signal_truncated",
    "signal_text", "config_hidden_string", "config_window_string", "config_lr_nan", "config_window_float",
    "config_hidden_float", "config_rc_string", "config_not_yaml", "config_list", "evaluate", "eval_scan", "eval_drops",
    "eval_regions", "eval_folds", "eval_metrics", "eval_signal", "empty", "hostile_empty", "regions_unknown",
    "regions_train_only", "genome_all_n", "drops_nostrand", "drops_unknown", "drops_summit",
    "drops_past_end", "blocker", "empty_dir", "existing", "link_scan", "elsewhere", "link_elsewhere", "hub",
    "prepared",
]


@pytest.mark.parametrize("case_id", _case_ids())
def test_malformed_input_fails_cleanly(corpus, case_id, monkeypatch):
    case = next(case for case in cases(corpus) if case.id == case_id)
    root = corpus["root"]
    monkeypatch.chdir(root)  # a stray relative write would land in the snapshot
    before = _snapshot(root)
    result = CliRunner().invoke(cli, ["-q", *case.argv])
    after = _snapshot(root)

    assert result.exit_code == case.status, f"{case.argv}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "weights_only" not in result.output
    if case.status == 1:
        errors = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
        assert len(errors) == 1, result.stderr
        assert case.needle in errors[0], errors[0]
    else:
        assert "Error: " in result.stderr and case.needle in result.stderr, result.stderr

    allowed = [os.path.relpath(path, root) for path in case.outputs]
    inside = lambda rel: any(rel == a or rel.startswith(a + os.sep) for a in allowed)  # noqa: E731
    changed = sorted(rel for rel, digest in before.items() if after.get(rel) != digest)
    assert not changed, f"existing files changed or removed: {changed}"
    new = sorted(rel for rel in after if rel not in before and not inside(rel))
    assert not new, f"files written outside the output: {new}"
    assert not (root / MARKER).exists() and not (root / "PWNED").exists()


def test_the_corpus_covers_every_command(corpus):
    from gategenome.cli.main import _command_modules

    covered = {case.command for case in cases(corpus)}
    assert covered == set(_command_modules()) - {"run"}, covered
