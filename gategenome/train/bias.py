"""Fit the Tn5 bias model and the mean insertion rate for ``target: insertions``.

Tn5's sequence preference is learned where chromatin does not shape the reads:
the bases outside the accessible regions (and off the blacklist) of the train
chromosomes.  A :class:`~gategenome.model.tn5bias.Tn5Bias` is fitted there by
Poisson regression of the insertions per base on the sequence around them, then
frozen; the main model trains on top of it (chromBPNet's bias factorisation).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import torch

from gategenome.model.config import ModelConfig
from gategenome.model.insertions import InsertionHead
from gategenome.model.tn5bias import Tn5Bias
from gategenome.train.config import TrainConfig
from gategenome.train.windows import WindowSampler, clip_insertions

log = logging.getLogger(__name__)

#: Bases read at a time when summing a chromosome's insertions.
CHUNK = 1 << 20
#: Bases per window of the bias fit (it reads local sequence only).
BIAS_WINDOW = 2048


def mean_insertion_rate(chromosomes: Sequence, clip: float) -> float:
    """Insertions per unmasked base over ``chromosomes`` (clipped per base as in training).

    Reads each chromosome in blocks of :data:`CHUNK` bases, so memory does not grow with it.
    """
    total, bases = 0.0, 0
    for chrom in chromosomes:
        for start in range(0, len(chrom), CHUNK):
            end = min(len(chrom), start + CHUNK)
            _, mask = chrom.targets(start, end)
            counts = clip_insertions(chrom.insertions(start, end), clip)
            total += float(counts[mask].sum(dtype=np.float64))
            bases += int(mask.sum())
    return total / max(1, bases)


def fit_tn5_bias(
    chromosomes: Sequence,
    model_config: ModelConfig,
    train_config: TrainConfig,
    device: torch.device,
) -> InsertionHead:
    """The mean rate of ``chromosomes`` and, unless ``bias_steps`` is 0, a frozen Tn5 bias model.

    The bias model is fitted for ``bias_steps`` Adam steps of ``batch_size``
    windows of :data:`BIAS_WINDOW` bases drawn uniformly (seeded by ``seed``),
    on the Poisson likelihood of the insertions at bases outside the regions; its
    ``shift`` is then set so that its preference averages 1 over those bases.

    Returns
    -------
    InsertionHead
        ``log_mean_rate`` and the frozen bias (None when ``bias_steps`` is 0).
    """
    mean_rate = mean_insertion_rate(chromosomes, train_config.insertion_clip)
    if mean_rate <= 0:
        raise ValueError("no insertion on the train chromosomes")
    head = InsertionHead(float(np.log(mean_rate)))
    if train_config.bias_steps == 0:
        return head
    started = time.perf_counter()
    generator = torch.Generator().manual_seed(train_config.seed)
    bias = Tn5Bias(train_config.bias_width)
    with torch.no_grad():
        for parameter in bias.parameters():  # seeded initialisation, independent of the global stream
            parameter.uniform_(-0.1, 0.1, generator=generator)
        bias.out.bias.fill_(float(np.log(mean_rate)))
    bias.to(device)
    config = replace(train_config, accessible_fraction=0.0, window=min(BIAS_WINDOW, train_config.window))
    sampler = WindowSampler(chromosomes, model_config, config)
    rng = np.random.default_rng([train_config.seed, 1 << 20])
    optimizer = torch.optim.Adam(bias.parameters(), lr=1e-2)
    for _ in range(train_config.bias_steps):
        batch = sampler.sample(rng)
        x = torch.from_numpy(batch.x).to(device)
        counts = torch.from_numpy(batch.counts).to(device)
        closed = torch.from_numpy(batch.weight * (1.0 - batch.y)).to(device)
        log_rate = bias(x)
        loss = ((torch.exp(log_rate) - counts * log_rate) * closed).sum() / closed.sum().clamp_min(1.0)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    with torch.no_grad():  # the preference averages 1 over closed bases of a fresh sample
        logs, weights = [], []
        for _ in range(4):
            batch = sampler.sample(rng)
            logs.append(bias(torch.from_numpy(batch.x).to(device)).cpu())
            weights.append(torch.from_numpy(batch.weight * (1.0 - batch.y)))
        preference = torch.exp(torch.cat(logs))
        weight = torch.cat(weights)
        bias.shift -= torch.log((preference * weight).sum() / weight.sum().clamp_min(1.0)).to(bias.shift.device)
    log.info("Tn5 bias model: %d steps in %.1f s (final Poisson loss %.4f); mean rate %.4g insertions/base",
             train_config.bias_steps, time.perf_counter() - started, loss.item(), mean_rate)
    return InsertionHead(head.log_mean_rate, bias.cpu().freeze())
