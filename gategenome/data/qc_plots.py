"""The ``signal`` step's QC plot: fragment-length distributions and TSS enrichment profiles (PNG).

Drawn with matplotlib's Agg backend, imported on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from gategenome.data.library_qc import LENGTH_RANGES, NUCLEOSOME_FREE
from gategenome.data.tss import TSS_FLANK


def _entries(qc: dict) -> list[tuple[str, dict]]:
    """``(label, entry)`` of every input, then of every group when there is more than one input or group."""
    entries = [(Path(entry["file"]).name, entry) for entry in qc["inputs"]]
    if len(qc["inputs"]) > 1 or len(qc["groups"]) > 1:
        entries += [(f"group {group}", entry) for group, entry in qc["groups"].items()]
    return entries


def plot_qc(qc: dict, path: str | os.PathLike) -> None:
    """Write the QC figure: fragment lengths (linear and log scale) and, when present, the TSS profile.

    Parameters
    ----------
    qc
        The ``qc`` section of ``signal.json`` (:meth:`gategenome.data.signal_qc.SignalQC.summary`).
    path
        PNG written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = _entries(qc)
    with_tss = any("tss_enrichment" in entry and entry["tss_enrichment"]["profile"] for _, entry in entries)
    panels = 3 if with_tss else 2
    figure, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4), layout="constrained")
    for label, entry in entries:
        lengths = entry["fragment_lengths"]
        histogram = np.asarray(lengths["histogram"], dtype=np.float64)
        density = histogram / max(lengths["fragments"], 1)
        modes = ", ".join(str(mode) for mode in lengths["modes"].values() if mode is not None) or "none"
        text = f"{label} (<147 bp: {lengths['fraction_under_147']:.0%}; modes {modes})"
        line, = axes[0].plot(np.arange(histogram.size), density, lw=1, label=text)
        found = [mode for mode in lengths["modes"].values() if mode is not None]
        axes[0].plot(found, density[found] * 1.12, "v", color=line.get_color(), markeredgecolor="black", ms=8)
        axes[1].plot(np.arange(histogram.size), np.where(density > 0, density, np.nan), lw=1)
    for axis in axes[:2]:
        for lo, hi in LENGTH_RANGES.values():
            axis.axvspan(lo, hi, color="0.94", lw=0)
        axis.axvline(NUCLEOSOME_FREE, color="0.5", lw=0.8, ls="--")
        axis.set_xlabel("fragment length (bp)")
        axis.set_xlim(0, 1000)
    axes[0].set_ylabel("fraction of fragments")
    axes[0].set_title("Fragment lengths (grey: NFR / mono / di ranges)")
    axes[0].legend(fontsize=7)
    axes[1].set_yscale("log")
    axes[1].set_title("Fragment lengths (log scale)")
    if with_tss:
        offsets = np.arange(-TSS_FLANK, TSS_FLANK + 1)
        for label, entry in entries:
            tss = entry.get("tss_enrichment")
            if tss and tss["profile"]:
                axes[2].plot(offsets, tss["profile"], lw=1, label=f"{label}: {tss['score']:.2f}")
        axes[2].axhline(1, color="0.6", lw=0.6)
        axes[2].set_xlabel("distance to TSS (bp, 5' to 3')")
        axes[2].set_ylabel("insertions / flank mean")
        axes[2].set_title("TSS enrichment")
        axes[2].legend(fontsize=7)
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)
