"""Predictions, metrics and forget-gate summaries on held-out chromosomes.

Whole chromosomes are cut into segments of ``segment`` bases, each read after
``burn_in`` bases of preceding context (discarded), and batched.  This is an
approximation of one exact pass (the state at a segment start is rebuilt from the
burn-in, not carried from the chromosome start); it is used for validation during
training and for the numbers in ``metrics.json``.  ``gategenome scan`` does the
exact streaming pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from gategenome.core.stats import auroc, ranking_metrics
from gategenome.model.gates import mean_forget_gate
from gategenome.model.network import GateLSTM
from gategenome.train.windows import Chromosome

BOUNDARY_FLANK = 50
PROFILE_FLANK = 300


def boundary_profile(chromosomes: Sequence[Chromosome], forgets: Sequence[np.ndarray], flank: int = PROFILE_FLANK) -> dict:
    """Mean forget gate against the distance to a region edge, in the scan direction.

    Offsets run from ``-flank`` (outside) to ``flank - 1`` (inside); offset 0 is the
    first base inside.  ``entering`` averages region starts (the scan enters the
    region), ``leaving`` region ends read backwards from the last inside base
    (offset ``-1`` is the first base after the region).  Edges closer than
    ``flank`` to a chromosome end are skipped.

    Returns
    -------
    dict
        ``offsets`` and the ``entering`` / ``leaving`` mean profiles (lists), and
        the number of ``edges`` of each kind.
    """
    offsets = np.arange(-flank, flank)
    sums = {"entering": np.zeros(2 * flank), "leaving": np.zeros(2 * flank)}
    counts = {"entering": 0, "leaving": 0}
    for chrom, forget in zip(chromosomes, forgets):
        for start, end in chrom.regions:
            for kind, positions in (("entering", start + offsets), ("leaving", end - 1 - offsets)):
                if positions.min() >= 0 and positions.max() < len(chrom) and chrom.mask[positions].all():
                    sums[kind] += forget[positions]
                    counts[kind] += 1
    profile = {"offsets": offsets.tolist()}
    for kind in sums:
        profile[kind] = (sums[kind] / max(1, counts[kind])).round(5).tolist()
    profile["edges"] = counts
    return profile


@torch.no_grad()
def predict_chromosome(
    model: GateLSTM,
    chrom: Chromosome,
    segment: int = 16384,
    burn_in: int = 1024,
    batch: int = 16,
    with_gates: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-base logits and mean forget gate (last layer) along one chromosome.

    Parameters
    ----------
    model
        The model (its device is used).
    chrom
        A preloaded chromosome.
    segment, burn_in
        Segment length and the context read before each segment.
    batch
        Segments per forward pass.
    with_gates
        Also recover the mean forget gate.

    Returns
    -------
    tuple
        ``(logits, forget)``, each ``(L,)`` float32 (``forget`` None without gates).
    """
    model.eval()
    device = next(model.parameters()).device
    length = len(chrom)
    span = burn_in + segment
    logits = np.empty(length, dtype=np.float32)
    forget = np.empty(length, dtype=np.float32) if with_gates else None
    starts = list(range(0, length, segment))
    for first in range(0, len(starts), batch):
        group = starts[first:first + batch]
        x = np.zeros((len(group), span, model.config.input_channels), dtype=np.float32)
        for row, start in enumerate(group):
            begin, end = max(0, start - burn_in), min(length, start + segment)
            offset = burn_in - (start - begin)
            x[row, offset:offset + end - begin] = chrom.inputs(begin, end, model.config)
        out = model(torch.from_numpy(x).to(device))
        scores = out.logits[:, burn_in:].float().cpu().numpy()
        gates = mean_forget_gate(model, out)[:, burn_in:].float().cpu().numpy() if with_gates else None
        for row, start in enumerate(group):
            end = min(length, start + segment)
            logits[start:end] = scores[row, :end - start]
            if with_gates:
                forget[start:end] = gates[row, :end - start]
    return logits, forget


def gate_summary(chromosomes: Sequence[Chromosome], forgets: Sequence[np.ndarray], flank: int = BOUNDARY_FLANK) -> dict:
    """Mean forget gate inside regions, outside, and within ``flank`` bases of a boundary.

    Returns
    -------
    dict
        ``inside``, ``outside``, ``boundary`` (means; inside/outside exclude the
        boundary flanks), ``boundary_dip`` (``min(inside, outside) - boundary``: positive only when
        the gate is lower at the edges than on both sides of them), and
        ``boundary_auroc`` (auROC of ``1 - f`` for "near a boundary"), plus the
        base counts.
    """
    sums = {"inside": [0.0, 0], "outside": [0.0, 0], "boundary": [0.0, 0]}
    scores, labels = [], []
    for chrom, forget in zip(chromosomes, forgets):
        near = chrom.boundary_mask(flank) & chrom.mask
        inside = (chrom.labels == 1) & ~near & chrom.mask
        outside = (chrom.labels == 0) & ~near & chrom.mask
        for name, where in (("inside", inside), ("outside", outside), ("boundary", near)):
            sums[name][0] += float(forget[where].astype(np.float64).sum())
            sums[name][1] += int(where.sum())
        scores.append(1.0 - forget[chrom.mask])
        labels.append(near[chrom.mask])
    summary = {name: (total / count if count else float("nan")) for name, (total, count) in sums.items()}
    summary["boundary_dip"] = min(summary["inside"], summary["outside"]) - summary["boundary"]
    summary["boundary_auroc"] = auroc(np.concatenate(scores), np.concatenate(labels)) if scores else float("nan")
    summary.update({f"{name}_bases": count for name, (_, count) in sums.items()})
    summary["profile"] = boundary_profile(chromosomes, forgets)
    return summary


def evaluate_fold(
    model: GateLSTM,
    chromosomes: Sequence[Chromosome],
    segment: int,
    burn_in: int,
    with_gates: bool = True,
) -> dict:
    """auROC/auPRC of the per-base prediction (and gate summary) over a fold.

    Returns
    -------
    dict
        ``auroc``, ``auprc``, ``bce`` (mean per-base loss), ``positive_fraction``,
        ``bases`` and, with gates,
        ``forget`` (see :func:`gate_summary`).
    """
    scores, labels, forgets = [], [], []
    for chrom in chromosomes:
        logits, forget = predict_chromosome(model, chrom, segment, burn_in, with_gates=with_gates)
        scores.append(logits[chrom.mask])
        labels.append(chrom.labels[chrom.mask])
        forgets.append(forget)
    score, label = np.concatenate(scores), np.concatenate(labels)
    # mean per-base binary cross-entropy of the logits, computed stably
    bce = np.logaddexp(0.0, score.astype(np.float64)) - label * score.astype(np.float64)
    result = {
        **ranking_metrics(score, label),
        "bce": float(bce.mean()) if bce.size else float("nan"),
        "positive_fraction": float(label.mean()) if label.size else float("nan"),
        "bases": int(label.size),
    }
    if with_gates:
        result["forget"] = gate_summary(chromosomes, forgets)
    return result
