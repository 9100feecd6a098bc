"""How well can a gate read "within 50 bp of a region edge" from a model's states? A linear probe.

The gate terms of ``edge_loss: bce_units`` train ``1 - f`` of the last layer as a
class-balanced classifier of the edge zone.  This script asks what the best such
classifier could reach on the information the trained model carries: a
class-balanced logistic regression on the per-base hidden states of each LSTM
layer (and on all of them with the logit), fitted on ``--fit`` chromosomes and
scored on ``--score`` chromosomes (forward strand, causal, every ``--stride``-th
base).  It prints the edge auROC of each probe, and for the probe's ``f = 1 - p``
the means within 50 bp of an edge, outside regions and inside, with the ratio
edge / outside that the boundary target asks to be <= 0.5; and the model's own
gate on the same bases.  The last probe is also read as a sharp gate,
``1 - f = sigmoid(T (logit p - c))`` (what ``edge_sharpness: T`` trains): for each T,
the lowest edge / outside ratio with the mean gate outside regions at least 0.8 and 0.9.

Example::

    python benchmarks/edge_probe.py --model model_dna/model.pt --genome sacCer3.fa \\
        --regions prep/accessible.bed --blacklist config/sacCer3.blacklist.bed \\
        --fit chrII,chrIII --score chrI,chrXI --threads 1
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import torch

from gategenome.core.stats import auroc
from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.model.gates import mean_forget_gate
from gategenome.train.objective import edge_zone
from gategenome.train.windows import load_chromosomes


def features(model, chromosomes, stride: int, flank: int):
    """Per sampled base: hidden states of every layer + logit, target, edge zone, model gate."""
    rows, targets, edges, gates = [], [], [], []
    for chrom in chromosomes:
        x = torch.from_numpy(np.asarray(chrom.inputs(0, len(chrom), model.config))).float()[None]
        y, weight = chrom.targets(0, len(chrom))
        y = torch.from_numpy(np.asarray(y)).float()[None]
        with torch.no_grad():
            out = model(x)
            gate = mean_forget_gate(model, out)[0].numpy()
        stacked = torch.cat([h[0] for h in out.hidden] + [out.logits[0][:, None]], dim=1).numpy()
        keep = (np.arange(len(chrom)) % stride == 0) & (np.asarray(weight) > 0)
        rows.append(stacked[keep]), targets.append(y[0].numpy()[keep])
        edges.append(edge_zone(y, flank)[0].numpy()[keep]), gates.append(gate[keep])
    return np.concatenate(rows), np.concatenate(targets), np.concatenate(edges), np.concatenate(gates)


def fit_probe(x: np.ndarray, labels: np.ndarray, steps: int = 200):
    """Class-balanced logistic regression (L-BFGS on standardised features); returns a scorer."""
    mean, std = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy((x - mean) / std).float()
    yt = torch.from_numpy(labels.astype(np.float32))
    pos = yt.mean().clamp(1e-6, 1 - 1e-6)
    weight = torch.where(yt > 0.5, 0.5 / pos, 0.5 / (1 - pos))
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.LBFGS([w, b], max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(xt @ w + b, yt, weight=weight)
        loss = loss + 1e-4 * (w * w).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    return lambda z: torch.sigmoid(torch.from_numpy((z - mean) / std).float() @ w + b).detach().numpy()


def summary(name: str, f: np.ndarray, y: np.ndarray, edge: np.ndarray) -> str:
    outside, inside = (~edge) & (y < 0.5), (~edge) & (y > 0.5)
    return (f"{name:22s} edge auROC {auroc(1 - f, edge):.3f}  f edge {f[edge].mean():.3f} "
            f"outside {f[outside].mean():.3f} inside {f[inside].mean():.3f} "
            f"edge/outside {f[edge].mean() / f[outside].mean():.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--genome", required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--fit", required=True, help="comma-separated chromosomes the probes are fitted on")
    parser.add_argument("--score", required=True, help="comma-separated chromosomes they are scored on")
    parser.add_argument("--stride", type=int, default=7)
    parser.add_argument("--flank", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, _ = load_model(args.model)
    model.eval()
    genome = Genome(args.genome)
    regions = read_bed(args.regions)
    blacklist = read_bed(args.blacklist) if args.blacklist else []
    load = lambda names: load_chromosomes(genome, names.split(","), regions, None, blacklist)  # noqa: E731
    fit_x, _, fit_edge, _ = features(model, load(args.fit), args.stride, args.flank)
    x, y, edge, gate = features(model, load(args.score), args.stride, args.flank)
    print(f"fit on {args.fit} ({len(fit_x):,} bases), scored on {args.score} ({len(x):,} bases, "
          f"{edge.mean():.1%} within {args.flank} bp of an edge)")
    print(summary("model's last-layer gate", gate, y, edge))
    hidden = model.config.hidden_size
    probes = {f"probe: layer {i + 1}": slice(i * hidden, (i + 1) * hidden) for i in range(model.config.num_layers)}
    probes["probe: all + logit"] = slice(None)
    for name, columns in probes.items():
        scorer = fit_probe(fit_x[:, columns], fit_edge)
        print(summary(name, 1 - scorer(x[:, columns]), y, edge))
        if name == "probe: all + logit":
            for line in sharpened(scorer(x[:, columns]), y, edge):
                print(line)
    return 0


def sharpened(p: np.ndarray, y: np.ndarray, edge: np.ndarray, floors=(0.8, 0.9)) -> list[str]:
    """The probe read as a sharp gate, ``1 - f = sigmoid(T (logit p - c))``: the lowest edge / outside ratio
    with the mean gate outside regions at least each floor, over offsets ``c``, for several sharpnesses ``T``."""
    outside = (~edge) & (y < 0.5)
    logit = np.log(np.clip(p, 1e-6, 1 - 1e-6)) - np.log1p(-np.clip(p, 1e-6, 1 - 1e-6))
    offsets = np.quantile(logit, np.linspace(0.01, 0.999, 200))
    lines = []
    for sharpness in (1, 2, 4, 8, 32):
        best = {floor: (np.inf, 0.0, 0.0) for floor in floors}
        for offset in offsets:
            f = 1.0 / (1.0 + np.exp(sharpness * (logit - offset)))
            f_edge, f_out = f[edge].mean(), f[outside].mean()
            for floor in floors:
                if f_out >= floor and f_edge / f_out < best[floor][0]:
                    best[floor] = (f_edge / f_out, f_edge, f_out)
        lines.append(f"  sharp gate T={sharpness:<3d}" + "".join(
            f"  f_out>={floor}: ratio {r:.2f} (edge {e:.3f}, outside {o:.3f})" for floor, (r, e, o) in best.items()))
    return lines


if __name__ == "__main__":
    sys.exit(main())
