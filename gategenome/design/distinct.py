"""Annealed designs that differ from each other (pairwise identity at most ``max_identity``).

:func:`search_starts` picks annealing starts that differ from each other (the
repeated units ranked by hold, then seeded random constrained fillers);
:func:`distinct_designs` anneals them and keeps, best hold first, the designs
whose whole sequences (writer included) are at most ``max_identity`` identical
to every design kept (:mod:`gategenome.design.diversity`), annealing further
starts when too few remain.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gategenome.design.constraints import SequenceConstraints, random_sequence
from gategenome.design.diversity import pick_distinct
from gategenome.design.memory import Plan
from gategenome.design.retention import Retention, measure_retention
from gategenome.design.search import anneal
from gategenome.design.settings import SearchSettings
from gategenome.errors import ConfigError
from gategenome.model.network import GateLSTM

#: ``progress(label, total)`` returns the function a stage calls with each step done.
Progress = Callable[[str, int], Callable[[int], None]]


def search_starts(
    plan: Plan, ranked: list[tuple[str, str, float]], settings: SearchSettings, constraints: SequenceConstraints,
    wanted: int, used: list[str],
) -> list[str]:
    """Fillers ``wanted`` annealing chains start from, distinct from each other and from ``used``.

    Candidates, best first: the allowed repeated units by hold, then seeded random
    constrained fillers; a start is taken when its first :data:`_PROBE` bases
    (writer included) are at most ``max_identity - 0.1`` (``max_identity`` below
    0.7) identical to every start taken, leaving room for the annealing to move it.
    """
    limit = settings.max_identity - 0.1 if settings.max_identity >= 0.7 else settings.max_identity
    candidates = [filler for _, filler, _ in ranked if filler not in used]
    for c in range(len(used), len(used) + wanted):
        rng = np.random.default_rng([settings.seed, 5, c])
        # The bounded random builder may give up; require_feasible then builds one or says why none exists.
        sequence = random_sequence(settings.length, constraints, rng, prefix=plan.writer) or (
            constraints.require_feasible(settings.length, prefix=plan.writer, seed=settings.seed + c)
        )
        candidates.append(sequence[len(plan.writer) :])
    probes = [(plan.writer + f)[:_PROBE] for f in candidates]
    chosen = pick_distinct(probes, limit, wanted, kept=[(plan.writer + f)[:_PROBE] for f in used])
    return [candidates[i] for i in chosen]


#: Leading bases compared when the annealing starts are chosen.
_PROBE = 400
#: Annealing rounds run to reach ``count`` designs distinct from each other.
_ROUNDS = 3


def distinct_designs(
    model: GateLSTM,
    plan: Plan,
    ranked: list[tuple[str, str, float]],
    settings: SearchSettings,
    constraints: SequenceConstraints,
    progress: Progress,
) -> list[tuple[str, Retention]]:
    """``settings.count`` annealed fillers (best hold first) whose whole designs are at most
    ``settings.max_identity`` identical pairwise, with their exact write/read tests."""
    kept: list[tuple[str, Retention]] = []
    started: list[str] = []
    for _ in range(_ROUNDS):
        wanted = settings.count - len(kept)
        starts = search_starts(plan, ranked, settings, constraints, wanted, started)
        started += starts
        results = anneal(model, plan, starts, settings, constraints, progress("annealing", settings.iterations))
        fillers = [filler for filler, _ in results]
        measured = measure_retention(model, plan.writer, fillers, plan.control, settings.signal_value)
        order = np.argsort([-m.log10_hold for m in measured], kind="stable")
        chosen = pick_distinct(
            [plan.writer + fillers[i] for i in order], settings.max_identity, wanted,
            kept=[plan.writer + f for f, _ in kept],
        )
        kept += [(fillers[order[i]], measured[order[i]]) for i in chosen]
        if len(kept) >= settings.count:
            break
    if len(kept) < settings.count:
        raise ConfigError(
            f"--count {settings.count}: only {len(kept)} designs at most {settings.max_identity:g} identical "
            "to each other were found; expected fewer designs or a larger --max-identity"
        )
    kept.sort(key=lambda item: -item[1].log10_hold)
    return kept
