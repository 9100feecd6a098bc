"""``gategenome call``: forget-gate drops as BED6+4, calibrated against the shuffled null."""

from __future__ import annotations

from pathlib import Path

import click

from gategenome.call.settings import CallSettings
from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options


@click.command("call", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Output of 'gategenome scan'.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Drops BED6+4 (narrowPeak layout); settings and counts go to the same name with .json.")
@settings_options(CallSettings)
@config_option(CallSettings)
@click.option("--track-line/--no-track-line", default=False, show_default=True,
              help="Start the file with a UCSC 'track' line.")
@guard_paths(input_dirs=("scan_dir",), outputs=("out",),
             derived=lambda p: {"the settings JSON (--out with .json)": Path(p["out"]).with_suffix(".json")})
def command(scan_dir, out, track_line, **options):
    """Call forget-gate drops: runs of bases whose mean forget gate falls below a threshold.

    The threshold is a low quantile of the null (the model's gates over
    dinucleotide-shuffled sequence, stored by 'gategenome scan'); each drop's
    depth (1 - min f) gets an empirical p-value against the null's drops and a
    Benjamini-Hochberg q-value.  Drops shallower than --min-depth are not
    tested: the default model closes its gate almost fully at region edges.
    Columns: chrom, start, end, name, score
    (1000 x depth), strand (scan direction), signalValue (depth), pValue and
    qValue (-log10), peak (summit offset).  Sorted in genome order.

    \b
    Examples:
      gategenome call --scan-dir scan --out drops.bed
      gategenome call --scan-dir scan --out drops.bed --fdr 0.01 --min-length 5 --track-line
      gategenome call --scan-dir scan --out drops.bed --min-depth 0    # every drop the null allows
      gategenome call --scan-dir scan --out drops.bed --config call.yaml   # settings from YAML
    """
    from pathlib import Path

    from gategenome.call.run import run_call

    out_path = Path(out)
    refuse_same_files({"--out": out_path, "the settings JSON (--out with .json)": out_path.with_suffix(".json")},
                      {"--scan-dir's scan.json": Path(scan_dir) / "scan.json"})
    require_writable("--out", out_path)
    require_writable("--out", out_path.with_suffix(".json"))
    settings = settings_from_options(CallSettings, options)
    run_call(scan_dir, out, settings, track_line=track_line)
