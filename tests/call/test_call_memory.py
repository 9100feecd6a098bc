"""Call memory does not grow with the chromosome: peak RSS of `gategenome call` on 2 Mb and 10 Mb.

A chromosome is read a block at a time with ``pread`` (a memory map's pages,
once read, stay resident: 2 bytes a base per strand), so what grows is only the
called drops (about 50 bytes each, a drop every ~1.5 kb per strand here: about
0.1 MB).  Reading through the map, in blocks as long as the chromosome, or
holding every run below the threshold before filtering them added 8.4 bytes per
extra base (61 and 129 MB); now about 0.7.
"""

from __future__ import annotations

import sys
import textwrap

import pytest
from large_scan import PEAK, build, peak_rss

_CHILD = textwrap.dedent(f"""
    import sys
    from gategenome.cli.main import cli

    cli.main(sys.argv[1:], standalone_mode=False)
    print({PEAK})
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status: Linux")
def test_call_memory_does_not_grow_with_the_chromosome(tmp_path):
    sizes = (2_000_000, 10_000_000)
    peaks, called = {}, {}
    for size in sizes:
        case = build(tmp_path / str(size), size)
        out = case["root"] / "drops.bed"
        peaks[size], _ = peak_rss(_CHILD, "call", "--scan-dir", str(case["scan"]), "--out", str(out))
        called[size] = sum(1 for line in out.open() if line.startswith("chrT"))
    assert called[sizes[1]] > 4 * called[sizes[0]] > 1_000  # the planted drops are called on both
    growth = (peaks[sizes[1]] - peaks[sizes[0]]) / (sizes[1] - sizes[0])
    assert growth < 2, f"peak RSS {peaks}: {growth:.2f} bytes per extra base"
