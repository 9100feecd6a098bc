"""Constrained search for long-memory fillers, scored by the hold of the streamed write/read difference.

The objective of a filler is its log10 **hold**: ``-max_t |log10 retention(t)|``
over the filler, retention measured the way the write/read test measures it
(:mod:`gategenome.design.retention`), so a filler that loses the written
difference and one that amplifies it are both penalised and no filler scores
above 1 (log10 0).  It is read from chunk-end states only, so every matrix
product stays in the fused LSTM: the
``writer + filler`` and ``control + filler`` runs stream side by side (one batch)
in chunks of :data:`SUB` bases; at each chunk end the cell difference is read from
the two final states and, when it falls below :data:`FLOOR` (float32 rounding of
the cells would swamp it), scaled back to :data:`LIFT` in ``h`` and ``c`` with the
factor carried in log space.  Recurrent feedback is included, unlike the
gates-only linearisation.

Annealing (:func:`anneal`): each step picks one region of :data:`REGION` bases
(seeded), evaluates ``proposals`` constrained block mutations starting there for
every chain in one batch from the chains' cached states at that region (only the
downstream filler is re-run), and moves each chain to its best proposal by the
Metropolis rule.  The number of steps is bounded.

The same objective ranks the repeated units (:func:`ranked_units`) and picks the
baseline :func:`best_constrained_unit`: the single repeated unit with the best
hold under the constraints.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from gategenome.design.constraints import SequenceConstraints
from gategenome.design.memory import Plan, predicted_log_retained, repeat_unit
from gategenome.design.retention import Retention, measure_retention, write_span
from gategenome.design.settings import SearchSettings
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM, StreamState

#: Bases per streamed chunk, region (bases) one annealing step mutates.
SUB, REGION = 16, 64
#: Summed float32 cell difference below which it is scaled back up, and its new size.
FLOOR, LIFT = 1e-3, 1e-2
#: Initial annealing temperature (log10 retention units), falling linearly to 0.
TEMPERATURE = 0.02


@dataclass
class _Pair:
    """``with`` and ``without`` states of a batch, the log10 scale carried, log10 d0 and
    the largest ``|log10 retention|`` met so far."""

    with_state: StreamState
    without_state: StreamState
    log_scale: torch.Tensor
    log_written: torch.Tensor
    worst: torch.Tensor

    def select(self, counts: list[int]) -> _Pair:
        """Row ``k`` repeated ``counts[k]`` times (rows in order)."""
        index = torch.repeat_interleave(torch.arange(len(counts)), torch.as_tensor(counts)).to(self.log_scale.device)

        return _Pair(
            self.with_state.rows(index),
            self.without_state.rows(index),
            self.log_scale[index],
            self.log_written[index],
            self.worst[index],
        )


def _cells(state: StreamState) -> torch.Tensor:
    return torch.cat([c for _, c in state.layers], dim=-1)


def _split(state: StreamState, n: int) -> tuple[StreamState, StreamState]:
    return state.rows(slice(0, n)), state.rows(slice(n, None))


def _start(model: GateLSTM, plan: Plan, n: int, signal_value: float) -> _Pair:
    """States right after the writer and after the control, for ``n`` rows."""
    x = encode_batch([plan.writer, plan.control], model.config, signal_value, model.device)
    with torch.no_grad():
        final = model(x).final
    with_state, without_state = _split(final, 1)
    written = (_cells(with_state) - _cells(without_state)).abs().sum(dim=-1).double()
    pair = _Pair(
        with_state,
        without_state,
        torch.zeros(1, dtype=torch.float64, device=written.device),
        torch.log10(written.clamp_min(1e-300)),
        torch.zeros(1, dtype=torch.float64, device=written.device),
    )
    return pair.select([n])


def _chunk_ends(offset: int, length: int, settle: int) -> list[int]:
    """Chunk ends (relative to ``offset``): every :data:`SUB` bases, and at ``settle``."""
    ends = set(range(SUB, length, SUB)) | {length}
    if offset < settle < offset + length:
        ends.add(settle - offset)
    return sorted(ends)


def _stream(
    model: GateLSTM, x: torch.Tensor, pair: _Pair, keep_every: int = 0, offset: int = 0
) -> tuple[torch.Tensor, list[_Pair]]:
    """Stream ``x`` (``(n, l, C)``, the filler from base ``offset`` on) through both runs of ``pair``.

    Distances before :func:`~gategenome.design.retention.write_span` are not
    scored; at it the difference becomes the one to hold (``log_written``).

    Returns
    -------
    tuple
        ``(n,)`` log10 hold (``-max |log10 retention|`` over the chunk ends so far),
        and (``keep_every`` > 0) the pair state every ``keep_every`` bases.
    """
    n, settle = x.shape[0], write_span(model)
    state = StreamState.cat([pair.with_state, pair.without_state])
    log_scale, worst, log_written = pair.log_scale.clone(), pair.worst.clone(), pair.log_written.clone()
    kept = []
    begin = 0
    with torch.no_grad():
        for end in _chunk_ends(offset, x.shape[1], settle):
            if keep_every and (offset + begin) % keep_every == 0:
                with_state, without_state = _split(state, n)
                kept.append(_Pair(with_state, without_state, log_scale.clone(), log_written.clone(), worst.clone()))
            chunk = x[:, begin:end]
            state = model(torch.cat([chunk, chunk]), state).final
            with_state, without_state = _split(state, n)
            diff = (_cells(with_state) - _cells(without_state)).abs().sum(dim=-1)
            value = torch.log10(diff.double().clamp_min(1e-300)) + log_scale - log_written
            if offset + end == settle:
                log_written = log_written + value  # the write is complete: hold this difference
            elif offset + end > settle:
                worst = torch.maximum(worst, value.abs())
            begin = end
            small = (diff < FLOOR) & (diff > 0)
            if bool(small.any()):
                factor = torch.where(
                    small, LIFT / torch.where(small, diff, torch.ones_like(diff)), torch.ones_like(diff)
                )
                log_scale = log_scale - torch.log10(factor.double())
                layers = [
                    (h0 + (h1 - h0) * factor[:, None], c0 + (c1 - c0) * factor[:, None])
                    for (h1, c1), (h0, c0) in zip(with_state.layers, without_state.layers)
                ]
                state = StreamState.cat([StreamState(with_state.stem_tail, layers), without_state])
    return -worst, kept


def difference_score(model: GateLSTM, plan: Plan, fillers: list[str], settings: SearchSettings) -> np.ndarray:
    """log10 hold of ``plan.writer + filler`` by the streamed float32 difference.

    Returns
    -------
    numpy.ndarray
        ``(len(fillers),)``.
    """
    values = []
    for first in range(0, len(fillers), settings.batch_size):
        group = fillers[first : first + settings.batch_size]
        by_length: dict[int, list[int]] = {}
        for index, filler in enumerate(group):
            by_length.setdefault(len(filler), []).append(index)
        out = np.zeros(len(group))
        for indices in by_length.values():
            x = encode_batch([group[i] for i in indices], model.config, settings.signal_value, model.device)
            value, _ = _stream(model, x, _start(model, plan, len(indices), settings.signal_value))
            out[indices] = value.cpu().numpy()
        values.append(out)
    return np.concatenate(values) if values else np.zeros(0)


def ranked_units(
    model: GateLSTM, plan: Plan, settings: SearchSettings, constraints: SequenceConstraints, screen: int = 256
) -> list[tuple[str, str, float]]:
    """Allowed repeated units ranked by the hold of the streamed write/read difference.

    The top ``screen`` allowed units by predicted retention (with the plan's
    writer) whose whole design ``writer + unit...`` meets the constraints are
    scored by :func:`difference_score`.

    Returns
    -------
    list
        ``(unit, filler, log10 hold)``, best hold first (empty when no unit is allowed).
    """
    score = predicted_log_retained(plan.log_weights[None], plan.rates, settings.length)[0]
    picked = []
    for index in np.argsort(-score):
        if len(picked) >= screen:
            break
        if not plan.allowed[index]:
            continue
        filler = repeat_unit(plan.units[index], settings.length)
        if constraints.satisfied(plan.writer + filler):
            picked.append((plan.units[index], filler))
    if not picked:
        return []
    quick = difference_score(model, plan, [f for _, f in picked], settings)
    return [(*picked[i], float(quick[i])) for i in np.argsort(-quick, kind="stable")]


def best_constrained_unit(
    model: GateLSTM, plan: Plan, settings: SearchSettings, ranked: list[tuple[str, str, float]], verify: int = 6
) -> tuple[str | None, Retention | None]:
    """Baseline (b): the repeated unit with the best measured hold under the constraints.

    The best ``verify`` units of ``ranked`` (:func:`ranked_units`) are measured
    with the exact write/read test and the one with the best hold is kept.
    """
    if not ranked:
        return None, None
    picked = ranked[:verify]
    measured = measure_retention(model, plan.writer, [f for _, f, _ in picked], plan.control, settings.signal_value)
    best = int(np.argmax([m.log10_hold for m in measured]))
    return picked[best][0], measured[best]


def _mutate(
    filler: str,
    region: int,
    plan: Plan,
    rng: np.random.Generator,
    constraints: SequenceConstraints,
    top_units: list[str],
    tries: int = 30,
) -> str | None:
    """A block mutation starting in ``[region, region + REGION)`` that keeps
    ``writer + filler`` inside the constraints (``None`` after ``tries`` misses)."""
    for _ in range(tries):
        size = int(rng.integers(1, 13))
        start = min(len(filler) - 1, region + int(rng.integers(0, REGION)))
        if rng.random() < 0.3 and top_units:
            block = repeat_unit(top_units[int(rng.integers(len(top_units)))], size + int(rng.integers(0, 24)))
        else:
            block = "".join(rng.choice(list("ACGT"), size=size, p=plan.base_weights))
        candidate = (filler[:start] + block + filler[start + len(block) :])[: len(filler)]
        if candidate != filler and constraints.satisfied(plan.writer + candidate):
            return candidate
    return None


@dataclass
class _Chain:
    filler: str
    value: float
    kept: list[_Pair]


def _cache(model: GateLSTM, plan: Plan, filler: str, settings: SearchSettings) -> _Chain:
    x = encode_batch([filler], model.config, settings.signal_value, model.device)
    value, kept = _stream(model, x, _start(model, plan, 1, settings.signal_value), keep_every=REGION)
    return _Chain(filler, float(value[0]), kept)


def _stack(pairs: list[_Pair], counts: list[int]) -> _Pair:
    """One batch: pair ``k`` (one row each) repeated ``counts[k]`` times."""
    rows = [(p, n) for p, n in zip(pairs, counts) if n]
    first = rows[0][0]
    joined = first
    for pair, _ in rows[1:]:
        joined = _Pair(
            StreamState.cat([joined.with_state, pair.with_state]),
            StreamState.cat([joined.without_state, pair.without_state]),
            torch.cat([joined.log_scale, pair.log_scale]),
            torch.cat([joined.log_written, pair.log_written]),
            torch.cat([joined.worst, pair.worst]),
        )
    return joined.select([n for _, n in rows])


def anneal(
    model: GateLSTM,
    plan: Plan,
    starts: list[str],
    settings: SearchSettings,
    constraints: SequenceConstraints,
    progress: Callable[[int], None] | None = None,
) -> list[tuple[str, float]]:
    """Simulated annealing of each start filler (see the module docstring).

    Returns
    -------
    list
        ``(best filler, its log10 hold objective)`` per chain.
    """
    rngs = [np.random.default_rng([settings.seed, chain]) for chain in range(len(starts))]
    regions = np.random.default_rng([settings.seed, 99])
    score = predicted_log_retained(plan.log_weights[None], plan.rates, settings.length)[0]
    top_units = [plan.units[i] for i in np.argsort(-score) if plan.allowed[i]][:16]
    chains = [_cache(model, plan, s, settings) for s in starts]
    best = [(c.filler, c.value) for c in chains]
    for step in range(settings.iterations):
        temperature = TEMPERATURE * (1.0 - step / max(1, settings.iterations))
        index = int(regions.integers(0, -(-settings.length // REGION)))
        region = index * REGION
        batch, counts = [], []
        for chain, rng in zip(chains, rngs):
            mine = [
                m
                for m in (
                    _mutate(chain.filler, region, plan, rng, constraints, top_units) for _ in range(settings.proposals)
                )
                if m is not None
            ]
            batch.append(mine)
            counts.append(len(mine))
        if sum(counts):
            x = encode_batch(
                [m[region:] for mine in batch for m in mine], model.config, settings.signal_value, model.device
            )
            scores, _ = _stream(model, x, _stack([c.kept[index] for c in chains], counts), offset=region)
            scores = scores.cpu().numpy()
            offset = 0
            for k, (chain, rng) in enumerate(zip(chains, rngs)):
                if not counts[k]:
                    continue
                pick = offset + int(np.argmax(scores[offset : offset + counts[k]]))
                delta = scores[pick] - chain.value
                if delta >= 0 or (temperature > 0 and rng.random() < math.exp(delta / temperature)):
                    chains[k] = _cache(model, plan, batch[k][pick - offset], settings)
                    if chains[k].value > best[k][1]:
                        best[k] = (chains[k].filler, chains[k].value)
                offset += counts[k]
        if progress:
            progress(1)
    return best
