"""Training loop: AdamW, warm-up + cosine schedule, validation, early stopping, resume.

One epoch is ``steps_per_epoch`` batches of sampled windows (:mod:`gategenome.train.windows`),
then a validation pass over the valid chromosomes (per-base auPRC decides the best
epoch and early stopping; a fixed sample of ``valid_bases`` bases of them when the
fold is longer).  The data are read from the genome cache and the held-out metrics
are streamed (:mod:`gategenome.train.dataset`, :mod:`gategenome.train.holdout`),
so memory does not grow with the genome.  After every epoch a resume checkpoint (model,
optimiser, best weights, history) is written atomically beside the output; a run
restarted with ``resume=True`` continues from it.  Window sampling is seeded per
epoch from ``(seed, epoch)`` and the learning rate is a function of the step, so a
resumed run is bit-identical to an uninterrupted one on CPU.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gategenome.core.cores import free_core_threads
from gategenome.core.progress import progress_bar
from gategenome.errors import ConfigError, InputError
from gategenome.io.atomic import atomic_open
from gategenome.io.jsonfile import write_json
from gategenome.model.checkpoint import resolve_device, save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.insertions import InsertionHead
from gategenome.model.network import GateLSTM
from gategenome.train.bias import fit_tn5_bias
from gategenome.train.config import TrainConfig, dump_config
from gategenome.train.curves import plot_curves
from gategenome.train.dataset import open_training_data
from gategenome.train.files import TrainInputs, TrainOutputs, input_identities
from gategenome.train.holdout import evaluate_fold
from gategenome.train.objective import balance_weights, gate_scale, loss_terms
from gategenome.train.peak_counts import peak_count_metrics, peak_selection_score
from gategenome.train.resume import initial_state, load_resume, save_resume
from gategenome.train.schedule import learning_rate
from gategenome.train.windows import WindowSampler

log = logging.getLogger(__name__)


def set_determinism(config: TrainConfig) -> None:
    """Threads, seeds and deterministic kernels for reproducible CPU training.

    ``config.threads`` bounds both torch's intra-op threads and its inter-op
    pool; 0 takes torch's default less one thread for each core other processes
    keep busy when training starts (:func:`gategenome.core.cores.free_core_threads`).
    The inter-op pool can be set once per process, before any parallel work, so a
    later call that cannot change it logs what is in use.
    """
    threads = config.threads
    if not threads:
        threads = free_core_threads(torch.get_num_threads())
        if threads < torch.get_num_threads():
            log.info("%d of %d cores are busy with other work: training with %d thread(s)",
                     torch.get_num_threads() - threads, torch.get_num_threads(), threads)
    torch.set_num_threads(threads)
    if torch.get_num_interop_threads() != threads:
        try:
            torch.set_num_interop_threads(threads)
        except RuntimeError:
            log.warning("torch inter-op threads already fixed at %d in this process (asked for %d)",
                        torch.get_num_interop_threads(), threads)
    torch.manual_seed(config.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _progress(total: int, description: str):
    return progress_bar(total, description, unit="step")


def run_train(
    genome: str,
    signal: str | None,
    regions: str,
    folds: str,
    out: str | os.PathLike,
    model_config: ModelConfig,
    train_config: TrainConfig,
    *,
    blacklist: str | None = None,
    insertions: str | None = None,
    metrics: str | os.PathLike | None = None,
    curves: str | os.PathLike | None = None,
    cache: str | os.PathLike | None = None,
    resume: bool = False,
    progress: bool = True,
    on_epoch_end: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Train a :class:`GateLSTM` and write model, metrics, curves and resolved config.

    Parameters
    ----------
    genome, signal, regions, folds, blacklist, insertions
        Files read (see :class:`gategenome.train.files.TrainInputs`); ``signal`` may be None
        for a ``dna`` model; ``insertions`` (a bigWig of Tn5 insertions per base) is
        required with ``target: insertions`` and refused otherwise.
    out
        The model file written; ``metrics``, ``curves`` and the genome ``cache`` go beside
        it unless given (see :class:`gategenome.train.files.TrainOutputs`).
    model_config, train_config
        The resolved configuration.
    resume
        Continue from ``OUT``'s resume checkpoint when it exists (same configuration required).
    progress
        Show progress (loss, bases/s) on stderr: a bar on a terminal, else a log line every 10%.
    on_epoch_end
        Called with the epoch number after each epoch's resume checkpoint is saved.

    Returns
    -------
    dict
        The metrics written to ``metrics.json``.

    Raises
    ------
    ConfigError
        ``target: insertions`` without ``insertions``, or ``insertions`` with ``target: regions``.
    """
    check_target(train_config, insertions, signal if model_config.uses_signal else None)
    inputs = TrainInputs(genome=genome, regions=regions, folds=folds, signal=signal, blacklist=blacklist,
                         insertions=insertions)
    outputs = TrainOutputs(out, metrics=metrics, curves=curves, cache=cache)
    set_determinism(train_config)
    device = resolve_device(train_config.device)
    model = GateLSTM(model_config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=train_config.lr, weight_decay=train_config.weight_decay)
    identities = input_identities(inputs)
    state = initial_state(train_config, identities)
    # the resume checkpoint is checked before the genome cache is built: a bad one writes nothing
    if resume and outputs.resume.exists():
        state = load_resume(outputs.resume, model, optimizer, model_config, train_config, identities)
    elif resume:
        log.warning("%s: no resume checkpoint; starting from scratch", outputs.resume)
    with open_training_data(inputs, model_config, outputs.cache) as training:
        return _train(training, model, optimizer, state, inputs, outputs, model_config, train_config, device,
                      progress, on_epoch_end)


