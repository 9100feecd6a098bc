"""``--count N`` gives N designs that differ from each other and each meet every constraint."""

from __future__ import annotations

import json

import numpy as np
import pytest
from Bio import Align, SeqIO
from click.testing import CliRunner
from design_testlib import independent_check, small_model

from gategenome.cli.main import cli
from gategenome.design.constraints import SequenceConstraints
from gategenome.design.retention import Retention
from gategenome.model.checkpoint import save_checkpoint

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _aligned_identity(a: str, b: str) -> float:
    """Identical columns of one global alignment of the whole sequences (no tiles), over the longer length."""
    aligner = Align.PairwiseAligner(mode="global", match_score=1, mismatch_score=-1, open_gap_score=-2,
                                    extend_gap_score=-1)
    return aligner.align(a, b)[0].counts().identities / max(len(a), len(b))


@pytest.mark.slow
def test_count_10_gives_10_distinct_designs_meeting_every_constraint(tmp_path):
    save_checkpoint(tmp_path / "model.pt", small_model(5))
    args = ["design", "memory", "--model", str(tmp_path / "model.pt"), "--length", "400", "--count", "10",
            "--iterations", "3", "--proposals", "4", "--unit-max-k", "4", "--gc-min", "0.4", "--gc-max", "0.65",
            "--gc-window", "50", "--max-homopolymer", "6", "--avoid", "GAATTC", "--avoid", "GGATCC",
            "--out-prefix", str(tmp_path / "d")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    designs = [str(r.seq) for r in SeqIO.parse(tmp_path / "d.fa", "fasta")]
    assert len(designs) == 10 and len(set(designs)) == 10
    constraints = SequenceConstraints(0.4, 0.65, 50, 6, ["GAATTC", "GGATCC"])
    for design in designs:  # the whole emitted sequence, writer included
        independent_check(design, constraints)
    identities = [_aligned_identity(a, b) for i, a in enumerate(designs) for b in designs[i + 1 :]]
    assert max(identities) <= 0.8
    summary = json.loads((tmp_path / "d.json").read_text())
    assert summary["max_pairwise_identity"] <= 0.8 and summary["model"] == str(tmp_path / "model.pt")
    genbank = list(SeqIO.parse(tmp_path / "d.gb", "genbank"))
    assert [str(r.seq) for r in genbank] == designs


def test_hold_penalises_loss_and_growth_alike():
    decay = Retention(np.log10([1.0, 0.8, 0.5]), 1.0)
    growth = Retention(np.log10([1.0, 1.5, 2.0]), 1.0)
    swing = Retention(np.log10([1.0, 0.9, 4.0, 1.0]), 1.0)
    assert decay.hold == pytest.approx(0.5) and growth.hold == pytest.approx(0.5)
    assert swing.hold == pytest.approx(0.25) and swing.at_end == pytest.approx(1.0)  # retention alone misses it
    assert growth.log10_peak == pytest.approx(np.log10(2.0)) and decay.log10_peak == 0.0
    assert Retention(np.zeros(5), 1.0).hold == 1.0


def test_hold_is_read_once_the_write_is_complete():
    # a stem of width 12 still reads the writer for 11 filler bases: the difference there is not held yet
    curve = np.log10(np.r_[np.linspace(1.0, 3.0, 12), np.full(9, 3.0), 1.5])
    settled = Retention(curve - curve[11], 1.0, settle=11)
    assert settled.hold == pytest.approx(0.5) and settled.log10_peak == pytest.approx(0.0)
    assert Retention(curve, 1.0).hold == pytest.approx(1 / 3)
