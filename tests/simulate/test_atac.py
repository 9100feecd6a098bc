"""simulate.atac: coverage enriched in the planted regions, peaks near them but not equal to them."""

from __future__ import annotations

import numpy as np

from gategenome.io.bed import read_bed
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.simulate.run import FILES


def test_signal_enriched_in_planted_regions_and_peaks_near_them(sim):
    genome = Genome(sim / FILES["genome"])
    track = SignalTrack(sim / FILES["signal"], genome.sizes)
    inside = np.zeros(60_000, dtype=bool)
    regions = [iv for iv in read_bed(sim / FILES["accessible"]) if iv.chrom == "chrS1"]
    for region in regions:
        inside[region.start:region.end] = True
    values = track.values("chrS1", 0, 60_000)
    assert values[inside].mean() > 10 * values[~inside].mean()
    peaks = [iv for iv in read_bed(sim / FILES["peaks"], "peaks") if iv.chrom == "chrS1"]
    overlapping = sum(inside[peak.start:peak.end].any() for peak in peaks)
    assert overlapping >= 0.8 * len(peaks)
    assert not all((p.start, p.end) == (r.start, r.end) for p, r in zip(peaks, regions))
