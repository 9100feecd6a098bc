"""Counts and profiles at peaks: the held-out metrics of a ``target: insertions`` model.

The field's (BPNet, chromBPNet) measures, per peak of a held-out chromosome, on a
window of :data:`PEAK_WINDOW` bases centred on the peak (the centre of each
region of the regions BED): the Pearson and Spearman correlation over peaks of
the log total count, observed ``log(1 + C)`` against predicted ``log(1 + C^)``,
and the median Jensen-Shannon distance (base 2, 0 = identical, 1 = disjoint) of
the observed and predicted profiles (each window's insertions divided by its
total; peaks without an observed insertion are left out of the distance).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy.spatial.distance import jensenshannon
from scipy.stats import pearsonr, spearmanr

from gategenome.model.config import ModelConfig
from gategenome.model.insertions import InsertionHead
from gategenome.train.config import TrainConfig
from gategenome.train.windows import clip_insertions

#: Bases of the window centred on each peak.
PEAK_WINDOW = 1000
#: Peaks per forward pass.
PEAK_BATCH = 64


def profile_metrics(observed: np.ndarray, predicted: np.ndarray) -> dict:
    """Count correlations and profile distance of ``(P, W)`` observed and predicted insertions per base.

    Returns
    -------
    dict
        ``peaks`` (P), ``count_pearson``, ``count_spearman`` (of ``log1p`` of
        the row totals; NaN with fewer than 2 peaks or a constant side),
        ``profile_jsd_median`` (NaN when no row has an observed insertion) and
        ``profile_peaks`` (the rows it is the median of).
    """
    observed = np.asarray(observed, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    obs_total, pred_total = observed.sum(axis=1), predicted.sum(axis=1)
    log_obs, log_pred = np.log1p(obs_total), np.log1p(pred_total)
    varied = len(observed) >= 2 and np.ptp(log_obs) > 0 and np.ptp(log_pred) > 0
    pearson = float(pearsonr(log_obs, log_pred)[0]) if varied else float("nan")
    spearman = float(spearmanr(log_obs, log_pred)[0]) if varied else float("nan")
    rows = (obs_total > 0) & (pred_total > 0)
    if rows.any():
        distances = jensenshannon(observed[rows], predicted[rows], axis=1, base=2)
        jsd = float(np.median(distances))
    else:
        jsd = float("nan")
    return {"peaks": len(observed), "count_pearson": pearson, "count_spearman": spearman,
            "profile_jsd_median": jsd, "profile_peaks": int(rows.sum())}


def peak_selection_score(metrics: dict) -> float:
    """``(1 + r) / 2 * (1 - JSD)`` of :func:`profile_metrics`: 0..1, higher is better (NaN counts as worst).

    What selects the kept weights of a ``target: insertions`` run (in place of the
    valid auPRC): good totals and good profiles both count.
    """
    pearson, jsd = metrics["count_pearson"], metrics["profile_jsd_median"]
    pearson = -1.0 if not np.isfinite(pearson) else pearson
    jsd = 1.0 if not np.isfinite(jsd) else jsd
    return float((1.0 + pearson) / 2.0 * (1.0 - jsd))


def peak_windows(chromosomes: Sequence, window: int = PEAK_WINDOW) -> list[tuple[object, int]]:
    """``(chromosome, start)`` of the ``window``-base window centred on each region, inside the chromosome."""
    found = []
    for chrom in chromosomes:
        for start, end in np.asarray(chrom.regions).reshape(-1, 2):
            begin = (int(start) + int(end)) // 2 - window // 2
            if 0 <= begin and begin + window <= len(chrom):
                found.append((chrom, begin))
    return found


def peak_count_metrics(
    model,
    head: InsertionHead,
    chromosomes: Sequence,
    model_config: ModelConfig,
    train_config: TrainConfig,
    *,
    window: int = PEAK_WINDOW,
) -> dict:
    """:func:`profile_metrics` of a model's predicted insertions (Tn5 bias included) at the peaks of ``chromosomes``.

    Each peak window is predicted after ``eval_burn_in`` bases of upstream context
    (the model reads 5' to 3'); peaks with a blacklisted base are left out.
    ``model`` is anything called as ``model(x)`` returning an object with
    ``logits`` ``(N, L)`` (the LSTM, or a baseline CNN).
    """
    burn_in = train_config.eval_burn_in
    device = next(model.parameters()).device
    observed, predicted = [], []
    items = []
    for chrom, begin in peak_windows(chromosomes, window):
        _, mask = chrom.targets(begin, begin + window)
        if mask.all():
            items.append((chrom, begin))
    model.eval()
    for first in range(0, len(items), PEAK_BATCH):
        chunk = items[first:first + PEAK_BATCH]
        x = np.zeros((len(chunk), burn_in + window, model_config.input_channels), dtype=np.float32)
        for row, (chrom, begin) in enumerate(chunk):
            lo = max(0, begin - burn_in)
            x[row, burn_in - (begin - lo):] = chrom.inputs(lo, begin + window, model_config)
            observed.append(clip_insertions(chrom.insertions(begin, begin + window), train_config.insertion_clip))
        with torch.no_grad():
            xt = torch.from_numpy(x).to(device)
            log_rate = model(xt).logits + head.offset(xt)
            predicted.append(torch.exp(log_rate[:, burn_in:]).float().cpu().numpy())
    if not items:
        return profile_metrics(np.zeros((0, window)), np.zeros((0, window)))
    return profile_metrics(np.stack(observed), np.concatenate(predicted))