def check_target(train_config: TrainConfig, insertions: str | None, signal: str | None = None) -> None:
    """``--insertions`` given exactly when ``train.target`` is ``insertions``, and never as the input ``--signal``.

    The input signal of a ``dna+signal`` model must not be the target itself (the
    model would copy it): pass the coverage (a smoothed track) as ``--signal``.
    """
    if train_config.target == "insertions" and not insertions:
        raise ConfigError("train.target is insertions but no --insertions bigWig was given; expected the Tn5 "
                          "insertions per base (signal's cutsites.bw) or target regions")
    if train_config.target != "insertions" and insertions:
        raise ConfigError(f"--insertions {insertions}: given with train.target {train_config.target!r}; "
                          "expected train.target insertions (set it in --config) or no --insertions")
    if insertions and signal and Path(insertions).exists() and Path(signal).exists() \
            and os.path.samefile(insertions, signal):
        raise ConfigError(f"--signal {signal}: the same file as --insertions, the target; expected an input that "
                          "is not the target (the coverage bigWig)")


def _train(training, model, optimizer, state, inputs, outputs, model_config, train_config, device, progress,
           on_epoch_end) -> dict:
    """:func:`run_train` on opened training data, from ``state``."""
    folds, data = training.folds, training.data
    head = None
    if train_config.target == "insertions":
        try:
            head = fit_tn5_bias(data["train"], model_config, train_config, device)
        except ValueError as exc:
            raise InputError(f"{inputs.insertions}: {exc}; expected Tn5 insertions per base") from None
        if head.bias is not None:
            head.bias.to(device)
    sampler = WindowSampler(data["train"], model_config, train_config)
    started = time.perf_counter()
    for epoch in range(state["epoch"], train_config.epochs):
        if train_config.patience and state["bad_epochs"] >= train_config.patience:
            break
        record = _train_epoch(model, optimizer, sampler, state, epoch, train_config, device, progress, head)
        valid = evaluate_fold(model, data["valid"], train_config.eval_segment, train_config.eval_burn_in,
                              with_gates=False, max_bases=train_config.valid_bases, seed=train_config.seed,
                              batch=train_config.eval_batch)
        record = _epoch_record(record, valid, optimizer.param_groups[0]["lr"])
        score = valid["auprc"]
        if head is not None:  # the reads, not the regions, select the weights
            peaks = peak_count_metrics(model, head, data["valid"], model_config, train_config)
            score = peak_selection_score(peaks)
            record.update(valid_count_pearson=peaks["count_pearson"], valid_profile_jsd=peaks["profile_jsd_median"],
                          valid_peak_score=score)
        state["history"].append(record)
        log.info(
            "epoch %d: loss %.4f (bce %.4f) valid auROC %.4f auPRC %.4f, %.0f bases/s",
            epoch + 1, record["loss"], record["bce"], valid["auroc"], valid["auprc"], record["bases_per_second"],
        )
        if epoch >= train_config.gate_start_epoch or epoch + 1 == train_config.epochs:
            _select_weights(state, model, score, epoch, train_config.select_tolerance)
        state["epoch"] = epoch + 1
        save_resume(outputs.resume, model, optimizer, state)
        if on_epoch_end is not None:
            on_epoch_end(epoch + 1)
    train_seconds = time.perf_counter() - started
    if state["best_state"] is not None:
        model.load_state_dict(state["best_state"])
    metrics = _final_metrics(model, data, folds, state, inputs, model_config, train_config, train_seconds, outputs.cache)
    if head is not None:
        metrics["peaks"] = {fold: peak_count_metrics(model, head, data[fold], model_config, train_config)
                            for fold in ("valid", "test")}
        for fold in ("valid", "test"):
            m = metrics["peaks"][fold]
            log.info("%s peaks: %d, log total count Pearson %.4f Spearman %.4f, median profile JSD %.4f",
                     fold, m["peaks"], m["count_pearson"], m["count_spearman"], m["profile_jsd_median"])
        head.bias = None if head.bias is None else head.bias.cpu()
    _write_outputs(outputs, model, metrics, model_config, train_config, head)
    outputs.resume.unlink(missing_ok=True)
    return metrics


