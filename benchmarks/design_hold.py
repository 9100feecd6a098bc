"""Stable-hold designs against their baselines, and reset elements in native closed chromatin.

Measured in one run on a trained model (a sequence-only model, ``inputs: dna``,
such as ``config/dna.yaml`` trained on yeast):

(a) memory goal at ``--length`` L (2000) under GC 0.35-0.65 in every 50 bp window,
    homopolymers <= 6 and no GAATTC / GGATCC on either strand: the hold (the
    widest band [h, 1/h] the written difference never leaves along the filler,
    at most 1) and the raw retention at L of the ``--count`` designs, the best
    constrained repeated unit and three random constrained sequences; the ratio
    of the best design's hold to the best unit's and the best random's, and the
    largest pairwise identity between the designs;
(b) reset goal (``--reset-length`` bp elements, same constraints): each element
    inserted into ``--contexts`` native closed-chromatin windows of the genome
    (at least 500 bp from every region of ``--accessible``), scanned, and the
    fraction whose gate drops below the call threshold (the 0.05 quantile over
    dinucleotide-shuffled contexts), against dinucleotide-shuffled elements in
    the same windows and the windows without an insertion: how often a drop (a
    run below the threshold, as ``call`` finds them) starts over the element and
    the 10 bp after it, and how often the gate is below the threshold anywhere
    there (which also counts a drop under way at the insertion point).

Prints both tables (markdown) and writes the design files under ``--out-dir``.

Usage::

    python benchmarks/design_hold.py --model model.pt --genome sacCer3.fa \\
        --accessible prep/accessible.bed [--length 2000] [--count 4] [--contexts 200]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from gategenome.design.constraints import SequenceConstraints
from gategenome.design.outputs import format_power
from gategenome.design.run import load_design_model, run_memory, run_reset
from gategenome.design.settings import ContextSettings, SearchSettings


def _quiet(label: str, total: int):
    return lambda n: None


def memory_table(rows) -> list[str]:
    lines = [
        "| sequence | kind | hold | retention at L | peak retention | GC | constraints |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.kind == "unconstrained_unit":
            continue
        gc = sum(b in "GC" for b in row.sequence) / len(row.sequence)
        check = "ok" if not row.violations else "FAIL"
        lines.append(
            f"| {row.name} | {row.kind} | {format_power(row.score)} | {format_power(row.retention)} | "
            f"{format_power(row.peak)} | {gc:.3f} | {check} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--genome", required=True)
    parser.add_argument("--accessible", required=True)
    parser.add_argument("--length", type=int, default=2000)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--reset-length", type=int, default=30)
    parser.add_argument("--contexts", type=int, default=200)
    parser.add_argument("--reset-shuffles", type=int, default=8)
    parser.add_argument("--design-contexts", type=int, default=ContextSettings.design_contexts,
                        help="closed-chromatin windows the reset search scores candidates in (0: random flanks)")
    parser.add_argument("--unconstrained-resets", action="store_true",
                        help="design the reset elements without the synthesis constraints of the memory designs")
    parser.add_argument("--min-depth", type=float, default=ContextSettings.min_depth,
                        help="A drop in context must be this deep (call's min_depth); 0: the null quantile alone.")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out-dir", default="design_hold")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    constraints = SequenceConstraints(0.35, 0.65, 50, 6, ["GAATTC", "GGATCC"])

    settings = SearchSettings(length=args.length, count=args.count, iterations=args.iterations, seed=args.seed)
    model, context = load_design_model(args.model, "cpu", settings)
    if not args.skip_memory:
        memory_part(model, context, settings, constraints, args, out)
    reset_part(model, context, constraints, args, out)


def memory_part(model, context: dict, settings: SearchSettings, constraints, args, out: Path) -> None:
    started = time.perf_counter()
    rows = run_memory(model, str(out / "memory"), settings, constraints, progress=_quiet, provenance=context)
    summary = json.loads((out / "memory.json").read_text())
    print(f"## memory, L = {args.length}, model {args.model} ({time.perf_counter() - started:.0f} s)\n")
    print("\n".join(memory_table(rows)))
    print(
        f"\nbest design hold / best constrained unit hold: {summary['hold_design_over_best_unit']:.3g}x; "
        f"/ best random: {summary['hold_design_over_random']:.3g}x; "
        f"largest pairwise identity of the designs: {summary['max_pairwise_identity']:.3f}\n"
    )


def reset_part(model, context: dict, constraints, args, out: Path) -> None:
    reset = SearchSettings(
        length=args.reset_length,
        count=args.count,
        iterations=args.iterations,
        seed=args.seed,
        reset_shuffles=args.reset_shuffles,
    )
    closed = ContextSettings(args.genome, args.accessible, args.contexts, min_depth=args.min_depth,
                             design_contexts=args.design_contexts)
    if args.unconstrained_resets:
        constraints = SequenceConstraints(0.0, 1.0, 50, None, [])
    started = time.perf_counter()
    run_reset(model, str(out / "reset"), reset, constraints, contexts=closed, progress=_quiet, provenance=context)
    saved = json.loads((out / "reset.json").read_text())
    result, designed_in = saved["genomic_context"], saved["designed_in"]
    print(f"## reset elements in {result['contexts']} native closed-chromatin contexts "
          f"({time.perf_counter() - started:.0f} s)\n")
    print(f"constraints: {constraints.to_dict()}; designed in: "
          f"{designed_in if isinstance(designed_in, str) else str(designed_in['contexts']) + ' other closed-chromatin contexts'}\n")
    print(f"threshold {result['threshold']:.4g} ({result['threshold_source']}); native windows (no insertion): "
          f"a drop starts over the element's span in {100 * result['native_drop_fraction']:.1f}%, the gate is below "
          f"the threshold there in {100 * result['native_below_fraction']:.1f}%\n")
    print("| element | a drop starts: element | its dinucleotide shuffles | below anywhere: element | shuffles |")
    print("|---|---|---|---|---|")
    for row in [*result["elements"], {"element": "all", **result}]:
        print(f"| {row['element']} | {100 * row['drop_fraction']:.1f}% | {100 * row['shuffled_drop_fraction']:.1f}% | "
              f"{100 * row['below_fraction']:.1f}% | {100 * row['shuffled_below_fraction']:.1f}% |")


if __name__ == "__main__":
    main()
