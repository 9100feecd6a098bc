"""Where the workflow files are: the source checkout, or the copy a wheel carries.

The workflow (``Snakefile``, ``workflow/``, ``envs/``, ``profiles/``, ``config/``)
sits at the root of the source checkout, beside the ``gategenome`` package.  A
wheel carries a copy of those files as the package data ``gategenome/_workflow``
(made at build time by ``setup.py``; a checkout never holds it), and
``$GATEGENOME_WORKFLOW`` names a directory to take them from instead.
``gategenome run`` takes the Snakefile from there, and ``gategenome train
--config`` the configuration schema, so a configuration is checked by the same
rules on the command line and in the workflow.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming a checkout to take the workflow files from instead.
ENV_VAR = "GATEGENOME_WORKFLOW"

#: The workflow configuration schema, relative to the workflow root.
CONFIG_SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"

#: The package directory of the workflow files a wheel carries.
PACKAGED_WORKFLOW = "_workflow"


def workflow_root() -> Path:
    """The directory holding the workflow's ``Snakefile``, ``workflow/``, ``envs/``, ``profiles/``, ``config/``.

    Returns
    -------
    Path
        ``$GATEGENOME_WORKFLOW`` when set; else ``gategenome/_workflow`` of an
        installed wheel when the package has one; else the source checkout that
        holds the ``gategenome`` package.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    package = Path(__file__).resolve().parents[1]
    packaged = package / PACKAGED_WORKFLOW
    return packaged if (packaged / "Snakefile").is_file() else package.parent
