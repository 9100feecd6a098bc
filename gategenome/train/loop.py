"""Training loop: AdamW, warm-up + cosine schedule, validation, early stopping, resume.

One epoch is ``steps_per_epoch`` batches of sampled windows (:mod:`gategenome.train.windows`),
then a validation pass over the valid chromosomes (per-base auPRC decides the best
epoch and early stopping).  After every epoch a resume checkpoint (model,
optimiser, best weights, history) is written atomically beside the output; a run
restarted with ``resume=True`` continues from it.  Window sampling is seeded per
epoch from ``(seed, epoch)`` and the learning rate is a function of the step, so a
resumed run is bit-identical to an uninterrupted one on CPU.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from gategenome.data.folds import read_folds
from gategenome.errors import ConfigError, InputError, ModelError
from gategenome.io.atomic import atomic_open, atomic_path
from gategenome.io.jsonfile import write_json
from gategenome.model.checkpoint import read_checkpoint, resolve_device, save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.gates import mean_forget_gate
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig, dump_config
from gategenome.train.holdout import evaluate_fold
from gategenome.train.windows import WindowSampler, load_chromosomes

log = logging.getLogger(__name__)


@dataclass
class TrainInputs:
    """Files a training run reads.

    Attributes
    ----------
    genome
        FASTA (indexed or indexable).
    regions
        BED of accessible regions (the per-base targets).
    folds
        ``folds.json`` with the train / valid / test chromosomes.
    signal
        ATAC bigWig; required when the model reads the signal.
    blacklist
        Optional BED of bases left out of loss and metrics (e.g. collapsed rDNA).
    """

    genome: str
    regions: str
    folds: str
    signal: str | None = None
    blacklist: str | None = None


@dataclass
class TrainOutputs:
    """Where a training run writes: model, metrics, curves, resolved config, resume file."""

    model: Path
    metrics: Path | None = None
    curves: Path | None = None
    config: Path | None = None
    resume: Path = field(init=False)

    def __post_init__(self) -> None:
        self.model = Path(self.model)
        stem = self.model.with_suffix("")
        self.metrics = Path(self.metrics) if self.metrics else stem.parent / "metrics.json"
        self.curves = Path(self.curves) if self.curves else stem.parent / "curves.png"
        self.config = Path(self.config) if self.config else Path(f"{stem}.config.yaml")
        self.resume = Path(f"{stem}.resume.pt")


def learning_rate(step: int, total: int, config: TrainConfig) -> float:
    """Learning rate at optimisation ``step`` (0-based) of ``total``."""
    if config.warmup_steps and step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    if config.schedule == "constant":
        return config.lr
    progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
    floor = config.lr * config.min_lr_ratio
    return floor + (config.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def set_determinism(config: TrainConfig) -> None:
    """Threads, seeds and deterministic kernels for reproducible CPU training."""
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


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


def _masked_mean(values: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
    return (values * where).sum() / where.sum().clamp_min(1.0)


def gate_penalty_term(forget: torch.Tensor, y: torch.Tensor, scored: torch.Tensor) -> torch.Tensor:
    """``mean(1 - f)`` inside regions and outside, averaged over the sides present.

    Balancing the two sides makes forgetting deep inside a short accessible region
    cost as much as forgetting in the long background, so the model cannot mark
    "inside" by a low gate for free.  ``forget``, ``y``, ``scored``: ``(N, L)``.
    """
    sides = torch.stack([scored * y, scored * (1.0 - y)])  # (2, N, L)
    counts = sides.sum(dim=(1, 2))
    means = ((1.0 - forget) * sides).sum(dim=(1, 2)) / counts.clamp_min(1.0)
    present = (counts > 0).to(means.dtype)
    return (means * present).sum() / present.sum().clamp_min(1.0)


def loss_terms(model: GateLSTM, x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, config: TrainConfig) -> LossTerms:
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
    """
    out = model(x)
    bce = F.binary_cross_entropy_with_logits(out.logits, y, weight=weight, reduction="sum") / weight.sum().clamp_min(1.0)
    zero = torch.zeros((), device=x.device)
    penalty, edge = zero, zero
    if config.gate_penalty > 0 or config.edge_weight > 0:
        forget = mean_forget_gate(model, out)
        scored = (weight > 0).to(forget.dtype)
        if config.edge_weight > 0:
            near = edge_zone(y, config.edge_flank).to(forget.dtype) * scored
            edge = _masked_mean(-torch.log1p(-forget.clamp_max(1.0 - 1e-6)), near)
            scored = scored * (1.0 - near)
        penalty = gate_penalty_term(forget, y, scored)
    total = bce + config.gate_penalty * penalty + config.edge_weight * edge
    return LossTerms(total, bce, penalty, edge)


