"""gategenome scan: exact chunk streaming, strand mapping, runs of N, segments, CLI errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from scan_testlib import (
    KMER,
    as_float32,
    kmer_model,
    random_dna,
    scan_to_dir,
    small_model,
    without_kmers,
    write_bigwig,
    write_fasta,
)

from gategenome.cli.main import cli
from gategenome.io.fasta import Genome
from gategenome.io.scandir.reader import ScanDir
from gategenome.model.checkpoint import load_model
from gategenome.model.network import GateLSTM
from gategenome.scan.settings import ScanSettings
from gategenome.scan.stream import run_scan

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.slow
def test_chunk_size_does_not_change_the_tracks(tmp_path):
    rng = np.random.default_rng(0)
    seqs = {"chr1": random_dna(300_000, rng), "chr2": random_dna(40_000, rng)}
    genome = write_fasta(tmp_path / "g.fa", seqs)
    signal = write_bigwig(tmp_path / "s.bw", {"chr1": rng.poisson(2.0, 300_000).astype(float)},
                          header={"chr1": 300_000, "chr2": 40_000})
    model = small_model(tmp_path / "m.pt", inputs="dna+signal", conv_channels=3, conv_width=5, num_layers=2)
    small = scan_to_dir(tmp_path, model, genome, "c10k", signal, chunk_size=10_000, batch_size=4, null_fraction=0.1)
    large = scan_to_dir(tmp_path, model, genome, "c1m", signal, chunk_size=1_000_000, batch_size=4, null_fraction=0.1)
    for chrom in seqs:
        for strand in "+-":
            for kind in ("forget", "accessibility"):
                a, b = as_float32(small.array(chrom, strand, kind)), as_float32(large.array(chrom, strand, kind))
                assert a.shape == (len(seqs[chrom]),)
                assert not np.isnan(a).any()
                assert np.max(np.abs(a - b)) <= 1e-5
        np.testing.assert_array_equal(as_float32(small.null_forget(chrom, "+")), as_float32(large.null_forget(chrom, "+")))
    # the strands differ (the model is not strand-symmetric), so both were really scanned
    assert np.max(np.abs(as_float32(small.forget("chr1", "+")) - as_float32(small.forget("chr1", "-")))) > 1e-3


def test_kmer_drop_maps_to_reference_coordinates_on_both_strands(tmp_path):
    rng = np.random.default_rng(1)
    reverse = "CGTT"
    body = without_kmers(random_dna(30_000, rng), [KMER, reverse], rng)
    plus_at, minus_at = 12_345, 20_000
    seq = body[:plus_at] + KMER + body[plus_at + 4:minus_at] + reverse + body[minus_at + 4:]
    assert seq.count(KMER) == 1 and seq.count(reverse) == 1
    genome = write_fasta(tmp_path / "g.fa", {"chrK": seq})
    scan = scan_to_dir(tmp_path, kmer_model(tmp_path / "k.pt"), genome, "scan", chunk_size=7_000, null_fraction=0)
    plus, minus = as_float32(scan.forget("chrK", "+")), as_float32(scan.forget("chrK", "-"))
    # plus strand: the k-mer ends at its last reference base
    assert np.flatnonzero(plus < 0.5).tolist() == [plus_at + 3]
    # minus strand: AACG is read on the reverse complement where the reference has CGTT;
    # scanned right to left it ends at the leftmost reference base of CGTT
    assert np.flatnonzero(minus < 0.5).tolist() == [minus_at]
    assert plus.min() < 0.01 and np.median(plus) > 0.99


def test_runs_of_n_are_nan_and_reset_the_state(tmp_path):
    rng = np.random.default_rng(2)
    left, right = random_dna(5_000, rng), random_dna(4_000, rng)
    short_n = left[:1_000] + "N" * 10 + left[1_010:]
    seqs = {"chrX": short_n + "N" * 1_500 + right, "chrL": short_n, "chrR": right}
    genome = write_fasta(tmp_path / "g.fa", seqs)
    scan = scan_to_dir(tmp_path, small_model(tmp_path / "m.pt", forget_bias=3.0), genome, "scan",
                 chunk_size=3_000, null_fraction=0)
    for strand in "+-":
        x = as_float32(scan.forget("chrX", strand))
        assert np.isnan(x[5_000:6_500]).all() and np.isnan(x[1_000:1_010]).all()
        assert np.isnan(x).sum() == 1_510
        assert np.isnan(as_float32(scan.accessibility("chrX", strand))).sum() == 1_510
        # after (plus) or before (minus) the long run, the scan starts afresh: same values as alone
        np.testing.assert_array_equal(x[6_500:], as_float32(scan.forget("chrR", strand)))
        np.testing.assert_array_equal(x[:5_000], as_float32(scan.forget("chrL", strand)))
    shard = scan.shard("chrX")
    assert shard["stretches"] == [[0, 5_000], [6_500, 10_500]]


# ------------------------------------------------------------------------- CLI


@pytest.fixture()
def cli_inputs(tmp_path):
    rng = np.random.default_rng(6)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(20_000, rng), "chr2": random_dna(8_000, rng)})
    signal = write_bigwig(tmp_path / "s.bw", {"chr1": rng.poisson(1.0, 20_000).astype(float)},
                          header={"chr1": 20_000})
    return {"genome": genome, "signal": signal, "dna": small_model(tmp_path / "dna.pt"),
            "signal_model": small_model(tmp_path / "sig.pt", inputs="dna+signal")}


def _run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_scan_then_call_end_to_end(tmp_path, cli_inputs):
    out = tmp_path / "scan"
    result = _run(["scan", "--model", str(cli_inputs["signal_model"]), "--genome", str(cli_inputs["genome"]),
                   "--signal", str(cli_inputs["signal"]), "--out-dir", str(out), "--threads", "1",
                   "--no-progress", "--null-fraction", "0.5", "--null-window", "5000"])
    assert result.exit_code == 0, result.output
    assert "no signal for 1 genome chromosome(s) (chr2)" in result.output  # bigWig lacks chr2: zero + warning
    meta = json.loads((out / "scan.json").read_text())
    assert meta["settings"]["chunk_size"] == 2048 and meta["strands"] == ["+", "-"]
    assert {p.name for p in out.glob("*.bw")} == {"forget.plus.bw", "forget.minus.bw", "accessibility.bw"}
    drops = tmp_path / "drops.bed"
    # an untrained model's drops are shallow: test every one
    result = _run(["call", "--scan-dir", str(out), "--out", str(drops), "--fdr", "1", "--track-line", "--min-depth", "0"])
    assert result.exit_code == 0, result.output
    lines = drops.read_text().splitlines()
    assert lines[0].startswith("track ") and len(lines) > 1
    assert all(len(line.split("\t")) == 10 for line in lines[1:])
    assert json.loads((tmp_path / "drops.json").read_text())["null_drops"] > 0


def test_cli_unknown_chrom_is_a_usage_error_listing_names(tmp_path, cli_inputs):
    result = _run(["scan", "--model", str(cli_inputs["dna"]), "--genome", str(cli_inputs["genome"]),
                   "--out-dir", str(tmp_path / "o"), "--chrom", "chrZ"])
    assert result.exit_code == 2
    assert "chrZ" in result.output and "chr1, chr2" in result.output
    assert not (tmp_path / "o").exists()


def test_cli_signal_model_without_signal_is_a_clear_error(tmp_path, cli_inputs):
    result = _run(["scan", "--model", str(cli_inputs["signal_model"]), "--genome", str(cli_inputs["genome"]),
                   "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "error" in line]
    assert len(errors) == 1 and errors[0].startswith("gategenome: error: ")
    message = errors[0]
    assert str(cli_inputs["signal_model"]) in message and "--signal" in message
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_cli_one_chrom_shard_and_a_dna_model_on_any_genome(tmp_path, cli_inputs):
    out = tmp_path / "scan"
    result = _run(["scan", "--model", str(cli_inputs["dna"]), "--genome", str(cli_inputs["genome"]),
                   "--out-dir", str(out), "--chrom", "chr2", "--strand", "-", "--threads", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    scan = ScanDir(out)
    assert list(scan.sizes) == ["chr2"] and scan.strands == ["-"]
    assert not list(out.glob("*.bw"))  # a shard: bigWigs come from 'gategenome tracks'
    assert not (out / "chroms" / "chr2.plus.forget.npy").exists()


def test_cli_missing_model_file(tmp_path, cli_inputs):
    result = _run(["scan", "--model", str(tmp_path / "nope.pt"), "--genome", str(cli_inputs["genome"]),
                   "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 1 and "nope.pt" in result.output and not (tmp_path / "o").exists()


def test_all_n_chromosome_is_a_complete_nan_shard_and_settings_must_agree(tmp_path):
    rng = np.random.default_rng(7)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(3_000, rng), "chrN": "N" * 2_500})
    scan = scan_to_dir(tmp_path, small_model(tmp_path / "m.pt"), genome, "scan", null_fraction=0)
    assert list(scan.sizes) == ["chr1", "chrN"]
    assert np.isnan(as_float32(scan.forget("chrN", "-"))).all() and scan.forget("chrN", "-").shape == (2_500,)
    with pytest.raises(Exception, match="strands differs"):
        scan_to_dir(tmp_path, small_model(tmp_path / "m.pt"), genome, "scan", null_fraction=0, strands=["+"])


def test_a_failed_scan_leaves_no_shard_and_no_temporary_files(tmp_path, monkeypatch):
    rng = np.random.default_rng(8)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(120_000, rng), "chr2": random_dna(5_000, rng)})
    model, _ = load_model(small_model(tmp_path / "m.pt"))
    calls = []

    def failing(x, state=None):
        calls.append(1)
        if len(calls) == 20:  # chr1's strands take 30 steps; chr2's 4 jobs end by step 17 (4 rows)
            raise RuntimeError("simulated failure")
        return GateLSTM.forward(model, x, state)

    monkeypatch.setattr(model, "forward", failing)
    with pytest.raises(RuntimeError, match="simulated"):
        run_scan(model, Genome(genome), None, tmp_path / "scan", ScanSettings(chunk_size=4_000), progress=False)
    files = {p.name for p in (tmp_path / "scan").rglob("*") if p.is_file()}
    assert not [name for name in files if name.endswith(".tmp")]
    assert not [name for name in files if name.startswith("chr1.")]  # the unfinished chromosome left nothing
    # chr2 (5 kb) finished before the failure: its complete shard is kept
    assert "chr2.json" in files and list(ScanDir(tmp_path / "scan").sizes) == ["chr2"]


def test_null_windows_are_separated_by_one_nan(tmp_path):
    """Shuffled windows are unrelated sequences: a null drop must never join two of them."""
    rng = np.random.default_rng(11)
    genome = write_fasta(tmp_path / "g.fa", {"chr1": random_dna(40_000, rng)})
    scan = scan_to_dir(tmp_path, small_model(tmp_path / "m.pt"), genome, "scan", chunk_size=4_000,
                 null_fraction=0.5, null_window=5_000, null_burn_in=1_000)
    null = as_float32(scan.null_forget("chr1", "+"))
    windows = 4  # ceil(0.5 * 40 kb / 5 kb)
    assert null.size == windows * 4_000 + windows - 1
    np.testing.assert_array_equal(np.flatnonzero(np.isnan(null)), [4_000 + 4_001 * i for i in range(windows - 1)])
    assert scan.shard("chr1")["null_bases"] == windows * 4_000


@pytest.mark.slow
def test_many_contigs_scan_without_holding_a_file_per_array(tmp_path):
    """300 contigs stay in progress together (their null windows run last); no descriptor each."""
    import resource

    rng = np.random.default_rng(12)
    contigs = {f"ctg{i}": random_dna(1_500, rng) for i in range(300)}
    genome = write_fasta(tmp_path / "g.fa", contigs)
    model = small_model(tmp_path / "m.pt", hidden_size=2, num_layers=1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    try:
        scan = scan_to_dir(tmp_path, model, genome, "scan", chunk_size=2_000, batch_size=64,
                     null_fraction=0.5, null_window=1_000, null_burn_in=200)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert list(scan.sizes) == list(contigs)


def _unbatched(model, codes, signal):
    """Mean forget gate and P(accessible) ``(L,)`` float32 of one sequence in one forward, one row."""
    import torch

    from gategenome.core.encode import ONE_HOT_CODE
    from gategenome.model.gates import mean_forget_gate
    from gategenome.model.inputs import model_inputs

    x = torch.from_numpy(model_inputs(ONE_HOT_CODE[codes], signal, model.config)[None])
    with torch.no_grad():
        out = model(x)
        return mean_forget_gate(model, out)[0].numpy(), torch.sigmoid(out.logits)[0].numpy()


@pytest.mark.parametrize("batch_size", [1, 3, 32])
def test_batched_scan_equals_each_strand_scanned_alone(tmp_path, batch_size):
    """Rows shared between chromosomes, strands and null windows, rows handed over as jobs end:
    every strand's arrays equal one unbatched forward over the whole strand (forget within float16
    rounding, accessibility within its 0.002 storage levels)."""
    from gategenome.core.encode import encode_codes, reverse_complement_codes

    rng = np.random.default_rng(7)
    seqs = {"chrA": random_dna(23_000, rng), "chrB": random_dna(9_000, rng), "chrC": random_dna(4_100, rng)}
    genome = write_fasta(tmp_path / "g.fa", seqs)
    values = {name: rng.poisson(2.0, len(seq)).astype(float) for name, seq in seqs.items()}
    signal = write_bigwig(tmp_path / "s.bw", values)
    model_path = small_model(tmp_path / "m.pt", inputs="dna+signal", conv_channels=3, conv_width=5, num_layers=2)
    scan = scan_to_dir(tmp_path, model_path, genome, "scan", signal, chunk_size=4_000, batch_size=batch_size,
                       null_fraction=0.2, null_window=2_000)
    model, _ = load_model(model_path)
    for chrom, seq in seqs.items():
        codes = encode_codes(seq.encode())
        for strand in "+-":
            if strand == "+":
                forget, access = _unbatched(model, codes, values[chrom])
            else:
                forget, access = _unbatched(model, reverse_complement_codes(codes), values[chrom][::-1].copy())
                forget, access = forget[::-1], access[::-1]
            got_forget = as_float32(scan.forget(chrom, strand))
            assert np.abs(got_forget - forget).max() <= 2.0 ** -11 + 1e-6
            assert np.abs(as_float32(scan.accessibility(chrom, strand)) - access).max() < 0.002


def test_stored_levels_are_the_quantised_probability():
    import torch

    from gategenome.io.scandir.layout import ACCESS_MISSING, quantise_probability
    from gategenome.model.config import ModelConfig
    from gategenome.scan.compute import stored_outputs

    torch.manual_seed(0)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4)).eval()
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (3, 500)), 4).float()
    with torch.no_grad():
        out = model(x)
        out.logits.copy_(torch.logit(torch.linspace(1e-4, 1 - 1e-4, 1500)).reshape(3, 500))  # every level
        expected = quantise_probability(torch.sigmoid(out.logits).numpy())
    unknown = np.zeros((3, 500), dtype=bool)
    unknown[1, 7:9] = True
    forget, levels = stored_outputs(model, out, -1, unknown)
    assert forget.dtype == np.float16 and np.isnan(forget[unknown]).all() and not np.isnan(forget[~unknown]).any()
    assert levels.dtype == np.uint8 and (levels[unknown] == ACCESS_MISSING).all()
    np.testing.assert_array_equal(levels[~unknown], expected[~unknown])
    assert set(np.unique(levels[~unknown]).tolist()) == set(range(255))


def test_cli_scan_reads_its_settings_from_a_config_file(tmp_path, cli_inputs):
    config = tmp_path / "scan.yaml"
    config.write_text("chunk_size: 1024\nnull_fraction: 0.5\nnull_window: 5000\nseed: 2\n")
    out = tmp_path / "scan"
    result = _run(["scan", "--model", str(cli_inputs["dna"]), "--genome", str(cli_inputs["genome"]), "--chrom", "chr2",
                   "--config", str(config), "--seed", "3", "--threads", "1", "--no-progress", "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    settings = json.loads((out / "scan.json").read_text())["settings"]
    assert (settings["chunk_size"], settings["null_fraction"], settings["null_window"]) == (1024, 0.5, 5000)
    assert settings["seed"] == 3  # the command line wins
    config.write_text("chunks: 1024\n")
    result = _run(["scan", "--model", str(cli_inputs["dna"]), "--genome", str(cli_inputs["genome"]),
                   "--config", str(config), "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 2 and "unknown key(s) chunks" in result.output
