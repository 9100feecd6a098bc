"""Do the motifs ``gategenome explain`` finds on the demo genome match the planted ones?

The demo genome (``gategenome simulate``) plants Reb1, Abf1 and Rap1 sites and
poly(dA:dT) stretches in its accessible regions (:data:`gategenome.simulate.sequence.MOTIFS`).
Each motif of an explain run (the PPMs in its ``explain.json``) is compared by
Tomtom (memelite) with those four planted motifs, against a background of every
JASPAR fungi matrix (so the p-values have a proper null); a motif is *planted*
when its best match among all those targets is a planted motif, or a JASPAR matrix
of the same factor, with q < 0.05.  Prints, in modisco's order (seqlets), each
motif's consensus, seqlets, best planted match and its Tomtom p/q, best JASPAR
match, and whether any unplanted motif ranks above a planted one.

Given an ``attributions.npz`` instead, modisco is run on it here first (default
motif settings), for runs whose ``explain.json`` has no PPMs.

Usage::

    python benchmarks/explain_demo.py demo/explain/explain.json
    python benchmarks/explain_demo.py demo/explain/attributions.npz
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from gategenome.core.stats import bh_qvalues
from gategenome.explain.jaspar import Reference, jaspar_motifs
from gategenome.explain.motifs import find_motifs
from gategenome.explain.settings import MotifSettings
from gategenome.simulate.sequence import MOTIFS

_IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "N": "ACGT", "W": "AT", "S": "CG",
          "K": "GT", "M": "AC"}
_FACTORS = {"REB1": "Reb1", "NSI1": "Reb1", "ABF1": "Abf1", "RAP1": "Rap1"}


def planted() -> list[Reference]:
    """The planted motifs as PPMs (IUPAC letters spread evenly), and poly(dA) 15 bases with 5% noise."""
    found = []
    for name, pattern in MOTIFS.items():
        ppm = np.full((len(pattern), 4), 0.0)
        for i, letter in enumerate(pattern):
            for base in _IUPAC[letter]:
                ppm[i, "ACGT".index(base)] = 1.0 / len(_IUPAC[letter])
        found.append(Reference(f"planted:{name}", name, 0.97 * ppm + 0.03 / 4))
    found.append(Reference("planted:polyA", "poly(dA:dT)", np.tile([0.9625, 0.0125, 0.0125, 0.0125], (15, 1))))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("summary", help="explain.json (or attributions.npz) of a run on the demo genome")
    args = parser.parse_args()
    from memelite.tomtom import tomtom

    if args.summary.endswith(".npz"):
        arrays = np.load(args.summary)
        found = find_motifs(arrays["one_hot"], arrays["hypothetical"], MotifSettings())
        motifs = [{"name": m.name, "seqlets": m.seqlets, "consensus": m.consensus, "ppm": m.ppm} for m in found]
    else:
        motifs = json.load(open(args.summary))["motif_results"]["motifs"]
    truth = planted()
    targets = truth + jaspar_motifs("JASPAR2024", "fungi")
    pvalues, scores, _, _, _ = tomtom([np.array(m["ppm"]).T for m in motifs], [t.ppm.T for t in targets], n_jobs=1)
    first_unplanted, last_planted = None, None
    print("rank\tmotif\tseqlets\tconsensus\tplanted match (p, q)\tbest JASPAR (q)\tverdict")
    for rank, motif in enumerate(motifs, 1):
        q = bh_qvalues(pvalues[rank - 1])
        best_truth = int(np.argmin(pvalues[rank - 1, :len(truth)]))
        best_jaspar = len(truth) + int(np.argmin(pvalues[rank - 1, len(truth):]))
        best = int(np.argmin(pvalues[rank - 1]))
        factor = targets[best].name if best < len(truth) else _FACTORS.get(targets[best].name.upper())
        is_planted = factor is not None and q[best] < 0.05 and motif["name"].startswith("pos")
        if motif["name"].startswith("pos"):
            if is_planted:
                last_planted = rank
            elif first_unplanted is None:
                first_unplanted = rank
        print(f"{rank}\t{motif['name']}\t{motif['seqlets']}\t{motif['consensus']}\t"
              f"{truth[best_truth].name} ({pvalues[rank - 1, best_truth]:.2g}, {q[best_truth]:.2g})\t"
              f"{targets[best_jaspar].name} {targets[best_jaspar].matrix_id} ({q[best_jaspar]:.2g})\t"
              f"{'planted: ' + factor if is_planted else 'not planted'}")
    above = first_unplanted is not None and last_planted is not None and first_unplanted < last_planted
    print(f"closing-gate motifs matching a planted one: up to rank {last_planted}; first unplanted: "
          f"{first_unplanted}; an unplanted motif ranks above a planted one: {'yes' if above else 'no'}")


if __name__ == "__main__":
    main()
