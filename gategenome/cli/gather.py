"""``gategenome gather``: merge per-chromosome (or per-strand) scan shards into one scan directory."""

from __future__ import annotations

import click

from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths


@click.command("gather", context_settings=CONTEXT_SETTINGS)
@click.option("--out-dir", required=True, type=click.Path(file_okay=False),
              help="The gathered scan directory (a new path, or an earlier gathered scan, which is replaced).")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@guard_paths(input_dirs=("shards",), replaced_dirs=("out_dir",), publish="directory", product="scan.json")
def command(out_dir, shards):
    """Gather scan shards into one scan directory.

    Each SHARD is the output of 'gategenome scan --chrom NAME' (one chromosome,
    one or both strands).  Every array is hard-linked into OUT_DIR where the
    filesystem allows (no copy, so gathering costs no disk and no time per
    base), else copied; the chromosome markers of two strand shards are merged,
    and scan.json lists every chromosome and strand.  OUT_DIR is built under a
    temporary name and appears only when complete.  An earlier gathered scan
    there is replaced only when it holds nothing but scan files (scan.json,
    chroms/, null/, the bigWigs of 'tracks'); one holding other files is
    refused, naming them.  This is the workflow's
    gather step; 'gategenome tracks', 'call', 'evaluate' and 'export' read the
    result.

    \b
    Examples:
      gategenome gather --out-dir scan shards/chrI.both shards/chrII.both
      gategenome gather --out-dir scan shards/chrI.plus shards/chrI.minus
    """
    from gategenome.io.scandir.gather import gather_shards

    refuse_same_files({"--out-dir": out_dir}, {f"shard {shard}": shard for shard in shards})
    require_writable("--out-dir", out_dir, directory=True)
    gather_shards(shards, out_dir)
