"""The streaming bigWig writer: read back by pyBigWig and pybigtools, zoom levels, size, bounded memory."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pybigtools
import pyBigWig
import pytest

from gategenome.io import bigwig_writer
from gategenome.io.bigwig import write_bigwig


def _write(path, data: dict[str, np.ndarray], **options):
    sizes = {chrom: values.size for chrom, values in data.items()}
    readers = {chrom: (lambda start, end, v=values: v[start:end]) for chrom, values in data.items()}
    write_bigwig(path, sizes, readers, **options)
    return path


def _zoom_reductions(path) -> list[int]:
    with open(path, "rb") as handle:
        head = handle.read(64 + 24 * 10)
    count = struct.unpack_from("<H", head, 6)[0]
    return [struct.unpack_from("<I", head, 64 + 24 * level)[0] for level in range(count)]


def _pybigtools_values(path, chrom, length):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.asarray(pybigtools.open(str(path)).values(chrom, 0, length), dtype=np.float32)


def gate_like(length: int, seed: int = 0) -> np.ndarray:
    """A forget-gate-like track: near 0.985 with noise, and dips toward 0 every few kb."""
    rng = np.random.default_rng(seed)
    values = 0.985 + 0.003 * rng.standard_normal(length)
    for start in rng.integers(0, length - 300, length // 3000):
        values[start:start + 200] *= np.linspace(1, 0.05, 200)
    return np.clip(values, 0, 1).astype(np.float16).astype(np.float32)


def test_round_trip_many_chromosomes_and_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(bigwig_writer, "SECTION", 16)  # over 256 blocks: a two-level R-tree
    rng = np.random.default_rng(1)
    data = {f"s{i}": np.round(rng.random(int(rng.integers(20, 90))), 1).astype(np.float32) for i in range(300)}
    data["big"] = rng.random(9_000).astype(np.float32)
    data["big"][100:400] = np.nan
    data["s7"][:] = np.nan  # a chromosome without any value
    path = _write(tmp_path / "t.bw", data)  # 301 names: a two-level chromosome tree
    bw = pyBigWig.open(str(path))
    assert list(bw.chroms().items()) == [(chrom, values.size) for chrom, values in data.items()]
    for chrom in ("s0", "s150", "s299", "big", "s7"):
        expected = data[chrom]
        np.testing.assert_array_equal(bw.values(chrom, 0, expected.size, numpy=True), expected)
        np.testing.assert_array_equal(_pybigtools_values(path, chrom, expected.size), expected)
    assert bw.intervals("s7") is None
    valid = np.concatenate([v[~np.isnan(v)] for v in data.values()])
    header = bw.header()
    assert header["nBasesCovered"] == valid.size
    assert header["maxVal"] == pytest.approx(float(valid.max()))
    bw.close()


def test_precision_bounds_the_error_and_the_size(tmp_path):
    values = gate_like(400_000)
    sizes = {}
    for precision in (None, 3, 2):
        path = _write(tmp_path / f"p{precision}.bw", {"chr1": values}, precision=precision)
        read = pyBigWig.open(str(path)).values("chr1", 0, values.size, numpy=True)
        error = np.abs(read - values).max()
        assert error <= (0 if precision is None else 0.5 * 10.0 ** -precision + 1e-6)
        sizes[precision] = path.stat().st_size / values.size
    assert sizes[2] < sizes[3] < sizes[None]
    assert sizes[2] <= 1.0, sizes  # the goal: at most 1 byte per base at the default precision


def test_zoom_levels_summarise_the_values(tmp_path):
    values = gate_like(300_000, seed=3)
    values[5_000:9_000] = np.nan
    path = _write(tmp_path / "z.bw", {"chr1": values}, max_zooms=3)
    assert _zoom_reductions(path) == [128, 512, 2048]
    assert _zoom_reductions(_write(tmp_path / "none.bw", {"chr1": values}, max_zooms=0)) == []
    assert _zoom_reductions(_write(tmp_path / "all.bw", {"chr1": values})) == [128 * 4 ** k for k in range(6)]  # < 300 kb
    bw = pyBigWig.open(str(path))
    bins = values[: 2048 * 146].reshape(146, 2048)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN bin: NaN, as pyBigWig says
        exacts = (("max", np.nanmax(bins, axis=1)), ("min", np.nanmin(bins, axis=1)),
                  ("mean", np.nanmean(bins.astype(np.float64), axis=1)))
    assert np.isnan(exacts[0][1][3])
    for kind, exact in exacts:
        zoomed = np.array(bw.stats("chr1", 0, 2048 * 146, type=kind, nBins=146), dtype=np.float64)
        np.testing.assert_allclose(zoomed, exact, rtol=1e-5, err_msg=kind)
    bw.close()


_CHILD = textwrap.dedent("""
    import json, resource, sys
    import numpy as np
    from gategenome.io.bigwig import write_bigwig

    length = int(sys.argv[2])

    def read(start, end):
        rng = np.random.default_rng(start)
        return np.round(0.9 + 0.1 * rng.random(end - start), 2)

    write_bigwig(sys.argv[1], {"chr1": length}, {"chr1": read}, precision=2)
    print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
""")


@pytest.mark.slow
def test_writer_memory_does_not_grow_with_the_chromosome(tmp_path):
    peaks = {}
    for length in (4_000_000, 40_000_000):
        run = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / f"{length}.bw"), str(length)],
                             capture_output=True, text=True, check=True)
        peaks[length] = json.loads(run.stdout) / 1024  # MB
    # the old writer grew by 6-7 bytes per base: 240 MB more for the longer chromosome
    assert peaks[40_000_000] - peaks[4_000_000] < 15, peaks
