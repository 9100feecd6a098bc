"""``gategenome tracks``: bigWig gate and accessibility tracks from a scan directory."""

from __future__ import annotations

from pathlib import Path

import click

from gategenome.cli.common import require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.io.guard import guard_paths
from gategenome.io.scandir.layout import TRACK_FILES
from gategenome.export.settings import TrackSettings


@click.command("tracks", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Output of 'gategenome scan'.")
@click.option("--out-dir", type=click.Path(file_okay=False), default=None, show_default="the scan directory",
              help="Where to write the bigWigs.")
@settings_options(TrackSettings)
@config_option(TrackSettings)
@guard_paths(input_dirs=("scan_dir",), output_dirs=("out_dir",), writes_into=("scan_dir",),
             derived=lambda p: {f"--out-dir's {name}": Path(p["out_dir"] or p["scan_dir"]) / name
                                for name in TRACK_FILES.values()}, product="scan.json")
def command(scan_dir, out_dir, **options):
    """Gather scan shards into bigWigs for IGV and the UCSC browser.

    Writes forget.plus.bw and forget.minus.bw (mean forget gate per strand, at
    reference coordinates) and accessibility.bw (predicted probability of
    accessibility: the mean of the two strands, or the one scanned strand).
    Chromosomes are in FASTA order; runs of N are gaps; chromosomes not (yet)
    scanned are empty.  Values are rounded to --precision decimal places and
    stored as fixedStep or run-length sections, well under a byte per base.

    \b
    Examples:
      gategenome tracks --scan-dir scan
      gategenome tracks --scan-dir scan --out-dir browser
      gategenome tracks --scan-dir scan --precision 3 --max-zooms 5
      gategenome tracks --scan-dir scan --config tracks.yaml   # settings from YAML (keys as the options)
    """
    from gategenome.export.tracks import run_tracks

    require_writable("--out-dir" if out_dir else "--scan-dir", out_dir or scan_dir, directory=True)
    run_tracks(scan_dir, out_dir, settings_from_options(TrackSettings, options))
