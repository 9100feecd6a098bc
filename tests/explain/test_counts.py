"""explain --target counts: gradient x input of an insertions model's predicted counts, main model or Tn5 bias alone.

A hand-set insertions model reads one k-mer (its stem fires only where the k-mer
ends, and its logits rise after it) and its hand-set Tn5 bias model another: the
attributions of each part must sit on that part's k-mer and not on the other's,
so the main part leaves the bias offset out and the bias part reads the bias alone.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from scan_testlib import kmer_stem_model, plant_kmer_filter, random_dna, without_kmers, write_fasta
from variants_testlib import model as random_model

from gategenome.cli.main import cli
from gategenome.core.encode import ONE_HOT_CODE, encode_codes
from gategenome.errors import ConfigError
from gategenome.explain.counts import count_attributions
from gategenome.explain.settings import ExplainSettings
from gategenome.explain.targets import read_targets
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import save_checkpoint
from gategenome.model.insertions import InsertionHead, predict_insertions
from gategenome.model.network import GateLSTM
from gategenome.model.tn5bias import Tn5Bias

MAIN_KMER = "GATTACAG"  # what raises the main model's counts
BIAS_KMER = "CCTGTAGGC"  # what Tn5's hand-set bias model prefers
FLANK = 120
CENTRES = (300, 700, 1100, 1500, 1900, 2300)
MAIN_AT, BIAS_AT = -35, 20  # k-mer starts relative to each peak's summit


def planted_model() -> GateLSTM:
    """A model whose stem fires (0.5) only where MAIN_KMER ends; its unit keeps that a few bases, raising the logit."""
    net = kmer_stem_model(MAIN_KMER, hidden_size=1, forget_bias=0.0)
    with torch.no_grad():
        lstm = net.lstm_layers[0]  # gate rows: input, forget, cell, output
        lstm.weight_ih_l0[0, 0] = 20.0
        lstm.bias_ih_l0[0] = -5.0
        lstm.bias_hh_l0[1:4] = torch.tensor([1.0, 3.0, 5.0])
        net.head.weight[0, 0] = 8.0
        net.head.bias[0] = -4.0
    return net.eval()


def planted_bias() -> Tn5Bias:
    """A Tn5 bias model whose log preference is 2 at the centre of BIAS_KMER, 0 elsewhere."""
    k = len(BIAS_KMER)
    bias = Tn5Bias(width=k, filters=1)
    with torch.no_grad():
        for parameter in bias.parameters():
            parameter.zero_()
        plant_kmer_filter(bias.conv.weight, bias.conv.bias, BIAS_KMER)
        bias.out.weight[0, 0] = 4.0
    return bias.freeze()


def planted_genome(tmp_path):
    """chrA with MAIN_KMER and BIAS_KMER planted around every peak centre, nowhere else; the peaks narrowPeak."""
    rng = np.random.default_rng(5)
    sequence = list(without_kmers(random_dna(2600, rng), [MAIN_KMER, BIAS_KMER], rng))
    for centre in CENTRES:
        sequence[centre + MAIN_AT:centre + MAIN_AT + len(MAIN_KMER)] = MAIN_KMER
        sequence[centre + BIAS_AT:centre + BIAS_AT + len(BIAS_KMER)] = BIAS_KMER
    write_fasta(tmp_path / "genome.fa", {"chrA": "".join(sequence), "chrB": random_dna(500, rng)})
    peaks = tmp_path / "peaks.narrowPeak"  # MACS3's layout: column 7 signal, column 10 summit offset
    peaks.write_text("".join(f"chrA\t{c - 50}\t{c + 60}\tpeak_{i}\t100\t.\t{10 - i}.5\t5\t3\t50\n"
                             for i, c in enumerate(CENTRES)))
    return tmp_path / "genome.fa", peaks


def save(path, net, head: InsertionHead | None):
    extra = {"target": "regions"} if head is None else {"target": "insertions", "insertions": head.to_entry()}
    save_checkpoint(path, net, extra=extra)
    return path


def explain(tmp_path, model, genome, peaks, out, *extra):
    return CliRunner().invoke(cli, ["explain", "--model", str(model), "--genome", str(genome), "--drops", str(peaks),
                                    "--target", "counts", "--flank", str(FLANK), "--no-progress", "--device", "cpu",
                                    *extra, "--out-dir", str(tmp_path / out)])


def _share_on(contrib: np.ndarray, start: int, length: int) -> np.ndarray:
    """Per row, the share of the total |contribution| on window positions ``[start, start + length)``."""
    summed = np.abs(contrib).sum(axis=1)
    return np.abs(contrib[:, start:start + length]).sum(axis=1) / summed


@pytest.mark.usefixtures("one_torch_thread")
def test_each_part_is_explained_by_its_own_planted_kmer(tmp_path):
    genome, peaks = planted_genome(tmp_path)
    model = save(tmp_path / "model.pt", planted_model(), InsertionHead(-3.0, planted_bias()))
    summit = FLANK // 2  # the window is centred on the summit (column 10)
    shares = {}
    for part in ("main", "bias"):
        result = explain(tmp_path, model, genome, peaks, part, "--model-part", part, "--no-motifs")
        assert result.exit_code == 0, result.output
        arrays = np.load(tmp_path / part / "attributions.npz")
        assert arrays["contrib"].shape == (len(CENTRES), FLANK) and list(arrays["strand"]) == ["+"] * len(CENTRES)
        assert "".join("ACGT"[i] for i in arrays["one_hot"][0, summit + MAIN_AT:].argmax(axis=1))[:8] == MAIN_KMER
        shares[part] = (_share_on(arrays["contrib"], summit + MAIN_AT, len(MAIN_KMER)),
                        _share_on(arrays["contrib"], summit + BIAS_AT, len(BIAS_KMER)))
        summary = json.loads((tmp_path / part / "explain.json").read_text())
        assert summary["explained"] == f"counts:{part}" and summary["settings"]["target"] == "counts"
        assert summary["settings"]["model_part"] == part and summary["drops"] == len(CENTRES)
        table = (tmp_path / part / "drops.tsv").read_text().splitlines()
        assert table[0].split("\t")[6] == "signal" and table[1].split("\t")[6] == "10.5000"
    main_on_main, main_on_bias = shares["main"]
    bias_on_main, bias_on_bias = shares["bias"]
    assert main_on_main.min() > 0.99 and main_on_bias.max() < 0.01  # the bias offset is not attributed
    assert bias_on_bias.min() > 0.99 and bias_on_main.max() < 0.01


@pytest.mark.usefixtures("one_torch_thread")
def test_the_main_score_is_the_bias_free_predicted_total_and_ignores_the_bias_model(tmp_path):
    genome_path, _ = planted_genome(tmp_path)
    net = planted_model()
    with Genome(genome_path) as genome:
        codes = encode_codes(genome.fetch("chrA", CENTRES[0] - FLANK // 2, CENTRES[0] + FLANK // 2))[None]
    x = torch.from_numpy(ONE_HOT_CODE[codes].astype(np.float32))
    with_bias, without = InsertionHead(-3.0, planted_bias()), InsertionHead(-3.0, None)
    score, hypothetical, contrib, attribution = count_attributions(net, with_bias, x, codes)
    expected = predict_insertions(net, with_bias, x, with_bias=False).total.log()
    np.testing.assert_allclose(score, expected.double().numpy(), rtol=1e-6)
    again = count_attributions(net, without, x, codes)
    np.testing.assert_array_equal(again[1], hypothetical)
    np.testing.assert_allclose(hypothetical.sum(axis=-1), 0.0, atol=1e-6)  # centred over the four bases
    np.testing.assert_allclose(contrib[0], hypothetical[0, np.arange(FLANK), codes[0]])
    # the k-mer's first base carries a positive attribution, and breaking it lowers the predicted total
    position = FLANK // 2 + MAIN_AT
    assert "ACGT"[codes[0, position]] == MAIN_KMER[0] == "G" and contrib[0, position] > 0 and attribution[0, position, 2] > 0
    broken = x.clone()
    broken[0, position] = torch.tensor([0.0, 0.0, 0.0, 1.0])
    assert count_attributions(net, with_bias, broken, codes)[0][0] < score[0] - 1.0


@pytest.mark.usefixtures("one_torch_thread")
def test_counts_writes_the_motif_report_saying_what_was_explained(tmp_path, monkeypatch):
    import gategenome.explain.pipeline as pipeline

    genome, peaks = planted_genome(tmp_path)
    model = save(tmp_path / "model.pt", planted_model(), InsertionHead(-3.0, planted_bias()))
    given = []  # modisco itself is not run here: what it is given, and the report around its (no) motifs

    def find_motifs(one_hot, hypothetical, settings, summit):
        given.append((one_hot.shape, hypothetical.shape, settings.window, summit))
        return []

    monkeypatch.setattr(pipeline, "find_motifs", find_motifs)
    result = explain(tmp_path, model, genome, peaks, "explain", "--model-part", "bias", "--motif-window", "60",
                     "--top", "4")
    assert result.exit_code == 0, result.output
    assert given == [((4, FLANK, 4), (4, FLANK, 4), 60, FLANK // 2)]  # modisco reads around the middle summit
    page = (tmp_path / "explain" / "motifs.html").read_text()
    assert "What Tn5 prefers" in page and "peaks explained: 4" in page and "counts:bias" in page
    assert "too few seqlets" in page
    assert (tmp_path / "explain" / "motifs.tsv").read_text().startswith("motif\tseqlets")
    for name in ("attribution.plus.bw", "attribution.minus.bw", "modisco_ohe.npz", "modisco_attr.npz"):
        assert (tmp_path / "explain" / name).is_file()
    summary = json.loads((tmp_path / "explain" / "explain.json").read_text())
    assert summary["motif_settings"]["window"] == 60 and summary["motif_results"]["motifs"] == []
    assert "4 peaks explained (counts:bias)" in result.stderr


@pytest.mark.usefixtures("one_torch_thread")
def test_counts_on_a_model_of_regions_or_bias_without_a_bias_model_is_a_one_line_error(tmp_path):
    genome, peaks = planted_genome(tmp_path)
    cases = [
        (save(tmp_path / "regions.pt", random_model(), None), ("--model-part", "main"),
         ("--model", "regions.pt", "target regions", "--target counts")),
        (save(tmp_path / "nobias.pt", planted_model(), InsertionHead(-3.0, None)), ("--model-part", "bias"),
         ("--model", "nobias.pt", "no Tn5 bias model", "--model-part bias")),
    ]
    for model, extra, needles in cases:
        result = explain(tmp_path, model, genome, peaks, "out", *extra)
        assert result.exit_code == 1, result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
        assert len(errors) == 1 and all(needle in errors[0] for needle in needles), result.stderr
        assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_the_bias_part_is_refused_for_drops():
    with pytest.raises(ConfigError, match="--model-part bias.*--target counts"):
        ExplainSettings(model_part="bias")
    assert ExplainSettings(target="counts", model_part="bias").model_part == "bias"


def test_peaks_without_a_strand_are_read_on_the_plus_strand(tmp_path):
    peaks = tmp_path / "peaks.bed"
    peaks.write_text("chrA\t10\t30\nchrA\t40\t60\tp\t0\t-\t2.0\n")
    targets = read_targets(peaks, {"chrA": 100}, unstranded="+")
    assert [(t.strand, t.summit) for t in targets] == [("+", 20), ("-", 50)]
    with pytest.raises(Exception, match="strand '.'"):
        read_targets(peaks, {"chrA": 100})
