"""Designs ready to order: annotated GenBank records and the predicted per-base forget gate.

Outputs of ``--out-prefix P`` (each written atomically):

- ``P.gb``: one GenBank record per design (``linear``, molecule ``DNA``) with a
  ``misc_feature`` for each part (memory: ``writer`` and ``filler``; reset: the
  ``reset`` element), each labelled and noting the model designed for.
- ``P.gates.png``: the mean forget gate (last LSTM layer, the track ``scan``
  reports) predicted at every base of each design, one panel per design, the
  parts shaded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from gategenome.io.atomic import atomic_open, atomic_path

#: Longest GenBank LOCUS name.
_LOCUS = 16


@dataclass
class Part:
    """One annotated part of a design, 0-based half-open."""

    start: int
    end: int
    label: str


@dataclass
class Design:
    """A design to order: its sequence, parts and predicted per-base forget gate ``(len,)``."""

    name: str
    sequence: str
    parts: list[Part]
    gate: np.ndarray
    description: str = ""


def genbank_records(designs: list[Design], model: str) -> list:
    """Biopython ``SeqRecord`` objects with one ``misc_feature`` per part."""
    from Bio.Seq import Seq
    from Bio.SeqFeature import FeatureLocation, SeqFeature
    from Bio.SeqRecord import SeqRecord

    records = []
    for design in designs:
        record = SeqRecord(
            Seq(design.sequence),
            id=design.name[:_LOCUS],
            name=design.name[:_LOCUS],
            description=design.description or design.name,
            annotations={"molecule_type": "DNA", "topology": "linear", "comment": f"designed for model {model}"},
        )
        for part in design.parts:
            record.features.append(
                SeqFeature(
                    FeatureLocation(part.start, part.end, strand=1),
                    type="misc_feature",
                    qualifiers={"label": [part.label], "note": [f"{part.label}; designed for model {model}"]},
                )
            )
        records.append(record)
    return records


def write_order_files(prefix: str, designs: list[Design], model: str) -> None:
    """Write ``prefix.gb`` and ``prefix.gates.png`` (see the module docstring)."""
    from Bio import BiopythonWarning, SeqIO

    with atomic_open(f"{prefix}.gb") as handle, warnings.catch_warnings():
        # a model path longer than a GenBank line is written whole, unwrapped: say nothing
        warnings.simplefilter("ignore", BiopythonWarning)
        SeqIO.write(genbank_records(designs, model), handle, "genbank")
    _plot_gates(f"{prefix}.gates.png", designs, model)


def _plot_gates(path: str, designs: list[Design], model: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = max(1, len(designs))
    figure, axes = plt.subplots(rows, 1, figsize=(8, 1.6 * rows + 0.6), sharex=True, squeeze=False)
    colours = {"writer": "tab:red", "filler": "tab:green", "reset": "tab:purple"}
    for axis, design in zip(axes[:, 0], designs):
        for part in design.parts:
            axis.axvspan(part.start, part.end, color=colours.get(part.label, "grey"), alpha=0.15, lw=0)
        axis.plot(np.arange(len(design.gate)), design.gate, lw=0.7, color="black")
        axis.set_ylabel("forget gate", fontsize=7)
        axis.set_title(design.name, fontsize=8, loc="left")
        axis.tick_params(labelsize=7)
    axes[-1, 0].set_xlabel("position in the design (bp)")
    figure.suptitle(f"predicted per-base mean forget gate (last layer); model {model}", fontsize=8)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=110)
    plt.close(figure)
