"""Design long-memory DNA: a writer, then a filler that holds the forget gate near 1.

The path for ``gategenome design memory``:

1. **Screen repeated units.**  Every k-mer up to ``unit_max_k`` (5460 units up to
   6-mers) is repeated to 120 bases; the mean ``log f`` over the last 60 bases
   (a whole number of periods for k <= 6) is each unit's per-base log retention
   rate, per LSTM cell unit (all layers).
2. **Choose the writer.**  Every k-mer up to ``writer_max_k`` is run from the zero
   state against a control of the best holding base; the cell difference is its
   write vector ``d0``.  The writer that leaves the most behind at distance ``L``
   through the best allowed unit, ``max_u sum_j d0_j exp(L rate_uj)``, is kept.
3. **Baselines** under the same constraints: (a) a random sequence, (b) the best
   single repeated unit (:func:`gategenome.design.search.best_constrained_unit`:
   top screened units verified with the retention test), and the unconstrained
   best unit.
4. **Search** (:mod:`gategenome.design.search`).  ``count`` seeded chains of simulated
   annealing start from (b) (or a random valid sequence) and mutate blocks of the
   filler, keeping every proposal inside the constraints.  The objective is the
   write/read difference itself, streamed in float32 from chunk-end states with
   renormalisation (recurrent feedback included); every result is then verified
   by the exact float64 write/read test (:mod:`gategenome.design.retention`).  The
   gates-only linearisation ``log sum_j w_j prod_t f_tj`` (``w = d0 / |d0|``),
   which ignores feedback through ``h``, ranks units and writers in the screens.

``gategenome design reset`` lives in :mod:`gategenome.design.reset`.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from gategenome.design.constraints import SequenceConstraints, random_sequence
from gategenome.design.settings import SearchSettings
from gategenome.errors import ConfigError
from gategenome.model.gates import model_gates
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM, StreamState

log = logging.getLogger(__name__)

#: Repeat length and measured tail of the unit screen (60 = lcm(1..6) periods).
SCREEN_REPEAT, SCREEN_TAIL = 120, 60


def kmers(max_k: int, min_k: int = 1) -> list[str]:
    """All k-mers over A, C, G, T with ``min_k <= k <= max_k`` (shortest first)."""
    return ["".join(p) for k in range(min_k, max_k + 1) for p in itertools.product("ACGT", repeat=k)]


def repeat_unit(unit: str, length: int) -> str:
    """``unit`` repeated and cut to ``length`` bases."""
    return (unit * (length // len(unit) + 1))[:length]


def log_forget(model: GateLSTM, x: torch.Tensor, state: StreamState | None = None) -> tuple[torch.Tensor, StreamState]:
    """``log f`` of every cell unit of every layer, and the final state.

    Parameters
    ----------
    x
        ``(N, L, C)`` inputs.

    Returns
    -------
    tuple
        ``(N, L, H * layers)`` log forget gates, and the :class:`StreamState` after ``x``.
    """
    output = model(x, state)
    forget = torch.cat([gates.forget for gates in model_gates(model, output, with_input=False)], dim=-1)
    return torch.log(forget.clamp_min(1e-30)), output.final


def screen_units(
    model: GateLSTM,
    units: list[str],
    signal_value: float = 0.0,
    batch_size: int = 256,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Steady-state per-base log retention rate of repeated units.

    Returns
    -------
    numpy.ndarray
        ``(U, H * layers)`` mean ``log f`` over the last :data:`SCREEN_TAIL` bases of
        each unit repeated to :data:`SCREEN_REPEAT` bases.
    """
    rates = []
    with torch.no_grad():
        for first in range(0, len(units), batch_size):
            group = [repeat_unit(u, SCREEN_REPEAT) for u in units[first : first + batch_size]]
            x = encode_batch(group, model.config, signal_value, model.device)
            logf, _ = log_forget(model, x)
            rates.append(logf[:, -SCREEN_TAIL:].mean(dim=1).double().cpu().numpy())
            if progress:
                progress(len(group))
    return np.concatenate(rates)


