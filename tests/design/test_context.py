"""Reset elements inserted into native closed chromatin of the genome."""

from __future__ import annotations

import json

import numpy as np
import pytest
from Bio import SeqIO
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.design.context import AFTER, BEFORE, TAIL, closed_contexts, context_null_threshold, drops_in_contexts
from gategenome.design.retention import reference_model
from gategenome.errors import InputError

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _peaks(path) -> list[tuple[int, int]]:
    return [(int(f[1]), int(f[2])) for f in (line.split("\t") for line in open(path)) if f[0] == "chrI"]


def test_contexts_are_native_closed_windows(mini):
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 100, margin=300, seed=4)
    chrom = str(next(SeqIO.parse(mini["genome"], "fasta")).seq).upper()
    peaks = _peaks(mini["peaks"])
    assert len(contexts) == 100 and len({c.start for c in contexts}) == 100
    for c in contexts:
        end = c.start + BEFORE + AFTER
        assert c.sequence == chrom[c.start : end] and set(c.sequence) <= set("ACGT")
        assert all(end + 300 <= s or e + 300 <= c.start for s, e in peaks), c.start
    again = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 100, margin=300, seed=4)
    assert [c.start for c in again] == [c.start for c in contexts]  # seeded


def test_too_few_closed_windows_and_foreign_regions_fail(mini, tmp_path):
    with pytest.raises(InputError, match="closed-chromatin windows"):
        closed_contexts(str(mini["genome"]), str(mini["peaks"]), 100, margin=200_000)
    foreign = tmp_path / "other.bed"
    foreign.write_text("chr99\t10\t20\n")
    with pytest.raises(InputError, match="no region on a chromosome"):
        closed_contexts(str(mini["genome"]), str(foreign), 5)


def test_drop_fractions_follow_the_gate_arithmetic(mini):
    # reference LSTM: only A closes the forget gate (0); C, G, T keep it >= 0.99
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 120, seed=1)
    model = reference_model()
    result = drops_in_contexts(model, ["T" * 30, "CACGTC"], contexts, 0.5, seed=2)
    tails = np.mean(["A" in c.sequence[BEFORE : BEFORE + TAIL] for c in contexts])
    native = np.mean(["A" in c.sequence[BEFORE : BEFORE + 30 + TAIL] for c in contexts])
    first, second = result["elements"]
    assert first["drop_fraction"] == pytest.approx(tails) and first["shuffled_drop_fraction"] == pytest.approx(tails)
    assert second["drop_fraction"] == 1.0 and second["shuffled_drop_fraction"] == 1.0  # the A stays in a shuffle
    assert result["native_drop_fraction"] == pytest.approx(native)
    assert result["contexts"] == 120 and 0.0 < tails < 1.0
    assert first["below_fraction"] == first["drop_fraction"] and second["below_fraction"] == 1.0
    # the null: ~30% of yeast bases are A, whose gate is 0, so a 5% quantile is 0 and a 90% one is not
    assert context_null_threshold(model, contexts, 0.05) < 1e-6 < context_null_threshold(model, contexts, 0.9)


def test_a_drop_under_way_at_the_insertion_point_is_not_the_elements(mini):
    # reference LSTM, threshold 0.5: every A is below it, so a run of A that begins upstream
    # continues into an element starting with A; the element starts a drop only after a non-A
    contexts = closed_contexts(str(mini["genome"]), str(mini["peaks"]), 200, seed=3)
    element = "AAAAAA" + "T" * 24
    result = drops_in_contexts(reference_model(), [element], contexts, 0.5, seed=2)
    upstream_a = np.array([c.sequence[BEFORE - 1] == "A" for c in contexts])
    tail_a = np.array(["A" in c.sequence[BEFORE : BEFORE + TAIL] for c in contexts])
    row = result["elements"][0]
    assert 0.0 < upstream_a.mean() < 1.0
    assert row["below_fraction"] == 1.0
    assert row["drop_fraction"] == pytest.approx(np.mean(~upstream_a | tail_a)) and row["drop_fraction"] < 1.0


def test_cli_reset_in_genomic_context(mini, tmp_path):
    prefix = tmp_path / "r"
    args = ["design", "reset", "--reference", "--element-length", "12", "--count", "2", "--iterations", "2",
            "--genome", str(mini["genome"]), "--accessible", str(mini["peaks"]), "--contexts", "30",
            "--threshold", "0.5", "--min-depth", "0", "--out-prefix", str(prefix)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r.json").read_text())["genomic_context"]
    assert summary["contexts"] == 30 and summary["threshold"] == 0.5 and len(summary["elements"]) == 2
    assert [r.features[0].qualifiers["label"] for r in SeqIO.parse(tmp_path / "r.gb", "genbank")] == [["reset"]] * 2


def test_a_drop_in_context_must_be_as_deep_as_call_reports(mini, tmp_path):
    from gategenome.call.settings import CallSettings
    from gategenome.design.settings import ContextSettings

    assert ContextSettings("g", "a").min_depth == CallSettings().min_depth
    prefix = tmp_path / "r"
    args = ["design", "reset", "--reference", "--element-length", "12", "--count", "2", "--iterations", "2",
            "--genome", str(mini["genome"]), "--accessible", str(mini["peaks"]), "--contexts", "30",
            "--threshold", "0.5", "--min-depth", "0.8", "--out-prefix", str(prefix)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r.json").read_text())["genomic_context"]
    assert summary["threshold"] == pytest.approx(0.2) and "min_depth" in summary["threshold_source"]