def _progress(total: int, description: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="step", file=sys.stderr, leave=False, dynamic_ncols=True)


def _open_data(inputs: TrainInputs, model_config: ModelConfig):
    from gategenome.data.intervals import read_blacklist, resolve_interval_chroms
    from gategenome.io.bed import read_bed
    from gategenome.io.bigwig import SignalTrack
    from gategenome.io.fasta import Genome

    if model_config.uses_signal and not inputs.signal:
        raise ConfigError("model.inputs is dna+signal but no signal bigWig was given; pass --signal or set inputs: dna")
    with Genome(inputs.genome) as genome:
        folds = read_folds(inputs.folds, genome.sizes).folds
        for fold in ("valid", "test"):
            if not folds[fold]:
                raise InputError(f"{inputs.folds}: the {fold} fold is empty; training needs held-out valid and test chromosomes")
        # Same chromosome-name matching as prepare, so a blacklist written as XII masks chrXII here too.
        regions = resolve_interval_chroms(read_bed(inputs.regions, kind="regions"), genome.sizes, str(inputs.regions), unknown="error")
        blacklist = read_blacklist(inputs.blacklist, genome.sizes)
        signal = SignalTrack(inputs.signal, genome.sizes) if model_config.uses_signal else None
        try:
            data = {}
            for fold in ("train", "valid", "test"):
                data[fold] = load_chromosomes(genome, folds[fold], regions, signal, blacklist)
                log.info("%s fold: %d chromosome(s), %d bases", fold, len(data[fold]), sum(len(c) for c in data[fold]))
        finally:
            if signal is not None:
                signal.close()
    return folds, data


def _save_resume(path: Path, model, optimizer, state: dict) -> None:
    save_checkpoint(path, model, summary={"resume": True}, extra={"optimizer": optimizer.state_dict(), "training": state})


