"""explain_drops and the command: outputs in the promised shapes and places, strands mapped back to the reference."""

from __future__ import annotations

import json

import numpy as np
import pyBigWig
import pytest
import torch
from click.testing import CliRunner
from variants_testlib import model, small_genome

from gategenome.cli.main import cli
from gategenome.core.encode import encode_codes
from gategenome.explain.gradients import channel_shares, integrated_gradients
from gategenome.explain.run import explain_drops
from gategenome.explain.settings import ExplainSettings
from gategenome.explain.targets import Target, read_targets
from gategenome.explain.windows import scan_inputs, upstream_states
from gategenome.model.checkpoint import save_checkpoint

CPU = torch.device("cpu")
_COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


@pytest.mark.usefixtures("one_torch_thread")
def test_integrated_gradients_are_complete_and_agree_with_mutagenesis(tmp_path):
    genome, _ = small_genome(tmp_path, length=1500)
    net = model()
    targets = [Target("a", "chrA", "+", 900, 910, 905, 0.5), Target("b", "chrA", "-", 300, 320, 311, 0.4)]
    ism = explain_drops(net, genome, None, targets, ExplainSettings(flank=40, method="ism"), CPU)
    ig = explain_drops(net, genome, None, targets, ExplainSettings(flank=40, method="ig", ig_steps=64), CPU)
    np.testing.assert_allclose(ig.score, ism.score, atol=1e-5)  # the same dip is explained
    for row in range(2):  # this random model is far more nonlinear than a trained one: a loose agreement
        assert np.corrcoef(ig.contrib[row], ism.contrib[row])[0, 1] > 0.3
    x, _ = scan_inputs(genome, None, "chrA", "+", 866, 906, net.config)
    state = upstream_states(net, genome, None, "chrA", "+", [866], "exact", 1000, CPU)[866]
    attribution, _, gap = integrated_gradients(net, torch.from_numpy(x[None]), state, steps=128)
    assert abs(gap[0]) < 0.05 * np.abs(attribution).sum()


@pytest.mark.usefixtures("one_torch_thread")
def test_dna_and_signal_shares_of_a_dna_signal_model(tmp_path):
    genome, _ = small_genome(tmp_path, length=1500)
    net = model(inputs="dna+signal")

    class Flat:
        def values(self, chrom, start, end):
            return np.full(end - start, 5.0, dtype=np.float32)

    targets = [Target("a", "chrA", "+", 900, 910, 905, 0.5)]
    explained = explain_drops(net, genome, Flat(), targets, ExplainSettings(flank=30, method="ism"), CPU)
    assert explained.dna_share is not None and 0.0 <= explained.dna_share[0] <= 1.0
    by_gradients = explain_drops(net, genome, Flat(), targets, ExplainSettings(flank=30, method="ig"), CPU)
    np.testing.assert_allclose(by_gradients.dna_share, explained.dna_share)  # the share is always from gradients
    shares = channel_shares(np.concatenate([np.ones((1, 3, 4)), np.full((1, 3, 1), 4.0)], axis=2))
    assert shares[0] == pytest.approx(0.5)


