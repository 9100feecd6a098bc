"""A prepare output directory read back: chromosome sizes, accessible regions, folds, summary.

See :mod:`gategenome.data.prepare` for what each file holds.  Coordinates are
0-based, half-open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gategenome.data.folds import FOLDS
from gategenome.data.prepare import OUTPUTS
from gategenome.errors import InputError
from gategenome.io.bed import Interval, read_bed
from gategenome.io.fasta import read_chrom_sizes


@dataclass
class PreparedInputs:
    """The outputs of :func:`prepare`, read back (see :func:`load_prepared`).

    Attributes
    ----------
    sizes
        Every FASTA chromosome -> length (``chrom.sizes``).
    regions
        Accessible regions (``accessible.bed``).
    folds
        ``{"train": [...], "valid": [...], "test": [...]}`` (``folds.json``).
    summary
        ``prepare.json``.
    """

    sizes: dict[str, int]
    regions: list[Interval]
    folds: dict[str, list[str]]
    summary: dict


def load_prepared(out_dir: str | Path) -> PreparedInputs:
    """Read a prepare output directory, checking the files against each other.

    Raises
    ------
    InputError
        A missing or malformed file, or folds/regions naming a chromosome that
        ``chrom.sizes`` lacks.
    """
    out_dir = Path(out_dir)
    for name in OUTPUTS:
        if not (out_dir / name).is_file():
            raise InputError(f"{out_dir / name}: not found; expected the output of gategenome prepare")
    sizes = read_chrom_sizes(out_dir / "chrom.sizes")
    regions = read_bed(out_dir / "accessible.bed", kind="accessible-regions")
    try:
        folds = json.loads((out_dir / "folds.json").read_text())
        summary = json.loads((out_dir / "prepare.json").read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{out_dir}: invalid JSON in the prepare outputs ({exc})") from None
    # not read_folds: with one or two chromosomes prepare names one in several folds
    if not isinstance(folds, dict) or sorted(folds) != sorted(FOLDS):
        raise InputError(f"{out_dir / 'folds.json'}: expected exactly the keys train, valid, test")
    for label, names in [
        *((f"folds.json {fold}", folds[fold]) for fold in FOLDS),
        ("accessible.bed", sorted({iv.chrom for iv in regions})),
    ]:
        unknown = [name for name in names if name not in sizes]
        if unknown:
            raise InputError(f"{out_dir}: {label} names {', '.join(unknown)}, not in chrom.sizes")
    return PreparedInputs(sizes, regions, {fold: list(folds[fold]) for fold in FOLDS}, summary)
