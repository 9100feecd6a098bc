"""Run a whole design (memory or reset) and write its FASTA, TSV, plot and settings.

Outputs of ``--out-prefix P`` (each written atomically):

- ``P.fa``: one record per design; the header carries retention (or the reset
  score) and GC.
- ``P.tsv``: one row per design and per baseline: kind, lengths, GC, longest
  homopolymer, retention at L and half-life (memory) or minimum forget gate and
  pass-through (reset), and the constraint check.
- ``P.png``: retention versus distance (memory) or the mean forget gate across
  the element (reset), designs and baselines.
- ``P.json``: the resolved settings, constraints, writer, baselines and (reset)
  the comparison with real boundaries.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from gategenome.atomic import atomic_open, atomic_path
from gategenome.constraints import SequenceConstraints, gc_fraction, longest_homopolymer, random_sequence
from gategenome.design import (
    SearchSettings,
    anneal,
    best_constrained_unit,
    kmers,
    linearised_log_retention,
    plan_memory,
    repeat_unit,
)
from gategenome.model import GateLSTM
from gategenome.retention import Retention, measure_retention

log = logging.getLogger(__name__)


@dataclass
class Row:
    """One line of ``P.tsv``."""

    name: str
    kind: str
    sequence: str
    score: float
    half_life: int | None
    extra: float
    violations: list[str]
    linearised: float = float("nan")

    def tsv(self, goal: str) -> str:
        check = "ok" if not self.violations else "FAIL: " + "; ".join(self.violations)
        if goal == "reset":
            half = f"{self.extra:.4g}"
        else:
            half = str(self.half_life) if self.half_life is not None else f">{self.extra:.0f}"
        return "\t".join([
            self.name, self.kind, str(len(self.sequence)), f"{gc_fraction(self.sequence):.3f}",
            str(longest_homopolymer(self.sequence)), f"{self.score:.6g}", half,
            f"{self.linearised / np.log(10):.4f}", check,
        ])


def _header(goal: str) -> str:
    score = "retention_at_L\thalf_life\tlog10_linearised" if goal == "memory" else "min_forget\tpass_through\tlog10_pass_through"
    return f"design\tkind\tlength\tgc\tlongest_homopolymer\t{score}\tconstraints"


def _write_outputs(prefix: str, goal: str, rows: list[Row], curves: dict[str, np.ndarray], settings: dict,
                   ylabel: str, xlabel: str) -> None:
    from Bio.Seq import Seq
    from Bio.SeqIO import write as write_fasta
    from Bio.SeqRecord import SeqRecord

    records = [
        SeqRecord(Seq(row.sequence), id=row.name,
                  description=f"{'retention' if goal == 'memory' else 'min_forget'}={row.score:.6g} "
                              f"gc={gc_fraction(row.sequence):.3f} length={len(row.sequence)}")
        for row in rows if row.kind == "design"
    ]
    with atomic_open(f"{prefix}.fa") as handle:
        write_fasta(records, handle, "fasta")
    with atomic_open(f"{prefix}.tsv") as handle:
        handle.write(_header(goal) + "\n")
        for row in rows:
            handle.write(row.tsv(goal) + "\n")
    with atomic_open(f"{prefix}.json") as handle:
        json.dump(settings, handle, indent=2, default=str)
        handle.write("\n")
    _plot(f"{prefix}.png", curves, ylabel, xlabel, log_scale=goal == "memory")


def _plot(path: str, curves: dict[str, np.ndarray], ylabel: str, xlabel: str, log_scale: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for label, curve in curves.items():
        style = "-" if label.startswith("design") else "--"
        axis.plot(np.arange(len(curve)), np.maximum(curve, 1e-12) if log_scale else curve, style, lw=1.2, label=label)
    if log_scale:
        axis.set_yscale("log")
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.legend(fontsize=7)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=120)
    plt.close(figure)


def run_memory(
    model: GateLSTM, settings: SearchSettings, constraints: SequenceConstraints, prefix: str,
    progress: Callable[[str, int], Callable[[int], None]], context: dict | None = None,
) -> list[Row]:
    """Plan, search, verify and write a long-memory design run; returns the TSV rows."""
    constraints.require_feasible(settings.length, seed=settings.seed)
    plan = plan_memory(model, settings, constraints, progress("screening units", len(kmers(settings.unit_max_k))))
    unit, unit_retention = best_constrained_unit(model, plan, settings, constraints)
    rng = np.random.default_rng([settings.seed, 3])
    randoms = []
    for _ in range(3):
        sequence = random_sequence(settings.length, constraints, rng, prefix=plan.writer)
        if sequence is not None:
            randoms.append(sequence[len(plan.writer):])
    if unit is not None:
        starts = [repeat_unit(unit, settings.length)] * settings.count
    else:
        starts = [random_sequence(settings.length, constraints, np.random.default_rng([settings.seed, 5, c]),
                                  prefix=plan.writer)[len(plan.writer):] for c in range(settings.count)]
    results = anneal(model, plan, starts, settings, constraints, progress("annealing", settings.iterations))
    fillers = [filler for filler, _ in results]
    free = repeat_unit(plan.free_unit, settings.length)
    measured = measure_retention(model, plan.writer, fillers + randoms + [free], plan.control, settings.signal_value)
    order = np.argsort([-m.at_end for m in measured[: len(fillers)]])
    rows: list[Row] = []
    curves: dict[str, np.ndarray] = {}

    def add(name: str, kind: str, filler: str, retention: Retention) -> None:
        sequence = plan.writer + filler
        [linear] = linearised_log_retention(model, plan, [filler], settings)
        rows.append(Row(name, kind, sequence, retention.at_end, retention.half_life, settings.length,
                        constraints.violations(sequence), float(linear)))
        curves[f"{name} ({kind})" if kind != "design" else name] = retention.curve

    for rank, index in enumerate(order, 1):
        add(f"design_{rank}", "design", fillers[index], measured[index])
    if unit is not None:
        add(f"unit_{unit}", "best_constrained_unit", repeat_unit(unit, settings.length), unit_retention)
    for index, filler in enumerate(randoms, 1):
        add(f"random_{index}", "random_constrained", filler, measured[len(fillers) + index - 1])
    add(f"unit_{plan.free_unit}", "unconstrained_unit", free, measured[-1])
    best_design = rows[0].score
    summary = {
        "goal": "memory",
        "settings": asdict(settings),
        "constraints": constraints.to_dict(),
        "writer": plan.writer,
        "control": plan.control,
        "best_constrained_unit": unit,
        "unconstrained_unit": plan.free_unit,
        "retention_at_L": {row.name: row.score for row in rows},
        "log10_linearised_retention": {row.name: row.linearised / math.log(10) for row in rows},
        "design_over_best_unit": best_design / unit_retention.at_end if unit_retention and unit_retention.at_end > 0 else None,
        "design_over_random": best_design / float(np.mean([r.score for r in rows if r.kind == "random_constrained"]))
        if randoms and np.mean([r.score for r in rows if r.kind == "random_constrained"]) > 0 else None,
        **(context or {}),
    }
    log.info("writer %s; best design retains %.4g at L=%d; best constrained unit %s %.4g; random %s",
             plan.writer, best_design, settings.length, unit, unit_retention.at_end if unit_retention else float("nan"),
             ", ".join(f"{r.score:.3g}" for r in rows if r.kind == "random_constrained"))
    _write_outputs(prefix, "memory", rows, curves, summary, "retention (fraction of the written cell difference)",
                   "distance after the writer (bp)")
    return rows


def run_reset(
    model: GateLSTM, settings: SearchSettings, constraints: SequenceConstraints, prefix: str,
    progress: Callable[[str, int], Callable[[int], None]], boundaries: dict | None = None,
    context: dict | None = None,
) -> list[Row]:
    """Design reset elements, compare them with real boundaries, write the outputs."""
    from gategenome.reset import PROFILE_BEFORE, boundary_enrichment, design_resets, forget_profile, score_elements

    elements, scores, top = design_resets(
        model, settings.length, settings.count, constraints, settings.seed, settings.iterations,
        settings.proposals, settings.signal_value, progress("searching resets", settings.iterations),
    )
    rng = np.random.default_rng([settings.seed, 17])
    randoms = [random_sequence(settings.length, constraints, rng) for _ in range(3)]
    randoms = [r for r in randoms if r is not None]
    random_scores = score_elements(model, randoms, settings.seed, settings.signal_value) if randoms else []
    order = np.argsort([s.min_forget for s in scores])
    rows = [Row(f"reset_{rank}", "design", elements[i], scores[i].min_forget, None, scores[i].pass_through,
                constraints.violations(elements[i]), math.log(max(scores[i].pass_through, 1e-300)))
            for rank, i in enumerate(order, 1)]
    rows += [Row(f"random_{k}", "random_constrained", r, s.min_forget, None, s.pass_through, constraints.violations(r),
                 math.log(max(s.pass_through, 1e-300)))
             for k, (r, s) in enumerate(zip(randoms, random_scores), 1)]
    profiles = forget_profile(model, [row.sequence for row in rows], settings.seed, settings.signal_value)
    curves = {(row.name if row.kind == "design" else f"{row.name} ({row.kind})"): p for row, p in zip(rows, profiles)}
    enrichment = None
    if boundaries is not None:
        enrichment = boundary_enrichment(top[:10], boundaries["windows"], boundaries["fetch"], boundaries["sizes"],
                                         settings.seed)
        enrichment["source"] = boundaries["source"]
        log.info("top reset 6-mers at boundaries: %.3g per kb vs %.3g background (enrichment %.2f, p = %.3g)",
                 enrichment["per_kb_boundary"], enrichment["per_kb_background"], enrichment["enrichment"],
                 enrichment["p_value"])
    summary = {
        "goal": "reset",
        "settings": asdict(settings),
        "constraints": constraints.to_dict(),
        "top_reset_kmers": top,
        "min_forget": {row.name: row.score for row in rows},
        "pass_through": {row.name: row.extra for row in rows},
        "boundary_enrichment": enrichment,
        **(context or {}),
    }
    _write_outputs(prefix, "reset", rows, curves, summary, "mean forget gate (last layer)",
                   f"position (element starts at {PROFILE_BEFORE})")
    return rows
