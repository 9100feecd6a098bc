"""MACS3 peaks: the README's callpeak on the yeast fragments gives its 1,411 peaks; provenance recorded."""

from __future__ import annotations

import json
import shlex

import pytest

from gategenome.data.peaks import call_peaks, callpeak_command, find_macs3, macs3_version
from gategenome.data.prepare import run_prepare
from gategenome.data.settings import PrepareSettings, SignalSettings
from gategenome.data.signal import run_signal
from gategenome.errors import ConfigError
from gategenome.io.bed import read_bed

YEAST_LENGTH = 12_157_105


def _peak_set(path) -> set[tuple[str, int, int]]:
    return {(iv.chrom, iv.start, iv.end) for iv in read_bed(path)}


def _without_names(path) -> list[list[str]]:
    return [fields[:3] + fields[4:] for fields in (line.split("\t") for line in open(path))]


def _jaccard(a, b) -> float:
    """Base-pair Jaccard index of two interval sets."""
    def bases(intervals):
        return {(chrom, base) for chrom, start, end in intervals for base in range(start, end)}

    x, y = bases(a), bases(b)
    return len(x & y) / len(x | y)


def test_callpeak_command_is_the_readme_command():
    command = callpeak_command("macs3", "f.bedpe.gz", "n", "out", YEAST_LENGTH, 0.01)
    assert shlex.join(command) == ("macs3 callpeak -t f.bedpe.gz -f BEDPE -g 12157105 --keep-dup all -q 0.01 "
                                   "-n n --outdir out")


@pytest.mark.slow
def test_macs3_on_the_yeast_fragments_gives_the_shared_peaks(yeast, tmp_path):
    fragments = yeast["genome"].parent / "SRR1822137.fragments.bedpe.gz"
    record = call_peaks(fragments, tmp_path / "peaks.narrowPeak", YEAST_LENGTH, 0.01)
    made, shared = _peak_set(tmp_path / "peaks.narrowPeak"), _peak_set(yeast["peaks"])
    assert len(shared) == 1411
    if record["version"] == "3.0.4":  # the version that made the shared peaks: identical but for the names
        assert _without_names(tmp_path / "peaks.narrowPeak") == _without_names(yeast["peaks"])
    else:
        assert abs(len(made) - 1411) < 0.05 * 1411 and _jaccard(made, shared) > 0.9, (len(made), record)


def test_signal_calls_peaks_and_prepare_records_the_macs3_command(mini, tmp_path):
    fragments = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    out = tmp_path / "signal"
    summary = run_signal(str(mini["genome"]), [str(fragments)], [], str(out), SignalSettings(genome_size=YEAST_LENGTH))
    record = summary["peaks"]["all"]
    assert record["version"] == macs3_version(find_macs3())
    assert record["command"].startswith("macs3 callpeak -t ") and "-f BEDPE -g 12157105" in record["command"]
    peaks = read_bed(out / "peaks.narrowPeak")
    assert record["peaks"] == len(peaks) > 0
    shared = read_bed(mini["peaks"])  # the chrI peaks of the whole-genome call
    hit = sum(any(p.start < s.end and s.start < p.end for p in peaks) for s in shared)
    assert hit >= 0.8 * len(shared), (hit, len(shared))

    prep = tmp_path / "prep"
    run_prepare(str(mini["genome"]), str(out / "coverage.bw"), str(prep),
                PrepareSettings(exclude_chroms=[], valid_chroms=[], test_chroms=[]),
                peaks=str(out / "peaks.narrowPeak"), signal_summary=str(out / "signal.json"))
    recorded = json.loads((prep / "prepare.json").read_text())["signal_provenance"]
    assert recorded["peaks"]["all"]["command"] == record["command"]
    assert recorded["peaks"]["all"]["version"] == record["version"]
    assert recorded["inputs"][0]["kept"] == 5771


def test_missing_macs3_is_a_config_error_before_any_work(mini, tmp_path):
    fragments = mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz"
    with pytest.raises(ConfigError, match="--macs3 no-such-macs3: MACS3 not found"):
        run_signal(str(mini["genome"]), [str(fragments)], [], str(tmp_path / "s"),
                   SignalSettings(macs3="no-such-macs3"))
    assert not (tmp_path / "s").exists()


def test_each_barcode_group_gets_its_own_macs3_peaks(mini, tmp_path):
    """A 10x file: MACS3 reads a BEDPE of exactly each group's fragments (here two halves of chrI's cells)."""
    import gzip

    fragments = tmp_path / "fragments.tsv.gz"
    with gzip.open(mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz", "rt") as source, \
            gzip.open(fragments, "wt") as out:
        for number, line in enumerate(source):
            out.write(f"{line.rstrip()}\tcell{number % 4}-1\t1\n")
    groups = tmp_path / "groups.tsv"
    groups.write_text("cell0-1\tA\ncell1-1\tA\ncell2-1\tB\ncell3-1\tB\n")
    out = tmp_path / "signal"
    summary = run_signal(str(mini["genome"]), [str(fragments)], [], str(out), SignalSettings(genome_size=YEAST_LENGTH),
                         barcodes=str(groups))
    assert set(summary["peaks"]) == {"A", "B"}
    for group in ("A", "B"):
        record = summary["peaks"][group]
        assert " -f BEDPE " in record["command"] and record["peaks"] == len(read_bed(out / f"{group}.peaks.narrowPeak"))
        assert record["peaks"] > 0
    assert not (out / ".scratch").exists() and not list(out.glob(".macs3*"))
