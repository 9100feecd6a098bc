"""Run a whole design (memory or reset) and write its FASTA, TSV, plot and settings.

:func:`load_design_model` loads the model a run designs for (a checkpoint or the
reference LSTM); :func:`run_memory` plans, searches and verifies long-memory
designs against their baselines; :func:`run_reset` designs reset elements and
compares them with real boundaries.  Both write the files described in
:mod:`gategenome.design.outputs`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import asdict

import numpy as np
import torch

from gategenome.design.constraints import SequenceConstraints, random_sequence
from gategenome.design.context import closed_contexts, context_null_threshold, drops_in_contexts
from gategenome.design.distinct import distinct_designs
from gategenome.design.diversity import max_pairwise_identity
from gategenome.design.enrichment import boundary_windows, compare_with_boundaries
from gategenome.design.in_context import ContextObjective, design_contexts
from gategenome.design.memory import Plan, kmers, linearised_log_retention, plan_memory, repeat_unit
from gategenome.design.order import Design, Part, write_order_files
from gategenome.design.outputs import Row, format_power, model_label, write_outputs
from gategenome.design.reset import (
    PROFILE_BEFORE,
    ResetScore,
    design_resets,
    forget_profile,
    score_elements,
    sequence_gates,
)
from gategenome.design.retention import Retention, measure_retention, reference_model
from gategenome.design.search import best_constrained_unit, ranked_units
from gategenome.design.settings import BoundarySettings, ContextSettings, SearchSettings
from gategenome.model.checkpoint import load_model, resolve_device
from gategenome.model.network import GateLSTM

log = logging.getLogger(__name__)

#: ``progress(label, total)`` returns the function a stage calls with each step done.
Progress = Callable[[str, int], Callable[[int], None]]


def load_design_model(model_path: str | None, device: str, settings: SearchSettings) -> tuple[GateLSTM, dict]:
    """The model to design for, after seeding torch with ``settings.seed``.

    Parameters
    ----------
    model_path
        A ``model.pt`` checkpoint, or ``None`` for the hand-wired reference LSTM
        (:func:`gategenome.design.retention.reference_model`).
    device
        ``auto``, ``cpu`` or ``cuda``.

    Returns
    -------
    tuple
        ``(model, context)``: the model on its device in eval mode, and the model
        source, configuration and device for the saved summary.
    """
    torch.manual_seed(settings.seed)
    resolved = resolve_device(device)
    if model_path is None:
        model, source = reference_model().to(resolved), "reference"
    else:
        model, _ = load_model(model_path, resolved)
        source = str(model_path)
    log.info("designing for model %s (inputs: %s)", source, model.config.inputs)
    if model.config.uses_signal:
        log.info("the model reads DNA + ATAC signal: feeding a constant signal of %g", settings.signal_value)
    return model, {"model": source, "model_config": model.config.to_dict(), "device": str(resolved)}


def _random_fillers(plan: Plan, settings: SearchSettings, constraints: SequenceConstraints) -> list[str]:
    """Baseline (a): up to three seeded random fillers that meet the constraints after the writer."""
    rng = np.random.default_rng([settings.seed, 3])
    randoms = []
    for _ in range(3):
        sequence = random_sequence(settings.length, constraints, rng, prefix=plan.writer)
        if sequence is not None:
            randoms.append(sequence[len(plan.writer) :])
    return randoms


def _memory_rows(
    model: GateLSTM,
    plan: Plan,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    named: list[tuple[str, str, str, Retention]],
) -> tuple[list[Row], dict[str, np.ndarray]]:
    """TSV rows and retention curves of ``(name, kind, filler, retention)`` in order."""
    rows: list[Row] = []
    curves: dict[str, np.ndarray] = {}
    for name, kind, filler, retention in named:
        sequence = plan.writer + filler
        [linear] = linearised_log_retention(model, plan, [filler], settings)
        rows.append(
            Row(
                name,
                kind,
                sequence,
                retention.log10_hold,
                retention.half_life,
                settings.length,
                constraints.violations(sequence),
                float(linear),
                retention.log10_at_end,
                retention.log10_peak,
            )
        )
        curves[f"{name} ({kind})" if kind != "design" else name] = retention.log10_curve
    return rows, curves


def _best_of(rows: list[Row], kind: str) -> float | None:
    values = [r.score for r in rows if r.kind == kind]
    return max(values) if values else None


def _memory_summary(
    plan: Plan, settings: SearchSettings, constraints: SequenceConstraints, unit: str | None, rows: list[Row]
) -> dict:
    """The saved summary of a memory run (logged in one line too)."""
    designs = [r for r in rows if r.kind == "design"]
    best, unit_hold, random_hold = rows[0].score, _best_of(rows, "best_constrained_unit"), _best_of(
        rows, "random_constrained"
    )
    summary = {
        "goal": "memory",
        "objective": "hold = min over the filler of min(retention, 1 / retention), at most 1",
        "settings": asdict(settings),
        "constraints": constraints.to_dict(),
        "writer": plan.writer,
        "control": plan.control,
        "best_constrained_unit": unit,
        "unconstrained_unit": plan.free_unit,
        "screen": plan.screen,
        "hold": {row.name: 10**row.score for row in rows},
        "log10_hold": {row.name: row.score for row in rows},
        "log10_retention_at_L": {row.name: row.retention for row in rows},
        "log10_peak_retention": {row.name: row.peak for row in rows},
        "log10_linearised_retention": {row.name: row.linearised / math.log(10) for row in rows},
        "half_life": {row.name: row.half_life for row in rows},
        "max_pairwise_identity": max_pairwise_identity([r.sequence for r in designs]),
        "hold_design_over_best_unit": 10 ** (best - unit_hold) if unit_hold is not None else None,
        "hold_design_over_random": 10 ** (best - random_hold) if random_hold is not None else None,
    }
    log.info(
        "writer %s; best design holds %s at L=%d (retention %s); best constrained unit %s holds %s; random %s",
        plan.writer,
        format_power(best),
        settings.length,
        format_power(rows[0].retention),
        unit,
        format_power(unit_hold) if unit_hold is not None else "none",
        ", ".join(format_power(r.score) for r in rows if r.kind == "random_constrained"),
    )
    return summary


def _order_designs(model: GateLSTM, rows: list[Row], writer: str, signal_value: float) -> list[Design]:
    """The designs to order (``writer`` then filler, or one reset element) with their gates."""
    picked = [row for row in rows if row.kind == "design"]
    gates = sequence_gates(model, [row.sequence for row in picked], signal_value)
    designs = []
    for row, gate in zip(picked, gates):
        if writer:
            parts = [Part(0, len(writer), "writer"), Part(len(writer), len(row.sequence), "filler")]
        else:
            parts = [Part(0, len(row.sequence), "reset")]
        designs.append(Design(row.name, row.sequence, parts, gate))
    return designs


def run_memory(
    model: GateLSTM,
    out: str,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    *,
    progress: Progress,
    provenance: dict | None = None,
) -> list[Row]:
    """Plan, search, verify and write a long-memory design run (``OUT.fa``, ``.tsv``, ...); returns the TSV rows.

    ``provenance`` (model source and configuration) is added to the saved summary.
    """
    constraints.require_feasible(settings.length, seed=settings.seed)
    plan = plan_memory(model, settings, constraints, progress("screening units", len(kmers(settings.unit_max_k))))
    ranked = ranked_units(model, plan, settings, constraints)
    unit, unit_retention = best_constrained_unit(model, plan, settings, ranked)
    randoms = _random_fillers(plan, settings, constraints)
    designs = distinct_designs(model, plan, ranked, settings, constraints, progress)
    free = repeat_unit(plan.free_unit, settings.length)
    measured = measure_retention(model, plan.writer, randoms + [free], plan.control, settings.signal_value)
    named = [(f"design_{rank}", "design", filler, r) for rank, (filler, r) in enumerate(designs, 1)]
    if unit is not None:
        named.append((f"unit_{unit}", "best_constrained_unit", repeat_unit(unit, settings.length), unit_retention))
    named += [
        (f"random_{index}", "random_constrained", filler, measured[index - 1])
        for index, filler in enumerate(randoms, 1)
    ]
    named.append((f"unit_{plan.free_unit}", "unconstrained_unit", free, measured[-1]))
    rows, curves = _memory_rows(model, plan, settings, constraints, named)
    summary = {**_memory_summary(plan, settings, constraints, unit, rows), **(provenance or {})}
    write_outputs(
        out,
        "memory",
        rows,
        curves,
        summary,
        "log10 retention (of the written cell difference)",
        "distance after the writer (bp)",
    )
    write_order_files(out, _order_designs(model, rows, plan.writer, settings.signal_value), model_label(summary))
    return rows


def _reset_rows(
    model: GateLSTM,
    elements: list[str],
    scores: list[ResetScore],
    settings: SearchSettings,
    constraints: SequenceConstraints,
) -> list[Row]:
    """TSV rows of the reset designs (best first) and of up to three seeded random elements."""
    rng = np.random.default_rng([settings.seed, 17])
    randoms = [random_sequence(settings.length, constraints, rng) for _ in range(3)]
    randoms = [r for r in randoms if r is not None]
    random_scores = score_elements(model, randoms, settings.seed, settings.signal_value) if randoms else []
    order = np.argsort([s.min_forget for s in scores])
    named = [(f"reset_{rank}", "design", elements[i], scores[i]) for rank, i in enumerate(order, 1)]
    named += [(f"random_{k}", "random_constrained", r, s) for k, (r, s) in enumerate(zip(randoms, random_scores), 1)]
    return [
        Row(
            name,
            kind,
            sequence,
            score.min_forget,
            None,
            score.pass_through,
            constraints.violations(sequence),
            math.log(max(score.pass_through, 1e-300)),
        )
        for name, kind, sequence, score in named
    ]


def _context_threshold(model: GateLSTM, windows: list, settings: SearchSettings,
                       contexts: ContextSettings) -> tuple[float, str]:
    """The drop threshold in ``windows`` and where it came from, as ``call`` sets it."""
    threshold = contexts.threshold
    source = "given (--threshold)"
    if threshold is None:
        threshold = context_null_threshold(model, windows, contexts.threshold_quantile, settings.signal_value,
                                           settings.seed)
        source = f"{contexts.threshold_quantile:g} quantile of the gate over dinucleotide-shuffled contexts"
    if 1.0 - contexts.min_depth < threshold:
        threshold = 1.0 - contexts.min_depth
        source += f", capped at 1 - min_depth ({contexts.min_depth:g}): call reports no shallower drop"
    return threshold, source


def _context_objective(model: GateLSTM, settings: SearchSettings, contexts: ContextSettings | None, tested: list):
    """The in-context search objective (:mod:`gategenome.design.in_context`), or None for random flanks.

    ``tested`` are the windows the designed resets are tested in; the search reads none of them.
    """
    if contexts is None or contexts.design_contexts <= 0:
        return None
    # as many untested windows as the test reads set the threshold (a low quantile of a few windows
    # falls far below that of many); the search reads the first ones
    windows = design_contexts(contexts.genome, contexts.accessible, max(contexts.design_contexts, contexts.contexts),
                              contexts.margin, settings.seed, tested)
    if not windows:
        log.warning("%s: no closed-chromatin window apart from the %d tested; reset candidates are scored "
                    "between random flanks (fewer --contexts leaves room)", contexts.accessible, contexts.contexts)
        return None
    threshold, _ = _context_threshold(model, windows, settings, contexts)
    objective = ContextObjective(model, windows, threshold, settings.reset_shuffles, settings.seed,
                                 settings.signal_value, count=contexts.design_contexts)
    log.info("scoring reset candidates in %d closed-chromatin contexts with the gate open at the insertion point "
             "(threshold %.4g), apart from the %d tested", objective.count, threshold, contexts.contexts)
    return objective


def _context_test(model: GateLSTM, rows: list[Row], settings: SearchSettings, contexts: ContextSettings,
                  windows: list) -> dict:
    """Insert the designed resets into native closed chromatin ``windows`` (:mod:`gategenome.design.context`)."""
    threshold, source = _context_threshold(model, windows, settings, contexts)
    elements = [row.sequence for row in rows if row.kind == "design"]
    result = drops_in_contexts(model, elements, windows, threshold, settings.signal_value, settings.seed)
    log.info(
        "in %d closed-chromatin contexts a drop below %.4g starts over the resets in %.1f%% "
        "(their shuffles %.1f%%, nothing inserted %.1f%%)",
        result["contexts"],
        threshold,
        100 * result["drop_fraction"],
        100 * result["shuffled_drop_fraction"],
        100 * result["native_drop_fraction"],
    )
    return {**result, "threshold_source": source, "settings": asdict(contexts)}


def run_reset(
    model: GateLSTM,
    out: str,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    *,
    boundaries: BoundarySettings | None = None,
    contexts: ContextSettings | None = None,
    progress: Progress,
    provenance: dict | None = None,
) -> list[Row]:
    """Design reset elements, compare them with real boundaries, write the outputs (``OUT.fa``, ``.tsv``, ...).

    ``boundaries`` (read before the search, so a bad file fails fast) adds the
    comparison of the top reset k-mers with real boundaries; ``contexts`` the
    test of the elements inserted into native closed chromatin; ``provenance``
    (model source and configuration) is added to the saved summary.
    """
    windows = boundary_windows(boundaries) if boundaries is not None else None
    tested = None
    if contexts is not None:  # drawn before the search: a bad file fails fast
        tested = closed_contexts(contexts.genome, contexts.accessible, contexts.contexts, contexts.margin, settings.seed)
    objective = _context_objective(model, settings, contexts, tested)
    elements, scores, ranked = design_resets(
        model, settings, constraints, progress("searching resets", settings.iterations), objective
    )
    rows = _reset_rows(model, elements, scores, settings, constraints)
    profiles = forget_profile(model, [row.sequence for row in rows], settings.seed, settings.signal_value)
    curves = {(row.name if row.kind == "design" else f"{row.name} ({row.kind})"): p for row, p in zip(rows, profiles)}
    top = ranked[:20]
    enrichment = compare_with_boundaries(top[:10], ranked, windows, settings.seed) if windows is not None else None
    summary = {
        "goal": "reset",
        "settings": asdict(settings),
        "constraints": constraints.to_dict(),
        "top_reset_kmers": top,
        "min_forget": {row.name: row.score for row in rows},
        "pass_through": {row.name: row.extra for row in rows},
        "boundary_enrichment": enrichment,
        "genomic_context": _context_test(model, rows, settings, contexts, tested) if contexts is not None else None,
        "designed_in": (
            {"contexts": objective.count, "threshold": objective.threshold,
             "drop_fraction": [float(v) for v in objective.drop_fraction(elements)]}
            if objective is not None else "random flanks"
        ),
        **(provenance or {}),
    }
    write_outputs(
        out,
        "reset",
        rows,
        curves,
        summary,
        "mean forget gate (last layer)",
        f"position (element starts at {PROFILE_BEFORE})",
    )
    write_order_files(out, _order_designs(model, rows, "", settings.signal_value), model_label(summary))
    return rows
