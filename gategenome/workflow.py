"""Where the Snakemake workflow lives.

The workflow (``Snakefile``, ``workflow/``, ``envs/``, ``profiles/``,
``config/``) sits at the root of the source checkout, beside the
``gategenome`` package.  It is found there when gategenome is installed from a
checkout (``pip install -e .``, ``make setup``); a wheel does not carry it, and
the error says to clone the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

from gategenome.errors import InputError

#: Environment variable naming a checkout to take the Snakefile from instead.
ENV_VAR = "GATEGENOME_WORKFLOW"


def find_snakefile() -> Path:
    """Path of the workflow's ``Snakefile``.

    Returns
    -------
    Path
        ``$GATEGENOME_WORKFLOW/Snakefile`` when that variable is set, else the
        ``Snakefile`` of the checkout the package was installed from.

    Raises
    ------
    InputError
        No Snakefile there (for example a wheel install).
    """
    override = os.environ.get(ENV_VAR)
    root = Path(override) if override else Path(__file__).resolve().parent.parent
    snakefile = root / "Snakefile"
    if not snakefile.is_file():
        where = f"${ENV_VAR}={override}" if override else f"the installation at {root}"
        raise InputError(
            f"{snakefile}: workflow Snakefile not found in {where}; expected a source checkout "
            f"(git clone, then 'pip install -e .'), or set {ENV_VAR} to one"
        )
    return snakefile