def train_model(
    inputs: TrainInputs,
    outputs: TrainOutputs,
    model_config: ModelConfig,
    train_config: TrainConfig,
    resume: bool = False,
    progress: bool = True,
    on_epoch_end: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Train a :class:`GateLSTM` and write model, metrics, curves and resolved config.

    Parameters
    ----------
    inputs, outputs
        Files read and written.
    model_config, train_config
        The resolved configuration.
    resume
        Continue from ``outputs.resume`` when it exists (same configuration required).
    progress
        Show a tqdm bar (loss, bases/s) on stderr.
    on_epoch_end
        Called with the epoch number after each epoch's resume checkpoint is saved.

    Returns
    -------
    dict
        The metrics written to ``metrics.json``.
    """
    set_determinism(train_config)
    device = resolve_device(train_config.device)
    folds, data = _open_data(inputs, model_config)
    model = GateLSTM(model_config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=train_config.lr, weight_decay=train_config.weight_decay)
    state = {
        "epoch": 0, "step": 0, "best_auprc": -1.0, "best_epoch": -1, "bad_epochs": 0, "history": [],
        "best_state": None, "train_config": train_config.to_dict(),
    }
    if resume and outputs.resume.exists():
        state = _load_resume(outputs.resume, model, optimizer, model_config, train_config)
    elif resume:
        log.warning("%s: no resume checkpoint; starting from scratch", outputs.resume)
    sampler = WindowSampler(data["train"], model_config, train_config)
    total_steps = train_config.epochs * train_config.steps_per_epoch
    bases_per_step = train_config.batch_size * train_config.window
    started = time.perf_counter()
    for epoch in range(state["epoch"], train_config.epochs):
        if train_config.patience and state["bad_epochs"] >= train_config.patience:
            break
        rng = np.random.default_rng([train_config.seed, epoch])
        model.train()
        losses, bces, penalties, edges = [], [], [], []
        bar = _progress(train_config.steps_per_epoch, f"epoch {epoch + 1}/{train_config.epochs}") if progress else None
        tick = time.perf_counter()
        for _ in range(train_config.steps_per_epoch):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(state["step"], total_steps, train_config)
            batch = sampler.sample(rng)
            x, y, w = (torch.from_numpy(a).to(device) for a in (batch.x, batch.y, batch.weight))
            if train_config.class_balance:
                w = balance_weights(y, w)
            terms = loss_terms(model, x, y, w, train_config)
            optimizer.zero_grad(set_to_none=True)
            terms.total.backward()
            if train_config.grad_clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), train_config.grad_clip)
            optimizer.step()
            state["step"] += 1
            losses.append(terms.total.item()), bces.append(terms.bce.item())
            penalties.append(terms.penalty.item()), edges.append(terms.edge.item())
            if bar is not None:
                rate = len(losses) * bases_per_step / max(1e-9, time.perf_counter() - tick)
                bar.set_postfix(loss=f"{losses[-1]:.4f}", bases_s=f"{rate:,.0f}")
                bar.update()
        if bar is not None:
            bar.close()
        seconds = time.perf_counter() - tick
        valid = evaluate_fold(model, data["valid"], train_config.eval_segment, train_config.eval_burn_in, with_gates=False)
        record = {
            "epoch": epoch + 1, "loss": float(np.mean(losses)), "bce": float(np.mean(bces)),
            "gate_penalty": float(np.mean(penalties)), "edge_term": float(np.mean(edges)), "valid_bce": valid["bce"],
            "valid_auroc": valid["auroc"], "valid_auprc": valid["auprc"],
            "lr": optimizer.param_groups[0]["lr"], "seconds": seconds,
            "bases_per_second": len(losses) * bases_per_step / max(1e-9, seconds),
        }
        state["history"].append(record)
        log.info(
            "epoch %d: loss %.4f (bce %.4f) valid auROC %.4f auPRC %.4f, %.0f bases/s",
            epoch + 1, record["loss"], record["bce"], valid["auroc"], valid["auprc"], record["bases_per_second"],
        )
        if valid["auprc"] >= state["best_auprc"] - train_config.select_tolerance:
            best = max(state["best_auprc"], valid["auprc"])
            state.update(best_auprc=best, best_epoch=epoch + 1, bad_epochs=0)
            state["best_state"] = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            state["bad_epochs"] += 1
        state["epoch"] = epoch + 1
        _save_resume(outputs.resume, model, optimizer, state)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1)
    train_seconds = time.perf_counter() - started
    if state["best_state"] is not None:
        model.load_state_dict(state["best_state"])
    metrics = _final_metrics(model, data, folds, state, inputs, model_config, train_config, train_seconds)
    _write_outputs(outputs, model, metrics, model_config, train_config)
    outputs.resume.unlink(missing_ok=True)
    return metrics


def _load_resume(path: Path, model, optimizer, model_config: ModelConfig, train_config: TrainConfig) -> dict:
    payload = read_checkpoint(path)
    training = payload.get("training")
    if not isinstance(training, dict) or payload.get("config") != model_config.to_dict():
        raise ModelError(f"{path}: resume checkpoint was written with another model configuration; delete it or drop --resume")
    if training.get("train_config") not in (None, train_config.to_dict()):
        raise ModelError(f"{path}: resume checkpoint was written with another train configuration; delete it or drop --resume")
    model.load_state_dict(payload["state_dict"])
    optimizer.load_state_dict(payload["optimizer"])
    log.info("resuming from %s after epoch %d", path, training["epoch"])
    return training


def _final_metrics(model, data, folds, state, inputs, model_config, train_config, train_seconds) -> dict:
    segment, burn_in = train_config.eval_segment, train_config.eval_burn_in
    metrics = {
        "valid": evaluate_fold(model, data["valid"], segment, burn_in),
        "test": evaluate_fold(model, data["test"], segment, burn_in),
        "best_epoch": state["best_epoch"],
        "epochs_run": state["epoch"],
        "steps": state["step"],
        "train_seconds": train_seconds,
        "history": state["history"],
        "folds": folds,
        "data": {key: (str(Path(value).resolve()) if value else None) for key, value in vars(inputs).items()},
        "seed": train_config.seed,
        "threads": torch.get_num_threads(),
        "config": {"model": model_config.to_dict(), "train": train_config.to_dict()},
    }
    for fold in ("valid", "test"):
        m = metrics[fold]
        log.info(
            "%s: auROC %.4f auPRC %.4f; forget gate inside %.4f outside %.4f boundary %.4f",
            fold, m["auroc"], m["auprc"], m["forget"]["inside"], m["forget"]["outside"], m["forget"]["boundary"],
        )
    return metrics


def _write_outputs(outputs: TrainOutputs, model, metrics: dict, model_config: ModelConfig, train_config: TrainConfig) -> None:
    for path in (outputs.model, outputs.metrics, outputs.curves, outputs.config):
        path.parent.mkdir(parents=True, exist_ok=True)
    summary = {key: value for key, value in metrics.items() if key != "history"}
    save_checkpoint(outputs.model, model.cpu(), summary=json.loads(json.dumps(summary, default=str)))
    write_json(outputs.metrics, metrics)
    with atomic_open(outputs.config) as handle:
        handle.write(dump_config(model_config, train_config))
    plot_curves(metrics["history"], outputs.curves, metrics["test"]["forget"].get("profile"))


def plot_curves(history: list[dict], path: str | os.PathLike, profile: dict | None = None) -> None:
    """Loss and validation auROC/auPRC per epoch as a PNG (matplotlib Agg).

    With ``profile`` (:func:`gategenome.train.holdout.boundary_profile` of the test fold)
    a third panel shows the mean forget gate across region starts and ends.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [record["epoch"] for record in history]
    panels = 3 if profile else 2
    figure, axes = plt.subplots(1, panels, figsize=(4.5 * panels, 3.5))
    left, right = axes[0], axes[1]
    left.plot(epochs, [r["loss"] for r in history], "o-", label="train loss")
    left.plot(epochs, [r["bce"] for r in history], "s--", label="train BCE")
    left.plot(epochs, [r["valid_bce"] for r in history], "^-", label="valid BCE")
    left.set_xlabel("epoch"), left.set_ylabel("loss"), left.legend()
    right.plot(epochs, [r["valid_auroc"] for r in history], "o-", label="valid auROC")
    right.plot(epochs, [r["valid_auprc"] for r in history], "s-", label="valid auPRC")
    lowest = min([r["valid_auprc"] for r in history] + [r["valid_auroc"] for r in history], default=0.0)
    right.set_xlabel("epoch"), right.set_ylim(max(0.0, lowest - 0.05), 1), right.legend()
    if profile:
        edges = axes[2]
        for kind in ("entering", "leaving"):
            edges.plot(profile["offsets"], profile[kind], label=f"{kind} ({profile['edges'][kind]} edges)")
        edges.axvline(0, color="grey", lw=0.8, ls=":")
        edges.set_xlabel("bases from the edge (< 0 outside, >= 0 inside)")
        edges.set_ylabel("mean forget gate, test fold"), edges.legend()
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=100)
    plt.close(figure)
