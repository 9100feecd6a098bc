"""Scan memory does not grow with chromosome length (peak RSS of a subprocess, scan and tracks).

A scan's memory is set by its batch: rows x chunk bases of inputs, gates and
outputs.  A chromosome fills the rows with its strands and null windows, so the
batch is made small enough (8 rows, 10 kb null windows) that both chromosomes fill
it; beyond that nothing may grow with the length.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pysam
import pytest
from scan_testlib import small_model

_CHILD = textwrap.dedent("""
    import json, resource, sys
    from gategenome.cli.main import cli

    cli.main(sys.argv[1:], standalone_mode=False)
    peaks = [resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print(json.dumps(peaks))
""")


def _genome(path, length: int, seed: int):
    """One random chromosome of ``length`` bases with a 5 kb run of N, written without holding it as text."""
    rng = np.random.default_rng(seed)
    with open(path, "wb") as handle:
        handle.write(b">chr1\n")
        for start in range(0, length, 60 * 16384):
            seq = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, min(60 * 16384, length - start))]
            if start == 0:
                seq[100_000:105_000] = ord("N")
            for line in range(0, seq.size, 60):
                handle.write(seq[line:line + 60].tobytes() + b"\n")
    pysam.faidx(str(path))
    return path


@pytest.mark.slow
def test_scan_peak_memory_does_not_grow_with_chromosome_length(tmp_path):
    model = small_model(tmp_path / "model.pt", hidden_size=4, num_layers=1)
    peaks = {}
    for mb in (2, 10):
        genome = _genome(tmp_path / f"g{mb}.fa", mb * 1_000_000, seed=mb)
        out = tmp_path / f"scan{mb}"
        run = subprocess.run([sys.executable, "-c", _CHILD, "scan", "--model", str(model), "--genome", str(genome),
                              "--out-dir", str(out), "--no-progress", "--batch-size", "8", "--null-window", "10000"],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        self_kb, children_kb = json.loads(run.stdout.splitlines()[-1])
        peaks[mb] = (self_kb / 1024, children_kb / 1024)  # scan process, largest track writer (MB)
        assert (out / "forget.plus.bw").exists()
    # 8 MB more bases on both strands: a scan holding 1 byte per base would add 16 MB
    assert peaks[10][0] - peaks[2][0] < 12, peaks
    assert peaks[10][1] - peaks[2][1] < 12, peaks
