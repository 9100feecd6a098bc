"""Held-out metrics accumulated segment by segment: constant memory whatever the fold's size.

:class:`FoldStatistics` takes the predictions of one segment at a time and keeps
only sums, counts and two float16 score histograms
(:class:`gategenome.core.stats.ScoreHistogram`): per-base auROC/auPRC and BCE of
the accessibility logits and, with gates, the mean forget gate inside regions,
outside and near their edges, the auROC of ``1 - f`` for "near an edge", and the
mean gate profile across region edges.  Nothing per base outlives its segment.
"""

from __future__ import annotations

import numpy as np

from gategenome.core.stats import ScoreHistogram

#: Half-width (bases) of the "near a region edge" zone of the gate summary.
BOUNDARY_FLANK = 50
#: Half-width (bases) of the gate profile across region edges.
PROFILE_FLANK = 300
_GATE_CLASSES = ("inside", "outside", "boundary")


class FoldStatistics:
    """Metrics of one fold, fed segment by segment (:meth:`add`), read with :meth:`result`.

    Segments of a chromosome must come in increasing order; a region edge enters
    the profile when the ``2 * profile_flank`` bases around it were all predicted
    in consecutive segments (always the case for whole chromosomes).

    Parameters
    ----------
    with_gates
        Also summarise the forget gate (``forget`` given to :meth:`add`).
    flank, profile_flank
        Half-widths of the edge zone and of the profile.
    """

    def __init__(self, with_gates: bool = True, flank: int = BOUNDARY_FLANK, profile_flank: int = PROFILE_FLANK):
        self.with_gates, self.flank, self.profile_flank = with_gates, flank, profile_flank
        self.scores, self.gate_scores = ScoreHistogram(), ScoreHistogram()
        self.bce, self.positives, self.bases = 0.0, 0, 0
        self.gate_sums = {name: [0.0, 0] for name in _GATE_CLASSES}
        self.profile_sums = {"entering": np.zeros(2 * profile_flank), "leaving": np.zeros(2 * profile_flank)}
        self.profile_counts = {"entering": 0, "leaving": 0}
        self._carry = None  # (chromosome name, first base, end, forget, mask) of the last 2 * profile_flank bases

    def add(self, chrom, start: int, end: int, logits: np.ndarray, forget: np.ndarray | None = None) -> None:
        """Count the ``(end - start,)`` ``logits`` (and ``forget``) of ``chrom[start:end]``."""
        labels, mask = chrom.targets(start, end)
        score, label = logits[mask], labels[mask]
        wide = score.astype(np.float64)
        self.scores.add(score, label)
        self.bce += float((np.logaddexp(0.0, wide) - label * wide).sum())
        self.positives += int(label.sum())
        self.bases += int(label.size)
        if not self.with_gates:
            return
        near = chrom.near_boundary(start, end, self.flank) & mask
        inside = (labels == 1) & ~near & mask
        outside = (labels == 0) & ~near & mask
        for name, where in zip(_GATE_CLASSES, (inside, outside, near)):
            self.gate_sums[name][0] += float(forget[where].astype(np.float64).sum())
            self.gate_sums[name][1] += int(where.sum())
        self.gate_scores.add(1.0 - forget[mask], near[mask])
        self._add_profile(chrom, start, end, forget, mask)

    def _add_profile(self, chrom, start: int, end: int, forget: np.ndarray, mask: np.ndarray) -> None:
        flank = self.profile_flank
        if self._carry is not None and self._carry[0] == chrom.name and self._carry[2] == start:
            first = self._carry[1]
            forget, mask = np.concatenate([self._carry[3], forget]), np.concatenate([self._carry[4], mask])
        else:
            first = start
        for kind, edges in (("entering", chrom.regions[:, 0]), ("leaving", chrom.regions[:, 1])):
            # an edge's window [edge - flank, edge + flank) ends in this segment and lies in what is held
            edges = edges[(edges + flank > start) & (edges + flank <= end) & (edges - flank >= first)
                          & (edges + flank <= len(chrom))]
            for edge in edges:
                window = slice(int(edge) - flank - first, int(edge) + flank - first)
                if mask[window].all():
                    values = forget[window]
                    self.profile_sums[kind] += values if kind == "entering" else values[::-1]
                    self.profile_counts[kind] += 1
        keep = min(len(forget), 2 * flank)
        self._carry = (chrom.name, end - keep, end, forget[len(forget) - keep:].copy(), mask[len(mask) - keep:].copy())

    def result(self) -> dict:
        """``auroc``, ``auprc``, ``bce`` (mean per-base loss), ``positive_fraction``, ``bases`` and, with gates, ``forget``.

        ``forget`` holds ``inside``, ``outside``, ``boundary`` (mean gates;
        inside/outside exclude the edge zones), ``boundary_dip``
        (``min(inside, outside) - boundary``), ``boundary_auroc``, the base counts
        and ``profile`` (``offsets``, ``entering``/``leaving`` mean profiles with
        offset 0 the first base inside, and the number of ``edges`` of each kind).
        """
        bases = self.bases
        result = {
            **self.scores.metrics(),
            "bce": self.bce / bases if bases else float("nan"),
            "positive_fraction": self.positives / bases if bases else float("nan"),
            "bases": bases,
        }
        if self.with_gates:
            summary = {name: (total / count if count else float("nan")) for name, (total, count) in self.gate_sums.items()}
            summary["boundary_dip"] = min(summary["inside"], summary["outside"]) - summary["boundary"]
            summary["boundary_auroc"] = self.gate_scores.metrics()["auroc"]
            summary.update({f"{name}_bases": count for name, (_, count) in self.gate_sums.items()})
            profile = {"offsets": np.arange(-self.profile_flank, self.profile_flank).tolist()}
            for kind, sums in self.profile_sums.items():
                profile[kind] = (sums / max(1, self.profile_counts[kind])).round(5).tolist()
            profile["edges"] = dict(self.profile_counts)
            summary["profile"] = profile
            result["forget"] = summary
        return result
