"""simulate.sequence: yeast-like background, and planted regions that hold the motifs that explain them."""

from __future__ import annotations

import numpy as np

from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.simulate.run import FILES
from gategenome.simulate.sequence import MOTIFS, markov_background


def test_regions_hold_the_motifs_that_explain_them(sim):
    genome = Genome(sim / FILES["genome"])
    reb1 = MOTIFS["Reb1"].encode()
    reb1_rc = reb1.translate(bytes.maketrans(b"ACGT", b"TGCA"))[::-1]
    regions = read_bed(sim / FILES["accessible"])
    inside_hits = sum(
        (reb1 in genome.fetch(r.chrom, r.start, r.end)) or (reb1_rc in genome.fetch(r.chrom, r.start, r.end))
        for r in regions
    )
    assert inside_hits >= 0.15 * len(regions)
    assert all(int(r.extra[0]) >= 1 for r in regions)  # every region carries 1-3 motifs

    def homopolymer_window(sequence: bytes) -> bool:
        """A 12-base window with >= 11 A or >= 11 T (a poly(dA:dT) stretch)."""
        codes = np.frombuffer(sequence, dtype=np.uint8)
        for base in b"AT":
            counts = np.convolve(codes == base, np.ones(12), mode="valid")
            if counts.max() >= 11:
                return True
        return False

    poly = [homopolymer_window(genome.fetch(r.chrom, r.start, r.end)) for r in regions if r.extra[1] == "1"]
    other = [homopolymer_window(genome.fetch(r.chrom, r.start, r.end)) for r in regions if r.extra[1] == "0"]
    assert np.mean(poly) > 0.95 and np.mean(poly) > np.mean(other) + 0.3


def test_markov_background_has_yeast_composition():
    codes = markov_background(np.random.default_rng(0), 200_000)
    fractions = np.bincount(codes, minlength=4) / codes.size
    assert abs(fractions[0] + fractions[3] - 0.62) < 0.02  # AT-rich like S. cerevisiae
    cg = np.mean((codes[:-1] == 1) & (codes[1:] == 2))
    gc = np.mean((codes[:-1] == 2) & (codes[1:] == 1))
    assert cg < gc  # CpG depleted relative to GpC
