"""Design of long-memory DNA and resets: arithmetic, constraints, fail-fast, outputs."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pytest
import torch
from Bio import SeqIO
from click.testing import CliRunner

from gategenome.cli.main import cli
from gategenome.core.encode import reverse_complement_bytes
from gategenome.design.constraints import (
    SequenceConstraints,
    gc_fraction,
    longest_homopolymer,
    random_sequence,
    window_gc,
)
from gategenome.design.enrichment import boundary_enrichment, boundary_windows
from gategenome.design.retention import cell_states, measure_retention, reference_model
from gategenome.design.run import run_memory, run_reset
from gategenome.design.settings import BoundarySettings, SearchSettings
from gategenome.model.checkpoint import save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM

TSV_COLUMNS = [
    "design",
    "kind",
    "length",
    "gc",
    "longest_homopolymer",
    "retention_at_L",
    "half_life",
    "log10_retention",
    "log10_linearised",
    "constraints",
]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _no_progress(label, total):
    return lambda n: None


def _small_model(seed: int = 0, **kwargs) -> GateLSTM:
    torch.manual_seed(seed)
    values = {"inputs": "dna", "hidden_size": 8, "forget_bias": "chrono", "chrono_max": 500.0}
    values.update(kwargs)
    return GateLSTM(ModelConfig(**values)).eval()


def _independent_check(sequence: str, constraints: SequenceConstraints) -> None:
    """Re-check a sequence without the library's checker (plain Python, both strands)."""
    import re

    from gategenome.design.constraints import IUPAC

    width = min(constraints.gc_window, len(sequence))
    for start in range(len(sequence) - width + 1):
        window = sequence[start : start + width]
        gc = sum(b in "GC" for b in window) / width
        assert constraints.gc_min - 1e-9 <= gc <= constraints.gc_max + 1e-9, (start, gc)
    if constraints.max_homopolymer is not None:
        assert max(len(m.group(0)) for m in re.finditer(r"A+|C+|G+|T+", sequence)) <= constraints.max_homopolymer
    reverse = reverse_complement_bytes(sequence.encode()).decode()
    for motif in constraints.avoid:
        pattern = "".join(f"[{IUPAC[c]}]" for c in motif)
        assert not re.search(pattern, sequence), motif
        assert not re.search(pattern, reverse), motif


@pytest.mark.parametrize("length", [100, 1000, 2000, 5000])
def test_reference_retention_is_0_9995_to_the_L(length):
    [result] = measure_retention(reference_model(), "A", ["T" * length], control="T")
    expected = 0.9995**length
    assert abs(result.at_end / expected - 1) < 1e-3
    assert result.half_life == (None if length < 1386 else 1386)  # log(0.5)/log(0.9995) = 1385.94


def test_reference_gc_filler_follows_per_base_rates():
    filler = "TTCTG" * 40
    [result] = measure_retention(reference_model(), "A", [filler])
    expected = 0.9995 ** filler.count("T") * 0.999 ** filler.count("C") * 0.99 ** filler.count("G")
    assert abs(result.at_end / expected - 1) < 1e-3
    [reset] = measure_retention(reference_model(), "A", ["TTTTATTTT"])
    assert reset.at_end < 1e-6  # A resets the cell before writing


@pytest.mark.parametrize(
    "config",
    [
        {"num_layers": 2, "conv_channels": 4, "inputs": "dna+signal"},
        {"coupled": True},
        {"num_layers": 1},
    ],
)
def test_cell_states_match_the_fused_final_state(config):
    model = _small_model(1, **config)
    x = encode_batch(["ACGTTGCAAT" * 30, "GGGCCCATAT" * 30], model.config, 2.0)
    with torch.no_grad():
        cells, state = cell_states(model, x)
        final = torch.cat([c for _, c in model(x).final.layers], dim=-1)
        # streaming in two chunks gives the same cells
        first, middle = cell_states(model, x[:, :100])
        second, _ = cell_states(model, x[:, 100:], middle)
    assert torch.allclose(cells[:, -1], final, atol=1e-5)
    assert torch.allclose(torch.cat([first, second], dim=1), cells, atol=1e-5)
    assert torch.allclose(torch.cat([c for _, c in state.layers], dim=-1), final, atol=1e-5)


def test_retention_far_below_float64_rounding_stays_exact():
    # G holds with 0.99: 0.99^4000 = 3e-18, under the 1e-16 rounding of a float64 cell difference
    [result] = measure_retention(reference_model(), "A", ["G" * 4000])
    assert abs(result.log10_at_end / (4000 * np.log10(0.99)) - 1) < 1e-6
    assert np.all(np.diff(result.log10_curve) < 0)


def test_renormalised_curve_matches_the_direct_difference():
    model = _small_model(6, num_layers=2, conv_channels=3).double()
    writer, control, filler = "GGAC", "TTTT", "ACGTTTGCAT" * 40
    [result] = measure_retention(model, writer, [filler], control)
    x = encode_batch([writer + filler, control + filler], model.config, dtype=torch.float64)
    with torch.no_grad():
        cells, _ = cell_states(model, x)
    diff = (cells[0] - cells[1]).abs().sum(dim=-1).numpy()[len(writer) - 1 :]
    direct = np.log10(diff / diff[0])
    visible = direct > -6  # before any renormalisation and above float64 noise
    assert visible.sum() > 20
    assert np.allclose(result.log10_curve[visible], direct[visible], atol=1e-6)


