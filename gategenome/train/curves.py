"""The training curves: loss and validation auROC/auPRC per epoch as a PNG.

matplotlib is imported when a plot is drawn, so importing this module stays light.
"""

from __future__ import annotations

import os

from gategenome.io.atomic import atomic_path


def plot_curves(history: list[dict], path: str | os.PathLike, profile: dict | None = None) -> None:
    """Loss and validation auROC/auPRC per epoch as a PNG (matplotlib Agg).

    With ``profile`` (the test fold's ``forget.profile``, see :class:`gategenome.train.foldstats.FoldStatistics`)
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
