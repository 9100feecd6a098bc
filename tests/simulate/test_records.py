"""simulate.records: the BED files written piece by piece are those of whole-genome record lists."""

from __future__ import annotations

import numpy as np

from gategenome.core.stats import bh_qvalues
from gategenome.io.bed import Interval, write_bed
from gategenome.simulate.records import RecordFiles
from gategenome.simulate.truth import Region, boundaries, region_records


def _piece(rng, chrom, lo, hi):
    starts = np.sort(rng.choice(np.arange(lo + 2_000, hi - 3_000, 700), 6, replace=False))
    regions = [Region(chrom, int(s), int(s) + int(rng.integers(150, 500)), int(rng.integers(1, 4)),
                      bool(rng.random() < 0.8), float(rng.lognormal())) for s in starts]
    peaks = [Interval(chrom, r.start - 5, r.end + 5, ".", 0, ".",
                      (f"{rng.random() * 9:.3f}", f"{rng.random() * 30:.3f}", "0", str(int(rng.integers(0, 100)))))
             for r in regions[::2]]
    return regions, peaks


def test_records_written_piece_by_piece_match_the_whole_lists(tmp_path):
    rng = np.random.default_rng(2)
    records = RecordFiles(tmp_path)
    regions, peaks = [], []
    for chrom in ("chrS1", "chrS2", "chrS10"):  # chrS10 sorts before chrS2 by name
        for lo, hi in ((0, 20_000), (20_000, 45_000)):
            piece_regions, piece_peaks = _piece(rng, chrom, lo, hi)
            records.add(chrom, piece_regions, piece_peaks)
            regions += piece_regions
            peaks += piece_peaks
    out = tmp_path / "out"
    out.mkdir()
    records.write(out / "accessible.bed", out / "boundaries.bed", out / "peaks.narrowPeak")
    records.discard()
    assert not list(tmp_path.glob(".records*"))
    write_bed(tmp_path / "accessible.bed", region_records(regions))
    write_bed(tmp_path / "boundaries.bed", boundaries(regions))
    log10_p = np.array([float(peak.extra[1]) for peak in peaks])
    qvalues = -np.log10(np.maximum(bh_qvalues(10.0 ** -log10_p), 1e-300))
    write_bed(tmp_path / "peaks.narrowPeak", [
        Interval(p.chrom, p.start, p.end, f"peak_{i + 1}", min(1000, int(10 * float(p.extra[1]))), ".",
                 (p.extra[0], p.extra[1], f"{q:.3f}", p.extra[3])) for i, (p, q) in enumerate(zip(peaks, qvalues))])
    for name in ("accessible.bed", "boundaries.bed", "peaks.narrowPeak"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name
    assert records.regions == len(regions) == 36 and records.peaks == len(peaks)
    assert (out / "boundaries.bed").read_text().splitlines()[0].startswith("chrS1\t")
    assert "chrS10" in (out / "boundaries.bed").read_text().splitlines()[4 * 12]  # after chrS1's 12 regions
