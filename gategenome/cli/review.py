"""``gategenome review``: one self-contained page of the calls to look at, each in an igv.js view."""

from __future__ import annotations

import click

from gategenome.cli.common import named_path_inputs
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.evaluate.settings import ReviewSettings
from gategenome.io.guard import guard_paths

_FILE = click.Path(dir_okay=False)


@click.command("review", context_settings=CONTEXT_SETTINGS)
@click.option("--genome", required=True, type=_FILE, help="Genome FASTA (the sequence track).")
@click.option("--signal", required=True, type=_FILE, help="ATAC-seq bigWig.")
@click.option("--tracks-dir", required=True, type=click.Path(file_okay=False),
              help="Output of 'gategenome tracks' (forget.plus.bw, forget.minus.bw).")
@click.option("--boundaries", required=True, type=_FILE, help="Boundary calls of 'gategenome boundaries'.")
@click.option("--replicate-boundaries", multiple=True, metavar="[NAME=]PATH",
              help="Boundary calls of one replicate's own scan (give two or more): adds, for each replicate, "
              "the calls another replicate lacks.")
@click.option("--variants", type=_FILE, default=None,
              help="TSV of 'gategenome variants': adds the --top variants of largest accessibility change.")
@click.option("--igv-js", type=_FILE, default=None,
              help="igv.min.js of igv.js 3 (npm package igv), inlined so that the page works offline "
              "[default: the igv.js shipped with gategenome].")
@settings_options(ReviewSettings)
@config_option(ReviewSettings)
@click.option("--out", required=True, type=_FILE, help="The HTML page written.")
@guard_paths(inputs=("genome", "signal", "boundaries", "variants", "igv_js"), input_dirs=("tracks_dir",),
             outputs=("out",), derived_inputs=lambda p: named_path_inputs(p, "replicate_boundaries"))
def command(genome, signal, tracks_dir, boundaries, replicate_boundaries, variants, igv_js, out, **options):
    """Write one self-contained HTML page of the calls to review, each in its own igv.js view.

    The loci are the --top boundary calls by q-value and, with two or more
    --replicate-boundaries, for each replicate the --top strongest calls that
    another replicate lacks (every pair matched: no call within
    --boundary-tolerance with the same direction; those lacking in the most
    replicates first) and, with --variants, the --top variants of largest
    |d_access| (then |d_min_forget|).
    Each view shows the genome sequence, the ATAC signal, the forget gate of
    each strand and the boundary calls over --flank bases on each side; the
    data and igv.js (the copy shipped with gategenome, or --igv-js) are
    embedded, so the page needs no server and no network.

    \b
    Examples:
      gategenome review --genome sacCer3.fa --signal atac.bw --tracks-dir tracks \\
          --boundaries boundaries.bed --out review.html
      gategenome review ... --replicate-boundaries r1=r1/boundaries.bed \\
          --replicate-boundaries r2=r2/boundaries.bed --replicate-boundaries r3=r3/boundaries.bed \\
          --top 10 --flank 2000 --out review.html
      gategenome review ... --igv-js node_modules/igv/dist/igv.min.js --out review.html   # another igv.js
    """
    from gategenome.evaluate.replicates import parse_named_paths
    from gategenome.evaluate.review import run_review

    named = parse_named_paths(replicate_boundaries, "--replicate-boundaries")
    if len(named) == 1:
        raise click.UsageError("--replicate-boundaries given once; expected two or more replicates")
    run_review(genome, signal, tracks_dir, boundaries, out, settings_from_options(ReviewSettings, options),
               igv_js=igv_js, replicate_boundaries=named, variants=variants)
