"""Motifs behind predicted insertion counts: the bias-factored model against its Tn5 bias model.

Reads a ``target: insertions`` checkpoint (``gategenome train --insertions``),
takes a window of ``--width`` bases centred on every peak of ``--regions`` (off the
``--blacklist`` and the excluded chromosomes, after ``--burn-in`` bases of upstream
context), attributes the log predicted total count of each window to its bases
(:func:`gategenome.explain.counts.count_attributions`) once for the main model
(Tn5 left out) and once for the frozen bias model alone, runs modisco-lite on each
and matches the motifs to JASPAR CORE (fungi) with Tomtom, as ``gategenome explain``
does.  Prints, per source, the top motifs with their best three JASPAR matches and
q-values, and whether REB1 (MA0363), ABF1 (MA0265) and RAP1 (MA0359) are among the
best matches (q <= 0.05) of the top ``--top`` motifs.

Example::

    python benchmarks/explain_reads.py --model results/reads/model.pt --genome sacCer3.fa \\
        --regions peaks.bed --blacklist config/sacCer3.blacklist.bed --out explain_reads.json
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from gategenome.core.encode import ONE_HOT_CODE, encode_codes
from gategenome.explain.counts import count_attributions
from gategenome.explain.jaspar import jaspar_motifs, match_motifs
from gategenome.explain.motifs import find_motifs
from gategenome.explain.settings import MotifSettings
from gategenome.io.bed import read_bed
from gategenome.io.fasta import Genome
from gategenome.model.checkpoint import load_model
from gategenome.model.inputs import model_inputs
from gategenome.model.insertions import InsertionHead

log = logging.getLogger("benchmark")

EXPECTED = {"MA0363": "REB1", "MA0265": "ABF1", "MA0359": "RAP1"}


def windows(genome: Genome, regions, blacklist, exclude: set[str], width: int, burn_in: int):
    """One-hot ``(N, burn_in + width, 4)`` and codes ``(N, width)`` of the windows centred on ``regions``."""
    masked = {}
    for interval in blacklist:
        masked.setdefault(interval.chrom, []).append((interval.start, interval.end))
    onehots, codes = [], []
    for interval in regions:
        if interval.chrom in exclude or interval.chrom not in genome.sizes:
            continue
        begin = (interval.start + interval.end) // 2 - width // 2
        lo, end = begin - burn_in, begin + width
        if lo < 0 or end > genome.sizes[interval.chrom]:
            continue
        if any(s < end and lo < e for s, e in masked.get(interval.chrom, ())):
            continue
        code = encode_codes(genome.fetch(interval.chrom, lo, end))
        onehots.append(ONE_HOT_CODE[code])
        codes.append(code[burn_in:])
    return np.stack(onehots), np.stack(codes)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("model", "genome", "regions"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--blacklist")
    parser.add_argument("--exclude", nargs="*", default=["chrM"])
    parser.add_argument("--width", type=int, default=400, help="bases scored per peak, centred on it")
    parser.add_argument("--burn-in", type=int, default=512)
    parser.add_argument("--top", type=int, default=6)
    parser.add_argument("--max-seqlets", type=int, default=5000)
    parser.add_argument("--peaks", type=int, default=0, help="use the first N peaks (0: all)")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    model, payload = load_model(args.model)
    if model.config.uses_signal:
        parser.error("a sequence-only (inputs: dna) model is expected")
    head = InsertionHead.from_checkpoint(payload, args.model)
    blacklist = read_bed(args.blacklist) if args.blacklist else []
    with Genome(args.genome) as genome:
        onehot, codes = windows(genome, read_bed(args.regions), blacklist, set(args.exclude), args.width,
                                args.burn_in)
    if args.peaks:
        onehot, codes = onehot[:args.peaks], codes[:args.peaks]
    x = model_inputs(onehot.reshape(-1, 4), None, model.config).reshape(len(onehot), -1, 4)
    log.info("%d peak windows of %d bases (+%d of context)", len(x), args.width, args.burn_in)
    settings = MotifSettings(window=args.width, max_seqlets=args.max_seqlets)
    references = jaspar_motifs(settings.jaspar_release, settings.tax_group)
    results = {"peaks": len(x), "width": args.width}
    for source in ("model", "bias"):
        started = time.perf_counter()
        hypothetical = count_attributions(model, head, x, codes, args.width, source)
        log.info("%s: attributions in %.0f s", source, time.perf_counter() - started)
        motifs = find_motifs(onehot[:, args.burn_in:].astype(np.float32), hypothetical, settings)
        matches = match_motifs([m.ppm for m in motifs], references, 3)
        rows = [{"name": m.name, "seqlets": m.seqlets, "consensus": m.consensus,
                 "matches": [{"id": x.matrix_id, "name": x.name, "q": x.qvalue, "p": x.pvalue} for x in found]}
                for m, found in zip(motifs, matches)]
        top = sorted(rows, key=lambda r: -r["seqlets"])[:args.top]
        recovered = {name: min((x["q"] for r in top for x in r["matches"] if x["id"].startswith(prefix)),
                               default=None) for prefix, name in EXPECTED.items()}
        results[source] = {"motifs": rows, "recovered_in_top": recovered, "seconds": time.perf_counter() - started}
        print(f"== {source}: {len(motifs)} motifs from {len(x)} peaks ({time.perf_counter() - started:.0f} s)")
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
