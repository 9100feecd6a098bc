"""Baselines for the per-base accessibility prediction, measured on the same split.

* :func:`signal_scores`: the ATAC signal itself as the score.
* :class:`KmerLogistic`: a sequence model without memory: logistic regression on
  the k-mer counts of a fixed window ending at the base (``causal``, the same
  bases a unidirectional LSTM has read) or centred on it; in ``dna+signal`` mode
  the window means of ``log1p(signal)`` at a few widths are added as features.

Everything is numpy/torch; features are computed chromosome by chromosome in
chunks so memory stays bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from gategenome.data import Chromosome
from gategenome.metrics import auprc, auroc

log = logging.getLogger(__name__)

SIGNAL_WIDTHS = (1, 25, 100, 400)


def signal_scores(chromosomes: Sequence[Chromosome]) -> dict:
    """auROC/auPRC of the raw ATAC signal as a per-base score (blacklist masked)."""
    scores = np.concatenate([c.signal[c.mask] for c in chromosomes])
    labels = np.concatenate([c.labels[c.mask] for c in chromosomes])
    return {"auroc": auroc(scores, labels), "auprc": auprc(scores, labels), "bases": int(labels.size)}


def _window_mean(values: torch.Tensor, width: int, causal: bool) -> torch.Tensor:
    """``(F, L)`` -> ``(F, L)`` mean over a window of ``width`` ending at (causal) or centred on each base."""
    if width == 1:
        return values
    left = width - 1 if causal else width // 2
    padded = F.pad(values.unsqueeze(0), (left, width - 1 - left))
    return F.avg_pool1d(padded, width, stride=1).squeeze(0)


@dataclass
class KmerFeatures:
    """Per-base features of the no-memory baseline.

    Attributes
    ----------
    k
        k-mer length (``4**k`` count features).
    window
        Bases over which k-mer frequencies are taken.
    causal
        Window ends at the base (True) or is centred on it.
    use_signal
        Add window means of ``log1p(signal)`` at :data:`SIGNAL_WIDTHS`.
    """

    k: int = 4
    window: int = 400
    causal: bool = True
    use_signal: bool = False

    @property
    def size(self) -> int:
        return 4**self.k + (len(SIGNAL_WIDTHS) if self.use_signal else 0)

    def compute(self, chrom: Chromosome, start: int, end: int) -> np.ndarray:
        """Features of bases ``[start, end)``, ``(end - start, size)`` float32."""
        context = self.window + self.k
        begin, stop = max(0, start - context), min(len(chrom), end + (0 if self.causal else context))
        onehot = chrom.onehot[begin:stop]
        valid = onehot.sum(axis=1) == 1
        codes = onehot.argmax(axis=1).astype(np.int64)
        index = np.zeros(len(codes), dtype=np.int64)
        ok = valid.copy()
        for shift in range(self.k):  # k-mer ending at each base
            shifted = np.roll(codes, shift)
            shifted_ok = np.roll(valid, shift)
            shifted_ok[:shift] = False
            index += shifted * 4 ** shift
            ok &= shifted_ok
        counts = torch.zeros(4**self.k, len(codes))
        positions = np.nonzero(ok)[0]
        counts[torch.from_numpy(index[positions]), torch.from_numpy(positions)] = 1.0
        features = [_window_mean(counts, self.window, self.causal)]
        if self.use_signal:
            signal = torch.from_numpy(np.log1p(np.maximum(chrom.signal[begin:stop], 0)).astype(np.float32))[None]
            features += [_window_mean(signal, width, self.causal) for width in SIGNAL_WIDTHS]
        stacked = torch.cat(features, dim=0)[:, start - begin:end - begin]
        return stacked.t().contiguous().numpy()

    def chromosome(self, chrom: Chromosome, chunk: int = 65536) -> np.ndarray:
        """Features of a whole chromosome, ``(L, size)`` float32."""
        return np.concatenate([self.compute(chrom, s, min(len(chrom), s + chunk)) for s in range(0, len(chrom), chunk)])


class KmerLogistic:
    """Logistic regression on :class:`KmerFeatures`, fitted with L-BFGS.

    Parameters
    ----------
    features
        The feature definition.
    samples
        Training bases drawn from the train chromosomes (half inside regions).
    l2
        Ridge penalty on the weights.
    seed
        Seed of the sampling.
    """

    def __init__(self, features: KmerFeatures, samples: int = 200_000, l2: float = 1e-4, seed: int = 0):
        self.features = features
        self.samples = samples
        self.l2 = l2
        self.seed = seed
        self.weight: torch.Tensor | None = None

    def _sample(self, chromosomes: Sequence[Chromosome]) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        total = sum(int(c.mask.sum()) for c in chromosomes)
        xs, ys = [], []
        for chrom in chromosomes:
            usable = np.nonzero(chrom.mask)[0]
            inside = usable[chrom.labels[usable] == 1]
            share = int(self.samples * len(usable) / total)
            picks = np.concatenate([
                rng.choice(usable, share // 2, replace=False),
                rng.choice(inside, min(len(inside), share // 2), replace=False) if len(inside) else usable[:0],
            ])
            feats = self.features.chromosome(chrom)
            xs.append(feats[picks]), ys.append(chrom.labels[picks])
        return np.concatenate(xs), np.concatenate(ys).astype(np.float32)

    def fit(self, chromosomes: Sequence[Chromosome], iterations: int = 100) -> KmerLogistic:
        """Fit on bases sampled from ``chromosomes``."""
        x, y = self._sample(chromosomes)
        x = torch.from_numpy(x)
        self.mean, self.scale = x.mean(0), x.std(0).clamp_min(1e-6)
        x = (x - self.mean) / self.scale
        x = torch.cat([x, torch.ones(len(x), 1)], dim=1)
        target = torch.from_numpy(y)
        weight = torch.zeros(x.shape[1], requires_grad=True)
        optimizer = torch.optim.LBFGS([weight], max_iter=iterations, line_search_fn="strong_wolfe")

        def closure():
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(x @ weight, target) + self.l2 * weight[:-1].square().sum()
            loss.backward()
            return loss

        optimizer.step(closure)
        self.weight = weight.detach()
        log.info("k-mer baseline fitted on %d bases (%d features)", len(y), x.shape[1] - 1)
        return self

    def scores(self, chrom: Chromosome) -> np.ndarray:
        """Per-base logit along a chromosome, ``(L,)`` float32."""
        x = (torch.from_numpy(self.features.chromosome(chrom)) - self.mean) / self.scale
        return (x @ self.weight[:-1] + self.weight[-1]).numpy()

    def evaluate(self, chromosomes: Sequence[Chromosome]) -> dict:
        """auROC/auPRC over a fold (blacklist masked)."""
        scores = np.concatenate([self.scores(c)[c.mask] for c in chromosomes])
        labels = np.concatenate([c.labels[c.mask] for c in chromosomes])
        return {"auroc": auroc(scores, labels), "auprc": auprc(scores, labels), "bases": int(labels.size)}
