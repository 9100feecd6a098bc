"""`gategenome prepare` end to end: real chrI data, generated edge cases, bad input."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pysam
import pytest
from click.testing import CliRunner
from generated import write_bigwig

from gategenome.cli.main import cli
from gategenome.data.intervals import overlap_summary
from gategenome.data.prepare import OUTPUTS
from gategenome.data.prepared import load_prepared
from gategenome.data.regions import region_mask
from gategenome.errors import InputError
from gategenome.io.bed import read_bed

CHRI_LENGTH = 230218


def run(*args: str):
    return CliRunner().invoke(cli, ["prepare", *map(str, args)])


def assert_clean_error(result, out_dir: Path, *names: str) -> str:
    """Exit 1, one line naming the file(s), no traceback, nothing left in out_dir."""
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("gategenome: error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    for name in names:
        assert name in errors[0], errors[0]
    assert not out_dir.exists() or not any(out_dir.iterdir()), list(out_dir.iterdir())
    assert not list(out_dir.parent.glob(f".{out_dir.name}.*")), "staging directory left behind"
    return errors[0]


@pytest.fixture()
def genome(mini, tmp_path) -> Path:
    """A private copy of the chrI FASTA (no .fai), so index building is exercised."""
    path = tmp_path / "chrI.fa"
    shutil.copy(mini["genome"], path)
    return path


def test_prepare_with_peaks_on_real_chri(mini, genome, tmp_path):
    out = tmp_path / "prep"
    result = run("--genome", genome, "--signal", mini["signal"], "--peaks", mini["peaks"], "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert Path(str(genome) + ".fai").exists(), "missing .fai is built"
    regions = read_bed(out / "accessible.bed")
    peaks = read_bed(mini["peaks"])
    assert sum(map(len, regions)) == sum(map(len, peaks))  # the 25 chrI peaks do not overlap
    summary = json.loads((out / "prepare.json").read_text())
    assert summary["regions"]["source"] == "peaks"
    assert summary["chromosomes"]["chrI"]["regions"] == len(regions)
    assert summary["folds"]["note"].startswith("only one chromosome")
    folds = json.loads((out / "folds.json").read_text())
    assert folds == {"train": ["chrI"], "valid": ["chrI"], "test": ["chrI"]}
    assert (out / "chrom.sizes").read_text() == f"chrI\t{CHRI_LENGTH}\n"
    assert "only one chromosome" in result.stderr


def test_prepare_from_signal_agrees_with_peaks(mini, genome, tmp_path):
    out = tmp_path / "prep"
    result = run("--genome", genome, "--signal", mini["signal"], "--out-dir", out)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "prepare.json").read_text())
    assert summary["regions"]["source"] == "signal"
    assert summary["signal_nan_bases"] == CHRI_LENGTH - 144826  # README: 144,826 bases covered

    overlap = overlap_summary(read_bed(out / "accessible.bed"), read_bed(mini["peaks"]))
    assert overlap["jaccard"] > 0.6, overlap
    assert all(len(iv) >= 100 for iv in read_bed(out / "accessible.bed"))


def test_bgzip_fasta_works_and_plain_gzip_is_refused(mini, tmp_path):
    bgz = tmp_path / "chrI.fa.gz"
    pysam.tabix_compress(str(mini["genome"]), str(bgz))
    out = tmp_path / "ok"
    result = run("--genome", bgz, "--signal", mini["signal"], "--peaks", mini["peaks"], "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert (out / "chrom.sizes").read_text() == f"chrI\t{CHRI_LENGTH}\n"

    plain = tmp_path / "plain.fa.gz"
    plain.write_bytes(gzip.compress(mini["genome"].read_bytes()))
    out = tmp_path / "bad"
    message = assert_clean_error(
        run("--genome", plain, "--signal", mini["signal"], "--out-dir", out), out, "plain.fa.gz"
    )
    assert "bgzip" in message


@pytest.mark.parametrize(
    "content, expected",
    [(b"", "empty"), (b"chrI\t0\t100\n", "not a FASTA"), (None, "not found")],
    ids=["empty", "not-fasta", "missing"],
)
def test_bad_fasta(mini, tmp_path, content, expected):
    fasta = tmp_path / "genome.fa"
    if content is not None:
        fasta.write_bytes(content)
    out = tmp_path / "out"
    message = assert_clean_error(run("--genome", fasta, "--signal", mini["signal"], "--out-dir", out), out, "genome.fa")
    assert expected in message


def test_bigwig_not_a_bigwig(mini, genome, tmp_path):
    bad = tmp_path / "signal.bw"
    bad.write_text("chrI\t0\t10\t1\n")
    out = tmp_path / "out"
    assert "not a bigWig" in assert_clean_error(
        run("--genome", genome, "--signal", bad, "--out-dir", out), out, "signal.bw"
    )


def test_bigwig_missing(genome, tmp_path):
    out = tmp_path / "out"
    assert_clean_error(run("--genome", genome, "--signal", tmp_path / "nope.bw", "--out-dir", out), out, "nope.bw")


def test_bigwig_of_another_assembly(genome, tmp_path):
    bw = write_bigwig(tmp_path / "other.bw", [("chrI", CHRI_LENGTH - 1000)], [("chrI", 0, 100, 3.0)])
    out = tmp_path / "out"
    message = assert_clean_error(run("--genome", genome, "--signal", bw, "--out-dir", out), out, "other.bw")
    assert "length" in message and "assembly" in message


def test_bigwig_alias_names_are_matched_and_logged(genome, tmp_path):
    bw = write_bigwig(tmp_path / "ensembl.bw", [("I", CHRI_LENGTH)], [("I", 1000, 1400, 50.0)])
    out = tmp_path / "out"
    result = run("--genome", genome, "--signal", bw, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert "chrI->I" in result.stderr
    summary = json.loads((out / "prepare.json").read_text())
    assert summary["chromosome_names"]["renamed"] == {"chrI": "I"}
    regions = read_bed(out / "accessible.bed")
    assert len(regions) == 1 and regions[0].chrom == "chrI"
    assert regions[0].start < 1000 and regions[0].end > 1400  # the signal run is inside the region


def test_bigwig_sharing_no_chromosome(genome, tmp_path):
    bw = write_bigwig(tmp_path / "mouse.bw", [("chr1", 5000)], [("chr1", 0, 100, 1.0)])
    out = tmp_path / "out"
    assert "no chromosome" in assert_clean_error(
        run("--genome", genome, "--signal", bw, "--out-dir", out), out, "mouse.bw"
    )


@pytest.mark.parametrize(
    "option, name, content, expected",
    [
        ("--peaks", "peaks.narrowPeak", "chrI\t100\t200\tp1\t10\t.\n# comment\nchrI\tabc\t300\tp2\t10\t.\n", ":3:"),
        ("--folds", "folds.json", json.dumps({"train": ["chrI"], "valid": ["chrII"], "test": []}), "chrII"),
        ("--peaks", "missing.bed", None, "not found"),
        ("--blacklist", "missing.bed", None, "not found"),
        ("--genome", "ragged.fa", ">chrI\nACGTACGT\nACG\nACGTACGT\n", "cannot build a FASTA index"),
    ],
    ids=["peaks-malformed-line", "folds-unknown-chromosome", "peaks-missing", "blacklist-missing", "fasta-ragged"],
)
def test_bad_side_file(mini, genome, tmp_path, option, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    out = tmp_path / "out"
    args = {"--genome": genome, "--signal": mini["signal"], option: path, "--out-dir": out}
    result = run(*[item for pair in args.items() for item in pair])
    message = assert_clean_error(result, out, name)
    assert expected in message


def test_blacklist_with_unknown_chromosome_warns_and_cuts(mini, genome, tmp_path):
    blacklist = tmp_path / "black.bed"
    blacklist.write_text("chrZZ\t0\t100\nchrI\t0\t400\n")
    out = tmp_path / "out"
    result = run(
        "--genome",
        genome,
        "--signal",
        mini["signal"],
        "--peaks",
        mini["peaks"],
        "--blacklist",
        blacklist,
        "--out-dir",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "WARNING" in result.stderr and "chrZZ" in result.stderr
    regions = read_bed(out / "accessible.bed")
    assert regions[0].start == 400  # the telomere peak chrI:28-695 is cut at 400
    assert json.loads((out / "prepare.json").read_text())["blacklist"]["region_bases_removed"] == 400 - 28


def test_existing_output_dir_keeps_other_files_and_failure_touches_nothing(mini, genome, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    (out / "folds.json").write_text("old")
    bad = tmp_path / "bad.bed"
    bad.write_text("chrI\t5\n")
    result = run("--genome", genome, "--signal", mini["signal"], "--peaks", bad, "--out-dir", out)
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["folds.json", "keep.txt"]
    assert (out / "folds.json").read_text() == "old"
    result = run("--genome", genome, "--signal", mini["signal"], "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*OUTPUTS, "keep.txt"])
    assert json.loads((out / "folds.json").read_text())["train"] == ["chrI"]


def test_read_only_fasta_directory_builds_index_elsewhere(mini, tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copy(mini["genome"], ro / "chrI.fa")
    real_access = os.access
    # permissions are not enforced for root, so the read-only directory is simulated
    monkeypatch.setattr(
        "gategenome.io.fasta.os.access",
        lambda path, mode: False if Path(path) == ro and mode == os.W_OK else real_access(path, mode),
    )
    out = tmp_path / "out"
    result = run("--genome", ro / "chrI.fa", "--signal", mini["signal"], "--peaks", mini["peaks"], "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert not (ro / "chrI.fa.fai").exists()
    assert "read-only" in result.stderr


def test_unwritable_output_directory(mini, genome, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a directory")
    out = blocker / "prep"
    result = run("--genome", genome, "--signal", mini["signal"], "--peaks", mini["peaks"], "--out-dir", out)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "--out-dir" in result.stderr and str(out) in result.stderr


def test_whole_yeast_genome_with_peaks_and_rdna_blacklist(yeast, tmp_path):
    blacklist = Path(__file__).resolve().parents[2] / "config" / "sacCer3.blacklist.bed"
    out = tmp_path / "prep"
    result = run(
        "--genome",
        yeast["genome"],
        "--signal",
        yeast["signal"],
        "--peaks",
        yeast["peaks"],
        "--blacklist",
        blacklist,
        "--out-dir",
        out,
    )
    assert result.exit_code == 0, result.output
    folds = json.loads((out / "folds.json").read_text())
    named = [name for fold in folds.values() for name in fold]
    assert sorted(named) == sorted(
        f"chr{n}"
        for n in ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI"]
    )
    assert all(folds.values())
    regions = read_bed(out / "accessible.bed")
    assert not any(iv.chrom == "chrM" for iv in regions)
    assert not any(iv.chrom == "chrXII" and iv.start < 470000 and iv.end > 450000 for iv in regions)
    summary = json.loads((out / "prepare.json").read_text())
    assert summary["excluded_chromosomes"] == {"chrM": summary["settings"]["exclude_chroms"][0]}
    shares = {fold: b / sum(summary["folds"]["bases"].values()) for fold, b in summary["folds"]["bases"].items()}
    assert 0.65 < shares["train"] < 0.75
    assert len((out / "chrom.sizes").read_text().splitlines()) == 17


def test_held_out_chromosomes_from_options_and_exclusion(tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text("".join(f">{name}\n{'ACGT' * 50}\n" for name in ["chr1", "chr2", "chr3", "chr4", "chrM"]))
    bw = write_bigwig(tmp_path / "g.bw", [(name, 200) for name in ["1", "2", "3", "4", "MT"]], [("1", 50, 120, 20.0)])
    out = tmp_path / "out"
    result = run(
        "--genome",
        fasta,
        "--signal",
        bw,
        "--test-chroms",
        "chr4,2",
        "--valid-chroms",
        "3",
        "--min-length",
        "10",
        "--smooth",
        "5",
        "--out-dir",
        out,
    )
    assert result.exit_code == 0, result.output
    assert json.loads((out / "folds.json").read_text()) == {
        "train": ["chr1"],
        "valid": ["chr3"],
        "test": ["chr2", "chr4"],
    }
    # mean signal 70 * 20 / 800 = 1.75, threshold 7: a 5-base window needs >= 2 signal bases
    assert [(iv.chrom, iv.start, iv.end) for iv in read_bed(out / "accessible.bed")] == [("chr1", 49, 121)]
    out2 = tmp_path / "out2"
    result = run("--genome", fasta, "--signal", bw, "--exclude-chroms", "none", "--out-dir", out2)
    assert result.exit_code == 0, result.output
    summary = json.loads((out2 / "prepare.json").read_text())
    assert summary["kept_chromosomes"][-1] == "chrM" and summary["chromosome_names"]["renamed"]["chrM"] == "MT"
    out3 = tmp_path / "out3"
    result = run("--genome", fasta, "--signal", bw, "--exclude-chroms", "chr.*", "--out-dir", out3)
    assert_clean_error(result, out3, "--exclude-chroms")
    result = run(
        "--genome", fasta, "--signal", bw, "--folds", tmp_path / "f.json", "--test-chroms", "chr1", "--out-dir", out3
    )
    assert_clean_error(result, out3, "--folds")


def test_load_prepared_reads_back_outputs(mini, genome, tmp_path):
    out = tmp_path / "prep"
    assert (
        run("--genome", genome, "--signal", mini["signal"], "--peaks", mini["peaks"], "--out-dir", out).exit_code == 0
    )
    prepared = load_prepared(out)
    assert prepared.sizes == {"chrI": CHRI_LENGTH}
    assert prepared.folds["test"] == ["chrI"] and len(prepared.regions) == 25
    mask = region_mask(prepared.regions, "chrI", 0, CHRI_LENGTH)
    assert int(mask.sum()) == prepared.summary["regions"]["bases"]
    assert mask[27] == 0 and mask[28] == 1 and mask[694] == 1 and mask[695] == 0  # peak chrI:28-695
    (out / "folds.json").write_text(json.dumps({"train": ["chrII"], "valid": [], "test": []}))
    with pytest.raises(InputError, match="chrII"):
        load_prepared(out)
    (out / "chrom.sizes").unlink()
    with pytest.raises(InputError, match="chrom.sizes: not found"):
        load_prepared(out)


def _strict_json(path: Path) -> dict:
    """Parse JSON refusing NaN/Infinity (as jq, browsers and R's jsonlite do)."""

    def refuse(constant):
        raise AssertionError(f"{path}: non-standard JSON constant {constant}")

    return json.loads(path.read_text(), parse_constant=refuse)


@pytest.mark.parametrize(
    "values, expected",
    [(-1.0, "230218 negative value(s)"), (float("nan"), "230218 NaN/no-data value(s)")],
    ids=["all-negative", "all-nan"],
)
def test_signal_without_positive_values_is_an_error_saying_what_was_found(genome, tmp_path, values, expected):
    bw = write_bigwig(tmp_path / "s.bw", [("chrI", CHRI_LENGTH)], [("chrI", 0, CHRI_LENGTH, values)])
    out = tmp_path / "out"
    message = assert_clean_error(run("--genome", genome, "--signal", bw, "--out-dir", out), out, "s.bw")
    assert "no accessible region" in message and expected in message and "zero everywhere" not in message


def test_infinite_and_negative_signal_values_are_counted_in_valid_json(mini, genome, tmp_path, caplog):
    import pyBigWig

    source = pyBigWig.open(str(mini["signal"]))
    entries = [(s, e, v) for s, e, v in source.intervals("chrI")]
    source.close()
    bw = write_bigwig(tmp_path / "s.bw", [("chrI", CHRI_LENGTH)],
                      [("chrI", 0, 100, float("inf")), ("chrI", 100, 150, -3.0)]
                      + [("chrI", s, e, v) for s, e, v in entries if s >= 150])
    out = tmp_path / "out"
    result = run("--genome", genome, "--signal", bw, "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert "100 infinite and 50 negative value(s) read as zero" in result.stderr
    summary = _strict_json(out / "prepare.json")
    assert summary["signal_infinite_bases"] == 100 and summary["signal_negative_bases"] == 50
    assert summary["regions"]["count"] > 0 and summary["regions"]["threshold"]["value"] > 0


def test_empty_peaks_file_is_an_error(mini, genome, tmp_path):
    peaks = tmp_path / "empty.narrowPeak"
    peaks.write_text("")
    out = tmp_path / "out"
    message = assert_clean_error(run("--genome", genome, "--signal", mini["signal"], "--peaks", peaks, "--out-dir", out),
                                 out, "empty.narrowPeak")
    assert "no peak" in message


def test_all_n_chromosome_is_excluded_not_a_fold(tmp_path):
    rng = __import__("numpy").random.default_rng(0)
    names = ["chr1", "chr2", "chr3"]
    fasta = tmp_path / "g.fa"
    fasta.write_text("".join(f">{name}\n{''.join(rng.choice(list('ACGT'), 2000))}\n" for name in names)
                     + ">scaffold9\n" + "N" * 20_000 + "\n")
    entries = [(name, start, start + 100, 30.0) for name in names for start in (300, 1200)]
    bw = write_bigwig(tmp_path / "g.bw", [(name, 2000) for name in names] + [("scaffold9", 20_000)], entries)
    out = tmp_path / "out"
    result = run("--genome", fasta, "--signal", bw, "--smooth", "5", "--min-length", "10", "--out-dir", out)
    assert result.exit_code == 0, result.output
    assert "scaffold9" in result.stderr and "all N" in result.stderr
    folds = json.loads((out / "folds.json").read_text())
    assert "scaffold9" not in sum(folds.values(), [])
    assert all(folds[fold] for fold in ("train", "valid", "test")), folds
    assert _strict_json(out / "prepare.json")["excluded_chromosomes"]["scaffold9"].startswith("all N")


def test_genome_of_only_n_is_an_error(tmp_path):
    fasta = tmp_path / "g.fa"
    fasta.write_text(">chr1\n" + "N" * 500 + "\n")
    bw = write_bigwig(tmp_path / "g.bw", [("chr1", 500)], [("chr1", 0, 100, 5.0)])
    out = tmp_path / "out"
    message = assert_clean_error(run("--genome", fasta, "--signal", bw, "--out-dir", out), out)
    assert "chr1: all N" in message


def test_nan_threshold_factor_is_a_usage_error(mini, genome, tmp_path):
    result = run("--genome", genome, "--signal", mini["signal"], "--threshold-factor", "nan", "--out-dir", tmp_path / "o")
    assert result.exit_code == 2 and "finite" in result.stderr and not (tmp_path / "o").exists()
