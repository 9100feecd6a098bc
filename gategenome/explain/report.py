"""The motif report: ``motifs.html`` (self-contained, logos embedded) and ``motifs.tsv``.

One row per motif: its CWM as a sequence logo (logomaker), the number of seqlets,
where the seqlets sit relative to the drop summit (a histogram; negative is
upstream in the scan direction), the consensus and the best JASPAR matches with
Tomtom p- and q-values.  Imports no torch.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

from gategenome.explain.jaspar import Match
from gategenome.explain.motifs import Motif

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.45; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.92em; } th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; }
th { background: #f3f3f3; } td.n { text-align: right; } .muted { color: #666; font-size: 0.9em; }
img { display: block; }
"""


def _png(figure) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def logo_png(matrix: np.ndarray) -> str:
    """A ``(K, 4)`` weight matrix drawn as a sequence logo, as a ``data:`` URL."""
    import logomaker
    import pandas as pd

    figure, axis = _pyplot().subplots(figsize=(max(2.5, 0.3 * matrix.shape[0]), 1.4), layout="constrained")
    logomaker.Logo(pd.DataFrame(matrix, columns=list("ACGT")), ax=axis)
    axis.set_xticks([])
    axis.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def offsets_png(offsets: np.ndarray, width: int) -> str:
    """Histogram of seqlet centres relative to the summit (bases, scan direction)."""
    figure, axis = _pyplot().subplots(figsize=(2.8, 1.4), layout="constrained")
    axis.hist(offsets, bins=np.linspace(-width, 0, 21), color="#4a7ab5")
    axis.set_xlabel("bases from summit", fontsize=7)
    axis.tick_params(labelsize=6)
    return _png(figure)


def _matches_html(matches: list[Match]) -> str:
    return "<br>".join(
        f"{html.escape(m.name)} <span class='muted'>{html.escape(m.matrix_id)} q={m.qvalue:.2g} "
        f"p={m.pvalue:.2g} ({m.strand})</span>" for m in matches) or "–"


def write_motif_report(path: Path, motifs: list[Motif], matches: list[list[Match]], summary: dict, width: int) -> None:
    """Write ``motifs.html`` (see the module docstring); ``summary`` gives the header's facts."""
    rows = []
    for motif, found in zip(motifs, matches):
        rows.append(
            f"<tr><td>{html.escape(motif.name)}</td><td><img src='{logo_png(motif.cwm)}'></td>"
            f"<td class='n'>{motif.seqlets:,}</td><td><code>{html.escape(motif.consensus)}</code></td>"
            f"<td><img src='{offsets_png(motif.offsets, width)}'>median {np.median(motif.offsets):+.0f}</td>"
            f"<td>{_matches_html(found)}</td></tr>")
    facts = "".join(f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>" for k, v in summary.items())
    table = ("<table><tr><th>motif</th><th>contribution logo (CWM)</th><th>seqlets</th><th>consensus</th>"
             "<th>seqlet centres vs summit</th><th>best JASPAR matches (Tomtom)</th></tr>" + "".join(rows)
             + "</table>") if rows else ("<p>No drops to explain: call found none.</p>" if not summary.get("drops explained")
                                  else "<p>No motif: too few seqlets for modisco.</p>")
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>gategenome explain: motifs</title>"
            f"<style>{_CSS}</style></head><body><h1>What closes the forget gate</h1>"
            "<p>Motifs found by modisco-lite in the attributions of each drop's dip "
            "(<code>log(1 - f)</code> at the summit) to the bases upstream of it. <b>pos</b> motifs deepen the "
            "dip (close the gate), <b>neg</b> motifs hold it open. Positions are relative to the summit in "
            "the scan direction (negative: upstream).</p>"
            f"<ul>{facts}</ul>{table}</body></html>")
    path.write_text(page)


def write_motif_table(path: Path, motifs: list[Motif], matches: list[list[Match]]) -> None:
    """``motifs.tsv``: motif, seqlets, consensus, median offset, best match and its q-value."""
    with open(path, "w") as handle:
        handle.write("motif\tseqlets\tconsensus\tmedian_offset\treverse_fraction\tbest_match\tbest_id\tqvalue\n")
        for motif, found in zip(motifs, matches):
            best = found[0] if found else None
            handle.write("\t".join([
                motif.name, str(motif.seqlets), motif.consensus, f"{np.median(motif.offsets):.1f}",
                f"{motif.reverse:.3f}", best.name if best else "", best.matrix_id if best else "",
                f"{best.qvalue:.3g}" if best else "",
            ]) + "\n")
