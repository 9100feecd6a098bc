"""Baselines for the per-base accessibility prediction, measured on the same split.

* :func:`signal_scores`: the ATAC signal itself as the score.
* :class:`KmerLogistic`: a sequence model without memory: logistic regression on
  the k-mer counts of a fixed window ending at the base (``causal``, the same
  bases a unidirectional LSTM has read) or centred on it; in ``dna+signal`` mode
  the window means of ``log1p(signal)`` at a few widths are added as features.
* :class:`CnnBaseline`: a causal dilated CNN (:mod:`gategenome.model.cnn`) on DNA,
  trained on the same windows and loss as the LSTM: a learned no-memory model
  with a fixed receptive field.
* :class:`KmerPoisson`: for ``target: insertions``, a Poisson GLM of the
  insertions per base on the k-mer centred on the base (a sequence preference,
  no context): a predicted profile and total for every window, scored at the
  held-out peaks like the models (:func:`gategenome.train.peak_counts.peak_count_metrics`).

Everything is numpy/torch; features are computed chromosome by chromosome in
chunks so memory stays bounded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F

from gategenome.core.runs import moving_average
from gategenome.core.stats import ranking_metrics
from gategenome.model.cnn import CausalCNN, CnnConfig
from gategenome.model.config import ModelConfig
from gategenome.model.insertions import InsertionHead
from gategenome.train.config import TrainConfig
from gategenome.train.objective import balance_weights
from gategenome.train.schedule import learning_rate
from gategenome.train.windows import Chromosome, WindowSampler, clip_insertions

log = logging.getLogger(__name__)

SIGNAL_WIDTHS = (1, 25, 100, 400)


def signal_scores(chromosomes: Sequence[Chromosome]) -> dict:
    """auROC/auPRC of the raw ATAC signal as a per-base score (blacklist masked)."""
    scores = np.concatenate([c.signal[c.mask] for c in chromosomes])
    labels = np.concatenate([c.labels[c.mask] for c in chromosomes])
    return {**ranking_metrics(scores, labels), "bases": int(labels.size)}


def kmer_index(onehot: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index (``0 .. 4**k - 1``) of the k-mer ending at each base, and whether it is complete.

    Parameters
    ----------
    onehot
        ``(L, 4)`` one-hot DNA.

    Returns
    -------
    tuple
        ``(index, valid)``, each ``(L,)``: a k-mer is valid when all its bases are
        A/C/G/T and it starts inside the sequence.
    """
    base_ok = onehot.sum(axis=1) == 1
    codes = onehot.argmax(axis=1).astype(np.int64)
    index = np.zeros(len(codes), dtype=np.int64)
    valid = base_ok.copy()
    for shift in range(k):
        shifted = np.zeros_like(codes)
        ok = np.zeros_like(base_ok)
        shifted[shift:] = codes[:len(codes) - shift]
        ok[shift:] = base_ok[:len(codes) - shift]
        index += shifted * 4**shift
        valid &= ok
    return index, valid


