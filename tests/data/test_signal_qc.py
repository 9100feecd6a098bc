"""Library QC of the signal step on the real chrI fragments: every number checked against a direct count."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal
from gategenome.data.tss import TSS_FLANK, tss_enrichment
from gategenome.io.bed import read_bed
from tests.data.test_bam import write_bam

SIZES = {"chrI": 230218}


@pytest.fixture(scope="module")
def chri_fragments(mini):
    path = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    with gzip.open(path, "rt") as handle:
        rows = [line.split() for line in handle]
    return path, np.array([int(r[1]) for r in rows]), np.array([int(r[2]) for r in rows])


@pytest.fixture(scope="module")
def tss_bed(tmp_path_factory):
    path = tmp_path_factory.mktemp("tss") / "tss.bed"
    path.write_text("".join(f"chrI\t{p}\t{p + 1}\tt{p}\t0\t{s}\n"
                            for p, s in [(31_000, "+"), (72_500, "-"), (140_000, "+"), (190_000, "-")]))
    return path


@pytest.fixture(scope="module")
def qc_run(mini, chri_fragments, tss_bed, tmp_path_factory):
    out = tmp_path_factory.mktemp("qc") / "sig"
    summary = run_signal(str(mini["genome"]), [str(chri_fragments[0])], [], out, SignalSettings(), tss=str(tss_bed))
    return out, summary


def test_fragment_lengths_and_frip_match_a_direct_count(qc_run, chri_fragments):
    out, summary = qc_run
    _, starts, ends = chri_fragments
    entry = summary["qc"]["inputs"][0]
    assert entry == summary["qc"]["groups"]["all"] | {"file": entry["file"]}
    lengths = entry["fragment_lengths"]
    assert lengths["histogram"] == np.bincount(ends - starts, minlength=1001)[:1001].tolist()
    assert lengths["fraction_under_147"] == pytest.approx(np.mean(ends - starts < 147))
    peaks = read_bed(out / "peaks.narrowPeak", "narrowPeak")
    assert peaks
    inside = sum(any(p.start < e and p.end > s for p in peaks) for s, e in zip(starts, ends))
    assert entry["frip"]["fragments_in_peaks"] == inside
    assert entry["frip"]["frip"] == pytest.approx(inside / starts.size)
    assert entry["encode"]["frip"]["threshold"] == 0.3
    assert json.loads((out / "signal.json").read_text())["qc"]["plot"] == "qc.png"
    assert (out / "qc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tss_enrichment_matches_a_brute_force_profile(qc_run, chri_fragments, tss_bed):
    _, summary = qc_run
    _, starts, ends = chri_fragments
    insertions = np.concatenate([starts, ends - 1])
    counts = np.zeros(2 * TSS_FLANK + 1)
    for line in tss_bed.read_text().splitlines():
        _, position, _, _, _, strand = line.split("\t")
        offsets = insertions - int(position)
        offsets = -offsets if strand == "-" else offsets
        offsets = offsets[np.abs(offsets) <= TSS_FLANK]
        np.add.at(counts, offsets + TSS_FLANK, 1)
    tss = summary["qc"]["inputs"][0]["tss_enrichment"]
    assert tss["tss"] == 4 and tss["insertions"] == counts.sum()
    assert tss["score"] == tss_enrichment(counts)["score"]
    assert summary["qc"]["inputs"][0]["encode"]["tss_enrichment"]["value"] == tss["score"]


def test_replicates_and_groups_each_get_their_qc(mini, chri_fragments, tmp_path):
    _, starts, ends = chri_fragments
    half = starts.size // 2
    rows = [f"chrI\t{s}\t{e}\t{'AAA' if i % 3 else 'CCC'}\t1\n" for i, (s, e) in enumerate(zip(starts, ends))]
    first, second = tmp_path / "r1.tsv", tmp_path / "r2.tsv"
    first.write_text("".join(rows[:half]))
    second.write_text("".join(rows[half:]))
    barcodes = tmp_path / "cells.tsv"
    barcodes.write_text("AAA\tone\nCCC\ttwo\n")
    summary = run_signal(str(mini["genome"]), [str(first), str(second)], [], tmp_path / "out",
                         SignalSettings(call_peaks=False), barcodes=str(barcodes))
    qc = summary["qc"]
    assert [entry["fragment_lengths"]["fragments"] for entry in qc["inputs"]] == [half, starts.size - half]
    lengths = ends - starts
    group_one = np.array([i % 3 != 0 for i in range(starts.size)])
    assert qc["groups"]["one"]["fragment_lengths"]["histogram"] == np.bincount(lengths[group_one], minlength=1001)[:1001].tolist()
    assert qc["groups"]["two"]["fragment_lengths"]["fragments"] == int((~group_one).sum())
    assert "frip" not in qc["groups"]["one"]  # no peaks called


def test_a_bam_reports_encode_library_complexity(chri_fragments, mini, tmp_path):
    genome = tmp_path / "chrI.fa"
    genome.write_text(mini["genome"].read_text())
    # 6 positions once, 2 twice (one of the copies flagged duplicate), 1 three times; a low-MAPQ pair is not counted
    pairs = [("chrI", 1000 * k, 1000 * k + 180, {}) for k in range(1, 7)]
    pairs += [("chrI", 20_000, 20_150, {}), ("chrI", 20_000, 20_150, {"extra_flag": 1024})]
    pairs += [("chrI", 30_000, 30_090, {})] * 2
    pairs += [("chrI", 40_000, 40_200, {})] * 3 + [("chrI", 50_000, 50_200, {"mapq": 3})]
    bam = write_bam(tmp_path / "lib.bam", SIZES, pairs)
    summary = run_signal(str(genome), [], [str(bam)], tmp_path / "out", SignalSettings(call_peaks=False))
    complexity = summary["qc"]["inputs"][0]["complexity"]
    assert complexity["fragments"] == 13 and complexity["distinct"] == 9
    assert complexity["nrf"] == pytest.approx(9 / 13)
    assert complexity["pbc1"] == pytest.approx(6 / 9)
    assert complexity["pbc2"] == pytest.approx(6 / 2)
    encode = summary["qc"]["inputs"][0]["encode"]
    assert not encode["nrf"]["passes"] and not encode["pbc1"]["passes"] and not encode["pbc2"]["passes"]
    assert summary["qc"]["inputs"][0]["fragment_lengths"]["fragments"] == 12  # the flagged duplicate is dropped