@pytest.mark.usefixtures("one_torch_thread")
def test_command_writes_arrays_tracks_and_table_on_reference_coordinates(tmp_path):
    genome, chroms = small_genome(tmp_path, length=1500)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    drops = tmp_path / "drops.bed"
    drops.write_text("chrA\t900\t910\tdrop_1\t500\t+\t0.5000\t3\t2\t5\n"
                     "chrA\t300\t320\tdrop_2\t400\t-\t0.4000\t3\t2\t11\n"
                     "chrA\t20\t30\tdrop_3\t300\t+\t0.3000\t3\t2\t1\n"
                     "chrB\t100\t110\tdrop_4\t100\t-\t0.1000\t3\t2\t2\n")
    out = tmp_path / "explain"
    result = CliRunner().invoke(cli, ["explain", "--model", str(path), "--genome", str(tmp_path / "genome.fa"),
                                      "--drops", str(drops), "--top", "3", "--flank", "32", "--no-motifs",
                                      "--no-progress", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    arrays = np.load(out / "attributions.npz")
    # the top 3 by depth; drop_3 lies within 32 bases of the chromosome start: skipped
    assert list(arrays["name"]) == ["drop_1", "drop_2"]
    assert arrays["one_hot"].shape == arrays["hypothetical"].shape == (2, 32, 4)
    assert np.load(out / "modisco_ohe.npz")["arr_0"].shape == (2, 4, 32)
    sequence = chroms["chrA"]
    assert "ACGT"[arrays["one_hot"][0, -1].argmax()] == sequence[905]  # summit last, plus strand as is
    assert "ACGT"[arrays["one_hot"][1, -1].argmax()] == _COMPLEMENT[sequence[311]]  # minus: complemented
    assert "ACGT"[arrays["one_hot"][1, 0].argmax()] == _COMPLEMENT[sequence[311 + 31]]  # upstream = to the right
    contrib = arrays["contrib"]
    with pyBigWig.open(str(out / "attribution.minus.bw")) as track:
        values = np.array(track.values("chrA", 311, 343), dtype=np.float32)
    np.testing.assert_allclose(values, contrib[1][::-1], atol=1e-6)
    with pyBigWig.open(str(out / "attribution.plus.bw")) as track:
        np.testing.assert_allclose(np.array(track.values("chrA", 874, 906)), contrib[0], atol=1e-6)
        assert np.isnan(track.values("chrA", 906, 907)[0])  # downstream of the summit: not attributed
    rows = (out / "drops.tsv").read_text().splitlines()
    assert rows[0].split("\t")[:3] == ["name", "chrom", "start"] and len(rows) == 3


def test_read_targets_keeps_the_deepest_in_file_order(tmp_path):
    drops = tmp_path / "d.bed"
    drops.write_text("chrA\t10\t20\ta\t0\t+\t0.2\nchrA\t30\t40\tb\t0\t-\t0.9\nchrA\t50\t60\tc\t0\t+\t0.5\n")
    targets = read_targets(drops, {"chrA": 100}, top=2)
    assert [t.name for t in targets] == ["b", "c"]
    assert targets[0].summit == 35 and targets[0].scan_summit(100) == 64  # no summit column: the middle
    assert encode_codes("A")[0] == 0


@pytest.mark.usefixtures("one_torch_thread")
def test_a_call_without_drops_gives_empty_outputs_and_a_report_saying_so(tmp_path):
    small_genome(tmp_path, length=600)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    drops = tmp_path / "drops.bed"
    drops.write_text("")
    out = tmp_path / "explain"
    result = CliRunner().invoke(cli, ["explain", "--model", str(path), "--genome", str(tmp_path / "genome.fa"),
                                      "--drops", str(drops), "--flank", "32", "--no-progress", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "no drops" in result.output
    assert np.load(out / "attributions.npz")["hypothetical"].shape == (0, 32, 4)
    assert len((out / "drops.tsv").read_text().splitlines()) == 1
    assert "No drops to explain" in (out / "motifs.html").read_text()
    assert (out / "motifs.tsv").read_text().count("\n") <= 1
    with pyBigWig.open(str(out / "attribution.plus.bw")) as track:
        assert track.chroms("chrA") == 600


@pytest.mark.usefixtures("one_torch_thread")
def test_explain_reads_its_settings_from_a_config_file(tmp_path):
    small_genome(tmp_path, length=600)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    drops = tmp_path / "drops.bed"
    drops.write_text("")
    config = tmp_path / "explain.yaml"
    config.write_text("flank: 32\nmethod: ig\nmotif_window: 30\ntax_group: vertebrates\n")
    out = tmp_path / "explain"
    result = CliRunner().invoke(cli, ["explain", "--model", str(path), "--genome", str(tmp_path / "genome.fa"),
                                      "--drops", str(drops), "--config", str(config), "--no-progress",
                                      "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "explain.json").read_text())["settings"]
    assert settings["flank"] == 32 and settings["method"] == "ig"
    config.write_text("motif_window: 10\n")  # the schema's and the option's key, below the declared 30
    result = CliRunner().invoke(cli, ["explain", "--model", str(path), "--genome", str(tmp_path / "genome.fa"),
                                      "--drops", str(drops), "--config", str(config), "--out-dir", str(out)])
    assert result.exit_code == 2 and "motif_window: got 10, expected at least 30" in result.output


@pytest.mark.usefixtures("one_torch_thread")
def test_an_unknown_jaspar_release_fails_before_any_attribution(tmp_path, monkeypatch):
    import gategenome.explain.pipeline as pipeline

    small_genome(tmp_path, length=600)
    path = tmp_path / "model.pt"
    save_checkpoint(path, model())
    drops = tmp_path / "drops.bed"
    drops.write_text("chrA\t300\t310\tdrop_1\t500\t+\t0.5\t3\t2\t4\n")
    attributed = []
    monkeypatch.setattr(pipeline, "explain_drops", lambda *args: attributed.append(args))
    result = CliRunner().invoke(cli, ["explain", "--model", str(path), "--genome", str(tmp_path / "genome.fa"),
                                      "--drops", str(drops), "--jaspar-release", "1999", "--no-progress",
                                      "--out-dir", str(tmp_path / "explain")])
    assert result.exit_code == 1 and "gategenome: error:" in result.stderr and "1999" in result.stderr
    assert attributed == []
    assert not (tmp_path / "explain").exists()