def _train_epoch(
    model: GateLSTM,
    optimizer: torch.optim.Optimizer,
    sampler: WindowSampler,
    state: dict,
    epoch: int,
    config: TrainConfig,
    device: torch.device,
    progress: bool,
    head: InsertionHead | None = None,
) -> dict:
    """``steps_per_epoch`` optimisation steps on windows sampled with the epoch's seed.

    With ``head`` (``target: insertions``) the loss reads the batch's insertions
    and the head's fixed offset (mean rate and frozen Tn5 bias).

    Advances ``state["step"]``.  Returns the epoch's training part of its history
    record: mean loss terms, seconds and the number of bases per second.
    """
    total_steps = config.epochs * config.steps_per_epoch
    bases_per_step = config.batch_size * config.window
    rng = np.random.default_rng([config.seed, epoch])
    model.train()
    losses, bces, penalties, edges, profiles, counts = [], [], [], [], [], []
    bar = _progress(config.steps_per_epoch, f"epoch {epoch + 1}/{config.epochs}") if progress else None
    tick = time.perf_counter()
    for _ in range(config.steps_per_epoch):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(state["step"], total_steps, config)
        batch = sampler.sample(rng)
        x, y, w = (torch.from_numpy(a).to(device) for a in (batch.x, batch.y, batch.weight))
        if config.class_balance:
            w = balance_weights(y, w)
        reads = {}
        if head is not None:
            with torch.no_grad():
                reads = {"counts": torch.from_numpy(batch.counts).to(device), "offset": head.offset(x)}
        terms = loss_terms(model, x, y, w, config, gate_scale(epoch, config), **reads)
        optimizer.zero_grad(set_to_none=True)
        terms.total.backward()
        if config.grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        state["step"] += 1
        losses.append(terms.total.item()), bces.append(terms.bce.item())
        penalties.append(terms.penalty.item()), edges.append(terms.edge.item())
        if terms.profile is not None:
            profiles.append(terms.profile.item()), counts.append(terms.count.item())
        if bar is not None:
            rate = len(losses) * bases_per_step / max(1e-9, time.perf_counter() - tick)
            bar.set_postfix(loss=f"{losses[-1]:.4f}", bases_s=f"{rate:,.0f}")
            bar.update()
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - tick
    record = {
        "epoch": epoch + 1, "loss": float(np.mean(losses)), "bce": float(np.mean(bces)),
        "gate_penalty": float(np.mean(penalties)), "edge_term": float(np.mean(edges)), "seconds": seconds,
        "bases_per_second": len(losses) * bases_per_step / max(1e-9, seconds),
    }
    if profiles:  # target insertions: "bce" is the data term, profile + count_weight * count
        record.update(profile=float(np.mean(profiles)), count=float(np.mean(counts)))
    return record


