"""Insertion counts and profiles at held-out peaks: the LSTM against a same-size CNN and a 4-mer baseline, in one run.

For each seed, the LSTM is trained by ``gategenome train`` (``run_train``) with the
recipe of ``--config`` (``train.target: insertions``), and a causal dilated CNN
(:class:`gategenome.model.cnn.CausalCNN`, its width searched to match the LSTM's
parameter count, a receptive field of ``--cnn-field`` bases ending at the base)
is trained on the same windows (same seed), with the same loss (multinomial
profile + log total count), the same frozen Tn5 bias model and mean rate (fitted as
train fits them), optimiser, schedule and weight selection (the valid peaks' score
after every epoch), for as long as the LSTM: ``--cnn-budget time`` (the default)
gives it the epochs of ``steps_per_epoch`` steps that fit in the LSTM's training
seconds (its cost per step and per validation timed on 10 steps and one validation
first), ``--cnn-budget steps`` the LSTM's number of steps.  Both are scored on the test
chromosomes' peaks (:func:`gategenome.train.peak_counts.peak_count_metrics`: 1 kb
windows centred on each region; Pearson and Spearman r of log total counts,
median Jensen-Shannon distance of the profiles).  The 4-mer baseline
(:class:`gategenome.train.baselines.KmerPoisson`: a Poisson GLM of the insertions
per base on the centred 4-mer, fitted on the train chromosomes with the recipe's
``insertion_clip``; no seed, so one row) is scored on the same peaks.
``--models`` runs a subset (``--models 4-mer``: the baseline alone, seconds).

An LSTM whose ``model.pt`` and ``metrics.json`` are already in ``--work/lstm-SEED/``
(``gategenome train`` with the same ``--config``, seed, ``--threads 1 --device cpu``:
checked against the configuration recorded in ``metrics.json``) is read instead of
trained again; the seconds column is then its training time from ``metrics.json``
(CNN: training and evaluation).

Prints one row per model and seed, the means over seeds and the ratios of
each pair of models run (LSTM / CNN, LSTM / 4-mer, CNN / 4-mer; Pearson: higher
is better; JSD: lower is better), and writes them as JSON to ``--out``.

Example::

    python benchmarks/reads_profile.py --genome sacCer3.fa --insertions SRR1822137.cutsites.bw \\
        --regions peaks.bed --folds folds.json --blacklist config/sacCer3.blacklist.bed \\
        --config config/reads_dna.yaml --seeds 0 1 --work bench/ --out reads_profile.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from gategenome.model.cnn import CausalCNN, matching_config, parameter_count
from gategenome.model.network import GateLSTM
from gategenome.train.baselines import KmerPoisson
from gategenome.train.bias import fit_tn5_bias
from gategenome.train.config import load_config
from gategenome.train.dataset import open_training_data
from gategenome.train.files import TrainInputs
from gategenome.train.loop import run_train, set_determinism
from gategenome.train.objective import insertion_terms
from gategenome.train.peak_counts import peak_count_metrics, peak_selection_score
from gategenome.train.schedule import learning_rate
from gategenome.train.windows import WindowSampler

log = logging.getLogger("benchmark")

KEYS = ("count_pearson", "count_spearman", "profile_jsd_median")
MODELS = ("LSTM", "CNN", "4-mer")


class LogitsOf(torch.nn.Module):
    """A CNN returning ``(N, L)`` logits, seen as a model whose output has ``.logits``."""

    def __init__(self, cnn: CausalCNN):
        super().__init__()
        self.cnn = cnn

    def forward(self, x, state=None):
        return SimpleNamespace(logits=self.cnn(x))


def _cnn_step(model, optimizer, head, batch, train_config) -> torch.Tensor:
    """One optimiser step of the CNN on ``batch``; its loss."""
    x = torch.from_numpy(batch.x)
    with torch.no_grad():
        offset = head.offset(x)
    profile, count = insertion_terms(model(x).logits + offset, torch.from_numpy(batch.counts),
                                     torch.from_numpy(batch.weight))
    loss = profile + train_config.count_weight * count
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    if train_config.grad_clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), train_config.grad_clip)
    optimizer.step()
    return loss


def _new_cnn(cnn_config, train_config):
    torch.manual_seed(train_config.seed)
    model = LogitsOf(CausalCNN(cnn_config))
    return model, torch.optim.AdamW(model.parameters(), lr=train_config.lr, weight_decay=train_config.weight_decay)


def _epochs_in(seconds: float, model, optimizer, head, sampler, training, model_config, train_config) -> int:
    """Epochs of the CNN that fit in ``seconds``: 10 steps and one validation timed on a throwaway copy."""
    rng = np.random.default_rng([train_config.seed, 10 ** 6])
    started = time.perf_counter()
    for _ in range(10):
        _cnn_step(model, optimizer, head, sampler.sample(rng), train_config)
    step_seconds = (time.perf_counter() - started) / 10
    started = time.perf_counter()
    peak_count_metrics(model, head, training.data["valid"], model_config, train_config)
    epoch_seconds = train_config.steps_per_epoch * step_seconds + time.perf_counter() - started
    log.info("CNN: %.3f s a step, %.0f s an epoch with its validation", step_seconds, epoch_seconds)
    return max(1, round(seconds / epoch_seconds))


def train_cnn(inputs: TrainInputs, model_config, train_config, field: int, parameters: int, cache: Path,
              seconds: float | None = None) -> dict:
    """The CNN trained as the docstring says (for about ``seconds`` when given); its test peak metrics and size."""
    set_determinism(train_config)
    cnn_config = matching_config(parameters, field)
    best, best_state, step = -1.0, None, 0
    started = time.perf_counter()
    with open_training_data(inputs, model_config, cache) as training:
        head = fit_tn5_bias(training.data["train"], model_config, train_config, torch.device("cpu"))
        sampler = WindowSampler(training.data["train"], model_config, train_config)
        epochs = train_config.epochs
        if seconds is not None:
            epochs = _epochs_in(seconds, *_new_cnn(cnn_config, train_config), head, sampler, training,
                                model_config, train_config)
            started = time.perf_counter()
        model, optimizer = _new_cnn(cnn_config, train_config)
        total = epochs * train_config.steps_per_epoch
        for epoch in range(epochs):
            rng = np.random.default_rng([train_config.seed, epoch])
            model.train()
            for _ in range(train_config.steps_per_epoch):
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(step, total, train_config)
                loss = _cnn_step(model, optimizer, head, sampler.sample(rng), train_config)
                step += 1
            score = peak_selection_score(peak_count_metrics(model, head, training.data["valid"], model_config,
                                                            train_config))
            log.info("CNN seed %d epoch %d: loss %.4f valid peak score %.4f", train_config.seed, epoch + 1,
                         loss.item(), score)
            if score >= best - train_config.select_tolerance:
                best = max(best, score)
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
        model.load_state_dict(best_state)
        test = peak_count_metrics(model, head, training.data["test"], model_config, train_config)
    test.update(parameters=parameter_count(model), seconds=time.perf_counter() - started, steps=step,
                channels=cnn_config.channels, receptive_field=field)
    return test


def fit_kmer(inputs: TrainInputs, model_config, train_config, cache: Path, k: int = 4) -> dict:
    """The k-mer Poisson baseline fitted on the train chromosomes; its test peak metrics and size."""
    started = time.perf_counter()
    with open_training_data(inputs, model_config, cache) as training:
        model = KmerPoisson(k).fit(training.data["train"], train_config.insertion_clip)
        test = peak_count_metrics(model, model.head(), training.data["test"], model_config, train_config)
    test.update(parameters=4**k, seconds=time.perf_counter() - started, steps=0)
    return test


def seed_rows(args: argparse.Namespace, seed: int) -> list[dict]:
    """The LSTM's and the CNN's rows of one seed (those ``--models`` names)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    work = Path(args.work)
    inputs = TrainInputs(genome=args.genome, regions=args.regions, folds=args.folds, blacklist=args.blacklist,
                         insertions=args.insertions)
    model_config, train_config = load_config(args.config, seed=seed, threads=args.threads, device="cpu")
    out = work / f"lstm-{seed}" / "model.pt"
    parameters = parameter_count(GateLSTM(model_config))
    rows, budget = [], None
    if "LSTM" in args.models:
        resolved = json.loads(json.dumps({"model": model_config.to_dict(), "train": train_config.to_dict()}))
        if (out.parent / "metrics.json").exists():  # trained earlier by gategenome train with this recipe and seed
            metrics = json.loads((out.parent / "metrics.json").read_text())
            if metrics["config"] != resolved:
                raise SystemExit(f"{out.parent / 'metrics.json'}: trained with another configuration than --config "
                                 f"and seed {seed}; remove it to retrain")
            log.info("LSTM seed %d: read %s (trained by gategenome train)", seed, out.parent / "metrics.json")
        else:
            metrics = run_train(args.genome, None, args.regions, args.folds, out, model_config, train_config,
                                blacklist=args.blacklist, insertions=args.insertions, cache=work / "cache",
                                progress=False)
        rows.append({"model": "LSTM", "seed": seed, **metrics["peaks"]["test"], "parameters": parameters,
                     "seconds": metrics["train_seconds"], "steps": metrics["steps"]})
        budget = metrics["train_seconds"] if args.cnn_budget == "time" else None
    if "CNN" in args.models:
        cnn = train_cnn(inputs, model_config, replace(train_config), args.cnn_field, parameters, work / "cache",
                        budget)
        rows.append({"model": "CNN", "seed": seed, **cnn})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("genome", "insertions", "regions", "folds", "config"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--cnn-field", type=int, default=1024, help="CNN receptive field (bases)")
    parser.add_argument("--cnn-budget", choices=("time", "steps"), default="time",
                        help="train the CNN for the LSTM's training seconds (time) or its number of steps")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="seeds trained at once, each in its own process")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS), help="the models compared")
    parser.add_argument("--work", required=True, help="directory of the trained models and the genome cache")
    parser.add_argument("--out", help="JSON of the results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    rows = []
    if "4-mer" in args.models:
        model_config, train_config = load_config(args.config, seed=args.seeds[0], threads=args.threads, device="cpu")
        inputs = TrainInputs(genome=args.genome, regions=args.regions, folds=args.folds, blacklist=args.blacklist,
                             insertions=args.insertions)
        rows.append({"model": "4-mer", "seed": None, **fit_kmer(inputs, model_config, train_config,
                                                                 Path(args.work) / "cache")})
    seeds = args.seeds if {"LSTM", "CNN"} & set(args.models) else []
    if args.jobs > 1 and len(seeds) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows += [row for rows in pool.map(seed_rows, [args] * len(seeds), seeds) for row in rows]
    else:
        rows += [row for seed in seeds for row in seed_rows(args, seed)]
    print(f"{'model':6} {'seed':>4} {'params':>7} {'peaks':>6} {'pearson':>8} {'spearman':>8} {'JSD':>7} "
          f"{'steps':>6} {'s':>6}")
    for row in rows:
        seed = "-" if row["seed"] is None else row["seed"]
        print(f"{row['model']:6} {seed:>4} {row['parameters']:>7} {row['peaks']:>6} {row['count_pearson']:>8.4f} "
              f"{row['count_spearman']:>8.4f} {row['profile_jsd_median']:>7.4f} {row['steps']:>6} "
              f"{row['seconds']:>6.0f}")
    names = [name for name in MODELS if name in args.models]
    means = {name: {key: float(np.mean([r[key] for r in rows if r["model"] == name])) for key in KEYS}
             for name in names}
    for name, values in means.items():
        over = "(no seed)" if name == "4-mer" else f"mean over seeds {args.seeds}"
        print(f"{name} {over}: " + ", ".join(f"{k} {v:.4f}" for k, v in values.items()))
    ratios = {f"{a} / {b}": {key: means[a][key] / means[b][key] for key in KEYS}
              for i, a in enumerate(names) for b in names[i + 1:]}
    for pair, values in ratios.items():
        print(f"ratio {pair}: " + ", ".join(f"{k} {v:.3f}" for k, v in values.items()))
    if args.out:
        Path(args.out).write_text(json.dumps({"rows": rows, "means": means, "ratios": ratios}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
