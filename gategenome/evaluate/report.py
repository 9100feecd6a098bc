"""The evaluation report: ``evaluation.json`` and one self-contained HTML page.

The page embeds its plots (:mod:`gategenome.evaluate.plots`) as base64 ``data:``
URLs, so ``report.html`` needs no other file and no network.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import numpy as np

from gategenome.evaluate.plots import (
    CALLERS,
    STRAND_WORDS,
    plot_boundary_curves,
    plot_enrichment,
    plot_history,
    plot_locus,
    plot_meta_profile,
)
from gategenome.evaluate.results import Evaluation, headline
from gategenome.io.atomic import atomic_open
from gategenome.io.jsonfile import write_json

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; } td.l, th.l { text-align: left; }
.key { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.key div { background: #f5f8fc; border: 1px solid #d5e0ee; border-radius: 6px; padding: 0.6em 1em; min-width: 12em; }
.key b { display: block; font-size: 1.5em; }
.muted { color: #666; font-size: 0.9em; } img { max-width: 100%; }
code { background: #f3f3f3; padding: 0 0.2em; }
"""


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not np.isfinite(value):
            return "–"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return html.escape(str(value))


def _boundary_table(results: dict[str, Any]) -> str:
    model = results["boundaries"]["model"]
    signal = results["boundaries"].get("signal")
    head = "<tr><th class=l>edges</th><th class=l>scan</th><th>d</th><th>precision</th><th>recall</th><th>F1</th>"
    head += "<th>calls</th><th>edges</th>"
    if signal:
        head += "<th>signal-only P</th><th>signal-only R</th><th>signal-only F1</th>"
    rows = [head + "</tr>"]
    for kind in ("entry", "exit", "any"):
        for strand in ("+", "-", "both"):
            if strand not in model.get(kind, {}):
                continue
            for d, m in model[kind][strand].items():
                cells = [kind, STRAND_WORDS[strand]]
                row = f"<tr><td class=l>{cells[0]}</td><td class=l>{cells[1]}</td><td>±{d}</td>"
                row += "".join(f"<td>{_fmt(m[k])}</td>" for k in ("precision", "recall", "f1"))
                row += f"<td>{_fmt(m['calls'])}</td><td>{_fmt(m['edges'])}</td>"
                if signal:
                    s = signal[kind][strand][d]
                    row += "".join(f"<td>{_fmt(s[k])}</td>" for k in ("precision", "recall", "f1"))
                rows.append(row + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _comparison_table(results: dict[str, Any]) -> str:
    """Any-edge, entry and exit F1 of every caller side by side."""
    boundaries = results["boundaries"]
    distances = list(boundaries["model"]["any"]["both"])
    head = "<tr><th class=l>calls</th>" + "".join(
        f"<th>{kind} F1 ±{d}</th>" for kind in ("any", "entry", "exit") for d in distances) + "</tr>"
    rows = [head]
    for name in ("model", "drop_ends", "signal", "boundary_calls", "region_calls"):
        if name not in boundaries:
            continue
        cells = "".join(f"<td>{_fmt(boundaries[name][kind]['both'][d]['f1'])}</td>"
                        for kind in ("any", "entry", "exit") for d in distances)
        rows.append(f"<tr><td class=l>{CALLERS[name]}</td>{cells}</tr>")
    return "<table>" + "".join(rows) + "</table>"


def _distance_table(results: dict[str, Any]) -> str:
    """How far each caller's calls sit from the nearest edge: median, quartiles, fractions within d."""
    data = results.get("distance_to_edge", {})
    if not data:
        return ""
    within = list(next(iter(data.values()))["within"])
    head = ("<tr><th class=l>calls</th><th>calls</th><th>median (bp)</th><th>IQR (bp)</th>"
            + "".join(f"<th>within ±{d}</th>" for d in within) + "</tr>")
    rows = [head]
    for name, summary in data.items():
        rows.append(f"<tr><td class=l>{CALLERS[name]}</td><td>{_fmt(summary['calls'])}</td>"
                    f"<td>{_fmt(summary['median'], 1)}</td>"
                    f"<td>{_fmt(summary['q25'], 1)} – {_fmt(summary['q75'], 1)}</td>"
                    + "".join(f"<td>{_fmt(summary['within'][d])}</td>" for d in within) + "</tr>")
    return ("<h3>Distance to the nearest edge</h3><p>Each call once, at its summit (boundary calls once, not per "
            "strand), against the nearest edge of any kind.</p><table>" + "".join(rows) + "</table>")


def _enrichment_table(results: dict[str, Any]) -> str:
    rows = ["<tr><th class=l>calls</th><th>d</th><th>near an edge</th><th>random positions</th><th>enrichment</th>"
            "<th>95% bootstrap CI</th><th>p (empirical)</th></tr>"]
    for key, label in (("enrichment", "forget-gate drops"), ("enrichment_signal", "signal-only caller")):
        data = results.get(key)
        if not data:
            continue
        for d in (k for k in data if k.isdigit()):
            e = data[d]
            rows.append(f"<tr><td class=l>{label}</td><td>±{d}</td><td>{_fmt(e['observed'])}</td><td>{_fmt(e['random'])}</td>"
                        f"<td>{_fmt(e['enrichment'], 2)}</td><td>{_fmt(e['ci_low'], 2)} – {_fmt(e['ci_high'], 2)}</td>"
                        f"<td>{_fmt(e['p_value'], 4)}</td></tr>")
    return "<table>" + "".join(rows) + "</table>"


def _replicate_table(results: dict[str, Any]) -> str:
    """One row per pair of replicates: drops within d both ways, Jaccard of drop bases, gate correlation."""
    data = results.get("replicates")
    if not data:
        return ""
    distances = list(data["pairs"][0]["a_within_b"]) if data["pairs"] else []
    head = "<tr><th class=l>replicate A</th><th class=l>replicate B</th><th>drops A</th><th>drops B</th>"
    head += "".join(f"<th>A within ±{d} of B</th><th>B within ±{d} of A</th>" for d in distances)
    rows = [head + "<th>Jaccard of drop bases</th><th>forget-gate r</th></tr>"]
    for pair in data["pairs"]:
        counts = [data["replicates"][pair[k]]["count"] for k in ("a", "b")]
        gate = pair["gate_correlation"] or {}
        cells = "".join(f"<td>{_fmt(pair[key][d])} ({_fmt(pair[key + '_chance'][d])})</td>"
                        for d in distances for key in ("a_within_b", "b_within_a"))
        rows.append(f"<tr><td class=l>{_fmt(pair['a'])}</td><td class=l>{_fmt(pair['b'])}</td><td>{_fmt(counts[0])}</td>"
                    f"<td>{_fmt(counts[1])}</td>{cells}<td>{_fmt(pair['jaccard'])}</td><td>{_fmt(gate.get('pearson'))}</td></tr>")
    return ("<h2>Replicates</h2><p>Drops called on each replicate's own signal (scanned with the pooled model), "
            "compared pair by pair on the evaluated chromosomes: the fraction of one replicate's drop summits within "
            "d bases of a drop summit of the other (same strand; in brackets the fraction expected by chance), "
            "the Jaccard of the bases their drops cover, and the "
            "Pearson correlation of the per-base mean forget gate on a sample of bases.</p><table>"
            + "".join(rows) + "</table>")


def _boundary_reproducibility_table(results: dict[str, Any]) -> str:
    """One row per pair of replicates: boundary calls, matched, reproducible at the IDR threshold, the model fit."""
    pairs = results.get("boundary_reproducibility")
    if not pairs:
        return ""
    rows = [("<tr><th class=l>replicate A</th><th class=l>replicate B</th><th>calls A</th><th>calls B</th>"
             "<th>matched</th><th>reproducible</th><th>IDR threshold</th><th>reproducible share p</th>"
             "<th>rho</th></tr>")]
    for pair in pairs:
        model = pair["model"] or {}
        rows.append(f"<tr><td class=l>{_fmt(pair['a'])}</td><td class=l>{_fmt(pair['b'])}</td>"
                    f"<td>{_fmt(pair['calls_a'])}</td><td>{_fmt(pair['calls_b'])}</td><td>{_fmt(pair['matched'])}</td>"
                    f"<td>{_fmt(pair['reproducible'])}</td><td>{_fmt(pair['idr_threshold'])}</td>"
                    f"<td>{_fmt(model.get('p'))}</td><td>{_fmt(model.get('rho'))}</td></tr>")
    tolerance = pairs[0]["tolerance"]
    return ("<h2>Replicate boundary reproducibility</h2><p>Boundary calls of each replicate's own scan, matched one "
            f"to one within {tolerance} bp with the same direction, ranked by q-value; the copula mixture IDR of "
            "Li et al. (2011) estimates which matched pairs are reproducible: those whose irreproducible discovery "
            "rate is at most the threshold.</p><table>" + "".join(rows) + "</table>")


def _scalar_rows(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _scalar_rows(value, name + ".")
        elif isinstance(value, int | float | str | bool) or value is None:
            rows.append((name, value))
        elif isinstance(value, list) and len(value) <= 30 and all(isinstance(v, int | float | str) for v in value):
            rows.append((name, ", ".join(str(v) for v in value)))
    return rows


def _kv_table(rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><td class=l><code>{html.escape(k)}</code></td><td class=l>{_fmt(v, 4)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _key_numbers(results: dict[str, Any]) -> str:
    d = 100 if "100" in results["enrichment"] else int(next(k for k in results["enrichment"] if k.isdigit()))
    h = headline(results, d)
    boxes = [
        (f"drop-summit F1 at ±{d} bp (any edge)", _fmt(h["model_f1"]), f"precision {_fmt(h['model_precision'])}, recall {_fmt(h['model_recall'])}"),
        (f"enrichment at ±{d} bp", _fmt(h["enrichment"], 2) + "×", f"95% CI {_fmt(h['ci_low'], 2)} – {_fmt(h['ci_high'], 2)}"),
    ]
    near = results.get("distance_to_edge", {}).get("model")
    if near and near["calls"]:
        boxes.insert(1, ("drop summits: distance to the nearest edge", f"{_fmt(near['median'], 0)} bp",
                         f"median; IQR {_fmt(near['q25'], 0)} – {_fmt(near['q75'], 0)} bp, "
                         f"{_fmt(near['within'].get('25'))} within ±25 bp"))
    tight = results["boundaries"]["model"]["any"]["both"].get("25")
    if tight and d != 25:
        boxes.insert(1, ("drop-summit F1 at ±25 bp (any edge)", _fmt(tight["f1"]),
                         f"precision {_fmt(tight['precision'])}, recall {_fmt(tight['recall'])}"))
    ends = results["boundaries"].get("drop_ends", {}).get("any", {}).get("both", {}).get(str(d))
    if ends:
        boxes.append((f"drop beginnings/ends F1 at ±{d} bp", _fmt(ends["f1"]),
                      f"precision {_fmt(ends['precision'])}, recall {_fmt(ends['recall'])}"))
    if h["signal_f1"] is not None:
        boxes.append((f"signal-only F1 at ±{d} bp", _fmt(h["signal_f1"]),
                      f"precision {_fmt(h['signal_precision'])}, recall {_fmt(h['signal_recall'])}"))
    for name in ("boundary_calls", "region_calls"):
        calls = results["boundaries"].get(name, {}).get("any", {}).get("both", {}).get(str(d))
        if calls:
            boxes.append((f"{CALLERS[name]} F1 at ±{d} bp", _fmt(calls["f1"]),
                          f"precision {_fmt(calls['precision'])}, recall {_fmt(calls['recall'])}"))
    if "region_calls" in results:
        overlap = results["region_calls"]
        boxes.append(("region calls: base Jaccard", _fmt(overlap["jaccard"]),
                      f"base precision {_fmt(overlap['precision'])}, recall {_fmt(overlap['recall'])}"))
    access = results.get("accessibility", {}).get("model", {})
    boxes.append(("accessibility auROC (scan)", _fmt(access.get("auroc")), f"auPRC {_fmt(access.get('auprc'))}"))
    counts = results["counts"]
    boxes.append(("drops / region edges", f"{counts['drops']:,} / {counts['edges_left'] + counts['edges_right']:,}",
                  f"{counts['regions']:,} regions on {len(results['fold']['chromosomes'])} chromosome(s)"))
    return '<div class="key">' + "".join(f"<div>{t}<b>{v}</b><span class=muted>{s}</span></div>" for t, v, s in boxes) + "</div>"


_DEFINITIONS = """
<ul>
<li><b>Edges.</b> Regions are merged; a region <code>[start, end)</code> has a left edge at <code>start</code> and a right
edge at <code>end</code> (0-based). Edges at chromosome ends are left out.</li>
<li><b>Entry / exit.</b> The plus-strand scan (left to right) enters a region at its left edge and exits at its right
edge; the minus-strand scan (right to left) enters at the right edge and exits at the left edge.</li>
<li><b>Drop position</b> = summit (<code>start + summit offset</code>, column 10 of drops.bed). <b>Drop
beginnings / ends</b>: a plus-strand drop <code>[start, end)</code> begins at <code>start</code> and ends at
<code>end</code>; a minus-strand drop begins at <code>end</code> and ends at <code>start</code>. Beginnings are scored
against entry edges, ends against exit edges, both against any edge.</li>
<li><b>Precision at d</b>: fraction of a strand's drops within d bases of an edge of that kind for that strand.
<b>Recall at d</b>: fraction of those edges with a drop of that strand within d. F1 = harmonic mean.
<i>Any edge</i> pools strands and kinds.</li>
<li><b>Enrichment</b>: fraction of drops within d of any edge divided by the same fraction for random positions
(same number per chromosome, uniform over scanned, non-gap bases). The interval is a percentile bootstrap over
replicates that resample the drops and redraw the random positions.</li>
<li><b>Signal-only caller</b>: regions where the smoothed log1p ATAC signal exceeds a threshold chosen on the training
chromosomes; their edges, put on both strands, are scored exactly like the drops.</li>
<li><b>Boundary calls</b> (from <code>gategenome boundaries</code>): one position per boundary, both strands merged,
counted on both strands; <b>region-call edges</b>: the starts and ends of the region calls. The region calls' <b>base
Jaccard</b> is |called &cap; regions| / |called &cup; regions| over the bases of the scored chromosomes.</li>
<li><b>Meta-profile</b>: mean forget gate at each offset from an edge, oriented in scan direction; offset 0 is the
first base the scan reads after crossing the edge.</li>
</ul>
"""


def render_html(evaluation: Evaluation) -> str:
    """The whole report page as a string."""
    r = evaluation.results
    fold = r["fold"]
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>gategenome evaluation</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Do forget-gate drops mark accessibility boundaries?</h1>",
        f"<p class=muted>Fold <b>{html.escape(fold['name'])}</b>: {html.escape(', '.join(fold['chromosomes']))} "
        f"({fold['bases']:,} bases). Drops: <code>{html.escape(str(r['settings']['drops']))}</code>; scan: "
        f"<code>{html.escape(str(r['settings']['scan_dir']))}</code>; regions: "
        f"<code>{html.escape(str(r['settings']['regions']))}</code>.</p>",
        (f"<p><b>Note:</b> {html.escape(fold['fallback'])}.</p>" if fold.get("fallback") else ""),
        _key_numbers(r),
        "<h2>Boundary precision and recall</h2>",
        f'<img alt="boundary metrics" src="{plot_boundary_curves(r)}">',
        "<p>F1 of each kind of call (both strands pooled). <i>Drop summits</i> place each drop at its deepest base; "
        "<i>drop beginnings / ends</i> score where each drop starts in its scan direction against entry edges and "
        "where it ends against exit edges.</p>",
        _comparison_table(r),
        _distance_table(r),
        "<h3>Drop summits in detail</h3>",
        _boundary_table(r),
        "<h2>Enrichment over random positions</h2>",
        f'<img alt="enrichment" src="{plot_enrichment(r)}">',
        _enrichment_table(r),
        _replicate_table(r),
        _boundary_reproducibility_table(r),
    ]
    if "signal_caller" in r:
        s = r["signal_caller"]["settings"]
        parts.append(f"<p class=muted>Signal-only caller: window {s['window']} bp, threshold {s['threshold']:.3f} "
                     f"(log1p, {html.escape(s['threshold_choice'])}), {r['signal_caller']['calls']:,} boundary calls.</p>")
    if r.get("explain_report"):
        parts += ["<h2>What makes the gate drop</h2>",
                  f'<p>Attributions of each drop to the bases upstream of it and the motifs behind them, matched to '
                  f'JASPAR: <a href="{html.escape(r["explain_report"], quote=True)}">motif report</a> '
                  "(<code>gategenome explain</code>).</p>"]
    meta = plot_meta_profile(evaluation.profiles, r.get("meta_profile", {}))
    if meta:
        parts += ["<h2>Meta-profile</h2>", f'<img alt="meta-profile" src="{meta}">']
    if evaluation.loci:
        parts.append("<h2>Example loci</h2>")
        parts += [f'<img alt="locus {i + 1}" src="{plot_locus(locus)}">' for i, locus in enumerate(evaluation.loci)]
    parts.append("<h2>Accessibility</h2>")
    access = r.get("accessibility", {})
    rows = [("scan prediction auROC", access.get("model", {}).get("auroc")),
            ("scan prediction auPRC", access.get("model", {}).get("auprc"))]
    if "signal" in access:
        rows += [("smoothed ATAC signal auROC", access["signal"]["auroc"]), ("smoothed ATAC signal auPRC", access["signal"]["auprc"])]
    rows += [("bases scored", access.get("bases")), ("every n-th base", access.get("stride")),
             ("accessible fraction", access.get("accessible_fraction"))]
    parts.append(_kv_table(rows))
    parts.append("<h2>Training summary</h2>")
    if r.get("training"):
        history = plot_history(evaluation.history)
        if history:
            parts.append(f'<img alt="training curves" src="{history}">')
        rows = _scalar_rows(r["training"])
        detail = ("config.", "data.", "folds.")
        parts.append(_kv_table([row for row in rows if not row[0].startswith(detail)]))
        rest = [row for row in rows if row[0].startswith(detail)]
        if rest:
            parts.append(f"<details><summary>training configuration and inputs ({len(rest)} values)</summary>"
                         f"{_kv_table(rest)}</details>")
    else:
        parts.append("<p class=muted>No training metrics given (<code>--metrics</code>).</p>")
    if r.get("scan"):
        parts += ["<h3>Scan</h3>", _kv_table(_scalar_rows(r["scan"]))]
    parts += ["<h2>Definitions</h2>", _DEFINITIONS,
              "<p class=muted>Every number on this page is in <code>evaluation.json</code> beside it.</p></body></html>"]
    return "\n".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_report(evaluation: Evaluation, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write ``evaluation.json`` and ``report.html`` into ``out_dir`` (each atomically).

    Returns
    -------
    dict[str, Path]
        ``{"json": ..., "html": ...}``.
    """
    out = Path(out_dir)
    page = render_html(evaluation)
    paths = {"json": out / "evaluation.json", "html": out / "report.html"}
    write_json(paths["json"], _jsonable(evaluation.results))
    with atomic_open(paths["html"]) as handle:
        handle.write(page)
    return paths
