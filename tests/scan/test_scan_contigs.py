"""A whole-genome scan leaves out mitochondrion, EBV, unplaced / alt / decoy contigs unless told to keep them."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner
from scan_testlib import random_dna, small_model, write_fasta

from gategenome.cli.main import cli


def _scan(tmp_path, name, *extra):
    rng = np.random.default_rng(2)
    contigs = {"chr1": 6_000, "chrM": 1_000, "chrEBV": 1_500, "chrUn_KI270302v1": 1_200,
               "chr1_KI270762v1_alt": 1_100, "chrUn_JTFH01000001v1_decoy": 1_300}
    genome = tmp_path / "g.fa"
    if not genome.exists():
        write_fasta(genome, {c: random_dna(n, rng) for c, n in contigs.items()})
    model = tmp_path / "dna.pt"
    if not model.exists():
        small_model(model)
    out = tmp_path / name
    result = CliRunner().invoke(cli, ["scan", "--model", str(model), "--genome", str(genome), "--out-dir", str(out),
                                      "--no-tracks", "--no-progress", "--threads", "1", *extra],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return sorted(p.stem for p in (out / "chroms").glob("*.json")), json.loads((out / "scan.json").read_text())


def test_whole_genome_scan_leaves_out_hg38_extra_contigs_by_default(tmp_path):
    scanned, meta = _scan(tmp_path, "default")
    assert scanned == ["chr1"]
    assert "chrEBV" in meta["chroms"]  # the header still names the whole genome


def test_exclude_chroms_none_scans_every_contig_and_patterns_replace_the_default(tmp_path):
    every, _ = _scan(tmp_path, "every", "--exclude-chroms", "none")
    assert len(every) == 6
    custom, _ = _scan(tmp_path, "custom", "--exclude-chroms", ".*_decoy")
    assert "chrUn_JTFH01000001v1_decoy" not in custom and "chrM" in custom and len(custom) == 5


def test_exclude_chroms_rejects_a_bad_pattern(tmp_path):
    write_fasta(tmp_path / "g.fa", {"chr1": random_dna(2_000, np.random.default_rng(1))})
    small_model(tmp_path / "dna.pt")
    result = CliRunner().invoke(cli, ["scan", "--model", str(tmp_path / "dna.pt"), "--genome", str(tmp_path / "g.fa"),
                                      "--out-dir", str(tmp_path / "o"), "--exclude-chroms", "chr(["])
    assert result.exit_code == 2 and "--exclude-chroms" in result.output and not (tmp_path / "o").exists()
