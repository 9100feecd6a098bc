"""Motifs behind predicted insertion counts: the bias-factored model against its Tn5 bias model.

Reads a ``target: insertions`` checkpoint (``gategenome train --insertions``),
keeps the peaks of ``--regions`` off the ``--blacklist`` and the excluded
chromosomes, and runs ``gategenome explain --target counts`` on them
(:func:`gategenome.explain.run_explain`: a window of ``--width`` bases centred on
each peak's summit, from the state ``--burn-in`` bases of upstream context give,
the gradient x input of its log predicted insertions, modisco-lite, Tomtom against
JASPAR CORE fungi) once for the main model (``--model-part main``, Tn5 left out)
and once for the frozen bias model alone (``--model-part bias``).  Prints, per
part, the motifs with their best three JASPAR matches and q-values, and whether
REB1 (MA0363), ABF1 (MA0265) and RAP1 (MA0359) are among the best matches of the
top ``--top`` motifs; each part's explain outputs are kept under ``--work-dir``.

Example::

    python benchmarks/explain_reads.py --model results/reads/model.pt --genome sacCer3.fa \\
        --regions peaks.narrowPeak --blacklist config/sacCer3.blacklist.bed --out explain_reads.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from gategenome.explain import ExplainSettings, MotifSettings, run_explain
from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.model.insertions import InsertionHead, checkpoint_target

log = logging.getLogger("benchmark")

EXPECTED = {"MA0363": "REB1", "MA0265": "ABF1", "MA0359": "RAP1"}


def kept_peaks(regions, blacklist, exclude: set[str], sizes: dict[str, int], reach: int) -> list:
    """The peaks off ``exclude`` and the genome's missing chromosomes whose centre ``± reach`` misses ``blacklist``."""
    masked = {}
    for interval in blacklist:
        masked.setdefault(interval.chrom, []).append((interval.start, interval.end))
    kept = []
    for interval in regions:
        if interval.chrom in exclude or interval.chrom not in sizes:
            continue
        centre = (interval.start + interval.end) // 2
        lo, hi = centre - reach, centre + reach
        if not any(s < hi and lo < e for s, e in masked.get(interval.chrom, ())):
            kept.append(interval)
    return kept


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("model", "genome", "regions"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--exclude", nargs="*", default=["chrM"])
    parser.add_argument("--width", type=int, default=400, help="bases scored per peak, centred on its summit")
    parser.add_argument("--burn-in", type=int, default=512, help="bases of upstream context (explain --context)")
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("--max-seqlets", type=int, default=5000)
    parser.add_argument("--peaks", type=int, default=0, help="use the first N peaks (0: all)")
    parser.add_argument("--work-dir", help="where each part's explain outputs go (default: a temporary directory)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    model, payload = load_model(args.model)
    if model.config.uses_signal:
        parser.error("a sequence-only (inputs: dna) model is expected")
    head = InsertionHead.from_checkpoint(payload, args.model)
    blacklist = read_bed(args.blacklist) if args.blacklist else []
    with tempfile.TemporaryDirectory() as scratch, Genome(args.genome) as genome:
        work = Path(args.work_dir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        peaks = kept_peaks(read_bed(args.regions), blacklist, set(args.exclude), genome.sizes,
                           args.width // 2 + args.burn_in)
        if args.peaks:
            peaks = peaks[:args.peaks]
        regions = work / "peaks.bed"
        regions.write_text("".join(interval.to_line() + "\n" for interval in peaks))
        log.info("%d peaks, windows of %d bases (+%d of context)", len(peaks), args.width, args.burn_in)
        motif_settings = MotifSettings(window=args.width, max_seqlets=args.max_seqlets)
        results = {"peaks": len(peaks), "width": args.width}
        for part in ("main", "bias"):
            started = time.perf_counter()
            settings = ExplainSettings(target="counts", model_part=part, flank=args.width,
                                       context=str(args.burn_in), targets=32)
            summary = run_explain(model, genome, None, regions, work / part, settings, motif_settings,
                                  head=head, model_target=checkpoint_target(payload),
                                  provenance={"model": str(Path(args.model).resolve())})
            seconds = time.perf_counter() - started
            rows = [{"name": m["name"], "seqlets": m["seqlets"], "consensus": m["consensus"],
                     "matches": [{"id": x["matrix_id"], "name": x["name"], "q": x["qvalue"], "p": x["pvalue"]}
                                 for x in m["matches"]]}
                    for m in summary["motif_results"]["motifs"]]
            top = sorted(rows, key=lambda r: -r["seqlets"])[:args.top]
            recovered = {name: min((x["q"] for r in top for x in r["matches"] if x["id"].startswith(prefix)),
                                   default=None) for prefix, name in EXPECTED.items()}
            results[part] = {"motifs": rows, "recovered_in_top": recovered, "seconds": seconds,
                             "attribution_seconds": summary["seconds"], "peaks_explained": summary["drops"]}
            print(f"== {part}: {len(rows)} motifs from {summary['drops']} peaks ({seconds:.0f} s, attributions "
                  f"{summary['seconds']:.0f} s)")
            for row in rows:
                best = "; ".join(f"{m['name']} {m['id']} q={m['q']:.2g}" for m in row["matches"])
                print(f"  {row['name']:7} {row['seqlets']:>5} {row['consensus']:<24} {best}")
            print(f"  REB1/ABF1/RAP1 best q among the top {args.top} motifs: "
                  + ", ".join(f"{k} {'-' if v is None else f'{v:.2g}'}" for k, v in recovered.items()))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
