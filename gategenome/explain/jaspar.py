"""Match motifs to JASPAR with Tomtom (memelite), from pyjaspar's offline database.

Each query PPM is compared with every JASPAR matrix of the chosen release and
taxonomic group, both orientations, by memelite's Tomtom (complete score,
p-value per pair); q-values are Benjamini-Hochberg over the targets of each
query, as Tomtom reports them.  Imports no torch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from gategenome.core.stats import bh_qvalues
from gategenome.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """A database motif: ``ppm`` is ``(K, 4)``."""

    matrix_id: str
    name: str
    ppm: np.ndarray


@dataclass(frozen=True)
class Match:
    """One query-target comparison: ids, p- and q-value, Tomtom score, strand of the target."""

    matrix_id: str
    name: str
    pvalue: float
    qvalue: float
    score: float
    strand: str


def jaspar_motifs(release: str = "JASPAR2024", tax_group: str = "fungi") -> list[Reference]:
    """The CORE matrices of one JASPAR release (and taxonomic group, or ``all``), as PPMs."""
    from pyjaspar import jaspardb

    try:
        releases = jaspardb().get_releases()
        if release not in releases:  # pyjaspar opens no database for it, and fails only at the first query
            raise ValueError(f"not among pyjaspar's releases ({', '.join(releases)})")
        database = jaspardb(release=release)
    except Exception as error:  # pyjaspar raises bare exceptions for unknown releases
        raise ConfigError(f"JASPAR release {release!r}: {error}; expected one pyjaspar ships "
                          "(e.g. JASPAR2024)") from None
    query = {"collection": "CORE"}
    if tax_group != "all":
        query["tax_group"] = [tax_group]
    motifs = database.fetch_motifs(**query)
    if not motifs:
        raise ConfigError(f"JASPAR {release}: no CORE motifs for tax group {tax_group!r}; "
                          "expected e.g. fungi, vertebrates, plants, insects or all")
    references = []
    for motif in motifs:
        counts = np.array([motif.counts[base] for base in "ACGT"], dtype=np.float64).T
        references.append(Reference(motif.matrix_id, motif.name, counts / counts.sum(axis=1, keepdims=True)))
    return references


def match_motifs(queries: list[np.ndarray], targets: list[Reference], top: int = 3) -> list[list[Match]]:
    """The ``top`` best targets of each ``(K, 4)`` query PPM, by Tomtom p-value.

    Returns
    -------
    list[list[Match]]
        One list per query, best first.
    """
    if not queries:
        return []
    from memelite.tomtom import tomtom

    pvalues, scores, _, _, strands = tomtom([q.T.astype(np.float64) for q in queries],
                                            [t.ppm.T.astype(np.float64) for t in targets], n_jobs=1)
    found = []
    for row in range(len(queries)):
        qvalues = bh_qvalues(pvalues[row])
        best = np.argsort(pvalues[row], kind="stable")[:top]
        found.append([Match(targets[i].matrix_id, targets[i].name, float(pvalues[row, i]), float(qvalues[i]),
                            float(scores[row, i]), "-" if strands[row, i] else "+") for i in best])
    return found
