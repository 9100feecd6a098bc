"""``gategenome evaluate``: do forget-gate drops mark accessibility boundaries?"""

from __future__ import annotations

import click

from gategenome.cli.common import named_path_inputs, refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.evaluate.settings import EvaluateSettings

_FILE = click.Path(dir_okay=False)


@click.command("evaluate", context_settings=CONTEXT_SETTINGS)
@click.option("--drops", required=True, type=_FILE, help="drops.bed from 'gategenome call' (BED6+4, narrowPeak layout).")
@click.option("--scan-dir", required=True, type=click.Path(file_okay=False), help="Scan directory from 'gategenome scan'.")
@click.option("--regions", required=True, type=_FILE, help="Accessible regions (BED), e.g. prepare's accessible.bed.")
@click.option("--folds", required=True, type=_FILE, help="folds.json from 'gategenome prepare'.")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Report directory (created).")
@click.option("--metrics", type=_FILE, default=None, help="Training metrics.json, summarised in the report.")
@click.option("--signal", type=_FILE, default=None,
              help="ATAC bigWig: adds the signal-only boundary caller and the signal's own auROC.")
@click.option("--boundaries", type=_FILE, default=None,
              help="Boundary calls from 'gategenome boundaries', scored beside the drops.")
@click.option("--region-calls", type=_FILE, default=None,
              help="Region calls from 'gategenome boundaries --regions-out': edges and base-level Jaccard.")
@settings_options(EvaluateSettings)
@config_option(EvaluateSettings)
@click.option("--replicate-drops", multiple=True, metavar="[NAME=]PATH",
              help="Drops of one replicate's own signal (repeat, two or more): pairwise agreement in the report.")
@click.option("--explain-report", type=_FILE, default=None,
              help="motifs.html of 'gategenome explain': linked from the report (what makes the gate drop).")
@click.option("--replicate-scan", multiple=True, metavar="NAME=DIR",
              help="Scan directory of a replicate named in --replicate-drops: adds the forget-gate correlation.")
@click.option("--replicate-boundaries", multiple=True, metavar="[NAME=]PATH",
              help="Boundary calls of one replicate's own scan (repeat, two or more): matched and reproducible "
              "(IDR) boundaries of every pair.")
@guard_paths(inputs=("drops", "regions", "folds", "metrics", "signal", "boundaries", "region_calls",
                     "explain_report"), input_dirs=("scan_dir",), output_dirs=("out_dir",),
             derived_inputs=lambda p: (named_path_inputs(p, "replicate_drops")
                                       | named_path_inputs(p, "replicate_boundaries")))
def command(drops, scan_dir, regions, folds, out_dir, metrics, signal, boundaries, region_calls, replicate_drops,
            replicate_scan, replicate_boundaries, explain_report, **options):
    """Score forget-gate drops against accessible-region edges; write an HTML report.

    On the chromosomes of one fold (--fold, default test), drops are compared with
    the edges of the accessible regions: precision, recall and F1 at each distance
    in --distances, for entry and exit edges separately (the plus-strand scan
    enters a region at its left edge, the minus-strand scan at its right edge),
    by drop summit and by where each drop begins and ends in its scan direction;
    their enrichment near edges over matched random positions, with a seeded
    bootstrap confidence interval; the mean forget gate of each strand around
    entry and exit edges (meta-profile); and the per-base accessibility
    auROC/auPRC of the scan.  With --signal, a signal-only caller (edges of the
    thresholded, smoothed ATAC signal, threshold tuned on the train fold) is
    scored the same way, to show what the model adds.  With --boundaries and
    --region-calls, the calls of 'gategenome boundaries' are scored beside the
    drops (region calls also base by base: Jaccard with the regions).  With two
    or more --replicate-drops (the drops of each replicate's own signal), every
    pair of replicates is compared: the fraction of drops of one within each
    distance of a drop of the other (same strand, both directions), the Jaccard
    of their drop bases and, with --replicate-scan, the correlation of their
    per-base mean forget gate.  With two or more --replicate-boundaries, the
    boundary calls of every pair of replicates are matched one to one (same
    direction, within --boundary-tolerance) and their irreproducible discovery
    rate estimated (copula mixture IDR of Li et al. 2011 on the q-value ranks):
    the boundaries reproducible at --idr-threshold are counted.  --explain-report links the motif report of
    'gategenome explain' (by a path relative to OUT_DIR).  Writes
    OUT_DIR/report.html (self-contained, plots embedded) and
    OUT_DIR/evaluation.json (every number and the settings).

    \b
    Examples:
      gategenome evaluate --drops drops.bed --scan-dir scan --regions prep/accessible.bed \\
          --folds prep/folds.json --metrics metrics.json --signal atac.bw --out-dir report
      gategenome evaluate --drops drops.bed --scan-dir scan --regions prep/accessible.bed \\
          --folds prep/folds.json --fold valid --distances 25,50,100 --out-dir report-valid
      gategenome evaluate --drops drops.bed --scan-dir scan --regions prep/accessible.bed \\
          --folds prep/folds.json --replicate-drops r1=r1/drops.bed --replicate-drops r2=r2/drops.bed \\
          --replicate-scan r1=r1/scan --replicate-scan r2=r2/scan --out-dir report
      gategenome evaluate --drops drops.bed --scan-dir scan --regions prep/accessible.bed \\
          --folds prep/folds.json --config evaluate.yaml --out-dir report   # settings from YAML
    """
    from pathlib import Path

    from gategenome.evaluate.replicates import check_replicate_inputs, parse_named_paths
    from gategenome.evaluate.run import run_evaluate

    named_drops = parse_named_paths(replicate_drops, "--replicate-drops")
    named_scans = parse_named_paths(replicate_scan, "--replicate-scan")
    named_boundaries = parse_named_paths(replicate_boundaries, "--replicate-boundaries")
    if len(named_drops) == 1 or (named_scans and not named_drops):
        raise click.UsageError(f"--replicate-drops given {len(named_drops)} time(s); expected two or more replicates")
    if len(named_boundaries) == 1:
        raise click.UsageError("--replicate-boundaries given once; expected two or more replicates")
    refuse_same_files({f"--out-dir's {name}": Path(out_dir) / name for name in ("evaluation.json", "report.html")},
                      {"--drops": drops, "--regions": regions, "--folds": folds, "--metrics": metrics, "--signal": signal,
                       **{f"--replicate-drops {name}": path for name, path in named_drops.items()},
                       **{f"--replicate-boundaries {name}": path for name, path in named_boundaries.items()}})
    require_writable("--out-dir", out_dir, directory=True)
    check_replicate_inputs(named_drops, named_scans)
    for name, path in named_boundaries.items():
        if not Path(path).is_file():
            from gategenome.errors import InputError

            raise InputError(f"--replicate-boundaries {name}: {path} not found or not a file; expected the boundaries "
                             "BED of 'gategenome boundaries' on that replicate's scan")
    settings = settings_from_options(EvaluateSettings, options)
    run_evaluate(signal, regions, folds, scan_dir, drops, out_dir, settings, metrics=metrics, boundaries=boundaries,
                 region_calls=region_calls, replicate_drops=named_drops, replicate_scans=named_scans,
                 replicate_boundaries=named_boundaries, explain_report=explain_report)
