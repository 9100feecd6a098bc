"""read_targets: drops matched to the genome's chromosomes as every command matches them."""

from __future__ import annotations

from gategenome.explain.targets import read_targets


def test_drops_named_i_are_read_on_the_genomes_chri(tmp_path):
    drops = tmp_path / "drops.bed"
    drops.write_text("I\t10\t20\tdrop_1\t500\t+\t0.5\t3\t2\t4\nchrMT\t5\t9\tdrop_2\t500\t-\t0.4\t3\t2\t1\n")
    targets = read_targets(drops, {"chrI": 100, "chrM": 50})
    assert [(t.chrom, t.start, t.end, t.summit) for t in targets] == [("chrI", 10, 20, 14), ("chrM", 5, 9, 6)]
