"""gategenome: read an LSTM's forget gate along a genome to find accessibility boundaries.

The package is a library first; :mod:`gategenome.cli` is a thin click layer over it.
Each stage package (``gategenome.scan``, ``gategenome.call``, ...) exports its entry
point(s), ``run_<stage>``, and its settings; everything else is reached through the
stage's modules.
"""

import importlib
from collections.abc import Callable
from typing import Any

from gategenome.errors import GategenomeError

__version__ = "0.1.0"

__all__ = ["GategenomeError", "__version__"]


def import_on_first_use(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A package ``__getattr__`` that imports each of ``names`` from its module when first asked for.

    The entry points of a stage import numpy or torch; the command line imports the
    stage's settings (and so its package) to show ``--help``, which stays instant when
    the package names its entry points this way.

    Parameters
    ----------
    package
        The package's ``__name__``.
    names
        Public name -> the module of ``package`` that defines it.

    Returns
    -------
    callable
        The module-level ``__getattr__`` to assign in the package's ``__init__``.
    """

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{names[name]}"), name)

    return __getattr__
