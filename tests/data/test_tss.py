"""TSS enrichment on planted insertions whose enrichment is known, and TSSs read from a BED or a GTF."""

from __future__ import annotations

import numpy as np
import pytest

from gategenome.data.tss import TSS_FLANK, TSSProfile, read_tss, tss_enrichment
from gategenome.errors import InputError

SIZES = {"chrA": 100_000, "chrB": 50_000}


def _planted(tss_positions, minus, background: int, extra: int, offsets):
    """Insertions: ``background`` at every base within the flank of each TSS, ``extra`` more at each offset
    (5' -> 3' along the TSS's strand)."""
    positions = []
    for position, is_minus in zip(tss_positions, minus):
        window = np.arange(position - TSS_FLANK, position + TSS_FLANK + 1)
        positions.append(np.repeat(window, background))
        for offset in offsets:
            positions.append(np.full(extra, position - offset if is_minus else position + offset))
    return np.concatenate(positions)


def test_planted_enrichment_gives_the_known_score_on_both_strands():
    # TSSs 10 kb apart (no window overlaps another); 3 insertions per base everywhere in the windows,
    # 12 more on each base of the 61 bases downstream of +40..+100 along the strand
    positions = np.array([10_000, 20_000, 30_000, 40_000])
    minus = np.array([False, True, False, True])
    offsets = range(40, 101)
    insertions = _planted(positions, minus, background=3, extra=12, offsets=offsets)
    profile = TSSProfile({"chrA": (positions, minus)})
    rng = np.random.default_rng(1)
    for piece in np.array_split(rng.permutation(insertions), 7):  # any order, any chunking
        profile.add("chrA", piece)
    summary = profile.summary()
    assert summary["tss"] == 4
    assert summary["background"] == pytest.approx(3 * 4)
    assert summary["score"] == pytest.approx((3 + 12) / 3)  # flat top 61 bp wide > the 11 bp smoothing
    smoothed = np.array(summary["profile"])
    peak = np.flatnonzero(np.isclose(smoothed, smoothed.max()))
    assert peak.min() - TSS_FLANK >= 40 and peak.max() - TSS_FLANK <= 100  # downstream on both strands


def test_insertions_of_a_chromosome_without_tss_and_outside_the_flanks_are_ignored():
    positions, minus = np.array([10_000]), np.array([False])
    profile = TSSProfile({"chrA": (positions, minus)})
    profile.add("chrB", np.array([10_000, 10_001]))
    profile.add("chrA", np.array([10_000 - TSS_FLANK - 1, 10_000 + TSS_FLANK + 1, 10_000 + TSS_FLANK]))
    assert profile.counts.sum() == 1 and profile.counts[-1] == 1


def test_no_background_gives_no_score():
    counts = np.zeros(2 * TSS_FLANK + 1)
    counts[TSS_FLANK] = 10
    assert tss_enrichment(counts)["score"] is None


def test_tss_from_a_stranded_bed_of_transcripts(tmp_path):
    bed = tmp_path / "tss.bed"
    bed.write_text("A\t100\t900\tg1\t0\t+\nchrA\t2000\t3000\tg2\t0\t-\nchrA\t100\t101\tg1b\t0\t+\n"
                   "chrZ\t5\t6\tx\t0\t+\nchrB\t7\t8\n")
    sites = read_tss(bed, SIZES)
    assert sites["chrA"][0].tolist() == [100, 2999] and sites["chrA"][1].tolist() == [False, True]
    assert sites["chrB"][0].tolist() == [7]


def test_tss_from_a_gtf_are_the_transcripts_5_prime_ends(tmp_path):
    gtf = tmp_path / "genes.gtf"
    attrs = 'gene_id "g"; transcript_id "t";'
    gtf.write_text("\n".join([
        f"chrA\tsrc\tgene\t101\t900\t.\t+\t.\t{attrs}",
        f"chrA\tsrc\ttranscript\t101\t900\t.\t+\t.\t{attrs}",
        f"chrA\tsrc\texon\t101\t300\t.\t+\t.\t{attrs}",
        f"chrB\tsrc\ttranscript\t1001\t2000\t.\t-\t.\t{attrs}",
    ]) + "\n")
    sites = read_tss(gtf, SIZES)
    assert sites["chrA"][0].tolist() == [100] and sites["chrB"][0].tolist() == [1999]
    assert sites["chrB"][1].tolist() == [True]


@pytest.mark.parametrize("text, words", [
    ("chrA\tten\t20\n", "line 1"),
    ("chrZ\t1\t2\n", "no TSS on the genome"),
])
def test_a_bad_tss_file_is_refused_with_what_was_expected(tmp_path, text, words):
    bed = tmp_path / "bad.bed"
    bed.write_text(text)
    with pytest.raises(InputError, match=words):
        read_tss(bed, SIZES)
