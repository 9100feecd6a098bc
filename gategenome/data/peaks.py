"""Peaks from MACS3: ``macs3 callpeak -f BEDPE`` on paired-end fragments.

MACS3 is the peak caller the ATAC-seq field trusts; gategenome runs it as a
program (``macs3`` on the PATH or beside the running Python) and records the
exact command line and the MACS3 version, so a result can be traced and redone.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gategenome.errors import ConfigError, InputError

log = logging.getLogger(__name__)


def find_macs3(executable: str = "macs3") -> str:
    """Path of the MACS3 program: ``executable`` on the PATH, else beside this Python.

    Raises
    ------
    ConfigError
        When MACS3 is not installed.
    """
    found = shutil.which(executable) or shutil.which(executable, path=str(Path(sys.executable).parent))
    if not found:
        raise ConfigError(
            f"--macs3 {executable}: MACS3 not found on the PATH; expected it installed (pip install macs3), "
            "or give --no-call-peaks / --peaks"
        )
    return found


def macs3_version(executable: str) -> str:
    """The version MACS3 reports (``macs3 --version`` -> ``3.0.4``)."""
    result = subprocess.run([executable, "--version"], capture_output=True, text=True, check=False)
    words = (result.stdout + result.stderr).split()
    return words[-1] if words else "unknown"


def callpeak_command(
    executable: str, fragments: str | os.PathLike, name: str, out_dir: str | os.PathLike,
    genome_size: int, qvalue: float = 0.01, file_format: str = "BEDPE",
) -> list[str]:
    """The ``macs3 callpeak`` command line: all fragments kept (``--keep-dup all``), q-value cut-off.

    Parameters
    ----------
    executable
        MACS3 program.
    fragments
        BEDPE (or BAM for ``file_format="BAMPE"``).
    name, out_dir
        MACS3 ``-n`` and ``--outdir``; the peaks land in ``out_dir/name_peaks.narrowPeak``.
    genome_size
        Effective genome size (``-g``), e.g. the genome length for yeast.
    qvalue
        ``-q`` cut-off.
    """
    return [
        executable, "callpeak", "-t", str(fragments), "-f", file_format, "-g", str(int(genome_size)),
        "--keep-dup", "all", "-q", repr(float(qvalue)), "-n", name, "--outdir", str(out_dir),
    ]


def call_peaks(
    fragments: str | os.PathLike, out: str | os.PathLike, genome_size: int, qvalue: float = 0.01,
    executable: str = "macs3", file_format: str = "BEDPE",
) -> dict:
    """Run ``macs3 callpeak`` and move its narrowPeak to ``out``.

    Returns
    -------
    dict
        ``{"program", "version", "command", "peaks"}``: what was run, for the
        provenance record.

    Raises
    ------
    InputError
        When MACS3 fails (its last message in the error).
    """
    program = find_macs3(executable)
    version = macs3_version(program)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix=".macs3.", dir=out.parent) as scratch:
        command = callpeak_command(program, fragments, "macs3", scratch, genome_size, qvalue, file_format)
        log.info("running %s", shlex.join(command))
        env = dict(os.environ, TMPDIR=scratch)
        result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        for line in result.stderr.splitlines():
            log.debug("macs3: %s", line)
        produced = Path(scratch) / "macs3_peaks.narrowPeak"
        if result.returncode != 0 or not produced.exists():
            last = [line for line in result.stderr.splitlines() if line.strip()][-1:] or ["no message"]
            raise InputError(f"{fragments}: macs3 callpeak failed (exit {result.returncode}: {last[0].strip()})")
        os.replace(produced, out)
    with open(out) as handle:
        count = sum(1 for line in handle if line.strip())
    log.info("MACS3 %s called %d peaks", version, count)
    shown = [Path(command[0]).name, *command[1:]]
    shown[shown.index("--outdir") + 1] = "<scratch>"
    return {"program": "macs3", "version": version, "command": shlex.join(shown), "peaks": count}
