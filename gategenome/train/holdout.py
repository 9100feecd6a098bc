"""Predictions and metrics on held-out chromosomes, streamed segment by segment.

Chromosomes are cut into segments of ``segment`` bases, each read after
``burn_in`` bases of preceding context (discarded), and batched.  This is an
approximation of one exact pass (the state at a segment start is rebuilt from the
burn-in, not carried from the chromosome start); it is used for validation during
training and for the numbers in ``metrics.json``.  ``gategenome scan`` does the
exact streaming pass.  Each batch's predictions go into a
:class:`~gategenome.train.foldstats.FoldStatistics` and are dropped, so memory is
one batch whatever the fold's size.  A large fold can be validated on a fixed
random sample of its segments (``max_bases``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import torch

from gategenome.core.stats import ranking_metrics
from gategenome.model.gates import mean_forget_gate
from gategenome.model.network import GateLSTM
from gategenome.train.foldstats import FoldStatistics
from gategenome.train.windows import Chromosome


def sample_segments(
    lengths: Sequence[int], segment: int, max_bases: int = 0, seed: int = 0
) -> list[list[int]]:
    """Segment starts per chromosome: all of them, or a fixed random sample of about ``max_bases`` bases.

    Parameters
    ----------
    lengths
        Chromosome lengths.
    segment
        Segment length.
    max_bases
        0: every segment.  Otherwise, when the chromosomes are longer in total,
        ``ceil(max_bases / segment)`` segments drawn without replacement with
        ``seed`` (the same sample every epoch).

    Returns
    -------
    list[list[int]]
        Sorted segment starts of each chromosome.
    """
    starts = [list(range(0, length, segment)) for length in lengths]
    if not max_bases or sum(lengths) <= max_bases:
        return starts
    pairs = np.array([(index, start) for index, chrom in enumerate(starts) for start in chrom], dtype=np.int64)
    count = min(len(pairs), math.ceil(max_bases / segment))
    chosen = pairs[np.sort(np.random.default_rng(seed).choice(len(pairs), count, replace=False))]
    return [chosen[chosen[:, 0] == index, 1].tolist() for index in range(len(lengths))]


@torch.no_grad()
def predict_segments(
    model: GateLSTM,
    chrom,
    starts: Sequence[int],
    segment: int = 16384,
    burn_in: int = 1024,
    batch: int = 16,
    with_gates: bool = True,
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray | None]]:
    """Per-base logits and mean forget gate (last layer) of the segments of one chromosome.

    Parameters
    ----------
    model
        The model (its device is used).
    chrom
        A chromosome (:class:`~gategenome.train.windows.Chromosome` interface).
    starts
        Segment starts, increasing.
    segment, burn_in
        Segment length and the context read before each segment.
    batch
        Segments per forward pass.
    with_gates
        Also recover the mean forget gate.

    Yields
    ------
    tuple
        ``(start, end, logits, forget)`` per segment, in order; ``logits`` and
        ``forget`` are ``(end - start,)`` float32 (``forget`` None without gates).
    """
    model.eval()
    device = next(model.parameters()).device
    length = len(chrom)
    span = burn_in + segment
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
            yield start, end, scores[row, :end - start], (gates[row, :end - start] if with_gates else None)


def predict_chromosome(
    model: GateLSTM,
    chrom,
    segment: int = 16384,
    burn_in: int = 1024,
    batch: int = 16,
    with_gates: bool = True,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Whole-chromosome logits and mean forget gate (8 bytes per base: for small chromosomes).

    Returns
    -------
    tuple
        ``(logits, forget)``, each ``(L,)`` float32 (``forget`` None without gates).
    """
    length = len(chrom)
    logits = np.empty(length, dtype=np.float32)
    forget = np.empty(length, dtype=np.float32) if with_gates else None
    for start, end, scores, gates in predict_segments(
            model, chrom, range(0, length, segment), segment, burn_in, batch, with_gates):
        logits[start:end] = scores
        if with_gates:
            forget[start:end] = gates
    return logits, forget


def evaluate_fold(
    model: GateLSTM,
    chromosomes: Sequence,
    segment: int,
    burn_in: int,
    with_gates: bool = True,
    max_bases: int = 0,
    seed: int = 0,
    batch: int = 16,
) -> dict:
    """auROC/auPRC of the per-base prediction (and gate summary) over a fold, in constant memory.

    Parameters
    ----------
    model
        The model.
    chromosomes
        The fold's chromosomes.
    segment, burn_in
        See :func:`predict_segments`.
    with_gates
        Also summarise the forget gate.
    batch
        Segments per forward pass.
    max_bases, seed
        Score a fixed random sample of segments totalling about ``max_bases``
        bases when the fold is longer (see :func:`sample_segments`); 0 scores
        every base.

    Returns
    -------
    dict
        ``auroc``, ``auprc`` (of the logits rounded to float16, see
        :class:`~gategenome.core.stats.ScoreHistogram`), ``bce`` (mean per-base
        loss), ``positive_fraction``, ``bases``, ``sampled`` (whether a sample was
        scored) and, with gates, ``forget`` (see
        :meth:`~gategenome.train.foldstats.FoldStatistics.result`).
    """
    stats = FoldStatistics(with_gates)
    plan = sample_segments([len(chrom) for chrom in chromosomes], segment, max_bases, seed)
    for chrom, starts in zip(chromosomes, plan):
        for start, end, logits, forget in predict_segments(model, chrom, starts, segment, burn_in, batch, with_gates):
            stats.add(chrom, start, end, logits, forget)
    result = stats.result()
    result["sampled"] = sum(map(len, plan)) < sum(math.ceil(len(chrom) / segment) for chrom in chromosomes)
    return result


def strand_averaged_metrics(score: Callable[[Chromosome], np.ndarray], chromosomes: Sequence[Chromosome]) -> dict:
    """auROC/auPRC of the per-base logit averaged over the two strands (``scan`` reads both).

    Each chromosome is scored as given and as its reverse complement
    (:meth:`~gategenome.train.windows.Chromosome.reverse_complement`), the second
    score flipped back to forward coordinates; the mean of the two logits is ranked
    over the unmasked bases.  A causal model then sees both sides of every base.

    Parameters
    ----------
    score
        Per-base logits of a chromosome, ``(L,)``.
    chromosomes
        The fold.

    Returns
    -------
    dict
        ``auroc``, ``auprc`` and ``bases``.
    """
    scores, labels = [], []
    for chrom in chromosomes:
        both = (np.asarray(score(chrom), dtype=np.float32) + np.asarray(score(chrom.reverse_complement()))[::-1]) / 2
        scores.append(both[chrom.mask])
        labels.append(chrom.labels[chrom.mask])
    scores, labels = np.concatenate(scores), np.concatenate(labels)
    return {**ranking_metrics(scores, labels), "bases": int(labels.size)}
