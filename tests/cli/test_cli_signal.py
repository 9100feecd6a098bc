"""`gategenome signal` from the command line: real chrI fragments, generated variants, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyBigWig
import pysam
import pytest
from click.testing import CliRunner

from gategenome.cli.main import cli

CHRI_LENGTH = 230218


def run(*args):
    return CliRunner().invoke(cli, ["signal", *map(str, args)])


@pytest.fixture(scope="module")
def fragment_lines(mini) -> list[str]:
    path = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    with gzip.open(path, "rt") as handle:
        return handle.readlines()


def write_fragments(path: Path, lines, compress=False) -> Path:
    with (gzip.open(path, "wt") if compress else open(path, "w")) as handle:
        handle.writelines(lines)
    return path


def values(path, chrom="chrI"):
    with pyBigWig.open(str(path)) as bw:
        return np.nan_to_num(bw.values(chrom, 0, bw.chroms()[chrom], numpy=True))


def assert_clean_error(result, out_dir: Path, *words: str) -> str:
    """Exit 1, one 'gategenome: error:' line naming what is wrong, no traceback, no output left."""
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in errors[0], errors[0]
    assert not out_dir.exists(), list(out_dir.iterdir())
    assert not list(out_dir.parent.glob(f".{out_dir.name}.*")), "staging directory left behind"
    return errors[0]


def test_signal_from_bgzip_tabix_fragments_matches_the_shared_bigwigs(mini, fragment_lines, tmp_path):
    plain = write_fragments(tmp_path / "frags.bedpe", fragment_lines)
    indexed = pysam.tabix_index(str(plain), preset="bed", force=True)  # bgzip + .tbi
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", indexed, "--no-call-peaks", "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert np.array_equal(values(out / "coverage.bw"), values(mini["signal"]))
    assert np.array_equal(values(out / "cutsites.bw"), values(mini["cutsites"]))
    summary = json.loads((out / "signal.json").read_text())
    assert summary["inputs"][0]["kept"] == len(fragment_lines)
    assert summary["peaks"] == {} and summary["tn5_shift"] is None


def test_replicates_are_pooled_and_tn5_shift_moves_the_cut_sites(mini, fragment_lines, tmp_path):
    one = write_fragments(tmp_path / "a.bedpe", fragment_lines)
    two = write_fragments(tmp_path / "b.bedpe.gz", fragment_lines, compress=True)
    result = run("--genome", mini["genome"], "--fragments", one, "--fragments", two, "--no-call-peaks",
                 "--out-dir", tmp_path / "pooled")
    assert result.exit_code == 0, result.output
    assert np.array_equal(values(tmp_path / "pooled" / "coverage.bw"), 2 * values(mini["signal"]))
    result = run("--genome", mini["genome"], "--fragments", one, "--tn5-shift", "--no-call-peaks",
                 "--out-dir", tmp_path / "shifted")
    assert result.exit_code == 0, result.output
    expected = np.zeros(CHRI_LENGTH)
    for line in fragment_lines:
        start, end = int(line.split()[1]) + 4, int(line.split()[2]) - 5
        if end > start:
            expected[start] += 1
            expected[end - 1] += 1
    assert np.array_equal(values(tmp_path / "shifted" / "cutsites.bw"), expected)


def test_unsorted_fragments_are_refused_with_the_line(mini, fragment_lines, tmp_path):
    lines = list(fragment_lines)
    lines[9], lines[100] = lines[100], lines[9]
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", write_fragments(tmp_path / "f.bedpe", lines),
                 "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "f.bedpe", "line 11", "sorted")


def test_a_chromosome_seen_twice_is_refused(mini, tmp_path):
    lines = ["chrI\t10\t50\n", "chrM\t5\t40\n", "chrI\t60\t90\n"]
    genome = tmp_path / "g.fa"
    genome.write_text(">chrI\n" + "A" * 100 + "\n>chrM\n" + "C" * 100 + "\n")
    out = tmp_path / "sig"
    result = run("--genome", genome, "--fragments", write_fragments(tmp_path / "f.bedpe", lines),
                 "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "line 3", "chrI appears again")


@pytest.mark.parametrize(("bad", "words"), [
    ("chrI\t100\tX200\n", ["line 4", "integer"]),
    ("chrI\t100\n", ["line 4", "chrom start end"]),
    ("chrI\t300\t200\n", ["line 4", "start < end"]),
    (f"chrI\t100\t{CHRI_LENGTH + 1}\n", ["line 4", "length of chrI"]),
])
def test_a_malformed_line_is_named_by_its_number(mini, fragment_lines, tmp_path, bad, words):
    lines = ["# a comment\n", *fragment_lines[:2], bad, *fragment_lines[2:]]
    out = tmp_path / "sig"
    path = write_fragments(tmp_path / "f.bedpe.gz", lines, compress=True)
    result = run("--genome", mini["genome"], "--fragments", path, "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "f.bedpe.gz", *words)


def test_fragments_on_an_unknown_chromosome_are_refused(mini, fragment_lines, tmp_path):
    lines = [*fragment_lines, "chrUn_KI270302v1\t10\t80\n"]
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", write_fragments(tmp_path / "f.bedpe", lines),
                 "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, f"line {len(lines)}", "chrUn_KI270302v1", "not in the genome")


def test_other_chromosome_spellings_are_matched_to_the_genome(mini, fragment_lines, tmp_path):
    lines = [line.replace("chrI", "I", 1) for line in fragment_lines]
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", write_fragments(tmp_path / "f.bedpe", lines),
                 "--no-call-peaks", "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert np.array_equal(values(out / "coverage.bw"), values(mini["signal"]))


def test_an_empty_barcode_selection_is_refused(mini, fragment_lines, tmp_path):
    lines = [line.rstrip("\n") + "\tAAAC-1\t3\n" for line in fragment_lines]
    fragments = write_fragments(tmp_path / "f.tsv.gz", lines, compress=True)
    (tmp_path / "cells.txt").write_text("TTTG-1\nGGGA-1\n")
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", fragments, "--barcodes", tmp_path / "cells.txt",
                 "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "cells.txt", "no fragment kept")
    (tmp_path / "none.txt").write_text("# nothing\n")
    result = run("--genome", mini["genome"], "--fragments", fragments, "--barcodes", tmp_path / "none.txt",
                 "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "none.txt", "no barcodes")


def test_barcodes_need_a_barcode_column(mini, fragment_lines, tmp_path):
    (tmp_path / "cells.txt").write_text("AAAC-1\n")
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", write_fragments(tmp_path / "f.bedpe", fragment_lines),
                 "--barcodes", tmp_path / "cells.txt", "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "line 1", "barcode in column 4")


def test_no_input_is_a_one_line_error(mini, tmp_path):
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--out-dir", out)
    assert_clean_error(result, out, "--fragments or --bam")


def test_fragments_from_a_pipe_lose_nothing_to_the_format_check(mini, fragment_lines, tmp_path):
    """A process substitution (``<(zcat x.gz)``) is read once: the gzip check peeks, it does not consume."""
    import os
    import threading

    lines = fragment_lines[:3000]  # well over 8 KB
    assert sum(map(len, lines)) > 3 * 8192
    by_file = tmp_path / "file"
    assert run("--genome", mini["genome"], "--fragments", write_fragments(tmp_path / "f.bedpe", lines),
               "--no-call-peaks", "--out-dir", by_file).exit_code == 0
    for payload in ("".join(lines).encode(), gzip.compress("".join(lines).encode())):
        read_end, write_end = os.pipe()
        writer = threading.Thread(target=lambda: (os.write(write_end, payload), os.close(write_end)))
        writer.start()
        by_pipe = tmp_path / f"pipe{len(payload)}"
        result = run("--genome", mini["genome"], "--fragments", f"/dev/fd/{read_end}", "--no-call-peaks",
                     "--out-dir", by_pipe)
        writer.join()
        os.close(read_end)
        assert result.exit_code == 0, result.output
        counts = [json.loads((d / "signal.json").read_text())["inputs"][0]["kept"] for d in (by_file, by_pipe)]
        assert counts[0] == counts[1] == len(lines) - sum(line.startswith("#") for line in lines)


def test_the_same_fragments_file_twice_is_refused(mini, fragment_lines, tmp_path):
    path = write_fragments(tmp_path / "f.bedpe", fragment_lines[:50])
    (tmp_path / "link.bedpe").symlink_to(path)
    out = tmp_path / "sig"
    assert_clean_error(run("--genome", mini["genome"], "--fragments", path, "--fragments", tmp_path / "link.bedpe",
                           "--no-call-peaks", "--out-dir", out), out, "the same file", "link.bedpe")


def test_a_tss_file_without_sites_on_the_genome_is_a_one_line_error(mini, fragment_lines, tmp_path):
    frags = write_fragments(tmp_path / "f.bedpe", fragment_lines)
    tss = tmp_path / "tss.bed"
    tss.write_text("chrZ\t10\t11\n")
    out = tmp_path / "sig"
    result = run("--genome", mini["genome"], "--fragments", frags, "--tss", tss, "--no-call-peaks", "--out-dir", out)
    assert_clean_error(result, out, "--tss", "tss.bed", "no TSS")
