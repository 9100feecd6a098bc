"""The motif report: ``motifs.html`` (self-contained, logos embedded) and ``motifs.tsv``.

One row per motif: its CWM as a sequence logo (logomaker), the number of seqlets,
where the seqlets sit relative to the drop summit (a histogram; negative is
upstream in the scan direction), the consensus and the best JASPAR matches with
Tomtom p- and q-values.  The title and the opening paragraph say what was
explained (:data:`INTRODUCTIONS`: the gate's dips, or predicted counts of the
main or the Tn5 bias model).  Imports no torch.
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

#: Title and opening paragraph of the report, per explained score (``drops``, ``counts:main``, ``counts:bias``).
INTRODUCTIONS = {
    "drops": ("What closes the forget gate",
              "Motifs found by modisco-lite in the attributions of each drop's dip (<code>log(1 - f)</code> at the "
              "summit) to the bases upstream of it. <b>pos</b> motifs deepen the dip (close the gate), <b>neg</b> "
              "motifs hold it open."),
    "counts:main": ("What raises the predicted insertions",
                    "Motifs found by modisco-lite in the gradient x input attributions of the log predicted "
                    "insertions over a window centred on each peak, by the main model with Tn5's preference "
                    "factored out (the bias offset is not attributed). <b>pos</b> motifs raise the predicted "
                    "insertions, <b>neg</b> motifs lower them."),
    "counts:bias": ("What Tn5 prefers",
                    "Motifs found by modisco-lite in the gradient x input attributions of the log insertion "
                    "preference of the frozen Tn5 bias model alone, summed over a window centred on each peak. "
                    "<b>pos</b> motifs raise the enzyme's preference, <b>neg</b> motifs lower it."),
}


#: The header fact counting what was explained, and the report's text when there was nothing (counts, drops).
_COUNTED = ("peaks explained", "drops explained")
_NOTHING = ("<p>No peaks to explain: the file has no records.</p>", "<p>No drops to explain: call found none.</p>")


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


def offsets_png(offsets: np.ndarray, width: int, summit: int = -1) -> str:
    """Histogram of seqlet centres relative to the summit (bases, scan direction) over a window of ``width``
    positions whose summit is at index ``summit`` (-1: the last)."""
    summit %= max(width, 1)
    figure, axis = _pyplot().subplots(figsize=(2.8, 1.4), layout="constrained")
    axis.hist(offsets, bins=np.linspace(-summit - 1, width - 1 - summit, 21), color="#4a7ab5")
    axis.set_xlabel("bases from summit", fontsize=7)
    axis.tick_params(labelsize=6)
    return _png(figure)


def _matches_html(matches: list[Match]) -> str:
    return "<br>".join(
        f"{html.escape(m.name)} <span class='muted'>{html.escape(m.matrix_id)} q={m.qvalue:.2g} "
        f"p={m.pvalue:.2g} ({m.strand})</span>" for m in matches) or "–"


def write_motif_report(path: Path, motifs: list[Motif], matches: list[list[Match]], summary: dict, width: int,
                       explained: str = "drops", summit: int = -1) -> None:
    """Write ``motifs.html`` (see the module docstring); ``summary`` gives the header's facts.

    Parameters
    ----------
    width, summit
        Positions given to modisco and the summit's index among them (-1: the last).
    explained
        A key of :data:`INTRODUCTIONS`.
    """
    title, introduction = INTRODUCTIONS[explained]
    rows = []
    for motif, found in zip(motifs, matches):
        rows.append(
            f"<tr><td>{html.escape(motif.name)}</td><td><img src='{logo_png(motif.cwm)}'></td>"
            f"<td class='n'>{motif.seqlets:,}</td><td><code>{html.escape(motif.consensus)}</code></td>"
            f"<td><img src='{offsets_png(motif.offsets, width, summit)}'>median {np.median(motif.offsets):+.0f}</td>"
            f"<td>{_matches_html(found)}</td></tr>")
    drops = explained == "drops"
    empty = _NOTHING[drops] if not summary.get(_COUNTED[drops]) else "<p>No motif: too few seqlets for modisco.</p>"
    facts = "".join(f"<li>{html.escape(str(k))}: {html.escape(str(v))}</li>" for k, v in summary.items())
    table = ("<table><tr><th>motif</th><th>contribution logo (CWM)</th><th>seqlets</th><th>consensus</th>"
             "<th>seqlet centres vs summit</th><th>best JASPAR matches (Tomtom)</th></tr>" + "".join(rows)
             + "</table>") if rows else empty
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>gategenome explain: motifs</title>"
            f"<style>{_CSS}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{introduction} Positions are relative to the summit in the scan direction (negative: "
            "upstream).</p>"
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
