"""The attributed stretch of each drop, in scan orientation, and the state the scan has where it starts.

A drop at scan position ``u`` is attributed over ``[u - W + 1, u]`` (``W`` =
``flank``, clipped at the chromosome start).  The stretch starts from the state
the whole-chromosome scan has there: with ``context="exact"`` the chromosome is
streamed once per strand from its start, stopping at every window start to keep
the state, so every score equals one read from a scan of the whole chromosome;
with a number ``C`` each window starts from zeros ``C`` bases upstream (an
approximation, exact only when the model forgets within ``C`` bases).
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE
from gategenome.io.fasta import Genome
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM, StreamState
from gategenome.scan.jobs import scan_codes


def scan_inputs(genome: Genome, signal, chrom: str, strand: str, start: int, end: int,
                config) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs of scan positions ``[start, end)`` of one strand.

    Returns
    -------
    tuple
        ``(x (L, C) float32, codes (L,) uint8)``; the signal is reversed on the minus strand.
    """
    codes = scan_codes(genome, chrom, strand, start, end)
    raw = None
    if signal is not None and config.uses_signal:
        length = genome.sizes[chrom]
        if strand == "+":
            raw = np.asarray(signal.values(chrom, start, end), dtype=np.float32)
        else:
            raw = np.asarray(signal.values(chrom, length - end, length - start), dtype=np.float32)[::-1].copy()
    return model_inputs(ONE_HOT_CODE[codes], raw, config), codes


def _stream(model: GateLSTM, genome: Genome, signal, chrom: str, strand: str, start: int, end: int,
            state: StreamState, chunk_size: int, device: torch.device) -> StreamState:
    position = start
    while position < end:
        stop = min(position + chunk_size, end)
        x, _ = scan_inputs(genome, signal, chrom, strand, position, stop, model.config)
        state = model(torch.from_numpy(x).unsqueeze(0).to(device), state).final
        position = stop
    return state


def upstream_states(
    model: GateLSTM,
    genome: Genome,
    signal,
    chrom: str,
    strand: str,
    starts: list[int],
    context: str,
    chunk_size: int,
    device: torch.device,
) -> dict[int, StreamState]:
    """The scan's state at each window start of one chromosome and strand.

    Parameters
    ----------
    starts
        Scan positions where windows start.
    context
        ``"exact"`` or a number of bases (see the module docstring).

    Returns
    -------
    dict
        Scan position -> one-row :class:`StreamState`.
    """
    states: dict[int, StreamState] = {}
    with torch.no_grad():
        if context != "exact":
            bases = int(context)
            for start in sorted(set(starts)):
                first = max(0, start - bases)
                states[start] = _stream(model, genome, signal, chrom, strand, first, start,
                                        model.initial_state(1, device), chunk_size, device)
            return states
        state = model.initial_state(1, device)
        position = 0
        for start in sorted(set(starts)):
            state = _stream(model, genome, signal, chrom, strand, position, start, state, chunk_size, device)
            states[start] = state._map(torch.clone)
            position = start
    return states
