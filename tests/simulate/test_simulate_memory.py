"""Simulation memory does not grow with the chromosome (peak RSS and traced peak of `gategenome simulate`).

A chromosome is drawn a piece at a time; the piece (and the bigWig writer's
block) is made small here (128 kb) so that 0.5 Mb and 2.5 Mb chromosomes are both
many pieces.  Regions are planted every ~1 kb, so records held as Python objects
for the whole genome (the region, its BED record, four boundary records and a
peak: about 1.3 kB per region) added 1.35 bytes per extra base to what ``tracemalloc`` traces (Python objects and
numpy arrays); it may now grow by at most 0.5 byte per extra base, the peak RSS
(allocator noise of several MB included) by 6.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

_CHILD = textwrap.dedent("""
    import json, resource, sys, tracemalloc
    import gategenome.io.bigwig_writer as bigwig_writer
    import gategenome.simulate.pieces as pieces
    from gategenome.cli.main import cli

    pieces.PIECE = bigwig_writer.BLOCK = 1 << 17
    tracemalloc.start()
    cli.main(sys.argv[1:], standalone_mode=False)
    print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, tracemalloc.get_traced_memory()[1]]))
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB: Linux")
def test_simulate_memory_does_not_grow_with_the_chromosome(tmp_path):
    sizes = (500_000, 2_500_000)
    peaks = {}
    for size in sizes:
        out = tmp_path / f"sim{size}"
        run = subprocess.run([sys.executable, "-c", _CHILD, "simulate", "--out-dir", str(out), "--chroms", "1",
                              "--length", str(size), "--spacing", "1000", "--gap-length", "50000"],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        peaks[size] = json.loads(run.stdout.splitlines()[-1])
        regions = json.loads((out / "simulate.json").read_text())["regions"]
        assert regions > size // 1500  # the records whose growth is checked were made
    extra = sizes[1] - sizes[0]
    rss, traced = (peaks[sizes[1]][i] - peaks[sizes[0]][i] for i in range(2))
    assert traced < 0.5 * extra, f"traced peak {peaks}: {traced / extra:.2f} bytes per extra base"
    assert rss < 6 * extra, f"peak RSS {peaks}: {rss / extra:.2f} bytes per extra base"
