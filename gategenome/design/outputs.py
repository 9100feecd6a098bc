"""What a design run writes: the FASTA of designs, the TSV of designs and baselines,
the plot and the resolved settings.

Outputs of ``--out-prefix P`` (each written atomically):

- ``P.fa``: one record per design; the header carries the hold and retention
  (or the reset score), GC and the model designed for.
- ``P.tsv``: one row per design and per baseline: kind, lengths, GC, longest
  homopolymer, hold, retention at L, peak retention and half-life (memory) or
  minimum forget gate and pass-through (reset), and the constraint check.
- ``P.png``: retention versus distance (memory) or the mean forget gate across
  the element (reset), designs and baselines.
- ``P.json``: the resolved settings, constraints, writer, baselines and (reset)
  the comparison with real boundaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gategenome.design.constraints import gc_fraction, longest_homopolymer
from gategenome.io.atomic import atomic_open, atomic_path
from gategenome.io.jsonfile import write_json


def format_power(log10_value: float) -> str:
    """``10 ** log10_value`` as text, also below the float64 range (``1.2e-450``)."""
    if not math.isfinite(log10_value):
        return "0"
    exponent = math.floor(log10_value)
    mantissa = 10 ** (log10_value - exponent)
    if mantissa >= 9.999995:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.5f}e{exponent:+d}" if exponent < -4 else f"{10**log10_value:.6g}"


@dataclass
class Row:
    """One line of ``P.tsv``.

    ``score`` is the log10 hold (memory; :attr:`gategenome.design.retention.Retention.log10_hold`)
    or the minimum mean forget gate (reset); ``extra`` the filler length (memory)
    or the pass-through (reset); ``retention`` and ``peak`` the log10 retention at
    L and its largest value along the filler (memory).
    """

    name: str
    kind: str
    sequence: str
    score: float
    half_life: int | None
    extra: float
    violations: list[str]
    linearised: float = float("nan")
    retention: float = float("nan")
    peak: float = float("nan")

    def tsv(self, goal: str) -> str:
        check = "ok" if not self.violations else "FAIL: " + "; ".join(self.violations)
        if goal == "reset":
            values = [f"{self.score:.6g}", f"{self.extra:.4g}", f"{self.linearised / math.log(10):.4f}"]
        else:
            half = str(self.half_life) if self.half_life is not None else f">{self.extra:.0f}"
            values = [
                format_power(self.score),
                format_power(self.retention),
                format_power(self.peak),
                half,
                f"{self.score:.4f}",
                f"{self.retention:.4f}",
                f"{self.linearised / math.log(10):.4f}",
            ]
        return "\t".join(
            [
                self.name,
                self.kind,
                str(len(self.sequence)),
                f"{gc_fraction(self.sequence):.3f}",
                str(longest_homopolymer(self.sequence)),
                *values,
                check,
            ]
        )

    def label(self, goal: str) -> str:
        """FASTA header text."""
        if goal == "reset":
            return f"min_forget={self.score:.6g} gc={gc_fraction(self.sequence):.3f} length={len(self.sequence)}"
        return (
            f"hold={format_power(self.score)} retention={format_power(self.retention)} "
            f"gc={gc_fraction(self.sequence):.3f} length={len(self.sequence)}"
        )


def _header(goal: str) -> str:
    if goal == "memory":
        score = "hold\tretention_at_L\tpeak_retention\thalf_life\tlog10_hold\tlog10_retention\tlog10_linearised"
    else:
        score = "min_forget\tpass_through\tlog10_pass_through"
    return f"design\tkind\tlength\tgc\tlongest_homopolymer\t{score}\tconstraints"


def write_outputs(
    prefix: str, goal: str, rows: list[Row], curves: dict[str, np.ndarray], settings: dict, ylabel: str, xlabel: str
) -> None:
    """Write ``prefix.fa`` (designs), ``.tsv`` (every row), ``.json`` (``settings``) and ``.png`` (``curves``).

    Parameters
    ----------
    goal
        ``memory`` or ``reset``: the TSV columns and FASTA headers.
    settings
        The saved summary; its ``model`` (the model designed for) ends every FASTA header.
    curves
        Label -> ``(n,)`` curve plotted against its index.
    ylabel, xlabel
        Axis labels of the plot.
    """
    from Bio.Seq import Seq
    from Bio.SeqIO import write as write_fasta
    from Bio.SeqRecord import SeqRecord

    records = [
        SeqRecord(Seq(row.sequence), id=row.name, description=f"{row.label(goal)} model={model_label(settings)}")
        for row in rows
        if row.kind == "design"
    ]
    with atomic_open(f"{prefix}.fa") as handle:
        write_fasta(records, handle, "fasta")
    with atomic_open(f"{prefix}.tsv") as handle:
        handle.write(_header(goal) + "\n")
        for row in rows:
            handle.write(row.tsv(goal) + "\n")
    write_json(f"{prefix}.json", settings)
    _plot(f"{prefix}.png", curves, ylabel, xlabel)


def model_label(settings: dict) -> str:
    """The model a run designed for, as one word: its path (blanks as ``_``), or ``reference``."""
    return "_".join(str(settings.get("model", "unknown")).split()) or "unknown"


def _plot(path: str, curves: dict[str, np.ndarray], ylabel: str, xlabel: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for label, curve in curves.items():
        style = "-" if label.startswith("design") else "--"
        axis.plot(np.arange(len(curve)), curve, style, lw=1.2, label=label)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.legend(fontsize=7)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=120)
    plt.close(figure)
