"""Training throughput at the default model size against a plain nn.LSTM of the same shape.

Reference: ``torch.nn.LSTM`` (same input size, units and layers) forward + backward
(sum of outputs) on a batch of the default window length and batch size, measured in the same run with the same
threads.  Measured: one full training step of ``gategenome train`` (window
sampling with reverse-complement augmentation, model forward, masked BCE, the
gate-sparsity penalty when configured, backward, clipping, AdamW) on an in-memory
random chromosome.  Prints bases/s of both and their ratio (target >= 0.8).

Example::

    python benchmarks/train.py --threads 2 --steps 8
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch

from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig, load_config
from gategenome.train.objective import loss_terms
from gategenome.train.windows import Chromosome, WindowSampler


def random_chromosome(length: int, rng: np.random.Generator) -> Chromosome:
    onehot = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, length)]
    labels = np.zeros(length, dtype=np.uint8)
    starts = np.sort(rng.choice(length - 1000, length // 20000, replace=False))
    for start in starts:
        labels[start:start + 400] = 1
    regions = np.stack([starts, starts + 400], axis=1)
    signal = rng.poisson(2.0, length).astype(np.float32)
    return Chromosome("chrR", onehot, signal, labels, np.ones(length, bool), regions)


def time_steps(step, steps: int) -> float:
    """Median seconds per call of ``step`` after two warm-up calls."""
    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="model/train YAML (default: the built-in defaults)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model_config, train_config = load_config(args.config)
    train_config = TrainConfig(**{**train_config.to_dict(), "device": "cpu"})
    bases = train_config.batch_size * train_config.window
    rng = np.random.default_rng(0)

    lstm = torch.nn.LSTM(
        model_config.input_channels, model_config.hidden_size, num_layers=model_config.num_layers, batch_first=True
    )
    x = torch.randn(train_config.batch_size, train_config.window, model_config.input_channels)

    def reference_step():
        lstm.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        out.sum().backward()

    model = GateLSTM(model_config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=train_config.lr, weight_decay=train_config.weight_decay)
    sampler = WindowSampler([random_chromosome(2_000_000, rng)], model_config, train_config)

    def train_step():
        batch = sampler.sample(rng)
        xs, ys, ws = (torch.from_numpy(a) for a in (batch.x, batch.y, batch.weight))
        terms = loss_terms(model, xs, ys, ws, train_config)
        optimizer.zero_grad(set_to_none=True)
        terms.total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), train_config.grad_clip)
        optimizer.step()

    # interleave to share whatever else the machine is doing
    reference, ours = [], []
    for _ in range(3):
        reference.append(time_steps(reference_step, args.steps))
        ours.append(time_steps(train_step, args.steps))
    reference_rate = bases / min(reference)
    our_rate = bases / min(ours)
    print(f"model: {model_config.to_dict()}")
    print(f"batch {train_config.batch_size} x window {train_config.window} = {bases:,} bases/step, "
          f"gate_penalty {train_config.gate_penalty}, edge_weight {train_config.edge_weight}, {args.threads} thread(s)")
    print(f"plain nn.LSTM forward+backward : {reference_rate:12,.0f} bases/s ({min(reference) * 1e3:.0f} ms/step)")
    print(f"gategenome training step       : {our_rate:12,.0f} bases/s ({min(ours) * 1e3:.0f} ms/step)")
    print(f"ratio (training / plain LSTM)  : {our_rate / reference_rate:.2f}  (target >= 0.80)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
