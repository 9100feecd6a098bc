"""The evaluation's plots, as PNG ``data:`` URLs for the self-contained report.

Drawn with matplotlib's Agg backend (imported on first use, so importing this
module stays cheap) and encoded as base64 ``data:`` URLs, so ``report.html``
needs no other file and no network.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np

STRAND_COLOURS = {"+": "#1f77b4", "-": "#d62728"}
CALLERS = {"model": "drop summits", "drop_ends": "drop beginnings / ends", "signal": "signal-only caller",
           "boundary_calls": "boundary calls", "region_calls": "region-call edges"}
STRAND_WORDS = {"+": "plus strand", "-": "minus strand", "both": "both strands"}


def _figure_png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _subplots(*args, **kwargs):
    """``pyplot.subplots`` on the Agg backend with constrained layout."""
    return _pyplot().subplots(*args, layout="constrained", **kwargs)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_meta_profile(profiles: dict[str, np.ndarray], summary: dict[str, Any]) -> str | None:
    """Mean forget gate vs signed scan-direction distance to entry / exit edges, as a PNG data URL."""
    if "offsets" not in profiles:
        return None
    offsets = profiles["offsets"]
    figure, axes = _subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for axis, kind in zip(axes, ("entry", "exit")):
        for strand in ("+", "-"):
            key = f"{kind}{strand}"
            if key not in profiles:
                continue
            edges = summary.get(key, {}).get("edges", 0)
            axis.plot(offsets, profiles[key], color=STRAND_COLOURS[strand], lw=1.2,
                      label=f"{STRAND_WORDS[strand]} scan ({edges} edges)")
            mean = summary.get("genome_mean", {}).get(strand)
            if mean is not None:
                axis.axhline(mean, color=STRAND_COLOURS[strand], lw=0.8, ls=":")
        axis.axvline(0, color="k", lw=0.8, ls="--")
        inside = "inside region" if kind == "entry" else "outside region"
        outside = "outside region" if kind == "entry" else "inside region"
        axis.set_title(f"{kind} edges")
        axis.set_xlabel(f"bases from the edge in scan direction\n(← {outside} | {inside} →)")
        axis.legend(fontsize=8, loc="lower left")
        axis.grid(alpha=0.3)
    axes[0].set_ylabel("mean forget gate")
    figure.suptitle("Forget gate around region edges (dotted: chromosome-wide mean)", fontsize=11)
    return _figure_png(figure)


def plot_boundary_curves(results: dict[str, Any]) -> str:
    """Any-edge precision / recall / F1 against distance for the model and the signal-only caller."""
    figure, axes = _subplots(1, 3, figsize=(11, 3.2))
    for name, style in (("model", "o-"), ("drop_ends", "^-"), ("signal", "s--"), ("boundary_calls", "D-"),
                        ("region_calls", "v:")):
        scores = results["boundaries"].get(name)
        if not scores:
            continue
        table = scores["any"]["both"]
        distances = [int(d) for d in table]
        for axis, metric in zip(axes, ("precision", "recall", "f1")):
            axis.plot(distances, [table[str(d)][metric] for d in distances], style, label=CALLERS[name])
            axis.set_title(metric)
            axis.set_xlabel("distance d (bases)")
            axis.set_ylim(0, 1)
            axis.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    return _figure_png(figure)


def plot_enrichment(results: dict[str, Any]) -> str:
    """Enrichment over random positions with bootstrap intervals, model vs signal-only caller."""
    figure, axis = _subplots(figsize=(5.5, 3.2))
    for shift, (key, label, colour) in enumerate((("enrichment", "forget-gate drops", "#1f77b4"),
                                                  ("enrichment_signal", "signal-only caller", "#999999"))):
        data = results.get(key)
        if not data:
            continue
        distances = [k for k in data if k.isdigit()]
        x = np.arange(len(distances)) + shift * 0.35
        values = [data[d]["enrichment"] for d in distances]
        low = [max(0.0, v - data[d]["ci_low"]) if np.isfinite(data[d]["ci_low"]) else 0 for v, d in zip(values, distances)]
        high = [max(0.0, data[d]["ci_high"] - v) if np.isfinite(data[d]["ci_high"]) else 0 for v, d in zip(values, distances)]
        axis.bar(x, values, width=0.35, color=colour, yerr=[low, high], capsize=4, label=label)
        axis.set_xticks(np.arange(len(distances)) + 0.17, [f"±{d} bp" for d in distances])
    axis.axhline(1, color="k", lw=0.8, ls="--")
    axis.set_ylabel("fold enrichment near edges")
    axis.legend(fontsize=8)
    return _figure_png(figure)


def plot_history(history: list[dict[str, Any]]) -> str | None:
    """Training curves from ``metrics.json`` history records (numeric keys only)."""
    if not history:
        return None
    epochs = [record.get("epoch", i + 1) for i, record in enumerate(history)]
    figure, axes = _subplots(1, 2, figsize=(10, 3))
    for axis, keys in zip(axes, (("loss", "bce"), ("valid_auroc", "valid_auprc"))):
        for key in keys:
            values = [record.get(key) for record in history]
            if any(isinstance(v, int | float) for v in values):
                axis.plot(epochs, [v if isinstance(v, int | float) else np.nan for v in values], "o-", label=key)
        axis.set_xlabel("epoch")
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
    return _figure_png(figure)


def plot_locus(locus: dict[str, Any]) -> str:
    """Signal, forget gates of both strands, regions and drops over one locus."""
    x = np.arange(locus["start"], locus["end"])
    rows = 3 if "signal" in locus else 2
    figure, axes = _subplots(rows, 1, figsize=(11, 1.3 + 1.25 * rows), sharex=True,
                                gridspec_kw={"height_ratios": [1.2] * (rows - 1) + [0.6]})
    row = 0
    if "signal" in locus:
        axes[0].fill_between(x, locus["signal"], color="#555555", lw=0)
        axes[0].set_ylabel("ATAC\nlog1p, smoothed", fontsize=8)
        row = 1
    for strand in ("+", "-"):
        if f"forget{strand}" in locus:
            axes[row].plot(x, locus[f"forget{strand}"], color=STRAND_COLOURS[strand], lw=0.9,
                           label=f"forget gate, {STRAND_WORDS[strand]}")
    axes[row].set_ylabel("mean\nforget gate", fontsize=8)
    axes[row].legend(fontsize=7, loc="lower right")
    track = axes[-1]
    for start, end in locus["regions"]:
        track.axvspan(max(start, locus["start"]), min(end, locus["end"]), ymin=0.55, ymax=0.95, color="#2ca02c", alpha=0.6)
        for axis in axes[:-1]:
            axis.axvspan(max(start, locus["start"]), min(end, locus["end"]), color="#2ca02c", alpha=0.08)
    for start, end, strand in locus["drops"]:
        low, high = (0.3, 0.5) if strand == "+" else (0.05, 0.25)
        track.axvspan(start, max(end, start + 1), ymin=low, ymax=high, color=STRAND_COLOURS.get(strand, "k"))
    track.set_yticks([0.75, 0.4, 0.15], ["regions", "drops +", "drops −"], fontsize=8)
    track.set_ylim(0, 1)
    track.set_xlim(locus["start"], locus["end"])
    track.set_xlabel(f"{locus['chrom']} (0-based coordinate)")
    figure.suptitle(f"{locus['chrom']}:{locus['start']:,}-{locus['end']:,} — {locus['label']}", fontsize=10)
    return _figure_png(figure)
