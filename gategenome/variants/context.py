"""Upstream context of the scanned windows: exact states from the reference, or a fixed length.

``context="exact"``: the reference chromosome is streamed once per strand (both
strands as two rows of one batch), stopping at every scan position where a window
starts to keep the state there; each window then starts from the very state the
whole-chromosome scan has at that base, so the result equals scanning the whole
reference and alternative chromosomes from scratch.  Window starts are moved down
to a multiple of ``grid`` so that nearby variants share states and the stream
runs in long chunks.

``context="horizon"`` or a number ``C``: each window starts from the zero state
``C`` bases before it needs to (``C`` the measured forgetting horizon,
:func:`gategenome.scan.horizon.forgetting_horizon`); exact only to the
horizon's tolerance, but nothing is streamed: the fast way for a few variants
on a large genome.
"""

from __future__ import annotations

import logging

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE, encode_codes
from gategenome.errors import ConfigError
from gategenome.io.fasta import Genome
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM, StreamState
from gategenome.scan.horizon import forgetting_horizon
from gategenome.scan.jobs import scan_codes
from gategenome.variants.settings import VariantSettings
from gategenome.variants.windows import scan_signal

log = logging.getLogger(__name__)

#: Longest stretch the forgetting horizon is measured over.
HORIZON_MAX = 100_000


def context_bases(model: GateLSTM, genome: Genome, signal, chrom: str, settings: VariantSettings,
                  device: torch.device) -> int | None:
    """Upstream bases of each window: None for ``exact``, else the number (measured for ``horizon``)."""
    if settings.context == "exact":
        return None
    if settings.context != "horizon":
        return int(settings.context)
    end = min(genome.sizes[chrom], HORIZON_MAX)
    codes = encode_codes(genome.fetch(chrom, 0, end))
    raw = None if signal is None else signal.values(chrom, 0, end)
    x = model_inputs(ONE_HOT_CODE[codes], raw, model.config)
    horizon = forgetting_horizon(model, x, device, settings.layer, settings.footprint_tol, settings.chunk_size)
    if horizon is None:
        raise ConfigError(
            f"--context horizon: the model has not forgotten its start state within {end} bases of {chrom}; "
            "expected --context exact (or a number of bases, an approximation)"
        )
    log.info("forgetting horizon %d bases (tolerance %g): windows start that far upstream", horizon,
             settings.footprint_tol)
    return horizon


def window_start(u: int, settings: VariantSettings, context: int | None) -> int:
    """Scan position where the window of an allele at scan position ``u`` starts."""
    first = max(0, u - settings.window)
    if context is None:
        return (first // settings.grid) * settings.grid
    return max(0, first - context)


def reference_states(
    model: GateLSTM,
    genome: Genome,
    signal,
    chrom: str,
    needed: dict[str, set[int]],
    settings: VariantSettings,
    device: torch.device,
) -> dict[tuple[str, int], StreamState]:
    """Exact states of the reference scan of ``chrom`` at the needed scan positions.

    Parameters
    ----------
    needed
        Strand -> scan positions (0 needs no stream: the zero state).

    Returns
    -------
    dict
        ``(strand, position) -> StreamState`` with one row, for every needed position.
    """
    length = genome.sizes[chrom]
    strands = [s for s in ("+", "-") if needed.get(s)]
    states = {(s, 0): model.initial_state(1, device) for s in strands if 0 in needed[s]}
    targets = sorted({p for s in strands for p in needed[s] if p > 0})
    if not targets:
        return states
    state = None
    position = 0
    queue = iter(targets)
    target = next(queue)
    with torch.no_grad():
        while position < targets[-1]:
            stop = min(position + settings.chunk_size, target)
            rows = []
            for strand in strands:
                codes = scan_codes(genome, chrom, strand, position, stop)
                rows.append(model_inputs(ONE_HOT_CODE[codes], scan_signal(signal, chrom, strand, position, stop, length),
                                         model.config))
            state = model(torch.from_numpy(np.stack(rows)).to(device), state).final
            position = stop
            if position == target:
                for row, strand in enumerate(strands):
                    if position in needed[strand]:
                        states[(strand, position)] = state.rows(slice(row, row + 1))._map(torch.clone)
                target = next(queue, length)
    return states
