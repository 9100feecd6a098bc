"""Evaluate memory does not grow with the chromosome: peak RSS of an evaluation of a 2 Mb and a 10 Mb test fold.

Everything chromosome-long is read or computed a block at a time: the scan's
arrays with ``pread``, the smoothed signal chunk by chunk (runs above the
threshold joined across chunks), the label only on the sampled bases.  Holding
one chromosome's label and smoothed signal costs 5 bytes a base, reading the
arrays through their memory maps 2 more per array; the accessibility scores rank
at most ``max_auc_bases`` bases whatever the fold, so it is made small here.
What may grow is the drops and regions held as records (about 1 byte per extra
base here); the whole chromosome held or read through its maps added 16.5 bytes
per extra base (118 and 250 MB).
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
from large_scan import PEAK, build, peak_rss

from gategenome.call.drops import call_drop_table

_CHILD = textwrap.dedent(f"""
    import json, sys
    from gategenome.evaluate.run import evaluate
    from gategenome.evaluate.settings import EvaluateSettings

    drops, scan, regions, folds, signal = sys.argv[1:]
    settings = EvaluateSettings(max_auc_bases=200_000, replicates=50)
    results = evaluate(drops, scan, regions, folds, settings, signal_path=signal).results
    print(json.dumps([results["counts"]["drops"], results["boundaries"]["model"]["any"]["both"]["100"]["f1"],
                      results["boundaries"]["signal"]["any"]["both"]["100"]["f1"]]))
    print({PEAK})
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/status: Linux")
def test_evaluate_memory_does_not_grow_with_the_chromosome(tmp_path):
    sizes = (2_000_000, 10_000_000)
    peaks = {}
    for size in sizes:
        case = build(tmp_path / str(size), size)
        table, _ = call_drop_table(case["scan"])
        table.write_bed(case["root"] / "drops.bed")
        peaks[size], stdout = peak_rss(_CHILD, str(case["root"] / "drops.bed"), str(case["scan"]),
                                       str(case["regions"]), str(case["folds"]), str(case["signal"]))
        drops, model_f1, signal_f1 = json.loads(stdout.splitlines()[-2])
        assert drops > size // 2_000 and model_f1 > 0.5 and signal_f1 > 0.5  # the evaluation found what is planted
    growth = (peaks[sizes[1]] - peaks[sizes[0]]) / (sizes[1] - sizes[0])
    assert growth < 3, f"peak RSS {peaks}: {growth:.2f} bytes per extra base"
