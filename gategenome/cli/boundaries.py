"""``gategenome boundaries``: one call per accessibility boundary, both strands merged, and region calls."""

from __future__ import annotations

from pathlib import Path

import click

from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options


@click.command("boundaries", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Output of 'gategenome scan'.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Boundary calls, BED6+7; settings and counts go to the same name with .json.")
@click.option("--regions-out", type=click.Path(dir_okay=False), default=None,
              help="Also write region calls (an opening candidate paired with the next closing one, at least "
                   "one of them a boundary call), BED6.")
@click.option("--signal", type=click.Path(dir_okay=False), default=None,
              help="ATAC bigWig of the signal test; default: the one the scan read (its scan.json).")
@settings_options(BoundaryCallSettings, CallSettings)
@config_option(BoundaryCallSettings, CallSettings)
@click.option("--track-line/--no-track-line", default=False, show_default=True,
              help="Start the files with a UCSC 'track' line.")
@guard_paths(inputs=("signal",), input_dirs=("scan_dir",), outputs=("out", "regions_out"),
             derived=lambda p: {"the settings JSON (--out with .json)": Path(p["out"]).with_suffix(".json")})
def command(scan_dir, out, regions_out, signal, track_line, **options):
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
    settings = settings_from_options(BoundaryCallSettings, options)
    # --fdr is the boundaries' FDR; the drops that make candidates are taken at any q-value
    call_settings = settings_from_options(CallSettings, {name: value for name, value in options.items() if name != "fdr"})
    run_boundaries(signal, scan_dir, out, settings, call_settings, regions_out=regions_out, track_line=track_line)
