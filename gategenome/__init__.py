"""gategenome: read an LSTM's forget gate along a genome to find accessibility boundaries.

The package is a library first; :mod:`gategenome.cli` is a thin click layer over it.
"""

__version__ = "0.1.0"

from gategenome.errors import GategenomeError  # noqa: E402

__all__ = ["GategenomeError", "__version__"]
