"""Synthetic resets: short elements that drive the mean forget gate lowest.

The opposite of long-memory DNA is a synthetic boundary.  Each candidate element
is placed between fixed random flanks (seeded, 200 bp before, 20 bp after) and
scored by the lowest per-base mean forget gate of the last LSTM layer (the
quantity that ``scan`` reports and ``call`` thresholds) over the element and the
10 bases after it.  All 6-mers are screened in batches, then seeded greedy
chains (best of a batch of constrained block mutations per step) grow
elements of the requested length (<= 50 bp) under the constraints; twice as
many chains run as elements are asked for, and the best by the objective are
kept, so that a chain stuck in a poor local optimum is dropped.

Whether the elements resemble what the model drops on in a real genome is
asked in :mod:`gategenome.design.enrichment`.
"""

from __future__ import annotations

import functools
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from gategenome.core.shuffle import shuffled_text
from gategenome.design.constraints import SequenceConstraints, random_sequence
from gategenome.design.memory import kmers
from gategenome.design.settings import MAX_RESET_LENGTH, SearchSettings
from gategenome.errors import ConfigError
from gategenome.model.gates import layer_forget_gates, mean_forget_gate
from gategenome.model.inputs import encode_batch
from gategenome.model.network import GateLSTM

log = logging.getLogger(__name__)

#: Greedy chains run per element asked for; the best ``count`` by the objective are kept.
CHAINS_PER_ELEMENT = 2
_LEFT, _RIGHT, _AFTER = 200, 20, 10
#: Bases before the element in :func:`forget_profile`.
PROFILE_BEFORE = 30


@dataclass
class ResetScore:
    """How hard an element resets the model.

    Attributes
    ----------
    min_forget
        Lowest per-base mean forget gate (last layer) over the element and 10 bases after.
    pass_through
        Mean over the last layer's cell units of ``prod f`` across the element: the
        fraction of memory a unit keeps through it.
    """

    min_forget: float
    pass_through: float


def _flanks(seed: int) -> tuple[str, str]:
    rng = np.random.default_rng([seed, 7])
    bases = np.array(list("ACGT"))
    return "".join(rng.choice(bases, _LEFT)), "".join(rng.choice(bases, _RIGHT))


def score_elements(
    model: GateLSTM, elements: list[str], seed: int = 0, signal_value: float = 0.0, batch_size: int = 256
) -> list[ResetScore]:
    """Reset scores of equal-length elements placed between the seeded flanks."""
    left, right = _flanks(seed)
    scores = []
    with torch.no_grad():
        for first in range(0, len(elements), batch_size):
            group = elements[first : first + batch_size]
            size = len(group[0])
            x = encode_batch([left + e + right for e in group], model.config, signal_value, model.device)
            output = model(x)
            f = layer_forget_gates(model, output)
            window = f[:, _LEFT : _LEFT + size + _AFTER].mean(dim=-1).min(dim=1).values
            through = torch.log(f[:, _LEFT : _LEFT + size].clamp_min(1e-30)).sum(dim=1).exp().mean(dim=-1)
            scores.extend(ResetScore(float(a), float(b)) for a, b in zip(window.cpu(), through.cpu()))
    return scores


def forget_profile(model: GateLSTM, elements: list[str], seed: int = 0, signal_value: float = 0.0) -> list[np.ndarray]:
    """Mean forget gate (last layer) from :data:`PROFILE_BEFORE` bases before each element
    to the end of the right flank, one array per element (any lengths)."""
    left, right = _flanks(seed)
    profiles = []
    with torch.no_grad():
        for element in elements:
            x = encode_batch([left + element + right], model.config, signal_value, model.device)
            output = model(x)
            profiles.append(mean_forget_gate(model, output)[0, _LEFT - PROFILE_BEFORE :].double().cpu().numpy())
    return profiles


def sequence_gates(model: GateLSTM, sequences: list[str], signal_value: float = 0.0) -> list[np.ndarray]:
    """Per-base mean forget gate (last layer) of each whole sequence, run from the zero state.

    Returns
    -------
    list[numpy.ndarray]
        One ``(len(sequence),)`` float64 array per sequence.
    """
    gates = []
    with torch.no_grad():
        for sequence in sequences:
            x = encode_batch([sequence], model.config, signal_value, model.device)
            gates.append(mean_forget_gate(model, model(x))[0].double().cpu().numpy())
    return gates


def screen_reset_kmers(
    model: GateLSTM, k: int = 6, seed: int = 0, signal_value: float = 0.0, batch_size: int = 256
) -> tuple[list[str], np.ndarray]:
    """All k-mers sorted by their reset score (lowest minimum forget gate first).

    Returns
    -------
    tuple
        ``(kmers, min_forget)`` in ascending order of ``min_forget``.
    """
    units = kmers(k, k)
    values = np.array([s.min_forget for s in score_elements(model, units, seed, signal_value, batch_size)])
    order = np.argsort(values)
    return [units[i] for i in order], values[order]


def require_reset_length(length: int) -> None:
    """Fail unless ``1 <= length <=`` :data:`MAX_RESET_LENGTH`.

    Raises
    ------
    ConfigError
        The length, and the range expected.
    """
    if not 1 <= length <= MAX_RESET_LENGTH:
        raise ConfigError(
            f"--element-length {length}: reset elements are 1-{MAX_RESET_LENGTH} bp; expected a length in that range"
        )


