"""``gategenome variants-gather``: join per-chromosome ``gategenome variants --chrom`` outputs into one."""

from __future__ import annotations

import click

from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.main import CONTEXT_SETTINGS
from gategenome.io.guard import guard_paths


@click.command("variants-gather", context_settings=CONTEXT_SETTINGS)
@click.option("--out", "prefix", required=True, metavar="PREFIX",
              help="Output prefix: PREFIX.vcf.gz (+ .tbi), PREFIX.tsv, PREFIX.json.")
@click.argument("parts", nargs=-1, required=True, metavar="PART...")
@guard_paths(prefixes={"prefix": (".vcf.gz", ".vcf.gz.tbi", ".tsv", ".json")},
             derived_inputs=lambda p: {f"part file {path}": path for part in p["parts"]
                                       for path in (f"{part}{s}" for s in (".vcf.gz", ".vcf.gz.tbi", ".tsv", ".json"))})
def command(prefix, parts):
    """Join the outputs of 'gategenome variants --chrom' runs into one output.

    Each PART is the --out prefix of one run (PART.vcf.gz, PART.tsv, PART.json).
    The TSV rows and the VCF records are concatenated in the order the parts are
    given (give them in the order of the VCF's chromosomes), under the first
    part's header; the summaries' counts and drops are summed.  With the parts
    in the VCF's chromosome order the result equals one 'gategenome variants'
    run on the whole VCF.  Every file is written under a temporary name and
    renamed when complete.  This is the workflow's gather step when
    variants_scatter is on.

    \\b
    Examples:
      gategenome variants-gather --out results/calls parts/chrI parts/chrII parts/chrIII
    """
    from gategenome.variants.gather import gather_parts
    from gategenome.variants.run import output_paths

    outputs = {f"--out's {path.name}": str(path) for path in output_paths(prefix).values()}
    inputs = {f"part file {path}": str(path) for part in parts for path in output_paths(part).values()}
    refuse_same_files(outputs, inputs)
    for path in outputs.values():
        require_writable("--out", path)
    summary = gather_parts(parts, prefix)
    click.echo(f"gategenome variants-gather: {summary['counts'].get('alleles', 0)} alleles from {len(parts)} "
               f"part(s), wrote {summary['files']['vcf']}, {summary['files']['table']}", err=True)