def test_constraint_checker_catches_each_violation():
    constraints = SequenceConstraints(0.4, 0.6, 10, 3, ["GGATC", "RAATTY"])
    assert constraints.satisfied("ACGTACGTACGTACGT")
    assert any("GC" in v for v in constraints.violations("ACGTACGTAATATTACGT"))
    assert any("homopolymer" in v for v in constraints.violations("ACGGGGTACGTACGCA"))
    # GGATC only as its reverse complement GATCC on the given strand
    assert constraints.violations("ACGATCCATGCA") == ["contains GGATC"]
    assert constraints.violations("ACGCGAATTCGCGC") == ["contains RAATTY"]  # IUPAC R/Y
    assert longest_homopolymer("AAACCCCG") == 4
    assert gc_fraction("GGCA") == 0.75
    assert np.allclose(window_gc("GGAA", 2), [1.0, 0.5, 0.0])


@pytest.mark.parametrize(
    "constraints",
    [
        SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC", "GGATCC"]),
        SequenceConstraints(0.0, 0.3, 20, 2, ["TTT", "W"[0] + "SW"]),
        SequenceConstraints(0.6, 0.9, 12, 1, ["CGC"]),
    ],
)
def test_random_sequences_meet_constraints_over_many_seeds(constraints):
    for seed in range(25):
        sequence = random_sequence(400, constraints, np.random.default_rng(seed), prefix="")
        assert sequence is not None and len(sequence) == 400
        _independent_check(sequence, constraints)


def test_designs_meet_every_constraint_over_many_seeds(tmp_path):
    model = _small_model(2)
    cases = [
        SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC", "GGATCC"]),
        SequenceConstraints(0.2, 0.5, 30, 3, ["GATC", "CCWGG"]),
    ]
    for seed in range(4):
        constraints = cases[seed % 2]
        settings = SearchSettings(length=240, count=2, iterations=4, proposals=4, seed=seed, unit_max_k=4)
        rows = run_memory(model, settings, constraints, str(tmp_path / f"m{seed}"), _no_progress)
        designs = [r for r in rows if r.kind == "design"]
        assert len(designs) == 2
        for row in rows:
            if row.kind in ("design", "best_constrained_unit", "random_constrained"):
                assert row.violations == []
                _independent_check(row.sequence, constraints)
        records = list(SeqIO.parse(tmp_path / f"m{seed}.fa", "fasta"))
        assert [str(r.seq) for r in records] == [r.sequence for r in designs]
        for record in records:
            _independent_check(str(record.seq), constraints)


def test_optimised_design_beats_best_unit_on_the_reference_under_gc_limits(tmp_path):
    # best 5-mer under GC >= 0.35 has 2 G/C in 5; the search mixes T and C more finely
    constraints = SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC"])
    settings = SearchSettings(length=600, count=1, iterations=15, proposals=8, seed=0, unit_max_k=5)
    rows = run_memory(reference_model(), settings, constraints, str(tmp_path / "ref"), _no_progress)
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
        (["--max-homopolymer", "0"], "--max-homopolymer 0"),
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
    result = CliRunner().invoke(cli, ["design", "--reference", "--length", "2000", *args, "--out-prefix", str(prefix)])
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
    assert abs(float(design["log10_retention"]) - 1000 * np.log10(0.9995)) < 1e-4
    assert (tmp_path / "ref.png").read_bytes()[:4] == b"\x89PNG"
    settings = json.loads((tmp_path / "ref.json").read_text())
    assert settings["writer"] == "A" and settings["settings"]["length"] == 1000


