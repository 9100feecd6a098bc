"""Package namespaces whose public names are imported from their modules on first use.

Each stage package lists its public names by module; ``from gategenome.scan import
ScanSettings`` then imports only ``gategenome.scan.settings``, so importing a
package never pulls in torch, pyBigWig or matplotlib before they are needed (the
CLI's ``--help`` stays instant, and the torch-free stages stay torch-free).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, modules: dict[str, list[str]]) -> tuple[list[str], Callable, Callable]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for a package.

    Parameters
    ----------
    package
        The package's ``__name__``.
    modules
        Module name (relative to the package) -> the public names it defines.

    Returns
    -------
    tuple
        ``(__all__, __getattr__, __dir__)`` to assign in the package's ``__init__``.
    """
    owner = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str):
        if name not in owner:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{owner[name]}"), name)

    def __dir__() -> list[str]:
        return sorted(owner)

    return sorted(owner), __getattr__, __dir__
