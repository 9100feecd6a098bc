"""Boundary-call memory does not grow with the chromosome: peak RSS of `gategenome boundaries` on 2 Mb and 10 Mb.

The windows around candidates and decoys are read a block at a time with
``pread``; gathering them through the memory maps left every touched page
resident while a chunk of 8,192 positions was read (the default 100,000 decoys
on a 250 Mb genome, one every ~2.5 kb, touch most pages of a chromosome's
accessibility arrays).  8,000 decoys do that here: through the maps this grew by
about 4 bytes a base (float16 accessibility, two strands).  What grows now is
only the candidates (a region edge every ~1.5 kb here) and their records.
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
def test_boundaries_memory_does_not_grow_with_the_chromosome(tmp_path):
    sizes = (2_000_000, 10_000_000)
    peaks, called = {}, {}
    for size in sizes:
        case = build(tmp_path / str(size), size)
        out = case["root"] / "boundaries.bed"
        peaks[size], _ = peak_rss(_CHILD, "boundaries", "--scan-dir", str(case["scan"]), "--out", str(out),
                                  "--regions-out", str(case["root"] / "region_calls.bed"),
                                  "--signal", str(case["signal"]), "--decoys", "8000")
        called[size] = sum(1 for line in out.open() if line.startswith("chrT"))
    assert called[sizes[1]] > 4 * called[sizes[0]] > 500  # the planted region edges are called on both
    growth = (peaks[sizes[1]] - peaks[sizes[0]]) / (sizes[1] - sizes[0])
    assert growth < 2, f"peak RSS {peaks}: {growth:.2f} bytes per extra base"
