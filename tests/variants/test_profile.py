"""variants.profile and variants.allele_null: chromBPNet's allele scores from the predicted insertions.

The count log fold-change and profile JSD of ``score_alleles(insertions=True)`` equal
those computed by hand from whole reference and alternative chromosomes scanned
from scratch on both strands; the empirical p-values are worked by hand, and are
uniform on random SNVs drawn like the null ones (a Kolmogorov-Smirnov check).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import kstest
from variants_testlib import model, small_genome, vcf_text

from gategenome.variants.allele_null import add_p_values, matched_snvs
from gategenome.variants.profile import empirical_p_values
from gategenome.variants.score import score_alleles
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import Allele
from gategenome.variants.windows import make_window, run_rows_with_logits, window_inputs

CPU = torch.device("cpu")
H = 120


def _whole_logits(net, genome, allele, strand):
    length = genome.sizes[allele.chrom]
    window = make_window(0, strand, length, 0, length, allele)
    x_ref, _, x_alt, _ = window_inputs(genome, None, allele.chrom, window, net.config)
    _, _, logits = run_rows_with_logits(net, [x_ref, x_alt], None, CPU)
    return logits


def _by_hand(net, genome, allele):
    """lfc and JSD of an SNV at ``allele.pos`` from whole-chromosome scans (module text's window)."""
    length = genome.sizes[allele.chrom]
    plus_ref, plus_alt = _whole_logits(net, genome, allele, "+")
    minus_ref, minus_alt = _whole_logits(net, genome, allele, "-")
    p, q = allele.pos, length - 1 - allele.pos  # the SNV in plus and minus scan coordinates
    ref = np.concatenate([minus_ref[q:q + H][::-1], plus_ref[p:p + H]]).astype(np.float64)
    alt = np.concatenate([minus_alt[q:q + H][::-1], plus_alt[p:p + H]]).astype(np.float64)
    lfc = np.log2(np.exp(alt).sum() / np.exp(ref).sum())
    P, Q = np.exp(ref) / np.exp(ref).sum(), np.exp(alt) / np.exp(alt).sum()
    M = (P + Q) / 2
    jsd = np.sqrt(0.5 * np.sum(P * np.log2(P / M)) + 0.5 * np.sum(Q * np.log2(Q / M)))
    return lfc, jsd


@pytest.mark.usefixtures("one_torch_thread")
def test_profile_scores_equal_whole_chromosome_scans(tmp_path):
    genome, chroms = small_genome(tmp_path)
    net = model()
    other = {"A": "C", "C": "G", "G": "T", "T": "A"}
    alleles = [Allele(i, 0, "chrA", pos, chroms["chrA"][pos], other[chroms["chrA"][pos]], "chrA", f"v{i}")
               for i, pos in enumerate((700, 2500, 4100))]
    settings = VariantSettings(context="exact", window=40, footprint_max=600, grid=256, batch_size=4,
                               profile_window=H)
    rows, _ = score_alleles(net, genome, None, alleles, settings, 0.5, CPU, insertions=True)
    for row, allele in zip(rows, alleles):
        lfc, jsd = _by_hand(net, genome, allele)
        assert row["count_lfc"] == pytest.approx(lfc, abs=1e-4)
        assert row["profile_jsd"] == pytest.approx(jsd, abs=1e-4)
    assert max(abs(row["count_lfc"]) for row in rows) > 1e-3 and max(row["profile_jsd"] for row in rows) > 1e-3
    plain, _ = score_alleles(net, genome, None, alleles, settings, 0.5, CPU)
    assert "count_lfc" not in plain[0]


def test_empirical_p_values_by_hand():
    null = np.array([0.1, 0.2, 0.3, np.nan, 0.4])
    p = empirical_p_values(np.array([0.05, 0.2, 0.35, 1.0, np.nan]), null)
    np.testing.assert_allclose(p[:4], [5 / 5, 4 / 5, 2 / 5, 1 / 5])
    assert np.isnan(p[4])


@pytest.mark.usefixtures("one_torch_thread")
def test_p_values_of_random_snvs_are_uniform(tmp_path):
    genome, _ = small_genome(tmp_path, length=20_000)
    net = model()
    settings = VariantSettings(context="exact", window=40, footprint_max=100, grid=128, batch_size=128,
                               profile_window=100)
    anchors = [Allele(0, 0, chrom, pos, genome.fetch(chrom, pos, pos + 1).decode(), "N", chrom, "a")
               for chrom, pos in (("chrA", 5000), ("chrA", 15000), ("chrB", 4000))]
    tested = matched_snvs(genome, anchors, 200, seed=2)
    null = matched_snvs(genome, tested, 300, seed=1)  # the null is matched to what is scored
    assert len(null) == 300 and {allele.chrom for allele in null} == {"chrA", "chrB"}
    assert all(allele.ref != allele.alt and allele.ref in "ACGT" for allele in null)
    strong = np.mean([allele.ref in "GC" for allele in null])
    assert abs(strong - np.mean([allele.ref in "GC" for allele in tested])) < 0.05
    rows, _ = score_alleles(net, genome, None, tested + null, settings, 0.5, CPU, insertions=True)
    rows, null_rows = rows[:len(tested)], rows[len(tested):]
    add_p_values(rows, null_rows)
    for key in ("count_lfc_p", "profile_jsd_p"):
        values = np.array([row[key] for row in rows])
        assert kstest(values, "uniform").pvalue > 0.01, key
    # an allele scored against itself as the whole null sits at the top: p = 1 / (1 + N) for the largest
    largest = max(null_rows, key=lambda row: abs(row["count_lfc"]))
    check = [dict(largest)]
    add_p_values(check, null_rows)
    assert check[0]["count_lfc_p"] == pytest.approx(2 / 301)


@pytest.mark.usefixtures("one_torch_thread")
def test_run_variants_writes_the_profile_columns_and_info_keys(tmp_path):
    import pysam

    from gategenome.variants.run import run_variants

    genome, chroms = small_genome(tmp_path)
    a = chroms["chrA"]
    lines = [f"chrA\t{pos + 1}\tv{pos}\t{a[pos]}\t{'A' if a[pos] != 'A' else 'C'}\t.\tPASS\t." for pos in (800, 2400)]
    (tmp_path / "in.vcf").write_text(vcf_text("chrA", 6000, lines))
    settings = VariantSettings(footprint_max=400, grid=256, batch_size=32, profile_window=100, null_alleles=50)
    summary = run_variants(model(), genome, None, tmp_path / "in.vcf", tmp_path / "out", settings, threshold=0.5,
                           insertions=True)
    assert summary["target"] == "insertions" and summary["null_alleles"] == 50
    header = (tmp_path / "out.tsv").read_text().splitlines()[0].split("\t")
    assert header[-4:] == ["count_lfc", "count_lfc_p", "profile_jsd", "profile_jsd_p"]
    with pysam.VariantFile(str(tmp_path / "out.vcf.gz")) as vcf:
        assert {"GG_LFC", "GG_LFC_P", "GG_JSD", "GG_JSD_P"} <= set(vcf.header.info)
        records = list(vcf)
    assert len(records) == 2 and all(0 < record.info["GG_LFC_P"][0] <= 1 for record in records)
    run_variants(model(), genome, None, tmp_path / "in.vcf", tmp_path / "plain", settings, threshold=0.5)
    assert "count_lfc" not in (tmp_path / "plain.tsv").read_text().splitlines()[0]


def test_the_profile_window_is_bounded_by_the_footprint_for_an_insertions_model_only(tmp_path):
    from gategenome.errors import ConfigError
    from gategenome.variants.run import run_variants

    genome, chroms = small_genome(tmp_path)
    a = chroms["chrA"]
    (tmp_path / "in.vcf").write_text(vcf_text("chrA", 6000, [f"chrA\t801\tv\t{a[800]}\t{'A' if a[800] != 'A' else 'C'}"
                                                             "\t.\tPASS\t."]))
    settings = VariantSettings(footprint_max=100, grid=256, batch_size=32, profile_window=250, null_alleles=0)
    with pytest.raises(ConfigError, match="--profile-window 250: expected at most --footprint-max 100"):
        run_variants(model(), genome, None, tmp_path / "in.vcf", tmp_path / "reads", settings, threshold=0.5,
                     insertions=True)
    assert not list(tmp_path.glob("reads*"))
    summary = run_variants(model(), genome, None, tmp_path / "in.vcf", tmp_path / "plain", settings, threshold=0.5)
    assert summary["counts"]["alleles"] == 1 and summary["target"] == "regions"
