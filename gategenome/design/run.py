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

import logging
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from gategenome.design.constraints import SequenceConstraints, gc_fraction, longest_homopolymer, random_sequence
from gategenome.design.memory import kmers, linearised_log_retention, plan_memory, repeat_unit
from gategenome.design.reset import (
    PROFILE_BEFORE,
    boundary_enrichment,
    design_resets,
    forget_profile,
    gc_matched_controls,
    score_elements,
)
from gategenome.design.retention import Retention, measure_retention
from gategenome.design.search import anneal, best_constrained_unit
from gategenome.design.settings import SearchSettings
from gategenome.io.atomic import atomic_open, atomic_path
from gategenome.io.jsonfile import write_json
from gategenome.model.network import GateLSTM

log = logging.getLogger(__name__)


def format_power(log10_value: float) -> str:
    """``10 ** log10_value`` as text, also below the float64 range (``1.2e-450``)."""
    if not math.isfinite(log10_value):
        return "0"
    exponent = math.floor(log10_value)
    mantissa = 10 ** (log10_value - exponent)
    if mantissa >= 9.999995:
        mantissa, exponent = 1.0, exponent + 1
    return f"{mantissa:.5f}e{exponent:+d}" if exponent < -4 else f"{10**log10_value:.6g}"


@dataclass
class Row:
    """One line of ``P.tsv``.

    ``score`` is the log10 retention at L (memory) or the minimum mean forget gate
    (reset); ``extra`` the filler length (memory) or the pass-through (reset).
    """

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
            values = [f"{self.score:.6g}", f"{self.extra:.4g}", f"{self.linearised / math.log(10):.4f}"]
        else:
            half = str(self.half_life) if self.half_life is not None else f">{self.extra:.0f}"
            values = [format_power(self.score), half, f"{self.score:.4f}", f"{self.linearised / math.log(10):.4f}"]
        return "\t".join(
            [
                self.name,
                self.kind,
                str(len(self.sequence)),
                f"{gc_fraction(self.sequence):.3f}",
                str(longest_homopolymer(self.sequence)),
                *values,
                check,
            ]
        )

    def label(self, goal: str) -> str:
        """FASTA header text."""
        if goal == "reset":
            return f"min_forget={self.score:.6g} gc={gc_fraction(self.sequence):.3f} length={len(self.sequence)}"
        return f"retention={format_power(self.score)} gc={gc_fraction(self.sequence):.3f} length={len(self.sequence)}"


def _header(goal: str) -> str:
    if goal == "memory":
        score = "retention_at_L\thalf_life\tlog10_retention\tlog10_linearised"
    else:
        score = "min_forget\tpass_through\tlog10_pass_through"
    return f"design\tkind\tlength\tgc\tlongest_homopolymer\t{score}\tconstraints"


def _write_outputs(
    prefix: str, goal: str, rows: list[Row], curves: dict[str, np.ndarray], settings: dict, ylabel: str, xlabel: str
) -> None:
    from Bio.Seq import Seq
    from Bio.SeqIO import write as write_fasta
    from Bio.SeqRecord import SeqRecord

    records = [
        SeqRecord(Seq(row.sequence), id=row.name, description=row.label(goal)) for row in rows if row.kind == "design"
    ]
    with atomic_open(f"{prefix}.fa") as handle:
        write_fasta(records, handle, "fasta")
    with atomic_open(f"{prefix}.tsv") as handle:
        handle.write(_header(goal) + "\n")
        for row in rows:
            handle.write(row.tsv(goal) + "\n")
    write_json(f"{prefix}.json", settings)
    _plot(f"{prefix}.png", curves, ylabel, xlabel)


def _plot(path: str, curves: dict[str, np.ndarray], ylabel: str, xlabel: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4.5))
    for label, curve in curves.items():
        style = "-" if label.startswith("design") else "--"
        axis.plot(np.arange(len(curve)), curve, style, lw=1.2, label=label)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.legend(fontsize=7)
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png", dpi=120)
    plt.close(figure)


