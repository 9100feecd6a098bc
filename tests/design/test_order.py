"""Designs ready to order: GenBank features and the per-base gate plot."""

from __future__ import annotations

import numpy as np
from Bio import SeqIO

from gategenome.design.order import Design, Part, write_order_files


def test_genbank_features_and_gate_plot(tmp_path):
    designs = [
        Design("design_1", "A" + "TGC" * 20, [Part(0, 1, "writer"), Part(1, 61, "filler")], np.linspace(0, 1, 61)),
        Design("reset_with_a_long_name", "GATTACA", [Part(0, 7, "reset")], np.full(7, 0.5)),
    ]
    write_order_files(str(tmp_path / "p"), designs, "runs/model dna.pt")
    records = list(SeqIO.parse(tmp_path / "p.gb", "genbank"))
    assert [str(r.seq) for r in records] == ["A" + "TGC" * 20, "GATTACA"]
    features = [(f.qualifiers["label"][0], int(f.location.start), int(f.location.end)) for f in records[0].features]
    assert features == [("writer", 0, 1), ("filler", 1, 61)]
    assert [f.qualifiers["label"][0] for f in records[1].features] == ["reset"]
    assert "runs/model dna.pt" in records[0].annotations["comment"]
    assert (tmp_path / "p.gates.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.gates.png", "p.gb"]  # no temporaries left