def write_vectors(
    model: GateLSTM, writers: list[str], control_base: str, signal_value: float = 0.0, batch_size: int = 256
) -> np.ndarray:
    """Cell difference ``|c(writer) - c(control)|`` after each writer, from the zero state.

    Returns
    -------
    numpy.ndarray
        ``(W, H * layers)``; the control is ``control_base`` repeated to the writer's length.
    """
    vectors = np.zeros((len(writers), sum(layer.hidden_size for layer in model.lstm_layers)))
    by_length: dict[int, list[int]] = {}
    for index, writer in enumerate(writers):
        by_length.setdefault(len(writer), []).append(index)
    with torch.no_grad():
        for size, indices in by_length.items():
            for first in range(0, len(indices), batch_size):
                chunk = indices[first : first + batch_size]
                sequences = [writers[i] for i in chunk] + [control_base * size]
                final = model(encode_batch(sequences, model.config, signal_value, model.device)).final
                cells = torch.cat([c for _, c in final.layers], dim=-1).double().cpu().numpy()
                vectors[chunk] = np.abs(cells[:-1] - cells[-1])
    return vectors


def predicted_log_retained(log_weights: np.ndarray, rates: np.ndarray, length: int) -> np.ndarray:
    """``log sum_j exp(log_weights_j + length * rates_j)`` for every row pair.

    Parameters
    ----------
    log_weights
        ``(W, H)`` log write vectors (or normalised weights).
    rates
        ``(U, H)`` per-base log retention rates.

    Returns
    -------
    numpy.ndarray
        ``(W, U)``.
    """
    scores = log_weights[:, None, :] + length * rates[None, :, :]
    top = scores.max(axis=-1, keepdims=True)
    return (top + np.log(np.exp(scores - top).sum(axis=-1, keepdims=True)))[..., 0]


@dataclass
class Plan:
    """Writer, control and baselines chosen before the search."""

    writer: str
    control: str
    log_weights: np.ndarray
    units: list[str]
    rates: np.ndarray
    allowed: np.ndarray
    free_unit: str
    base_weights: np.ndarray
    screen: dict = field(default_factory=dict)


def unit_allowed(unit: str, constraints: SequenceConstraints, length: int) -> bool:
    """Whether ``unit`` repeated over ``length`` bases meets the constraints (checked on
    one GC window plus two periods and the longest motif, which a periodic sequence repeats)."""
    longest_motif = max((len(m) for m in constraints.avoid), default=0)
    span = min(length, constraints.gc_window + 2 * len(unit) + 2 * longest_motif + 12)
    return constraints.satisfied(repeat_unit(unit, span))


def _choose_writer(
    writers: list[str],
    order: np.ndarray,
    vectors: np.ndarray,
    settings: SearchSettings,
    constraints: SequenceConstraints,
) -> str:
    """The first writer in ``order`` that writes something, meets the local constraints
    (homopolymers, motifs) and can start a sequence that meets all of them.

    Parameters
    ----------
    writers
        Candidate k-mers.
    order
        ``(W,)`` indices into ``writers``, best first.
    vectors
        ``(W, H * layers)`` write vectors of ``writers``.

    Raises
    ------
    ConfigError
        No writer writes under the constraints, or none can start a valid sequence.
    """
    local = SequenceConstraints(max_homopolymer=constraints.max_homopolymer, avoid=constraints.avoid)
    usable = [i for i in order if vectors[i].sum() > 0 and local.satisfied(writers[i])]
    if not usable:
        raise ConfigError(
            f"no writer k-mer (up to {settings.writer_max_k} bp) that meets the constraints writes into the model's "
            f"cells ({constraints.describe()}); relax --avoid or --max-homopolymer"
        )
    for index in usable[:50]:
        start = random_sequence(
            min(settings.length, 4 * constraints.gc_window),
            constraints,
            np.random.default_rng(settings.seed),
            prefix=writers[index],
        )
        if start is not None:
            return writers[index]
    raise ConfigError(
        f"no writer k-mer (up to {settings.writer_max_k} bp) can start a sequence that meets the constraints "
        f"({constraints.describe()}); relax --gc-min/--gc-max, --max-homopolymer or --avoid"
    )


