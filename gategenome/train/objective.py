"""The training objective: masked per-base BCE plus the forget-gate terms.

The loss of a batch is the per-base binary cross-entropy of "inside an accessible
region" (masked bases weigh 0), plus a gate-sparsity penalty ``mean(1 - f)`` that
charges the model for each base where its mean forget gate drops, plus an edge
term ``mean(-log(1 - f))`` that pays it for forgetting near region edges.  With
``edge_loss: bce_units`` the two terms are, for each hidden unit's gate, the
cross-entropy of ``1 - f`` as a classifier of "within ``edge_flank`` of an edge"
(the penalty ``-log f``), averaged over the units: the mean gate's gradient to a
unit saturated near 1 vanishes (``f (1 - f)``), per unit the pull on its logit
never does.  ``edge_sharpness`` T scores ``sigmoid(logit(1 - f) / T)`` instead
(times T, so the pull per unit of the gate's logit is as at T = 1 and the weights
keep their meaning), so the gate is that classifier sharpened T times (shut at
likely edges, open elsewhere).

With ``target: insertions`` the data term is BPNet's: the multinomial negative
log-likelihood of each window's observed insertion profile under the softmax of
the predicted log rates (per insertion), plus ``count_weight`` times the squared
error of the window's log total count (:func:`insertion_terms`); the model's
logits are the log rate relative to the genome mean, and the frozen Tn5 bias
and the mean rate come in as an ``offset``.  The gate terms then read their
inside/outside and edges from the model's own predicted rate (detached,
:func:`rate_labels`), never from the regions BED.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from gategenome.model.gates import gate_preactivation, layer_tensors, mean_forget_gate
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig

def balance_weights(y: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Reweight ``(N, L)`` per-base weights so positives and negatives carry half the total each."""
    positives = (weight * y).sum()
    negatives = (weight * (1.0 - y)).sum()
    if positives == 0 or negatives == 0:
        return weight
    total = positives + negatives
    return weight * torch.where(y > 0.5, total / (2.0 * positives), total / (2.0 * negatives))


def edge_zone(y: torch.Tensor, flank: int) -> torch.Tensor:
    """``(N, L)`` targets -> ``(N, L)`` bool: bases within ``flank`` of a label change.

    A change between bases ``t - 1`` and ``t`` is an edge at ``t``; the zone is
    ``[t - flank, t + flank)``, the bases :meth:`Chromosome.boundary_mask` marks.
    """
    change = torch.zeros_like(y)
    change[:, 1:] = (y[:, 1:] != y[:, :-1]).to(y.dtype)
    if flank < 1:
        return change > 0
    padded = F.pad(change.unsqueeze(1), (flank - 1, flank))
    return F.max_pool1d(padded, kernel_size=2 * flank, stride=1).squeeze(1) > 0


@dataclass
class LossTerms:
    """Scalars of one batch: ``total`` (what is minimised) and its parts."""

    total: torch.Tensor
    bce: torch.Tensor
    penalty: torch.Tensor
    edge: torch.Tensor
    profile: torch.Tensor | None = None
    count: torch.Tensor | None = None


