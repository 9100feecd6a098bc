"""The forgetting horizon: how long a model remembers its start state.

Parallel segments of one chromosome (``gategenome scan --segments K``) start from a
zero state ``burn_in`` bases early.  That is only exact when the model has
forgotten its start state by then, so the horizon is measured: the same stretch is
scanned from two different start states until the gates agree.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE, encode_codes
from gategenome.io.fasta import Genome
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM, StreamState
from gategenome.scan.compute import forward_gates
from gategenome.scan.settings import ScanSettings

log = logging.getLogger(__name__)


def forgetting_horizon(
    model: GateLSTM,
    x: np.ndarray,
    device: torch.device,
    layer: int = -1,
    tol: float = 1e-3,
    chunk_size: int = 8192,
) -> int | None:
    """Bases until two different start states give the same gates.

    The sequence ``x`` is scanned from the zero state and from the state reached
    after scanning ``x`` reversed, with standard normal noise added to its cells
    (seeded), so that even a model that writes nothing into its cells starts
    differently; the horizon is one past the last position where
    the mean forget gate or the accessibility differ by more than ``tol``.

    Parameters
    ----------
    model
        The model.
    x
        ``(L, C)`` model input.
    device
        Where to compute.
    layer
        Layer of the mean forget gate.
    tol
        Agreement tolerance.
    chunk_size
        Bases per forward call.

    Returns
    -------
    int or None
        The horizon in bases; None when the two runs still disagree in the last
        quarter of ``x`` (the horizon is longer than can be measured on it).
    """
    length = x.shape[0]
    with torch.no_grad():
        state = None
        reverse = torch.from_numpy(np.ascontiguousarray(x[::-1])).unsqueeze(0).to(device)
        for start in range(0, length, chunk_size):
            state = model(reverse[:, start:start + chunk_size], state).final
        generator = torch.Generator().manual_seed(0)
        state.layers = [(h, c + torch.randn(c.shape, generator=generator).to(c)) for h, c in state.layers]
        zero = model.initial_state(1, device)
        both = StreamState.cat([zero, state])
        last_bad = -1
        for start in range(0, length, chunk_size):
            piece = np.repeat(x[None, start:start + chunk_size], 2, axis=0)
            forget, access, both = forward_gates(model, piece, both, layer, device)
            diff = np.maximum(np.abs(forget[0].astype(np.float32) - forget[1]), np.abs(access[0].astype(np.float32) - access[1]))
            bad = np.flatnonzero(diff > tol)
            if bad.size:
                last_bad = start + int(bad[-1])
    if last_bad >= length - max(1, length // 4):
        return None
    return last_bad + 1


def measure_horizon(
    model: GateLSTM,
    genome: Genome,
    signal: Any | None,
    stretches: list[tuple[str, list[tuple[int, int]]]],
    settings: ScanSettings,
    device: torch.device,
) -> int | None:
    """Forgetting horizon on the first stretch to be scanned; warn when the burn-in is shorter.

    Parameters
    ----------
    model, genome, signal
        What is scanned.
    stretches
        ``(chrom, [(start, end), ...])`` in scan order.
    settings
        The scan settings (``burn_in``, ``segments``, ``horizon_tol``, ``horizon_max``).
    device
        Where to compute.

    Returns
    -------
    int or None
        See :func:`forgetting_horizon`.
    """
    chrom, pieces = next(((c, p) for c, p in stretches if p), (None, None))
    if chrom is None:
        return None
    start, end = pieces[0]
    end = min(end, start + settings.horizon_max)
    codes = encode_codes(genome.fetch(chrom, start, end))
    raw = None if signal is None else signal.values(chrom, start, end)
    x = model_inputs(ONE_HOT_CODE[codes], raw, model.config)
    horizon = forgetting_horizon(model, x, device, settings.layer, settings.horizon_tol, settings.chunk_size)
    if horizon is None:
        log.warning(
            "forgetting horizon: the model has not forgotten its start state within %d bases of %s; "
            "--segments %d with --burn-in %d is an approximation (the default, --segments 1, is exact)",
            end - start, chrom, settings.segments, settings.burn_in,
        )
    elif horizon > settings.burn_in:
        log.warning(
            "forgetting horizon %d bases (tolerance %g) is longer than --burn-in %d; segment starts differ from "
            "an exact scan; raise --burn-in to at least %d",
            horizon, settings.horizon_tol, settings.burn_in, horizon,
        )
    else:
        log.info("forgetting horizon %d bases (tolerance %g) <= --burn-in %d", horizon, settings.horizon_tol,
                 settings.burn_in)
    return horizon
