"""Where the source checkout is: the workflow files beside the package.

The workflow (``Snakefile``, ``workflow/``, ``config/``) sits at the root of the
source checkout, beside the ``gategenome`` package, or in the checkout that
``$GATEGENOME_WORKFLOW`` names.  ``gategenome run`` takes the Snakefile from
there, and ``gategenome train --config`` the configuration schema, so a
configuration is checked by the same rules on the command line and in the
workflow.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming a checkout to take the workflow files from instead.
ENV_VAR = "GATEGENOME_WORKFLOW"

#: The workflow configuration schema, relative to the checkout root.
CONFIG_SCHEMA = Path("workflow") / "schemas" / "config.schema.yaml"


def checkout_root() -> Path:
    """``$GATEGENOME_WORKFLOW`` when set, else the directory holding the ``gategenome`` package."""
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else Path(__file__).resolve().parents[2]
