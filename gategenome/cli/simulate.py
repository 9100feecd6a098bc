"""``gategenome simulate``: a synthetic genome + ATAC track with known boundaries."""

from __future__ import annotations

import click

from gategenome.cli.common import FiniteFloat, require_writable, setting_default
from gategenome.simulate.settings import SimulationSettings

#: Longest simulated chromosome (a little over hg38's chr1), and most simulated bases in all:
#: memory does not grow with either (chromosomes are drawn a piece at a time), disk and time do.
MAX_LENGTH = 300_000_000
MAX_BASES = 1_000_000_000
#: Most fragments per average region: more only slows the pileup down.
MAX_DEPTH = 100_000.0


@click.command("simulate")
@click.option("--out-dir", required=True, type=click.Path(file_okay=False), help="Directory to write into.")
@click.option("--seed", default=setting_default(SimulationSettings, "seed"), show_default=True, type=int,
              help="Random seed (same seed, same files).")
@click.option("--chroms", default=setting_default(SimulationSettings, "chroms"), show_default=True,
              type=click.IntRange(1, 100), help="Number of chromosomes.")
@click.option("--length", default=setting_default(SimulationSettings, "length"), show_default=True,
              type=click.IntRange(10_000, MAX_LENGTH), help="Length of each chromosome (bp).")
@click.option("--spacing", default=setting_default(SimulationSettings, "spacing"), show_default=True,
              type=click.IntRange(1_000, MAX_LENGTH), help="Mean distance between planted accessible regions (bp).")
@click.option("--depth", default=setting_default(SimulationSettings, "depth"), show_default=True,
              type=FiniteFloat(0, MAX_DEPTH, min_open=True), help="Mean ATAC fragments in an average (250 bp) accessible region.")
@click.option("--regions/--no-regions", default=setting_default(SimulationSettings, "regions"), show_default=True,
              help="Plant accessible regions; --no-regions: background only, no boundary anywhere.")
@click.option("--gap-length", default=setting_default(SimulationSettings, "gap_length"), show_default=True,
              type=click.IntRange(0, MAX_LENGTH),
              help="Bases of N in the middle of each chromosome (a centromere), plus 10 kb of N at each end; 0: none.")
def command(out_dir: str, seed: int, chroms: int, length: int, spacing: int, depth: float, regions: bool,
            gap_length: int) -> None:
    """Write a synthetic genome and ATAC-seq track with known boundaries.

    The genome is yeast-like background sequence (a Markov chain with sacCer3's
    dinucleotide composition) with planted accessible regions that the sequence
    explains: clusters of yeast Reb1, Abf1 and Rap1 motifs and poly(dA:dT)
    stretches. The ATAC-like coverage is a noisy fragment pileup (some regions
    weak, thin background); peaks are called back from it, so they are not the
    truth. --gap-length adds runs of N like an assembly's centromere and
    telomeres. Chromosomes are drawn a piece at a time, so a chr1-sized one
    (249 Mb) fits in bounded memory. Written to OUT-DIR: genome.fa (+ .fai), genome.chrom.sizes, atac.bw,
    peaks.narrowPeak, truth.accessible.bed, truth.boundaries.bed (strand-aware
    entry/exit edges, 1 base each) and simulate.json (the settings).

    \b
    Examples:
      gategenome simulate --out-dir demo
      gategenome simulate --out-dir sim --seed 7 --chroms 2 --length 200000
      gategenome simulate --out-dir null --no-regions    # no boundary: what a caller finds by chance
      gategenome simulate --out-dir chr1 --chroms 1 --length 249000000 --gap-length 18000000   # chr1-sized
    """
    from gategenome.errors import ConfigError
    from gategenome.simulate.run import run_simulate

    if chroms * length > MAX_BASES:
        raise ConfigError(f"--chroms {chroms} x --length {length} = {chroms * length} bases; "
                          f"expected at most {MAX_BASES} bases in all")
    require_writable("--out-dir", out_dir, directory=True)
    if gap_length > length // 2:
        raise ConfigError(f"--gap-length {gap_length}: expected at most half of --length {length}")
    settings = SimulationSettings(seed=seed, chroms=chroms, length=length, spacing=spacing, depth=depth,
                                  regions=regions, gap_length=gap_length)
    paths = run_simulate(out_dir, settings)
    click.echo(f"gategenome simulate: wrote {paths['genome'].parent}", err=True)