def test_cli_design_with_checkpoint_and_signal_channel(tmp_path):
    model = _small_model(3, inputs="dna+signal")
    save_checkpoint(tmp_path / "model.pt", model)
    result = CliRunner().invoke(
        cli,
        [
            "design",
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
    _independent_check(str(record.seq), SequenceConstraints(0.3, 0.7, 50, 4, ["GAATTC"]))
    assert json.loads((tmp_path / "d.json").read_text())["settings"]["signal_value"] == 5


def test_cli_needs_exactly_one_model_source(tmp_path):
    result = CliRunner().invoke(cli, ["design", "--length", "10", "--out-prefix", str(tmp_path / "x")])
    assert result.exit_code == 2
    result = CliRunner().invoke(
        cli, ["design", "--reference", "--goal", "reset", "--length", "60", "--out-prefix", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "--length 60" in result.output
    assert list(tmp_path.iterdir()) == []


def test_reset_elements_drop_the_forget_gate_below_random(tmp_path):
    model = _small_model(4)
    constraints = SequenceConstraints(0.3, 0.7, 20, 4, ["GAATTC"])
    settings = SearchSettings(length=20, count=2, iterations=8, proposals=8, seed=1)
    rows = run_reset(model, settings, constraints, str(tmp_path / "r"), _no_progress)
    designs = [r for r in rows if r.kind == "design"]
    randoms = [r for r in rows if r.kind == "random_constrained"]
    assert len(designs) == 2 and all(len(r.sequence) == 20 for r in designs)
    for row in designs:
        _independent_check(row.sequence, constraints)
    assert max(r.score for r in designs) < min(r.score for r in randoms)
    with open(tmp_path / "r.tsv") as handle:
        header = handle.readline().rstrip("\n").split("\t")
    assert header[5:8] == ["min_forget", "pass_through", "log10_pass_through"]


def test_boundary_enrichment_counts_both_strands():
    genome = {"c": b"CGGGTTTCAAACCCG" + b"A" * 200}
    fetch = lambda chrom, start, end: genome[chrom][start:end]  # noqa: E731
    result = boundary_enrichment(["GGGTTT"], [("c", 0, 15)], fetch, {"c": len(genome["c"])}, seed=0)
    # GGGTTT once, its reverse complement AAACCC once
    assert result["hits_boundary"] == 2
    assert result["enrichment"] > 1 and result["p_value"] < 0.5


def test_reset_cli_compares_with_real_peak_edges(tmp_path, mini):
    model = _small_model(5)
    save_checkpoint(tmp_path / "model.pt", model)
    result = CliRunner().invoke(
        cli,
        [
            "design",
            "--model",
            str(tmp_path / "model.pt"),
            "--goal",
            "reset",
            "--length",
            "12",
            "--count",
            "1",
            "--iterations",
            "2",
            "--boundaries",
            str(mini["peaks"]),
            "--genome",
            str(mini["genome"]),
            "--out-prefix",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "r.json").read_text())
    enrichment = summary["boundary_enrichment"]
    assert enrichment["windows"] > 10 and enrichment["bp_boundary"] > 0 and 0 <= enrichment["p_value"] <= 1
    assert len(summary["top_reset_kmers"]) == 20
    control = enrichment["gc_matched_control"]
    assert [sum(b in "GC" for b in k) for k in control["motifs"]] == [
        sum(b in "GC" for b in k) for k in summary["top_reset_kmers"][:10]
    ]
    assert not set(control["motifs"]) & set(summary["top_reset_kmers"])


def test_search_objective_agrees_with_the_exact_test():
    from gategenome.design.memory import plan_memory
    from gategenome.design.search import anneal, difference_score

    model = _small_model(7, num_layers=2, hidden_size=6, inputs="dna+signal")
    settings = SearchSettings(length=600, count=2, iterations=4, proposals=4, seed=3, unit_max_k=3, signal_value=1.0)
    constraints = SequenceConstraints(0.3, 0.7, 40, 5, ["GGATCC"])
    plan = plan_memory(model, settings, constraints)
    fillers = [
        random_sequence(600, constraints, np.random.default_rng(k), prefix=plan.writer)[len(plan.writer) :]
        for k in range(3)
    ]
    quick = difference_score(model, plan, fillers, settings)
    exact = [r.log10_at_end for r in measure_retention(model, plan.writer, fillers, plan.control, 1.0)]
    assert np.allclose(quick, exact, atol=0.02 * max(1.0, abs(min(exact))))
    results = anneal(model, plan, fillers[:2], settings, constraints)
    assert np.allclose([v for _, v in results], difference_score(model, plan, [f for f, _ in results], settings))
    assert all(v >= q - 1e-9 for (_, v), q in zip(results, quick[:2]))  # never worse than the start


def test_no_usable_writer_fails_with_one_line(tmp_path):
    # --avoid T forbids A too (reverse strand); in the reference only A writes
    result = CliRunner().invoke(
        cli,
        [
            "-q",
            "design",
            "--reference",
            "--length",
            "300",
            "--avoid",
            "T",
            "--unit-max-k",
            "3",
            "--out-prefix",
            str(tmp_path / "x"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "writes into the model's cells" in result.output
    assert list(tmp_path.iterdir()) == []


def test_boundary_windows_use_drop_summits(tmp_path, mini):
    bed = tmp_path / "drops.bed"
    bed.write_text(
        "chrI\t1000\t1600\tdrop_1\t500\t+\t0.5\t4.0\t3.0\t250\nchrI\t5000\t5300\tdrop_2\t400\t-\t0.4\t3.0\t2.0\t10\n"
    )
    windows = boundary_windows(BoundarySettings(str(bed), str(mini["genome"]), 25))
    assert windows.windows == [("chrI", 1225, 1275), ("chrI", 4985, 5035)]
    plain = tmp_path / "plain.bed"
    plain.write_text("chrI\t1000\t1600\n")
    assert boundary_windows(BoundarySettings(str(plain), str(mini["genome"]), 25)).windows == [("chrI", 975, 1625)]
    edges = boundary_windows(BoundarySettings(str(mini["peaks"]), str(mini["genome"]), 10)).windows
    assert len(edges) % 2 == 0 and all(end - start == 20 for _, start, end in edges if start > 0)
