"""Fragments files: 10x-style barcodes and groups, pseudo-bulk per group summing to the bulk."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pyBigWig
import pytest

from gategenome.data.fragments import FragmentCounts, read_barcodes, read_fragment_file
from gategenome.data.settings import SignalSettings
from gategenome.data.signal import run_signal
from gategenome.errors import InputError


def _values(path, chrom="chrI"):
    with pyBigWig.open(str(path)) as bw:
        return np.nan_to_num(bw.values(chrom, 0, bw.chroms()[chrom], numpy=True))


@pytest.fixture(scope="module")
def tenx(mini, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The chrI fragments as a 10x fragments.tsv.gz with 40 made-up cells; cell -> cell type."""
    rng = np.random.default_rng(7)
    cells = [f"{''.join(rng.choice(list('ACGT'), 16))}-1" for _ in range(40)]
    types = {cell: ["Bcell", "Tcell", "Mono"][index % 3] for index, cell in enumerate(cells)}
    path = tmp_path_factory.mktemp("tenx") / "fragments.tsv.gz"
    with gzip.open(mini["genome"].parent / "SRR1822137_chrI.fragments.bedpe.gz", "rt") as source, \
            gzip.open(path, "wt") as out:
        out.write("# id=test\n# reference_path=sacCer3\n")
        for line in source:
            out.write(f"{line.rstrip()}\t{rng.choice(cells)}\t{rng.integers(1, 5)}\n")
    return path, types


def test_groups_sum_to_the_bulk_and_one_column_keeps_cells(mini, tenx, tmp_path):
    fragments, types = tenx
    groups_file = tmp_path / "types.tsv"
    groups_file.write_text("".join(f"{cell}\t{kind}\n" for cell, kind in types.items()))
    summary = run_signal(str(mini["genome"]), [str(fragments)], [], str(tmp_path / "groups"),
                         SignalSettings(call_peaks=False), barcodes=str(groups_file))
    assert set(summary["groups"]) == {"Bcell", "Tcell", "Mono"}
    for track, shared in (("coverage", mini["signal"]), ("cutsites", mini["cutsites"])):
        per_group = [_values(tmp_path / "groups" / f"{kind}.{track}.bw") for kind in ("Bcell", "Tcell", "Mono")]
        assert all(values.sum() > 0 for values in per_group)
        assert np.array_equal(sum(per_group), _values(shared))
    assert sum(group["fragments"] for group in summary["groups"].values()) == 5771

    tcells = sorted(cell for cell, kind in types.items() if kind == "Tcell")
    keep = tmp_path / "tcells.txt"
    keep.write_text("\n".join(tcells) + "\n")
    run_signal(str(mini["genome"]), [str(fragments)], [], str(tmp_path / "t"), SignalSettings(call_peaks=False),
               barcodes=str(keep))
    assert np.array_equal(_values(tmp_path / "t" / "coverage.bw"), _values(tmp_path / "groups" / "Tcell.coverage.bw"))
    record = json.loads((tmp_path / "t" / "signal.json").read_text())["inputs"][0]
    assert record["kept"] == summary["groups"]["Tcell"]["fragments"]
    assert record["dropped"]["barcode not selected"] == 5771 - record["kept"]


def test_count_column_is_summed_not_used_as_weight(mini, tenx):
    fragments, _ = tenx
    counts = FragmentCounts()
    chunks = list(read_fragment_file(fragments, {"chrI": 230218}, counts, chunk=1000))
    assert sum(chunk.starts.size for chunk in chunks) == counts.kept == 5771
    assert 5771 < counts.reads <= 4 * 5771
    assert len(chunks) > 1  # read in blocks of about 1000 lines


def test_barcodes_file_errors(tmp_path):
    mixed = tmp_path / "mixed.tsv"
    mixed.write_text("AAAC-1\tB\nAAAG-1\n")
    with pytest.raises(InputError, match="mixed.tsv: line 2 has 1 columns"):
        read_barcodes(mixed)
    twice = tmp_path / "twice.tsv"
    twice.write_text("AAAC-1\tB\nAAAC-1\tT\n")
    with pytest.raises(InputError, match="line 2: barcode AAAC-1 is in two groups"):
        read_barcodes(twice)
    barcodes, groups = read_barcodes(_write(tmp_path / "ok.tsv", "A-1\tT\nC-1\tB\nG-1\tT\n"))
    assert groups == ["T", "B"] and barcodes == {"A-1": 0, "C-1": 1, "G-1": 0}


def test_a_group_name_that_cannot_name_a_file_is_refused(mini, tenx, tmp_path):
    fragments, types = tenx
    bad = _write(tmp_path / "bad.tsv", "".join(f"{cell}\t../up\n" for cell in types))
    with pytest.raises(InputError, match="group '../up'"):
        run_signal(str(mini["genome"]), [str(fragments)], [], str(tmp_path / "x"), SignalSettings(call_peaks=False),
                   barcodes=str(bad))
    assert not (tmp_path / "x").exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
