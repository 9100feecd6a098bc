"""A review page: the calls worth looking at one by one, each in its own embedded igv.js view.

:func:`run_review` picks the loci, the top boundary calls by q-value and, given
two or more replicates' boundary calls, the strongest calls of each replicate
that another replicate lacks (every pair matched as in
:mod:`gategenome.evaluate.boundary_idr`) and, given the table of ``gategenome
variants``, the variants with the largest effect on the predicted accessibility
(``|d_access|``, then ``|d_min_forget|``), and writes ONE self-contained HTML
page: igv.js (the copy shipped in ``static/``, :data:`IGV_JS`, unless another
is given) is inlined, and around each locus
the genome sequence (a FASTA slice whose ``>chrom:from-to @len=`` header places
it at its real coordinates, igv-reports' convention), the ATAC signal, the
forget gate of each strand (base64 ``float32`` arrays) and the calls in the
window are embedded, so the page opens offline, from disk or an e-mail.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import logging
import os
from pathlib import Path

import numpy as np

from gategenome.errors import InputError
from gategenome.evaluate.boundary_idr import match_calls, read_boundary_calls
from gategenome.evaluate.settings import ReviewSettings
from gategenome.io.atomic import atomic_open
from gategenome.io.bigwig import bigwig_chroms
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import read_json_object
from gategenome.io.provenance import Product, genome_product, require_compatible, scan_product
from gategenome.io.reading import open_text, reading
from gategenome.io.scandir.layout import TRACKS_META

log = logging.getLogger(__name__)

#: The igv.js shipped with gategenome (npm package ``igv``, MIT licence in ``static/igv.LICENSE``).
IGV_JS = Path(__file__).resolve().parent / "static" / "igv.min.js"
#: Its version.
IGV_JS_VERSION = "3.8.10"

#: Gate track files of ``gategenome tracks`` shown, with their colours.
GATE_TRACKS = {"forget gate +": ("forget.plus.bw", "#1f77b4"), "forget gate -": ("forget.minus.bw", "#d62728")}


def _floats(values: np.ndarray) -> str:
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode("ascii")


def _bigwig_values(path: Path, chrom: str, start: int, end: int) -> np.ndarray:
    import pyBigWig

    with pyBigWig.open(str(path)) as handle:
        if chrom not in handle.chroms():
            return np.full(end - start, np.nan, dtype=np.float32)
        return np.asarray(handle.values(chrom, start, end, numpy=True), dtype=np.float32)


def _pick_loci(boundaries: dict, replicates: dict[str, dict], variants: list[dict],
               settings: ReviewSettings) -> list[dict]:
    """``{kind, chrom, position, detail}`` of the top calls, the replicate disagreements, the strongest variants."""
    loci = []
    for index in np.argsort(-boundaries["score"], kind="stable")[:settings.top]:
        loci.append({"kind": "top boundary call", "chrom": str(boundaries["chrom"][index]),
                     "position": int(boundaries["position"][index]),
                     "detail": f"{'opening' if boundaries['opening'][index] else 'closing'}, "
                               f"rank {len(loci) + 1} by q-value"})
    loci += _replicate_disagreements(replicates, settings)
    for row in variants[:settings.top]:
        name = row.get("id") if row.get("id") not in (None, "", ".") else f"{row['chrom']}:{row['pos']}"
        loci.append({"kind": "variant", "chrom": row["chrom"], "position": row["pos"] - 1,
                     "variant": (row["pos"] - 1, row["pos"] - 1 + max(len(row["ref"]), 1), f"{row['ref']}>{row['alt']}"),
                     "detail": f"{name} {row['ref']}>{row['alt']}: accessibility change {row['d_access']:+.4g}, "
                               f"minimum forget gate change {row['d_min_forget']:+.4g}, drop {row['drop']}"})
    return loci


def _replicate_disagreements(replicates: dict[str, dict], settings: ReviewSettings) -> list[dict]:
    """For each replicate, its ``settings.top`` strongest calls that one or more other replicates lack.

    Every pair of replicates is matched (:func:`match_calls`: one-to-one, same
    chromosome and direction, within ``settings.boundary_tolerance``).  A call is a
    disagreement when some other replicate has no call matched to it; those missing
    from the most other replicates come first, then by score.  With two replicates
    these are the calls of each that the other lacks.
    """
    names = list(replicates)
    lacking = {name: [[] for _ in range(len(replicates[name]["score"]))] for name in names}
    for a, b in itertools.combinations(names, 2):
        pairs = match_calls(replicates[a], replicates[b], settings.boundary_tolerance)
        for own, other, side in ((a, b, 0), (b, a, 1)):
            matched = np.zeros(len(replicates[own]["score"]), dtype=bool)
            matched[pairs[:, side]] = True
            for index in np.flatnonzero(~matched):
                lacking[own][index].append(other)
    loci = []
    for own in names:
        calls = replicates[own]
        by_score = np.argsort(-calls["score"], kind="stable")
        lonely = sorted((int(i) for i in by_score if lacking[own][i]), key=lambda i: -len(lacking[own][i]))
        for index in lonely[:settings.top]:
            loci.append({"kind": "replicate disagreement", "chrom": str(calls["chrom"][index]),
                         "position": int(calls["position"][index]),
                         "detail": f"called in {own}, not in {', '.join(lacking[own][index])} "
                                   f"within {settings.boundary_tolerance} bp"})
    return loci


def read_variant_effects(path: str | os.PathLike) -> list[dict]:
    """Rows of a ``gategenome variants`` table, largest ``|d_access|`` (then ``|d_min_forget|``) first.

    Raises
    ------
    InputError
        A missing file, or a table without the columns of ``gategenome variants``.
    """
    if not os.path.isfile(path):
        raise InputError(f"--variants {path}: file not found; expected the TSV of 'gategenome variants'")
    with reading(path, "the TSV of 'gategenome variants'"), open_text(path) as handle:
        header = handle.readline().rstrip("\n").split("\t")
        needed = ("chrom", "pos", "ref", "alt", "d_access", "d_min_forget", "drop")
        missing = [column for column in needed if column not in header]
        if missing:
            raise InputError(f"--variants {path}: no column {', '.join(missing)}; expected the TSV of "
                             "'gategenome variants'")
        rows = []
        for number, line in enumerate(handle, 2):
            if not line.strip():
                continue
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            try:
                row["pos"] = int(row["pos"])
                row["d_access"], row["d_min_forget"] = float(row["d_access"]), float(row["d_min_forget"])
            except (KeyError, ValueError):
                raise InputError(f"--variants {path}: line {number}: expected integer pos and numeric d_access, "
                                 "d_min_forget") from None
            rows.append(row)
    rows.sort(key=lambda row: (-abs(row["d_access"]), -abs(row["d_min_forget"])))
    return rows


def _calls_in(path: Path, chrom: str, start: int, end: int) -> list[dict]:
    features = []
    with reading(path, "the boundaries BED of 'gategenome boundaries'"), open_text(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3 or fields[0] != chrom or line.startswith(("#", "track")):
                continue
            s, e = int(fields[1]), int(fields[2])
            if s < end and e > start:
                name = fields[3] if len(fields) > 3 else "call"
                if len(fields) > 10:
                    name += f" {fields[10]}"
                features.append({"chr": chrom, "start": s, "end": e, "name": name})
    return features


def _check_products(genome: str | os.PathLike, signal: str | os.PathLike, tracks_dir: Path,
                    tracks: dict[str, Path]) -> None:
    """The signal and the forget-gate tracks must belong with the FASTA (:func:`require_compatible`).

    The signal only has to share a chromosome with it; the tracks' record (``tracks.json``
    of ``gategenome tracks``, or the ``scan.json`` of a scan directory) must name the same
    genome, and every track bigWig must declare the FASTA's lengths.
    """
    with Genome(genome) as fasta:
        made = genome_product(genome, dict(fasta.sizes))
    require_compatible(made, Product(signal, chroms=bigwig_chroms(signal)), shared=True)
    meta_path = next((tracks_dir / name for name in (TRACKS_META, "scan.json") if (tracks_dir / name).is_file()), None)
    if meta_path is not None:
        meta = read_json_object(meta_path, "the record 'gategenome tracks' (or 'scan') writes beside its bigWigs")
        require_compatible(scan_product(meta_path, meta), made)
    for path in tracks.values():
        require_compatible(made, Product(path, chroms=bigwig_chroms(path)))


def _igv_source(igv_js: str | os.PathLike | None) -> str:
    """The text of ``igv_js``, or of the shipped :data:`IGV_JS` when it is ``None``."""
    if igv_js is None:
        if not IGV_JS.is_file():
            raise InputError(f"the igv.js shipped with gategenome ({IGV_JS}) is missing: reinstall gategenome, "
                             "or give --igv-js igv.min.js of igv.js 3 (npm package igv)")
        return IGV_JS.read_text(encoding="utf-8")
    if not Path(igv_js).is_file():
        raise InputError(f"--igv-js {igv_js}: not found; expected igv.min.js of igv.js 3 (npm package igv)")
    with reading(igv_js, "igv.min.js of igv.js 3 (npm package igv)"):
        return Path(igv_js).read_text(encoding="utf-8")


def run_review(genome: str | os.PathLike, signal: str | os.PathLike, tracks_dir: str | os.PathLike,
               boundaries: str | os.PathLike, out: str | os.PathLike, settings: ReviewSettings, *,
               igv_js: str | os.PathLike | None = None, replicate_boundaries: dict[str, str] | None = None,
               variants: str | os.PathLike | None = None) -> list[dict]:
    """Write the review page.

    Parameters
    ----------
    genome, signal
        FASTA and ATAC bigWig.
    tracks_dir
        Output of ``gategenome tracks`` (``forget.plus.bw``, ``forget.minus.bw``).
    boundaries
        Boundary calls of ``gategenome boundaries``.
    out
        The HTML page written.
    settings
        :class:`ReviewSettings`.
    igv_js
        ``igv.min.js`` of igv.js 3 inlined into the page; ``None``: the copy shipped with
        gategenome (:data:`IGV_JS`, igv.js :data:`IGV_JS_VERSION`).
    replicate_boundaries
        Two or more replicate names -> their boundary calls: adds, for each replicate, the
        calls that another replicate lacks.
    variants
        TSV of ``gategenome variants``: adds the variants of largest effect.

    Returns
    -------
    list of dict
        The loci shown.
    """
    settings.validate()
    igv_source = _igv_source(igv_js)
    tracks = {name: Path(tracks_dir) / file for name, (file, _) in GATE_TRACKS.items()}
    for path in [Path(signal), *tracks.values()]:
        if not path.is_file():
            raise InputError(f"{path}: not found; expected --signal and the forget.*.bw of 'gategenome tracks'")
    replicates = {name: read_boundary_calls(path) for name, path in (replicate_boundaries or {}).items()}
    if len(replicates) == 1:
        raise InputError("--replicate-boundaries given once; expected two or more replicates")
    _check_products(genome, signal, Path(tracks_dir), tracks)
    calls = read_boundary_calls(boundaries, "--boundaries")
    effects = read_variant_effects(variants) if variants else []
    loci = _pick_loci(calls, replicates, effects, settings)
    with Genome(genome) as fasta:
        sizes = dict(fasta.sizes)
        views = []
        for number, locus in enumerate(loci):
            chrom = locus["chrom"]
            if chrom not in sizes:
                raise InputError(f"{boundaries}: chromosome {chrom} is not in --genome {genome}")
            start = max(0, locus["position"] - settings.flank)
            end = min(sizes[chrom], locus["position"] + settings.flank)
            sequence = fasta.fetch(chrom, start, end).decode()
            fasta_text = f">{chrom}:{start + 1}-{end} @len={sizes[chrom]}\n{sequence}\n"
            view = {
                "id": f"locus{number}", "kind": locus["kind"], "detail": locus["detail"], "chrom": chrom,
                "start": start, "end": end, "position": locus["position"],
                "fasta": "data:text/plain;base64," + base64.b64encode(fasta_text.encode()).decode("ascii"),
                "wigs": [{"name": "ATAC signal", "color": "#444444", "values": _floats(
                    _bigwig_values(Path(signal), chrom, start, end))}]
                + [{"name": name, "color": GATE_TRACKS[name][1], "values": _floats(
                    _bigwig_values(path, chrom, start, end))} for name, path in tracks.items()],
                "calls": _calls_in(Path(boundaries), chrom, start, end),
            }
            if "variant" in locus:
                v_start, v_end, v_name = locus["variant"]
                view["calls"].append({"chr": chrom, "start": v_start, "end": v_end, "name": v_name})
            views.append(view)
    page = _page(views, igv_source)
    with atomic_open(out) as handle:
        handle.write(page)
    log.info("wrote %s: %d loci", out, len(views))
    return loci


_SCRIPT = r"""
const review = JSON.parse(document.getElementById("review-data").textContent);
function floats(b64) {
  const text = atob(b64), bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}