@dataclass
class KmerFeatures:
    """Per-base features of the no-memory baseline.

    Attributes
    ----------
    k
        k-mer length (``4**k`` frequency features).
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

    def _signal_columns(self, chrom: Chromosome) -> list[np.ndarray]:
        signal = np.log1p(np.maximum(chrom.signal, 0).astype(np.float64))
        return [moving_average(signal, width, self.causal, np.float64) for width in SIGNAL_WIDTHS]

    def at(self, chrom: Chromosome, positions: np.ndarray) -> np.ndarray:
        """Features at the given bases, ``(n, size)`` float32 (a k-mer histogram per base)."""
        index, valid = kmer_index(chrom.onehot, self.k)
        left = self.window - 1 if self.causal else self.window // 2
        offsets = np.arange(-left, self.window - left)
        window = positions[:, None] + offsets[None, :]
        inside = (window >= 0) & (window < len(chrom))
        window = np.clip(window, 0, len(chrom) - 1)
        keep = inside & valid[window]
        rows = np.broadcast_to(np.arange(len(positions))[:, None], window.shape)[keep]
        bins = 4**self.k
        counts = np.bincount(rows * bins + index[window][keep], minlength=len(positions) * bins)
        features = [counts.reshape(len(positions), bins).astype(np.float32) / self.window]
        if self.use_signal:
            features.append(np.stack([column[positions] for column in self._signal_columns(chrom)], axis=1))
        return np.concatenate(features, axis=1).astype(np.float32)

    def linear_scores(self, chrom: Chromosome, weights: np.ndarray, bias: float) -> np.ndarray:
        """``features @ weights + bias`` at every base without building the features.

        A window mean of k-mer indicators dotted with weights is the window mean of
        the per-base weight of the k-mer ending there: one running mean.
        """
        index, valid = kmer_index(chrom.onehot, self.k)
        bins = 4**self.k
        per_base = np.where(valid, weights[:bins][index], 0.0)
        score = moving_average(per_base, self.window, self.causal, np.float64) + bias
        if self.use_signal:
            for weight, column in zip(weights[bins:], self._signal_columns(chrom)):
                score += weight * column
        return score.astype(np.float32)


class KmerLogistic:
    """Logistic regression on :class:`KmerFeatures`, fitted with L-BFGS.

    Parameters
    ----------
    features
        The feature definition.
    samples
        Training bases drawn from the train chromosomes (half inside regions).
    l2
        Ridge penalty on the standardised weights.
    seed
        Seed of the sampling.
    """

    def __init__(self, features: KmerFeatures, samples: int = 100_000, l2: float = 1e-4, seed: int = 0):
        self.features = features
        self.samples = samples
        self.l2 = l2
        self.seed = seed
        self.weights: np.ndarray | None = None
        self.bias = 0.0

    def _sample(self, chromosomes: Sequence[Chromosome]) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng(self.seed)
        total = sum(int(c.mask.sum()) for c in chromosomes)
        xs, ys = [], []
        for chrom in chromosomes:
            usable = np.nonzero(chrom.mask)[0]
            inside = usable[chrom.labels[usable] == 1]
            share = max(2, int(self.samples * len(usable) / total))
            picks = [rng.choice(usable, share // 2, replace=False)]
            if len(inside):
                picks.append(rng.choice(inside, min(len(inside), share // 2), replace=False))
            picks = np.sort(np.concatenate(picks))
            xs.append(self.features.at(chrom, picks)), ys.append(chrom.labels[picks])
        return np.concatenate(xs), np.concatenate(ys).astype(np.float32)

    def fit(self, chromosomes: Sequence[Chromosome], iterations: int = 100) -> KmerLogistic:
        """Fit on bases sampled from ``chromosomes`` (half of them inside regions)."""
        x, y = self._sample(chromosomes)
        x = torch.from_numpy(x).double()
        mean, scale = x.mean(0), x.std(0).clamp_min(1e-6)
        z = (x - mean) / scale
        target = torch.from_numpy(y).double()
        weight = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
        bias = torch.zeros((), dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.LBFGS([weight, bias], max_iter=iterations, line_search_fn="strong_wolfe")

        def closure():
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(z @ weight + bias, target) + self.l2 * weight.square().sum()
            loss.backward()
            return loss

        optimizer.step(closure)
        raw = (weight / scale).detach()  # back to unstandardised features
        self.weights = raw.numpy()
        self.bias = float(bias.detach() - (raw * mean).sum())
        log.info("k-mer baseline fitted on %d bases (%d features)", len(y), x.shape[1])
        return self

    def scores(self, chrom: Chromosome) -> np.ndarray:
        """Per-base logit along a chromosome, ``(L,)`` float32."""
        return self.features.linear_scores(chrom, self.weights, self.bias)

    def evaluate(self, chromosomes: Sequence[Chromosome]) -> dict:
        """auROC/auPRC over a fold (blacklist masked)."""
        scores = np.concatenate([self.scores(c)[c.mask] for c in chromosomes])
        labels = np.concatenate([c.labels[c.mask] for c in chromosomes])
        return {**ranking_metrics(scores, labels), "bases": int(labels.size)}


class CnnBaseline:
    """A :class:`~gategenome.model.cnn.CausalCNN` trained like the sequence-only LSTM.

    Same windows (:class:`~gategenome.train.windows.WindowSampler`, reverse-complement
    augmentation), same class-balanced per-base BCE, AdamW and learning-rate schedule
    as ``gategenome train`` with ``train_config``; ``steps`` optimisation steps.

    Parameters
    ----------
    config
        The architecture.
    train_config
        Window, batch, learning rate, schedule and sampling; ``seed`` seeds weights and windows.
    steps
        Optimisation steps.
    """

    def __init__(self, config: CnnConfig, train_config: TrainConfig, steps: int):
        self.config = config
        self.train_config = train_config
        self.steps = steps
        torch.manual_seed(train_config.seed)
        self.model = CausalCNN(config)

    def fit(self, chromosomes: Sequence[Chromosome]) -> CnnBaseline:
        """Train on windows of ``chromosomes``."""
        config = self.train_config
        sampler = WindowSampler(chromosomes, ModelConfig(inputs="dna"), config)
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        rng = np.random.default_rng([config.seed, 1])
        self.model.train()
        for step in range(self.steps):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, self.steps, config)
            batch = sampler.sample(rng)
            x, y, w = (torch.from_numpy(a) for a in (batch.x, batch.y, batch.weight))
            if config.class_balance:
                w = balance_weights(y, w)
            logits = self.model(x)
            loss = F.binary_cross_entropy_with_logits(logits, y, weight=w, reduction="sum") / w.sum().clamp_min(1.0)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip)
            optimizer.step()
            if (step + 1) % max(1, self.steps // 10) == 0:
                log.info("CNN baseline step %d/%d: loss %.4f", step + 1, self.steps, loss.item())
        return self

    @torch.no_grad()
    def scores(self, chrom: Chromosome, segment: int = 65536) -> np.ndarray:
        """Per-base logit along a chromosome, ``(L,)`` float32 (each segment reads its true context)."""
        self.model.eval()
        context, length = self.model.context, len(chrom)
        model_config = ModelConfig(inputs="dna")
        out = np.empty(length, dtype=np.float32)
        for start in range(0, length, segment):
            begin, end = max(0, start - context), min(length, start + segment)
            x = np.zeros((1, context + end - start, 4), dtype=np.float32)
            x[0, context - (start - begin):] = chrom.inputs(begin, end, model_config)
            out[start:end] = self.model(torch.from_numpy(x))[0, context:].numpy()
        return out

    def evaluate(self, chromosomes: Sequence[Chromosome]) -> dict:
        """auROC/auPRC over a fold (blacklist masked)."""
        scores = np.concatenate([self.scores(c)[c.mask] for c in chromosomes])
        labels = np.concatenate([c.labels[c.mask] for c in chromosomes])
        return {**ranking_metrics(scores, labels), "bases": int(labels.size)}


class KmerPoisson(torch.nn.Module):
    """Poisson GLM of the Tn5 insertions per base on the k-mer centred on the base.

    ``log rate_t = w[k-mer of bases t - k // 2 .. t + k - k // 2 - 1]``: one
    weight per k-mer, whose maximum-likelihood value is the log of the k-mer's
    insertions per occurrence over the unmasked bases of the train chromosomes
    (``(insertions + r) / (occurrences + 1)`` with ``r`` the mean rate, so an
    unseen k-mer gets the mean rate; so does a base whose k-mer holds an N or runs
    past the input).  The no-context baseline of ``target: insertions``: its
    profile follows the sequence preference only and its total the window's k-mer
    composition.

    Called like the models (``model(x).logits``, ``(N, L)`` from ``(N, L, C)``
    inputs whose first four channels are one-hot DNA), the logit is
    ``log rate - log mean rate``; with :meth:`head` (the mean rate, no Tn5 bias
    model) :func:`gategenome.train.peak_counts.peak_count_metrics` scores it.

    Parameters
    ----------
    k
        k-mer length.
    """

    def __init__(self, k: int = 4):
        super().__init__()
        self.k = k
        self.log_rate = torch.nn.Parameter(torch.zeros(4**k, dtype=torch.float64), requires_grad=False)
        self.log_mean_rate = 0.0

    def fit(self, chromosomes: Sequence, clip: float = 0.0, block: int = 1 << 20) -> KmerPoisson:
        """Fit on every unmasked base of ``chromosomes`` (insertions clipped at ``clip`` as in training).

        Reads each chromosome ``block`` bases at a time (bounded memory).
        """
        bins = 4**self.k
        counts, occurrences = np.zeros(bins), np.zeros(bins)
        dna, left, right = ModelConfig(inputs="dna"), self.k // 2, self.k - self.k // 2 - 1
        for chrom in chromosomes:
            for start in range(0, len(chrom), block):
                end = min(len(chrom), start + block)
                lo, hi = max(0, start - left), min(len(chrom), end + right)
                index, valid = self._centred(chrom.inputs(lo, hi, dna)[None])
                index, valid = index[0, start - lo:end - lo], valid[0, start - lo:end - lo]
                _, mask = chrom.targets(start, end)
                keep = valid & mask
                reads = clip_insertions(chrom.insertions(start, end), clip).astype(np.float64)
                counts += np.bincount(index[keep], weights=reads[keep], minlength=bins)
                occurrences += np.bincount(index[keep], minlength=bins)
        mean_rate = counts.sum() / max(1.0, occurrences.sum())
        if mean_rate <= 0:
            raise ValueError("no insertion on the fitted chromosomes")
        self.log_mean_rate = float(np.log(mean_rate))
        with torch.no_grad():
            self.log_rate.copy_(torch.from_numpy(np.log((counts + mean_rate) / (occurrences + 1.0))))
        log.info("%d-mer Poisson baseline fitted on %d bases, mean rate %.4g", self.k, int(occurrences.sum()),
                 mean_rate)
        return self

    def _centred(self, onehot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index and validity of the centred k-mer of ``(N, L, >=4)`` inputs, each ``(N, L)``."""
        right = self.k - self.k // 2 - 1
        index = np.zeros(onehot.shape[:2], dtype=np.int64)
        valid = np.zeros(onehot.shape[:2], dtype=bool)
        for row, sequence in enumerate(onehot):
            ending, complete = kmer_index(sequence[:, :4], self.k)  # the k-mer ending at each base
            length = len(sequence)
            index[row, :length - right] = ending[right:]
            valid[row, :length - right] = complete[right:]
        return index, valid

    def head(self) -> InsertionHead:
        """The offset of the logits: the mean rate, no Tn5 bias model (the k-mers are the preference)."""
        return InsertionHead(self.log_mean_rate)

    @torch.no_grad()
    def forward(self, x: torch.Tensor, state=None) -> SimpleNamespace:
        """``logits`` ``(N, L)``: ``log rate - log mean rate`` of ``(N, L, C)`` inputs (0 where no k-mer)."""
        index, valid = self._centred(x.detach().cpu().numpy())
        log_rate = np.where(valid, self.log_rate.detach().cpu().numpy()[index], self.log_mean_rate)
        logits = torch.from_numpy(log_rate - self.log_mean_rate).to(device=x.device, dtype=x.dtype)
        return SimpleNamespace(logits=logits)
