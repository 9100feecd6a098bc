"""``gategenome export``: drops and gate tracks as a UCSC track hub and an IGV session."""

from __future__ import annotations

import click

from gategenome.cli.common import require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.export.settings import ExportSettings


@click.command("export", context_settings=CONTEXT_SETTINGS)
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Scan directory from 'gategenome scan'.")
@click.option("--drops", required=True, type=click.Path(dir_okay=False), help="drops.bed from 'gategenome call'.")
@click.option("--genome", required=True, type=click.Path(dir_okay=False), help="Genome FASTA the scan was made on.")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Hub directory to write (replaced).")
@click.option("--tracks-dir", type=click.Path(file_okay=False), default=None, show_default="the scan directory",
              help="Where forget.plus.bw, forget.minus.bw and accessibility.bw are.")
@click.option("--signal", type=click.Path(dir_okay=False), default=None, help="ATAC bigWig to show beside the gates.")
@click.option("--boundaries", type=click.Path(dir_okay=False), default=None,
              help="Boundary calls from 'gategenome boundaries', added as a bigBed track.")
@click.option("--region-calls", type=click.Path(dir_okay=False), default=None,
              help="Region calls from 'gategenome boundaries --regions-out', added as a bigBed track.")
@settings_options(ExportSettings)
@config_option(ExportSettings)
@guard_paths(inputs=("drops", "genome", "signal", "boundaries", "region_calls"),
             input_dirs=("scan_dir", "tracks_dir"), replaced_dirs=("out_dir",), publish="directory",
             product="hub.txt")
def command(scan_dir, drops, genome, out_dir, tracks_dir, signal, boundaries, region_calls, **options):
    """Export drops and gate tracks for IGV and the UCSC genome browser.

    Writes drops as bigBed 6+4 (narrowPeak fields, autoSql embedded) and as a
    sorted, bgzipped, tabix-indexed BED; links the forget-gate bigWigs of both
    strands (and the accessibility and ATAC signal tracks when present) and the
    FASTA; writes a UCSC track hub (hub.txt, genomes.txt, ASSEMBLY/trackDb.txt
    with colours, view limits and both strands) and an IGV session
    (igv_session.xml) that open the same files through relative paths.  The hub
    is checked (required fields, files exist) before it is moved into place.
    With --boundaries / --region-calls, the calls of 'gategenome boundaries'
    are added as bigBed tracks (autoSql embedded) to the hub and the session.
    Open OUT_DIR/igv_session.xml in IGV (File > Open Session), or serve OUT_DIR
    over HTTP and give the UCSC browser the URL of hub.txt.

    \b
    Examples:
      gategenome export --scan-dir scan --drops drops.bed --genome sacCer3.fa --out-dir hub
      gategenome export --scan-dir scan --drops drops.bed --genome sacCer3.fa \\
          --signal atac.bw --locus chrI:140000-150000 --out-dir hub
      gategenome export --scan-dir scan --drops drops.bed --genome sacCer3.fa \\
          --boundaries boundaries.bed --region-calls region_calls.bed --out-dir hub
      gategenome export --scan-dir scan --drops drops.bed --genome sacCer3.fa \\
          --config export.yaml --out-dir hub   # settings from YAML (keys as the options)
    """
    from gategenome.export.hub import run_export

    require_writable("--out-dir", out_dir, directory=True)
    settings = settings_from_options(ExportSettings, options)
    run_export(genome, signal, scan_dir, drops, out_dir, settings, tracks_dir=tracks_dir,
               calls={"boundaries": boundaries, "region_calls": region_calls})