def _start_elements(
    settings: SearchSettings, constraints: SequenceConstraints, top: list[str], k: int, rngs: list[np.random.Generator]
) -> list[str]:
    """One starting element per chain: a random valid element with a top k-mer planted in it
    (after 50 misses, any element that meets the constraints)."""
    length = settings.length
    current = []
    for chain, rng in enumerate(rngs):
        seed_kmer = top[chain % len(top)]
        start = None
        for _ in range(50):
            candidate = random_sequence(length, constraints, rng)
            position = int(rng.integers(0, length - k + 1))
            candidate = candidate[:position] + seed_kmer + candidate[position + k :] if candidate else None
            if candidate and constraints.satisfied(candidate):
                start = candidate
                break
        current.append(start or constraints.require_feasible(length, seed=settings.seed + chain))
    return current


def _propose(
    current: list[str],
    settings: SearchSettings,
    constraints: SequenceConstraints,
    top: list[str],
    rngs: list[np.random.Generator],
) -> tuple[list[str], list[int]]:
    """Up to ``proposals`` constrained block mutations per chain: ``(candidates, owning chain)``."""
    length = settings.length
    batch, owners = [], []
    for chain, rng in enumerate(rngs):
        for _ in range(settings.proposals):
            for _ in range(30):
                size = int(rng.integers(1, 7))
                at = int(rng.integers(0, max(1, length - size + 1)))
                block = (
                    top[int(rng.integers(len(top)))][:size]
                    if rng.random() < 0.3
                    else "".join(rng.choice(list("ACGT"), size=size))
                )
                candidate = (current[chain][:at] + block + current[chain][at + size :])[:length]
                if candidate != current[chain] and constraints.satisfied(candidate):
                    batch.append(candidate)
                    owners.append(chain)
                    break
    return batch, owners


def shuffled_element(element: str, k: int, seed: int) -> str:
    """The ``k``-th dinucleotide shuffle of ``element`` (the same for the same element and seed)."""
    rng = np.random.default_rng([seed, 37, k, zlib.crc32(element.encode())])
    return shuffled_text(element, rng)


def reset_objective(model: GateLSTM, elements: list[str], settings: SearchSettings) -> np.ndarray:
    """What the reset search minimises: the element's minimum forget gate, less (with
    ``settings.reset_shuffles`` > 0) the mean minimum of that many dinucleotide shuffles of it.

    The second term rewards resets that come from the order of the bases, not from
    their composition alone (a shuffle keeps the composition and dinucleotides).

    Returns
    -------
    numpy.ndarray
        ``(len(elements),)``, lower is better.
    """
    seed, signal_value = settings.seed, settings.signal_value
    values = np.array([s.min_forget for s in score_elements(model, elements, seed, signal_value)])
    if settings.reset_shuffles > 0 and elements:
        shuffled = [shuffled_element(e, k, seed) for k in range(settings.reset_shuffles) for e in elements]
        controls = np.array([s.min_forget for s in score_elements(model, shuffled, seed, signal_value)])
        values = values - controls.reshape(settings.reset_shuffles, len(elements)).mean(axis=0)
    return values


def design_resets(
    model: GateLSTM,
    settings: SearchSettings,
    constraints: SequenceConstraints,
    progress: Callable[[int], None] | None = None,
    objective: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[list[str], list[ResetScore], list[str]]:
    """Reset elements of ``settings.length`` bases under ``constraints``.

    Uses ``length``, ``count``, ``seed``, ``iterations``, ``proposals``,
    ``signal_value`` and ``reset_shuffles`` (:func:`reset_objective`) of ``settings``.
    ``objective`` (elements to ``(E,)`` scores, lower is better) replaces
    :func:`reset_objective`, e.g. :class:`gategenome.design.in_context.ContextObjective`.

    Returns
    -------
    tuple
        ``(elements, scores, ranked)``: ``settings.count`` elements, their scores and
        every screened k-mer, best-resetting first.
    """
    seed, signal_value = settings.seed, settings.signal_value
    require_reset_length(settings.length)
    constraints.require_feasible(settings.length, seed=seed)
    k = min(6, settings.length)
    ranked, _ = screen_reset_kmers(model, k, seed, signal_value)
    top = ranked[:20]
    chains = settings.count * CHAINS_PER_ELEMENT
    rngs = [np.random.default_rng([seed, 11, chain]) for chain in range(chains)]
    current = _start_elements(settings, constraints, top, k, rngs)
    objective = objective or functools.partial(reset_objective, model, settings=settings)
    values = list(objective(current))
    best = list(zip(current, values))
    for step in range(settings.iterations):
        batch, owners = _propose(current, settings, constraints, top, rngs)
        if batch:
            scores = list(objective(batch))
            for chain in range(chains):
                mine = [i for i, owner in enumerate(owners) if owner == chain]
                if mine:
                    pick = min(mine, key=lambda i: scores[i])
                    if scores[pick] <= values[chain]:
                        current[chain], values[chain] = batch[pick], scores[pick]
                        if values[chain] < best[chain][1]:
                            best[chain] = (current[chain], values[chain])
        if progress:
            progress(1)
    # the count best chains, best first (chain order breaks ties)
    kept = sorted(range(chains), key=lambda chain: (best[chain][1], chain))[: settings.count]
    elements = [best[chain][0] for chain in kept]
    return elements, score_elements(model, elements, seed, signal_value), ranked
