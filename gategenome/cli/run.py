"""``gategenome run``: run the Snakemake workflow of this installation.

The workflow (``Snakefile``, ``workflow/``, ``envs/``, ``profiles/``, ``config/``)
is the source checkout's when gategenome runs from one (``pip install -e .``,
``make setup``), and the copy a wheel carries otherwise
(:mod:`gategenome.core.checkout`).  Snakemake runs in the current directory,
which holds the configuration and the results.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from gategenome.core.checkout import ENV_VAR, workflow_root
from gategenome.errors import InputError
from gategenome.io.guard import guard_paths

__all__ = ["ENV_VAR", "command", "find_snakefile"]


def find_snakefile() -> Path:
    """Path of the workflow's ``Snakefile``.

    Returns
    -------
    Path
        ``$GATEGENOME_WORKFLOW/Snakefile`` when that variable is set, else the
        ``Snakefile`` the wheel carries, else that of the checkout the package
        runs from.

    Raises
    ------
    InputError
        No Snakefile there (``$GATEGENOME_WORKFLOW`` names another directory, or
        the package is neither a wheel install nor in a checkout).
    """
    override = os.environ.get(ENV_VAR)
    root = workflow_root()
    snakefile = root / "Snakefile"
    if not snakefile.is_file():
        where = f"${ENV_VAR}={override}" if override else f"the installation at {root}"
        raise InputError(
            f"{snakefile}: workflow Snakefile not found in {where}; expected a source checkout "
            f"(git clone, then 'pip install -e .') or a wheel install, or set {ENV_VAR} to a checkout"
        )
    return snakefile


@click.command(
    "run",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": ["-h", "--help"]},
)
@click.option("--print-snakefile", is_flag=True, help="Print the path of the workflow's Snakefile and exit.")
@click.argument("snakemake_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
@guard_paths(publish="none")
def command(ctx: click.Context, print_snakefile: bool, snakemake_args: tuple[str, ...]) -> None:
    """Run the gategenome Snakemake workflow (arguments go to snakemake).

    Runs `snakemake --snakefile <gategenome>/Snakefile SNAKEMAKE_ARGS...` in the
    current directory with the same Python, and exits with Snakemake's exit
    status. Results go to ./results/{sample}/; the configuration is
    ./config/config.yaml unless --configfile is given, and relative paths in it
    are relative to the current directory. The Snakefile is the one of the
    source checkout gategenome runs from (pip install -e . or make setup), or
    else the copy the installed wheel carries (--print-snakefile shows which;
    its profiles/ directory sits beside it); pass --snakefile yourself to run
    another.

    \b
    Examples:
      gategenome run --cores 2 --configfile config/yeast.yaml
      gategenome run -n --profile profiles/slurm
      gategenome run --cores 4 --rerun-incomplete
    """
    import subprocess
    import sys

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
