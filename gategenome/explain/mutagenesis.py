"""Exact in-silico saturation mutagenesis of the dip at each summit, batched and state-carrying.

A mutant of base ``i`` shares every base before ``i`` with the reference, so its
state at ``i`` is the reference's: it only needs scanning from ``i`` to the summit,
from that state.  Positions are taken ``block`` at a time: the ``3 x block``
mutants of a block start together from the reference state at the block's first
base (the mutation sits inside the row), so one forward call covers them, and
``targets`` drops of the same window length share the call.  The reference is
streamed once per chromosome and strand for the state where each window starts
(:mod:`gategenome.explain.windows`), so every score equals the one of a scan of
the whole mutated chromosome from its start (:mod:`gategenome.explain.naive`).
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.core.encode import UNKNOWN_CODE
from gategenome.explain.scores import dip_score, last_mean_forget
from gategenome.model.network import GateLSTM, StreamState


def alternative_bases(codes: np.ndarray) -> np.ndarray:
    """``(..., 3)`` the three other bases of each code (``A, C, G`` for an unknown base)."""
    known = np.where(codes == UNKNOWN_CODE, 0, codes).astype(np.int64)
    return (known[..., None] + np.arange(1, 4)) % 4


def hypothetical_from_deltas(delta: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Mean-centred mutagenesis scores: what each base would contribute at each position.

    Parameters
    ----------
    delta
        ``(T, W, 4)`` score of each base minus the reference score (0 at the reference base).
    codes
        ``(T, W)`` reference base codes; unknown bases get all-zero rows.

    Returns
    -------
    numpy.ndarray
        ``(T, W, 4)`` float32, ``delta - mean over the four bases``.
    """
    hypothetical = delta - delta.mean(axis=-1, keepdims=True)
    hypothetical[codes == UNKNOWN_CODE] = 0.0
    return hypothetical.astype(np.float32)


def saturation_mutagenesis(
    model: GateLSTM,
    x: torch.Tensor,
    codes: np.ndarray,
    state: StreamState,
    block: int = 16,
    layer: int = -1,
) -> tuple[np.ndarray, np.ndarray]:
    """Score change of every single-base substitution of ``T`` windows ending at their summits.

    Parameters
    ----------
    model
        The model (eval mode).
    x
        ``(T, W, C)`` reference inputs, scan orientation; position ``W - 1`` is the summit.
    codes
        ``(T, W)`` reference base codes (:data:`~gategenome.core.encode.UNKNOWN_CODE` for N).
    state
        ``T``-row state where each window starts.
    block
        Positions whose mutants share one forward call.
    layer
        LSTM layer whose mean forget gate is scored.

    Returns
    -------
    tuple
        ``(reference (T,), delta (T, W, 4))``: the reference :func:`dip_score` and
        each base's score minus it (0 at the reference base and at unknown bases).
    """
    count, width, _ = x.shape
    alternatives = alternative_bases(codes)
    delta = np.zeros((count, width, 4), dtype=np.float64)
    with torch.no_grad():
        block_states, current, output = [], state, None
        for begin in range(0, width, block):
            block_states.append(current)
            output = model(x[:, begin:begin + block], current)
            current = output.final
        reference = dip_score(last_mean_forget(model, output, layer)).double().cpu().numpy()
        for number, begin in enumerate(range(0, width, block)):
            size = min(block, width - begin)
            rows = x[:, begin:].unsqueeze(1).repeat(1, size * 3, 1, 1)  # (T, size * 3, W - begin, C)
            rows = rows.view(count, size, 3, width - begin, -1)
            offsets = torch.arange(size, device=x.device)
            alt = torch.from_numpy(alternatives[:, begin:begin + size]).to(x.device)  # (T, size, 3)
            onehot = torch.nn.functional.one_hot(alt, 4).to(rows.dtype)  # (T, size, 3, 4)
            rows[:, offsets, :, offsets, :4] = onehot.permute(1, 0, 2, 3)
            index = torch.arange(count, device=x.device).repeat_interleave(size * 3)
            out = model(rows.reshape(count * size * 3, width - begin, -1), block_states[number].rows(index))
            scores = dip_score(last_mean_forget(model, out, layer)).double().cpu().numpy().reshape(count, size, 3)
            np.put_along_axis(delta[:, begin:begin + size], alternatives[:, begin:begin + size],
                              scores - reference[:, None, None], axis=-1)
    delta[codes == UNKNOWN_CODE] = 0.0
    return reference, delta
