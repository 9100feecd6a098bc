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
def command(scan_dir, out_dir, workers):
    """Gather scan shards into bigWigs for IGV and the UCSC browser.

    Writes forget.plus.bw and forget.minus.bw (mean forget gate per strand, at
    reference coordinates) and accessibility.bw (predicted probability of
    accessibility: the mean of the two strands, or the one scanned strand).
    Chromosomes are in FASTA order; runs of N are gaps; chromosomes not (yet)
    scanned are empty.

    \b
    Examples:
      gategenome tracks --scan-dir scan
      gategenome tracks --scan-dir scan --out-dir browser
    """
    from gategenome.export.tracks import write_tracks

    require_writable("--out-dir" if out_dir else "--scan-dir", out_dir or scan_dir, directory=True)
    write_tracks(scan_dir, out_dir, workers=workers)