def plan_memory(
    model: GateLSTM,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Screen units and writers and choose the writer (steps 1-2 of the module docstring)."""
    units = kmers(settings.unit_max_k)
    rates = screen_units(model, units, settings.signal_value, settings.batch_size, progress)
    length = settings.length
    uniform = np.zeros((1, rates.shape[1]))
    unit_score = predicted_log_retained(uniform, rates, length)[0]
    single = unit_score[:4]
    control_base = "ACGT"[int(np.argmax(single))]
    allowed = np.array([unit_allowed(u, constraints, length) for u in units])
    log.info(
        "screened %d repeated units; %d meet the constraints; best holding base %s",
        len(units),
        int(allowed.sum()),
        control_base,
    )
    writers = [w for w in kmers(settings.writer_max_k) if set(w) != {control_base}]
    vectors = write_vectors(model, writers, control_base, settings.signal_value, settings.batch_size)
    log_vectors = np.log(np.maximum(vectors, 1e-300))
    candidates = np.flatnonzero(allowed) if allowed.any() else np.arange(len(units))
    top_units = candidates[np.argsort(-unit_score[candidates])[:64]]
    retained = predicted_log_retained(log_vectors, rates[top_units], length).max(axis=1)
    # shorter writers win ties (a tiny penalty per base)
    order = np.argsort(-(retained - 1e-6 * np.array([len(w) for w in writers])))
    writer = _choose_writer(writers, order, vectors, settings, constraints)
    vector = vectors[writers.index(writer)]
    log_weights = np.log(np.maximum(vector / vector.sum(), 1e-300))
    free_unit = units[int(np.argmax(predicted_log_retained(log_weights[None], rates, length)[0]))]
    base_weights = np.exp(single - single.max())
    base_weights = 0.5 * base_weights / base_weights.sum() + 0.125
    steady = np.exp(rates).mean(axis=1)  # steady-state forget gate, mean over cell units
    top = np.argsort(-steady)[:10]
    best_writers = list(order[:10])
    screen = {
        "steady_forget_single_bases": {b: float(steady[k]) for k, b in enumerate("ACGT")},
        "steady_forget_top_units": {units[i]: float(steady[i]) for i in top},
        "steady_forget_top_allowed_units": {
            units[i]: float(steady[i]) for i in np.argsort(-np.where(allowed, steady, -1))[:10] if allowed[i]
        },
        "writers": {
            writers[i]: {
                "write_strength": float(vectors[i].sum()),
                "log10_retained_at_L": float(retained[i] / math.log(10)),
            }
            for i in best_writers
        },
    }
    plan = Plan(writer, control_base * len(writer), log_weights, units, rates, allowed, free_unit, base_weights, screen)
    log.info("writer %s (control %s), unconstrained best unit %s", writer, plan.control, free_unit)
    return plan


def _objective(
    model: GateLSTM,
    state: StreamState,
    log_weights: torch.Tensor,
    fillers: list[str],
    signal_value: float,
    batch_size: int,
) -> np.ndarray:
    """Linearised log retention of ``fillers`` continuing from the writer ``state``."""
    values = []
    with torch.no_grad():
        for first in range(0, len(fillers), batch_size):
            group = fillers[first : first + batch_size]
            x = encode_batch(group, model.config, signal_value, model.device)
            logf, _ = log_forget(model, x, state.expand(len(group)))
            total = logf.double().sum(dim=1) + log_weights
            values.append(torch.logsumexp(total, dim=-1).cpu().numpy())
    return np.concatenate(values)


def linearised_log_retention(model: GateLSTM, plan: Plan, fillers: list[str], settings: SearchSettings) -> np.ndarray:
    """Natural-log linearised retention ``log sum_j w_j prod_t f_tj`` of ``plan.writer + filler``.

    A gates-only estimate (feedback through ``h`` ignored), finite however small
    the retention; the screens rank units and writers with it.

    Returns
    -------
    numpy.ndarray
        ``(len(fillers),)``.
    """
    device = model.device
    with torch.no_grad():
        state = model(encode_batch([plan.writer], model.config, settings.signal_value, device)).final
    weights = torch.as_tensor(plan.log_weights, device=device)
    return _objective(model, state, weights, fillers, settings.signal_value, settings.batch_size)