function wigTrack(view, wig) {
  const values = floats(wig.values), features = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) features.push({chr: view.chrom, start: view.start + i, end: view.start + i + 1, value: values[i]});
  }
  return {name: wig.name, type: "wig", features: features, color: wig.color, height: 50, autoscale: true};
}
window.igvBrowsers = [];
Promise.all(review.map(function (view) {
  return igv.createBrowser(document.getElementById(view.id), {
    reference: {id: view.chrom, name: view.chrom, fastaURL: view.fasta, indexed: false},
    locus: view.chrom + ":" + (view.start + 1) + "-" + view.end,
    showCenterGuide: true,
    tracks: view.wigs.map(function (wig) { return wigTrack(view, wig); }).concat(
      [{name: "boundary calls", type: "annotation", displayMode: "EXPANDED", features: view.calls, color: "#2ca02c"}]),
  }).then(function (browser) { window.igvBrowsers.push(browser); return browser; });
})).then(function () { window.igvReady = true; })
  .catch(function (error) { window.igvError = String(error); });
"""


def _page(views: list[dict], igv_source: str) -> str:
    sections = "".join(
        f"<section><h2>{index + 1}. {html.escape(view['kind'])}: {html.escape(view['chrom'])}:{view['position'] + 1:,}"
        f"</h2><p>{html.escape(view['detail'])}; window {view['start'] + 1:,}-{view['end']:,}</p>"
        f"<div id=\"{view['id']}\" class=view></div></section>"
        for index, view in enumerate(views))
    data = json.dumps(views).replace("</", "<\\/")
    igv_source = igv_source.replace("</script", "<\\/script")
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>gategenome review</title>"
            "<style>body{font-family:sans-serif;margin:1em 2em}section{margin-bottom:2em}"
            ".view{border:1px solid #ddd}</style></head><body><h1>Calls to review</h1>"
            "<p>Each view: the genome, the ATAC signal, the forget gate of each strand and the boundary calls "
            "around one locus (data embedded; works offline).</p>"
            f"{sections}<script type=\"application/json\" id=\"review-data\">{data}</script>"
            f"<script>{igv_source}</script><script>{_SCRIPT}</script>"
            "</body></html>")