def insertion_terms(
    log_rate: torch.Tensor, counts: torch.Tensor, weight: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Multinomial profile NLL per insertion and mean squared error of log total counts.

    Parameters
    ----------
    log_rate
        ``(N, L)`` predicted log insertions per base.
    counts
        ``(N, L)`` observed insertions per base.
    weight
        ``(N, L)`` per-base weights; bases of weight 0 (masked) are left out of both
        the profile and the totals.

    Returns
    -------
    tuple
        ``(profile, count)``: ``-sum_n sum_t c_nt log p_nt / sum c`` with
        ``p_n = softmax(log_rate_n)`` over the scored bases of window ``n`` (the
        multinomial coefficient, constant, left out), and the mean over windows
        with a scored base of ``(log(1 + C_n) - log(1 + sum_t exp(log_rate_nt)))^2``.
    """
    scored = weight > 0
    has_base = scored.any(dim=1)
    scored = scored | ~has_base[:, None]  # a fully masked window: a finite softmax, no counts, no weight
    counts = torch.where(scored & has_base[:, None], counts, torch.zeros_like(counts))
    masked = log_rate.masked_fill(~scored, float("-inf"))
    log_total = torch.logsumexp(masked, dim=1)
    log_profile = (masked - log_total[:, None]).masked_fill(~scored, 0.0)
    profile = -(counts * log_profile).sum() / counts.sum().clamp_min(1.0)
    error = (torch.log1p(counts.sum(dim=1)) - F.softplus(log_total)).square()
    count = (error * has_base).sum() / has_base.sum().clamp_min(1)
    return profile, count


def rate_labels(logits: torch.Tensor, flank: int, fold: float) -> torch.Tensor:
    """``(N, L)`` float 0/1: the predicted rate (averaged over ``2 flank + 1`` bases) above ``fold`` x the mean.

    ``logits`` are ``log(rate / mean rate)``; they are detached, so the labels
    only say where the gate terms look.
    """
    rate = torch.exp(logits.detach().float().clamp(max=30.0))
    if flank > 0:
        rate = F.avg_pool1d(rate.unsqueeze(1), 2 * flank + 1, stride=1, padding=flank,
                            count_include_pad=False).squeeze(1)
    return (rate > fold).to(logits.dtype)

def _masked_mean(values: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    return (values * where).sum() / where.sum().clamp_min(1.0)


def gate_penalty_term(
    forget: torch.Tensor, y: torch.Tensor, scored: torch.Tensor, cost: torch.Tensor | None = None
) -> torch.Tensor:
    """``mean(1 - f)`` inside regions and outside, averaged over the sides present.

    Balancing the two sides makes forgetting deep inside a short accessible region
    cost as much as forgetting in the long background, so the model cannot mark
    "inside" by a low gate for free.  ``forget``, ``y``, ``scored``: ``(N, L)``;
    ``cost``: ``(N, L)`` per-base cost of forgetting in place of ``1 - f``.
    """
    sides = torch.stack([scored * y, scored * (1.0 - y)])  # (2, N, L)
    counts = sides.sum(dim=(1, 2))
    cost = 1.0 - forget if cost is None else cost
    means = (cost * sides).sum(dim=(1, 2)) / counts.clamp_min(1.0)
    present = (counts > 0).to(means.dtype)
    return (means * present).sum() / present.sum().clamp_min(1.0)


def _unit_mean(values: torch.Tensor) -> torch.Tensor:
    """``(N, L, H)`` per hidden unit -> ``(N, L)`` averaged over the units."""
    return values.mean(dim=-1)


def gate_scale(epoch: int, config: TrainConfig) -> float:
    """Factor (0..1) on the gate terms in 0-based ``epoch``: the curriculum of the gate terms.

    0 for the first ``gate_start_epoch`` epochs, then rising linearly over
    ``gate_ramp_epochs`` epochs (``1 / ramp`` in the first of them) to 1.
    """
    if epoch < config.gate_start_epoch:
        return 0.0
    if config.gate_ramp_epochs < 1:
        return 1.0
    return min(1.0, (epoch - config.gate_start_epoch + 1) / config.gate_ramp_epochs)


def loss_terms(
    model: GateLSTM, x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, config: TrainConfig, scale: float = 1.0,
    *, counts: torch.Tensor | None = None, offset: torch.Tensor | None = None,
) -> LossTerms:
    """Masked per-base BCE, the gate-sparsity penalty and the edge term of one batch.

    Parameters
    ----------
    x
        ``(N, L, C)`` inputs.
    y, weight
        ``(N, L)`` targets and per-base weights (0 = masked).
    config
        ``gate_penalty`` weighs :func:`gate_penalty_term` of the last layer's mean
        forget gate (the track that is scanned), ``edge_weight`` weighs
        ``mean(-log(1 - f))`` over the bases within ``edge_flank`` of a region edge
        (a log, so its pull does not vanish where the gate saturates near 1); with
        the edge term on, the penalty covers the other bases only.  A weight of 0
        skips its term.
    scale
        Factor on both gate weights (:func:`gate_scale`); 0 skips the gate terms.
    counts, offset
        ``target: insertions``: ``(N, L)`` observed insertions and the fixed log
        offset (mean rate and frozen Tn5 bias) added to the logits; ``y`` is then
        not read (the gate terms use :func:`rate_labels`).
    """
    out = model(x)
    zero = torch.zeros((), device=x.device)
    profile = count = None
    if config.target == "insertions":
        profile, count = insertion_terms(out.logits + offset, counts, weight)
        bce = profile + config.count_weight * count
        y = rate_labels(out.logits, config.edge_flank, config.edge_rate_fold)
    else:
        bce = F.binary_cross_entropy_with_logits(out.logits, y, weight=weight, reduction="sum") / weight.sum().clamp_min(1.0)
    penalty, edge = zero, zero
    penalty_weight, edge_weight = scale * config.gate_penalty, scale * config.edge_weight
    if penalty_weight > 0 or edge_weight > 0:
        sharpness = float(config.edge_sharpness)
        units = config.edge_loss == "bce_units"
        if units:  # one gate recovery: the units' logits, then their mean gate
            last = len(model.lstm_layers) - 1
            preactivation = gate_preactivation(model.lstm_layers[last], *layer_tensors(out, last), "forget")
            forget = torch.sigmoid(preactivation).mean(dim=-1)
            closed = -preactivation / sharpness  # (N, L, H) logit of each unit's 1 - f, softened T times
        else:
            forget = mean_forget_gate(model, out)
        scored = (weight > 0).to(forget.dtype)
        if edge_weight > 0:
            near = edge_zone(y, config.edge_flank).to(forget.dtype) * scored
            if units:
                edge = _masked_mean(_unit_mean(sharpness * F.softplus(-closed)), near)
            else:
                edge = _masked_mean(-torch.log1p(-forget.clamp_max(1.0 - 1e-6)), near)
            scored = scored * (1.0 - near)
        cost = _unit_mean(sharpness * F.softplus(closed)) if units else None
        penalty = gate_penalty_term(forget, y, scored, cost)
    total = bce + penalty_weight * penalty + edge_weight * edge
    return LossTerms(total, bce, penalty, edge, profile, count)
