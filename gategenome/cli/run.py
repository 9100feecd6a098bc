"""``gategenome run``: run the packaged Snakemake workflow."""

from __future__ import annotations

import click


@click.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": ["-h", "--help"]},
)
@click.option("--print-snakefile", is_flag=True, help="Print the path of the workflow's Snakefile and exit.")
@click.argument("snakemake_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def command(ctx: click.Context, print_snakefile: bool, snakemake_args: tuple[str, ...]) -> None:
    """Run the gategenome Snakemake workflow (arguments go to snakemake).

    Runs `snakemake --snakefile <gategenome>/Snakefile SNAKEMAKE_ARGS...` in the
    current directory with the same Python, and exits with Snakemake's exit
    status. Results go to ./results/{sample}/; the configuration is
    ./config/config.yaml unless --configfile is given. The Snakefile is the one
    of the source checkout gategenome is installed from (pip install -e . or
    make setup); pass --snakefile yourself to run another.

    \b
    Examples:
      gategenome run --cores 2 --configfile config/yeast.yaml
      gategenome run -n --profile profiles/slurm
      gategenome run --cores 4 --rerun-incomplete
    """
    import os
    import subprocess
    import sys

    from gategenome.workflow import find_snakefile

    args = list(snakemake_args)
    if print_snakefile:
        click.echo(find_snakefile())
        return
    if not any(arg in ("-s", "--snakefile") or arg.startswith("--snakefile=") for arg in args):
        args = ["--snakefile", str(find_snakefile()), *args]
    command_line = [sys.executable, "-m", "snakemake", *args]
    # Jobs call `gategenome`: put this installation's scripts first on their PATH.
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    try:
        status = subprocess.call(command_line, env=env)
    except KeyboardInterrupt:
        status = 130
    ctx.exit(status)
