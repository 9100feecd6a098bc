"""The scan's computation: chunk batches through the model, gates out, as a three-thread pipeline.

Rows of a batch carry their :class:`~gategenome.model.network.StreamState` from
step to step (a row given to a new job starts from zeros), so the result does not
depend on the chunk size.  Reading and encoding the next chunk batch and recovering
the gates and writing the previous one overlap with the forward pass.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import torch

from gategenome.core.encode import UNKNOWN_CODE
from gategenome.io.scandir.layout import ACCESS_LEVELS, ACCESS_MISSING
from gategenome.io.scandir.writer import ShardWriter
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import write_model_inputs
from gategenome.model.network import GateLSTM, ModelOutput, StreamState
from gategenome.scan.jobs import Sources
from gategenome.scan.plan import Step


def _carry(model: GateLSTM, previous: StreamState | None, keep: list[int], device: torch.device) -> StreamState:
    """State for a step: rows continuing a job take their previous state, new rows zeros."""
    state = model.initial_state(len(keep), device)
    if previous is None:
        return state
    index = torch.tensor(keep, device=device)
    rows = torch.nonzero(index >= 0).squeeze(1)
    if rows.numel() == 0:
        return state
    source = index[rows]
    for (h, c), (h_old, c_old) in zip(state.layers, previous.layers):
        h[rows] = h_old[source]
        c[rows] = c_old[source]
    if state.stem_tail is not None:
        state.stem_tail[rows] = previous.stem_tail[source]
    return state


def _prepare(step: Step, source: Sources, config) -> tuple[np.ndarray, np.ndarray]:
    """Model input ``(B, L, C)`` float32 and unknown-base mask ``(B, L)`` of a step."""
    length = step.length
    x = np.zeros((len(step.pieces), length, config.input_channels), dtype=np.float32)
    unknown = np.ones((len(step.pieces), length), dtype=bool)
    for row, (job, start, end) in enumerate(step.pieces):
        codes, signal = job.read(source, start, end)
        n = end - start
        write_model_inputs(x[row, :n], codes, signal, config)  # signal is None for a dna model
        unknown[row, :n] = codes == UNKNOWN_CODE
    return x, unknown


def gate_outputs(model: GateLSTM, out: ModelOutput, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean forget gate and accessibility ``(B, L)`` float16 numpy of one forward output ``(B, L, ...)``."""
    with torch.no_grad():
        forget = mean_forget_gate(model, out, layer).to(torch.float16).cpu().numpy()
        access = torch.sigmoid(out.logits).to(torch.float16).cpu().numpy()
    return forget, access


def stored_outputs(model: GateLSTM, out: ModelOutput, layer: int, unknown: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The arrays a scan stores of one forward output: mean forget gate ``(B, L)`` float16 (NaN at
    ``unknown`` bases) and accessibility ``(B, L)`` uint8 levels of the float32 probability
    (:func:`~gategenome.io.scandir.layout.quantise_probability`, missing at ``unknown``)."""
    with torch.no_grad():
        forget = mean_forget_gate(model, out, layer).to(torch.float16).cpu().numpy()
        # a sigmoid is in [0, 1] and never NaN: quantise_probability reduces to a rounding, done in place
        levels = torch.sigmoid(out.logits).mul_(ACCESS_LEVELS).round_().to(torch.uint8).cpu().numpy()
    forget[unknown] = np.nan
    levels[unknown] = ACCESS_MISSING
    return forget, levels


def forward_gates(model: GateLSTM, x: np.ndarray, state: StreamState | None, layer: int, device: torch.device):
    """Mean forget gate and accessibility ``(B, L)`` float16 numpy, and the final state."""
    with torch.no_grad():
        out = model(torch.from_numpy(x).to(device), state)
    forget, access = gate_outputs(model, out, layer)
    return forget, access, out.final


def run_steps(
    model: GateLSTM,
    steps: Iterator[Step],
    source: Sources,
    writer: ShardWriter,
    device: torch.device,
    layer: int = -1,
    progress=None,
) -> None:
    """Run scheduled steps as a pipeline of three threads.

    The reader thread reads and encodes the next chunk batch; the calling thread
    runs the LSTM forward (sequential in the bases); the writer thread recovers
    the gates of the previous batch (one large matrix product, which overlaps
    with the next forward on another core), masks unknown bases and writes.  At
    most two batches wait for the writer, so memory stays bounded.
    """
    config = model.config

    def finish(step: Step, out: ModelOutput, unknown: np.ndarray) -> None:
        forget, access = stored_outputs(model, out, layer, unknown)
        for row, (job, start, end) in enumerate(step.pieces):
            job.emit(writer, start, forget[row, : end - start], access[row, : end - start])
            if end >= job.length:
                writer.job_done(job.chrom)

    reader = ThreadPoolExecutor(1, thread_name_prefix="scan-read")
    writing = ThreadPoolExecutor(1, thread_name_prefix="scan-write")
    written: deque[Future] = deque()
    try:
        steps = iter(steps)
        step = next(steps, None)
        ahead = reader.submit(_prepare, step, source, config) if step is not None else None
        state = None
        while step is not None:
            x, unknown = ahead.result()
            following = next(steps, None)
            if following is not None:
                ahead = reader.submit(_prepare, following, source, config)
            state = _carry(model, state, step.keep, device)
            with torch.no_grad():
                out = model(torch.from_numpy(x).to(device, non_blocking=True), state)
            state = out.final
            written.append(writing.submit(finish, step, out, unknown))
            del out
            while len(written) > 1 or (written and written[0].done()):
                written.popleft().result()
            if progress is not None:
                progress.update(sum(end - start for _, start, end in step.pieces))
            step = following
        while written:
            written.popleft().result()
    finally:
        reader.shutdown(wait=True, cancel_futures=True)
        # computed results are still written when a later step fails, so a
        # chromosome that finished before the failure keeps its complete shard
        writing.shutdown(wait=True, cancel_futures=False)
