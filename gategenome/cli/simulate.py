"""``gategenome simulate``: a synthetic genome + ATAC track with known boundaries."""

from __future__ import annotations

import click

from gategenome.cli.common import require_writable
from gategenome.cli.options import config_option, settings_from_options, settings_options
from gategenome.io.guard import guard_paths
from gategenome.simulate.settings import MAX_BASES, SimulationSettings


@click.command("simulate")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
@settings_options(SimulationSettings)
@config_option(SimulationSettings)
@guard_paths(output_dirs=("out_dir",))
def command(out_dir: str, **options) -> None:
    """Write a synthetic genome and ATAC-seq track with known boundaries.

    The genome is yeast-like background sequence (a Markov chain with sacCer3's
    dinucleotide composition) with planted accessible regions that the sequence
    explains: clusters of yeast Reb1, Abf1 and Rap1 motifs and poly(dA:dT)
    stretches. The reads are Tn5 fragments with both insertions inside
    accessible DNA (nucleosome-free / mono-nucleosome lengths; some regions weak,
    thin background), written as a BEDPE that gategenome signal --fragments reads;
    the ATAC-like coverage is their pileup, and peaks are called back from it, so
    they are not the truth. --gap-length adds runs of N like an assembly's centromere and
    telomeres. Chromosomes are drawn a piece at a time, so a chr1-sized one
    (249 Mb) fits in bounded memory. Written to OUT-DIR: genome.fa (+ .fai), genome.chrom.sizes,
    fragments.bedpe.gz, atac.bw, peaks.narrowPeak, truth.accessible.bed, truth.boundaries.bed (strand-aware
    entry/exit edges, 1 base each) and simulate.json (the settings).

    \b
    Examples:
      gategenome simulate --out-dir demo
      gategenome simulate --out-dir sim --seed 7 --chroms 2 --length 200000
      gategenome simulate --out-dir null --no-regions    # no boundary: what a caller finds by chance
      gategenome simulate --out-dir chr1 --chroms 1 --length 249000000 --gap-length 18000000   # chr1-sized
      gategenome simulate --out-dir sim --config simulate.yaml   # settings from YAML (keys as the options)
    """
    from gategenome.errors import ConfigError
    from gategenome.simulate.run import run_simulate

    chroms, length, gap_length = options["chroms"], options["length"], options["gap_length"]
    if chroms * length > MAX_BASES:
        raise ConfigError(f"--chroms {chroms} x --length {length} = {chroms * length} bases; "
                          f"expected at most {MAX_BASES} bases in all")
    require_writable("--out-dir", out_dir, directory=True)
    if gap_length > length // 2:
        raise ConfigError(f"--gap-length {gap_length}: expected at most half of --length {length}")
    settings = settings_from_options(SimulationSettings, options)
    paths = run_simulate(out_dir, settings)
    click.echo(f"gategenome simulate: wrote {paths['genome'].parent}", err=True)
