"""Exception types raised by the library.

Every user-facing failure is a :class:`GategenomeError` whose message is one line
naming the file or option at fault, the bad value and what was expected.  The CLI
turns these into ``gategenome: error: <message>`` and exit status 1.
"""

from __future__ import annotations


class GategenomeError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(GategenomeError):
    """An input file is missing, unreadable or not in the expected format."""


class ConfigError(GategenomeError):
    """A configuration value or option is invalid."""


class ModelError(GategenomeError):
    """A checkpoint is invalid, incompatible or unsafe to load."""
