"""``gategenome tracks``: bigWig gate and accessibility tracks from a scan directory."""

from __future__ import annotations

import click

from gategenome.cli.common import require_writable, setting_default
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.export.settings import TrackSettings


@click.command("tracks", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Output of 'gategenome scan'.")
@click.option("--out-dir", type=click.Path(file_okay=False), default=None, show_default="the scan directory",
              help="Where to write the bigWigs.")
@click.option("--workers", type=click.IntRange(1, 3), default=setting_default(TrackSettings, "workers"), show_default=True,
              help="Tracks written in parallel processes.")
@click.option("--precision", type=click.IntRange(0, 7), default=setting_default(TrackSettings, "precision"),
              show_default=True, help="Decimal places kept (2: within 0.005, half a pixel of a 100-pixel track).")
@click.option("--max-zooms", type=click.IntRange(0, 10), default=setting_default(TrackSettings, "max_zooms"),
              show_default=True, help="Most zoom levels (summaries for zoomed-out views).")
def command(scan_dir, out_dir, workers, precision, max_zooms):
    """Gather scan shards into bigWigs for IGV and the UCSC browser.

    Writes forget.plus.bw and forget.minus.bw (mean forget gate per strand, at
    reference coordinates) and accessibility.bw (predicted probability of
    accessibility: the mean of the two strands, or the one scanned strand).
    Chromosomes are in FASTA order; runs of N are gaps; chromosomes not (yet)
    scanned are empty.  Values are rounded to --precision decimal places and
    stored as fixedStep or run-length sections: on yeast 0.47 bytes per base
    per forget track and 0.17 for accessibility at the default precision.

    \b
    Examples:
      gategenome tracks --scan-dir scan
      gategenome tracks --scan-dir scan --out-dir browser
      gategenome tracks --scan-dir scan --precision 3 --max-zooms 5
    """
    from gategenome.export.tracks import run_tracks

    require_writable("--out-dir" if out_dir else "--scan-dir", out_dir or scan_dir, directory=True)
    run_tracks(scan_dir, out_dir, TrackSettings(workers=workers, precision=precision, max_zooms=max_zooms))