def run_memory(
    model: GateLSTM,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    prefix: str,
    progress: Callable[[str, int], Callable[[int], None]],
    context: dict | None = None,
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
            randoms.append(sequence[len(plan.writer) :])
    if unit is not None:
        starts = [repeat_unit(unit, settings.length)] * settings.count
    else:
        starts = []
        for c in range(settings.count):
            rng = np.random.default_rng([settings.seed, 5, c])
            # The bounded random builder may give up; require_feasible then builds one or says why none exists.
            sequence = random_sequence(settings.length, constraints, rng, prefix=plan.writer) or (
                constraints.require_feasible(settings.length, prefix=plan.writer, seed=settings.seed + c)
            )
            starts.append(sequence[len(plan.writer) :])
    results = anneal(model, plan, starts, settings, constraints, progress("annealing", settings.iterations))
    fillers = [filler for filler, _ in results]
    free = repeat_unit(plan.free_unit, settings.length)
    measured = measure_retention(model, plan.writer, fillers + randoms + [free], plan.control, settings.signal_value)
    order = np.argsort([-m.log10_at_end for m in measured[: len(fillers)]])
    rows: list[Row] = []
    curves: dict[str, np.ndarray] = {}

    def add(name: str, kind: str, filler: str, retention: Retention) -> None:
        sequence = plan.writer + filler
        [linear] = linearised_log_retention(model, plan, [filler], settings)
        rows.append(
            Row(
                name,
                kind,
                sequence,
                retention.log10_at_end,
                retention.half_life,
                settings.length,
                constraints.violations(sequence),
                float(linear),
            )
        )
        curves[f"{name} ({kind})" if kind != "design" else name] = retention.log10_curve

    for rank, index in enumerate(order, 1):
        add(f"design_{rank}", "design", fillers[index], measured[index])
    if unit is not None:
        add(f"unit_{unit}", "best_constrained_unit", repeat_unit(unit, settings.length), unit_retention)
    for index, filler in enumerate(randoms, 1):
        add(f"random_{index}", "random_constrained", filler, measured[len(fillers) + index - 1])
    add(f"unit_{plan.free_unit}", "unconstrained_unit", free, measured[-1])
    best = rows[0].score
    random_scores = [r.score for r in rows if r.kind == "random_constrained"]
    summary = {
        "goal": "memory",
        "settings": asdict(settings),
        "constraints": constraints.to_dict(),
        "writer": plan.writer,
        "control": plan.control,
        "best_constrained_unit": unit,
        "unconstrained_unit": plan.free_unit,
        "screen": plan.screen,
        "log10_retention_at_L": {row.name: row.score for row in rows},
        "log10_linearised_retention": {row.name: row.linearised / math.log(10) for row in rows},
        "half_life": {row.name: row.half_life for row in rows},
        "log10_design_over_best_unit": best - unit_retention.log10_at_end if unit_retention else None,
        "log10_design_over_random": best - max(random_scores) if random_scores else None,
        **(context or {}),
    }
    log.info(
        "writer %s; best design retains %s at L=%d; best constrained unit %s %s; random %s",
        plan.writer,
        format_power(best),
        settings.length,
        unit,
        format_power(unit_retention.log10_at_end) if unit_retention else "none",
        ", ".join(format_power(r) for r in random_scores),
    )
    _write_outputs(
        prefix,
        "memory",
        rows,
        curves,
        summary,
        "log10 retention (of the written cell difference)",
        "distance after the writer (bp)",
    )
    return rows


def run_reset(
    model: GateLSTM,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    prefix: str,
    progress: Callable[[str, int], Callable[[int], None]],
    boundaries: dict | None = None,
    context: dict | None = None,
) -> list[Row]:
    """Design reset elements, compare them with real boundaries, write the outputs."""
    elements, scores, ranked = design_resets(
        model, settings, constraints, progress("searching resets", settings.iterations)
    )
    rng = np.random.default_rng([settings.seed, 17])
    randoms = [random_sequence(settings.length, constraints, rng) for _ in range(3)]
    randoms = [r for r in randoms if r is not None]
    random_scores = score_elements(model, randoms, settings.seed, settings.signal_value) if randoms else []
    order = np.argsort([s.min_forget for s in scores])
    rows = [
        Row(
            f"reset_{rank}",
            "design",
            elements[i],
            scores[i].min_forget,
            None,
            scores[i].pass_through,
            constraints.violations(elements[i]),
            math.log(max(scores[i].pass_through, 1e-300)),
        )
        for rank, i in enumerate(order, 1)
    ]
    rows += [
        Row(
            f"random_{k}",
            "random_constrained",
            r,
            s.min_forget,
            None,
            s.pass_through,
            constraints.violations(r),
            math.log(max(s.pass_through, 1e-300)),
        )
        for k, (r, s) in enumerate(zip(randoms, random_scores), 1)
    ]
    profiles = forget_profile(model, [row.sequence for row in rows], settings.seed, settings.signal_value)
    curves = {(row.name if row.kind == "design" else f"{row.name} ({row.kind})"): p for row, p in zip(rows, profiles)}
    top = ranked[:20]
    enrichment = None
    if boundaries is not None:
        args = (boundaries["windows"], boundaries["fetch"], boundaries["sizes"], settings.seed)
        enrichment = boundary_enrichment(top[:10], *args)
        control = boundary_enrichment(gc_matched_controls(ranked, top[:10], settings.seed), *args)
        enrichment["source"] = boundaries["source"]
        enrichment["gc_matched_control"] = control
        enrichment["enrichment_over_gc_matched"] = enrichment["enrichment"] / control["enrichment"]
        log.info(
            "top reset 6-mers at boundaries: %.3g per kb vs %.3g background (enrichment %.2f, p = %.3g); "
            "GC-matched control k-mers: enrichment %.2f",
            enrichment["per_kb_boundary"],
            enrichment["per_kb_background"],
            enrichment["enrichment"],
            enrichment["p_value"],
            control["enrichment"],
        )
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
    _write_outputs(
        prefix,
        "reset",
        rows,
        curves,
        summary,
        "mean forget gate (last layer)",
        f"position (element starts at {PROFILE_BEFORE})",
    )
    return rows