def _epoch_record(train: dict, valid: dict, lr: float) -> dict:
    """One ``history`` entry: the training means, then validation, learning rate and speed."""
    record = {
        "epoch": train["epoch"], "loss": train["loss"], "bce": train["bce"],
        "gate_penalty": train["gate_penalty"], "edge_term": train["edge_term"], "valid_bce": valid["bce"],
        "valid_auroc": valid["auroc"], "valid_auprc": valid["auprc"],
        "lr": lr, "seconds": train["seconds"],
        "bases_per_second": train["bases_per_second"],
    }
    record.update({key: train[key] for key in ("profile", "count") if key in train})
    return record


def _select_weights(state: dict, model: GateLSTM, valid_auprc: float, epoch: int, tolerance: float) -> None:
    """Keep the epoch's weights when its validation auPRC is within ``tolerance`` of the best."""
    if valid_auprc >= state["best_auprc"] - tolerance:
        best = max(state["best_auprc"], valid_auprc)
        state.update(best_auprc=best, best_epoch=epoch + 1, bad_epochs=0)
        state["best_state"] = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    else:
        state["bad_epochs"] += 1


def _final_metrics(model, data, folds, state, inputs, model_config, train_config, train_seconds, outputs_cache=None) -> dict:
    segment, burn_in = train_config.eval_segment, train_config.eval_burn_in
    sample = {"max_bases": train_config.final_bases, "seed": train_config.seed, "batch": train_config.eval_batch}
    metrics = {
        "valid": evaluate_fold(model, data["valid"], segment, burn_in, **sample),
        "test": evaluate_fold(model, data["test"], segment, burn_in, **sample),
        "best_epoch": state["best_epoch"],
        "epochs_run": state["epoch"],
        "steps": state["step"],
        "train_seconds": train_seconds,
        "history": state["history"],
        "folds": folds,
        "data": {key: (str(Path(value).resolve()) if value else None) for key, value in vars(inputs).items()},
        "seed": train_config.seed,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "cache": str(Path(outputs_cache).resolve()) if outputs_cache else None,
        "config": {"model": model_config.to_dict(), "train": train_config.to_dict()},
    }
    for fold in ("valid", "test"):
        m = metrics[fold]
        log.info(
            "%s: auROC %.4f auPRC %.4f; forget gate inside %.4f outside %.4f boundary %.4f",
            fold, m["auroc"], m["auprc"], m["forget"]["inside"], m["forget"]["outside"], m["forget"]["boundary"],
        )
    return metrics


def _write_outputs(outputs: TrainOutputs, model, metrics: dict, model_config: ModelConfig, train_config: TrainConfig,
                   head: InsertionHead | None = None) -> None:
    for path in (outputs.model, outputs.metrics, outputs.curves, outputs.config):
        path.parent.mkdir(parents=True, exist_ok=True)
    summary = {key: value for key, value in metrics.items() if key != "history"}
    extra = {"target": train_config.target}
    if head is not None:
        extra["insertions"] = head.to_entry()
    save_checkpoint(outputs.model, model.cpu(), summary=json.loads(json.dumps(summary, default=str)), extra=extra)
    write_json(outputs.metrics, metrics)
    with atomic_open(outputs.config) as handle:
        handle.write(dump_config(model_config, train_config))
    plot_curves(metrics["history"], outputs.curves, metrics["test"]["forget"].get("profile"))
