"""``gategenome boundaries``: one call per accessibility boundary, both strands merged, and region calls."""

from __future__ import annotations

import click

from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.cli.common import FiniteFloat, refuse_same_files, require_writable, setting_default
from gategenome.cli.main import CONTEXT_SETTINGS

_B = BoundaryCallSettings


@click.command("boundaries", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Output of 'gategenome scan'.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Boundary calls, BED6+7; settings and counts go to the same name with .json.")
@click.option("--regions-out", type=click.Path(dir_okay=False), default=None,
              help="Also write region calls (an opening candidate paired with the next closing one, at least "
                   "one of them a boundary call), BED6.")
@click.option("--fdr", type=FiniteFloat(0.0, 1.0), default=setting_default(_B, "fdr"), show_default=True,
              help="Report boundaries with Benjamini-Hochberg q-value at most this.")
@click.option("--merge-distance", type=click.IntRange(min=1), default=setting_default(_B, "merge_distance"),
              show_default=True, help="Drop summits of either strand closer than this are one boundary, bases.")
@click.option("--window", type=click.IntRange(min=1), default=setting_default(_B, "window"), show_default=True,
              help="Bases on each side over which the predicted accessibility step is measured.")
@click.option("--ci-pad", type=click.IntRange(min=0), default=setting_default(_B, "ci_pad"), show_default=True,
              help="Bases added on each side of the merged summits' span (the reported interval).")
@click.option("--refine/--no-refine", default=setting_default(_B, "refine"), show_default=True,
              help="Move each boundary to the nearest half-way crossing of the predicted accessibility.")
@click.option("--decoy-exclusion", type=click.IntRange(min=1), default=setting_default(_B, "decoy_exclusion"),
              show_default=True,
              help="A candidate is background (null) when predicted accessibility stays on one side of 0.5 "
                   "within this many bases.")
@click.option("--min-null", type=click.IntRange(min=1), default=setting_default(_B, "min_null"), show_default=True,
              help="Fewer background candidates than this: the null uses random positions instead.")
@click.option("--decoys", type=click.IntRange(min=1), default=setting_default(_B, "decoys"), show_default=True,
              help="Random positions of that fallback null.")
@click.option("--seed", type=int, default=setting_default(_B, "seed"), show_default=True,
              help="Seed of the random positions.")
@click.option("--signal", type=click.Path(dir_okay=False), default=None,
              help="ATAC bigWig of the signal test; default: the one the scan read (its scan.json).")
@click.option("--signal-test/--no-signal-test", default=setting_default(_B, "signal_test"), show_default=True,
              help="Also require the signal on the accessible side to exceed the other side's.")
@click.option("--signal-window", type=click.IntRange(min=1), default=setting_default(_B, "signal_window"),
              show_default=True, help="Bases on each side over which the signal test sums the signal.")
@click.option("--min-depth", type=FiniteFloat(0.0, 1.0), default=setting_default(CallSettings, "min_depth"),
              show_default=True, help="Shallowest drop (1 - min forget gate) that can make a boundary.")
@click.option("--min-length", type=click.IntRange(min=1), default=setting_default(CallSettings, "min_length"),
              show_default=True, help="Shortest drop that can make a boundary, bases.")
@click.option("--threshold-quantile", type=FiniteFloat(0.0, 1.0, min_open=True),
              default=setting_default(CallSettings, "threshold_quantile"), show_default=True,
              help="Drop threshold: this quantile of the null's mean forget gate (as in 'gategenome call').")
@click.option("--track-line/--no-track-line", default=False, show_default=True,
              help="Start the files with a UCSC 'track' line.")
def command(scan_dir, out, regions_out, fdr, merge_distance, window, ci_pad, refine, decoy_exclusion, min_null, decoys, seed,
            signal, signal_test, signal_window, min_depth, min_length, threshold_quantile, track_line):
    """Call accessibility boundaries: the two strands' drops merged, one record per boundary.

    The drops of 'gategenome call' (any q-value) whose summits lie within
    --merge-distance of each other, on either strand, become one candidate: the
    plus-strand scan drops on entering a region at its left edge, the
    minus-strand scan at its right edge, and either can drop on leaving.  Each
    candidate's statistic is the step of the predicted accessibility across it
    (mean over --window bases right minus left: > 0 opening, < 0 closing); its
    p-value comes from the same step at the background candidates (drops with
    no predicted edge within --decoy-exclusion), with an exponential tail.
    With --signal-test (the default) the ATAC signal must also differ: the
    summed signal over --signal-window bases on the accessible side against
    the other side, as over-dispersed Poisson counts (two-sided test); the larger
    of the two p-values is kept, and Benjamini-Hochberg q-values give the
    calls.  Columns: chrom, start, end (interval the boundary lies in), name,
    score (1000 x |step|), strand (.), signalValue (|step|), pValue and qValue
    (-log10), peak (position offset), direction (opening/closing), strands
    (+, - or +-), depth.

    \b
    Examples:
      gategenome boundaries --scan-dir scan --out boundaries.bed --regions-out region_calls.bed
      gategenome boundaries --scan-dir scan --out boundaries.bed --fdr 0.01 --merge-distance 80
      gategenome boundaries --scan-dir scan --out boundaries.bed --signal atac.bw
    """
    from pathlib import Path

    from gategenome.call.run import run_boundaries

    out_path = Path(out)
    outputs = {"--out": out_path, "the settings JSON (--out with .json)": out_path.with_suffix(".json"),
               "--regions-out": regions_out}
    refuse_same_files(outputs, {"--scan-dir's scan.json": Path(scan_dir) / "scan.json"})
    for label, path in outputs.items():
        require_writable("--out" if label.startswith("the settings") else label, path)
    call_settings = CallSettings(min_length=min_length, threshold_quantile=threshold_quantile, min_depth=min_depth)
    settings = BoundaryCallSettings(fdr=fdr, merge_distance=merge_distance, window=window, ci_pad=ci_pad, refine=refine,
                                    decoy_exclusion=decoy_exclusion, min_null=min_null, decoys=decoys, seed=seed,
                                    signal_test=signal_test, signal_window=signal_window)
    run_boundaries(signal, scan_dir, out, settings, call_settings, regions_out=regions_out, track_line=track_line)
