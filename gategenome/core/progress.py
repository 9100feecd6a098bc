"""Progress on stderr: a tqdm bar on a terminal, a log line every few percent elsewhere.

A tqdm bar redraws itself with carriage returns; written to a file (a Snakemake
``log:``, a SLURM output file) every frame stays, thousands of them.  When stderr
is not a terminal, :func:`progress_bar` logs one INFO line per
:data:`LOG_EVERY` of the work instead, through the ``gategenome`` logger.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("gategenome.progress")

#: Fraction of the work between two log lines when stderr is not a terminal.
LOG_EVERY = 0.1


class LogProgress:
    """tqdm's ``update``/``set_postfix``/``close`` interface, logging a line every :data:`LOG_EVERY` of ``total``.

    Parameters
    ----------
    total
        Units of work (bases, steps...).
    description
        Label of the lines, e.g. ``"scan"``.
    unit
        Name of one unit, e.g. ``"b"`` or ``"step"``.
    """

    def __init__(self, total: int, description: str, unit: str = "it") -> None:
        self.total = max(int(total), 0)
        self.description = description
        self.unit = unit
        self.n = 0
        self.postfix = ""
        self._next = LOG_EVERY
        self._started = time.perf_counter()

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units done; log when another :data:`LOG_EVERY` of the total is reached."""
        self.n += n
        if not self.total:
            return
        fraction = self.n / self.total
        if fraction + 1e-12 >= self._next:
            elapsed = time.perf_counter() - self._started
            log.info("%s: %3.0f%% (%d/%d %s, %.1f s)%s", self.description, 100 * min(fraction, 1.0), self.n,
                     self.total, self.unit, elapsed, self.postfix)
            while self._next <= fraction + 1e-12:
                self._next += LOG_EVERY

    def set_postfix(self, **values: Any) -> None:
        """Values shown at the end of the next line (like tqdm's)."""
        self.postfix = " " + ", ".join(f"{key}={value}" for key, value in values.items())

    def close(self) -> None:
        """Nothing to release (the last line was logged by :meth:`update`)."""

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(total: int, description: str, unit: str = "it", unit_scale: bool = False, stream=None):
    """A progress reporter for ``total`` units: a tqdm bar on a terminal, else a :class:`LogProgress`.

    Parameters
    ----------
    total
        Units of work.
    description
        Label.
    unit, unit_scale
        As tqdm's (``unit_scale`` shows 1.2Mb instead of 1200000b).
    stream
        Where the bar goes; ``sys.stderr`` by default (looked up at call time).

    Returns
    -------
    object
        With ``update(n)``, ``set_postfix(**values)``, ``close()`` and the
        context-manager protocol.
    """
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return LogProgress(total, description, unit)
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit=unit, unit_scale=unit_scale, file=stream, leave=False,
                dynamic_ncols=True)
