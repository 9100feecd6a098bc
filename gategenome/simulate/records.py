"""The BED outputs of a simulation, written a piece of a chromosome at a time.

A genome is drawn piece by piece (:mod:`gategenome.simulate.pieces`); the
planted regions, their boundaries and the peaks of each piece go to temporary
files as soon as it is drawn, so no list of records grows with the genome (a
249 Mb chromosome plants about 83,000 regions, 330,000 boundary records and as
many peaks: hundreds of MB as Python objects).  Only each peak's ``-log10 p`` is
held (8 bytes a peak): the Benjamini-Hochberg q-values need all of them.  When
the genome is drawn, :meth:`RecordFiles.write` writes the final files with
exactly the bytes a whole-genome list would give: regions numbered across the
genome, boundary records sorted by chromosome name then position (pieces are
disjoint and in order, and a region never crosses a piece), peaks named
``peak_<n>`` in genome order with their q-values.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

from gategenome.core.stats import bh_qvalues
from gategenome.io.atomic import atomic_open
from gategenome.io.bed import Interval
from gategenome.simulate.truth import Region, boundaries, region_records


def _lines(records: list[Interval]) -> str:
    return "".join(record.to_line() + "\n" for record in records)


class RecordFiles:
    """Temporary files of regions, boundaries (one per chromosome) and unnamed peaks in ``directory``.

    Parameters
    ----------
    directory
        Where the temporaries are made (the output directory, so the final
        files are written on the same file system); :meth:`discard` removes them.
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.prefix = f".records.{os.getpid()}."
        self.regions = 0
        self.peaks = 0
        self.fragments = 0
        self._log10_p: list[np.ndarray] = []
        self._paths: dict[str, Path] = {}
        self._handles: dict[str, object] = {}

    def _handle(self, key: str):
        if key not in self._handles:
            self._paths[key] = self.directory / f"{self.prefix}{len(self._paths)}.tmp"
            self._handles[key] = open(self._paths[key], "w")
        return self._handles[key]

    def add(self, chrom: str, regions: list[Region], peaks: list[Interval]) -> None:
        """Store the regions and peaks (genome coordinates, q-values not filled in) of the next piece of ``chrom``."""
        self._handle("accessible").write(_lines(region_records(regions, self.regions)))
        self._handle(f"boundaries {chrom}").write(_lines(boundaries(regions, self.regions)))
        self._handle("peaks").write(_lines(peaks))
        self._log10_p.append(np.array([float(peak.extra[1]) for peak in peaks], dtype=np.float64))
        self.regions += len(regions)
        self.peaks += len(peaks)

    def _close(self) -> None:
        for handle in self._handles.values():
            handle.close()

    def write(self, accessible: Path, boundaries_path: Path, peaks_path: Path) -> None:
        """Write the three BED files (each atomically) from the stored pieces."""
        self._close()
        for key in ("accessible", "peaks"):
            self._handle(key)  # an empty file when nothing was stored
        self._close()
        with atomic_open(accessible) as out, open(self._paths["accessible"]) as source:
            shutil.copyfileobj(source, out)
        chroms = sorted(key.split(" ", 1)[1] for key in self._paths if key.startswith("boundaries "))
        with atomic_open(boundaries_path) as out:
            for chrom in chroms:
                with open(self._paths[f"boundaries {chrom}"]) as source:
                    shutil.copyfileobj(source, out)
        self._write_peaks(peaks_path)

    def _write_peaks(self, path: Path) -> None:
        """The peaks named ``peak_<n>``, scored 10 x -log10 p (capped at 1000), with their BH q-values."""
        log10_p = np.concatenate([np.zeros(0), *self._log10_p])
        qvalues = -np.log10(np.maximum(bh_qvalues(10.0 ** -log10_p), 1e-300))
        with atomic_open(path) as out, open(self._paths["peaks"]) as source:
            block: list[str] = []
            for index, (line, q) in enumerate(zip(source, qvalues.tolist())):
                fields = line.rstrip("\n").split("\t")
                block.append(Interval(fields[0], int(fields[1]), int(fields[2]), f"peak_{index + 1}",
                                      min(1000, int(10 * float(fields[7]))), ".",
                                      (fields[6], fields[7], f"{q:.3f}", fields[9])).to_line() + "\n")
                if len(block) >= 65536:
                    out.write("".join(block))
                    block = []
            out.write("".join(block))

    def discard(self) -> None:
        """Close and remove every temporary."""
        self._close()
        for path in self._paths.values():
            path.unlink(missing_ok=True)
