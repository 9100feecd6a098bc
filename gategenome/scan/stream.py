"""Scan chromosomes with a trained model: per-base mean forget gate and accessibility.

Every chromosome (and strand) is streamed through the model in chunks, carrying the
:class:`~gategenome.model.network.StreamState` from chunk to chunk, so the result does not
depend on the chunk size.  The minus strand is the reverse complement scanned from
the chromosome end and mapped back to reference coordinates.  Work items ("jobs":
one strand of one stretch of a chromosome) share a batch of ``batch_size`` rows:
when a job ends its row is given to the next job with a fresh state, so rows stay
busy and nothing longer than one chunk batch is ever held in memory.  Reading and
encoding the next chunk batch and writing the previous one run in background
threads while the model computes.

Runs of N (any non-ACGT code) get NaN.  A run of at least ``n_reset`` (default
1000) unknown bases is skipped altogether and the state is reset after it: the
sequence on each side is scanned as its own job from a zero state.

``segments > 1`` cuts each chromosome into that many pieces scanned in parallel,
each starting ``burn_in`` bases early; this is an approximation, and the model's
forgetting horizon (bases until two different start states give the same gates) is
measured and logged, with a warning when the burn-in is shorter.

The null for calling drops is the same model scanned over dinucleotide-shuffled
windows sampled from each chromosome (see :mod:`gategenome.core.shuffle`), with the
window's signal randomly permuted for ``dna+signal`` models (same values, no
spatial structure, hence no boundaries), stored in the scan directory.
"""

from __future__ import annotations

import json
import logging
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from gategenome import __version__
from gategenome.core.encode import ONE_HOT_CODE, UNKNOWN_CODE
from gategenome.core.runs import complement_intervals
from gategenome.errors import ConfigError
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import write_json
from gategenome.io.scandir import FORMAT, KINDS, VERSION, shard_path
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM, ModelOutput, StreamState
from gategenome.scan.plan import (
    Job,
    ScanSettings,
    Sinks,
    Sources,
    Step,
    genome_jobs,
    null_jobs,
    plan_steps,
    scan_segments,
)

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------- compute


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
        x[row, :n] = model_inputs(ONE_HOT_CODE[codes], signal, config)  # signal is None for a dna model
        unknown[row, :n] = codes == UNKNOWN_CODE
    return x, unknown


def _gates(model: GateLSTM, out: ModelOutput, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean forget gate and accessibility ``(B, L)`` float16 numpy of one forward output."""
    with torch.no_grad():
        forget = mean_forget_gate(model, out, layer).to(torch.float16).cpu().numpy()
        access = torch.sigmoid(out.logits).to(torch.float16).cpu().numpy()
    return forget, access


def forward_gates(model: GateLSTM, x: np.ndarray, state: StreamState | None, layer: int, device: torch.device):
    """Mean forget gate and accessibility ``(B, L)`` float16 numpy, and the final state."""
    with torch.no_grad():
        out = model(torch.from_numpy(x).to(device), state)
    forget, access = _gates(model, out, layer)
    return forget, access, out.final


def run_steps(
    model: GateLSTM,
    steps: Iterator[Step],
    source: Sources,
    sinks: Sinks,
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
        forget, access = _gates(model, out, layer)
        forget[unknown] = np.nan
        access[unknown] = np.nan
        for row, (job, start, end) in enumerate(step.pieces):
            job.emit(sinks, start, forget[row, : end - start], access[row, : end - start])
            if end >= job.length:
                sinks.job_done(job)

    reader = ThreadPoolExecutor(1, thread_name_prefix="scan-read")
    writer = ThreadPoolExecutor(1, thread_name_prefix="scan-write")
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
            written.append(writer.submit(finish, step, out, unknown))
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
        writer.shutdown(wait=True, cancel_futures=False)


# -------------------------------------------------------------------- the command


def _identity(meta: dict[str, Any]) -> dict[str, Any]:
    keys = ("model", "genome", "signal", "strands", "layer", "null")
    return {key: meta.get(key) for key in keys}


def scan_genome(
    model: GateLSTM,
    genome: Genome,
    out_dir: str | Path,
    settings: ScanSettings,
    chroms: list[str] | None = None,
    region: tuple[str, int, int] | None = None,
    signal: Any | None = None,
    device: torch.device | str = "cpu",
    provenance: dict[str, Any] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Scan chromosomes into a scan directory (see :mod:`gategenome.io.scandir`).

    Parameters
    ----------
    model
        The model (eval mode, on ``device``).
    genome
        The genome.
    out_dir
        Scan directory (created; other chromosomes' shards are kept).
    settings
        How to scan.
    chroms
        Chromosomes to scan, default all, in genome order.
    region
        ``(chrom, start, end)``: scan only this stretch (the arrays still cover
        the whole chromosome, NaN outside).
    signal
        :class:`~gategenome.io.bigwig.SignalTrack` for ``dna+signal`` models.
    device
        Where to compute.
    provenance
        Plain-type description of the inputs (model path, genome path...) saved in
        ``scan.json``.
    progress
        Show a tqdm bar (bases) on stderr.

    Returns
    -------
    dict
        The run summary (also saved in each shard marker): per chromosome, bases,
        jobs, null bases; the forgetting horizon; time.
    """
    device = torch.device(device)
    if model.config.uses_signal and signal is None:
        raise ConfigError(
            "the model reads DNA + ATAC signal (inputs: dna+signal); pass the bigWig it was trained with (--signal)"
        )
    layers = len(model.lstm_layers)
    if not -layers <= settings.layer < layers:
        raise ConfigError(f"--layer: got {settings.layer}, expected -{layers} .. {layers - 1} (the model has {layers})")
    out_dir = Path(out_dir)
    if region is not None:
        chroms = [region[0]]
    chroms = list(genome.sizes) if chroms is None else chroms
    provenance = dict(provenance or {})
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "gategenome": __version__,
        "model": provenance.get("model"),
        "model_config": model.config.to_dict(),
        "genome": provenance.get("genome", str(genome.path)),
        "signal": provenance.get("signal"),
        "chroms": dict(genome.sizes),
        "strands": list(settings.strands),
        "layer": settings.layer,
        "null": {k: getattr(settings, k) for k in ("null_fraction", "null_window", "null_burn_in", "null_signal", "seed")},
        "settings": asdict(settings),
    }
    meta_path = out_dir / "scan.json"
    if meta_path.exists():
        try:
            old = json.loads(meta_path.read_text())
        except json.JSONDecodeError:
            old = {}
        if old and _identity(old) != _identity(meta):
            changed = [k for k in _identity(meta) if _identity(old)[k] != _identity(meta)[k]]
            raise ConfigError(
                f"{out_dir}: scan directory was made with a different {', '.join(changed)}; "
                "expected the same settings (use a new --out-dir)"
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(meta_path, meta)

    started = time.perf_counter()
    jobs: list[Job] = []
    plans: dict[str, dict[str, Any]] = {}
    for chrom in chroms:
        shard_path(out_dir, chrom).unlink(missing_ok=True)
        span = None if region is None else (region[1], region[2])
        pieces = scan_segments(genome, chrom, settings.n_reset, span)
        scan = genome_jobs(chrom, pieces, settings)
        null, null_length, null_gaps = null_jobs(chrom, pieces, settings)
        jobs += scan + null
        plans[chrom] = {"pieces": pieces, "jobs": len(scan), "null_jobs": len(null), "null_length": null_length,
                        "null_gaps": null_gaps, "bases": sum(e - s for s, e in pieces)}

    horizon = None
    if settings.segments > 1:
        from gategenome.scan.horizon import measure_horizon  # imports this module

        horizon = measure_horizon(model, genome, signal, [(c, p["pieces"]) for c, p in plans.items()], settings, device)

    summary: dict[str, Any] = {}

    def complete(chrom: str) -> None:
        plan = plans[chrom]
        record = {
            "chrom": chrom,
            "length": genome.sizes[chrom],
            "scanned_bases": plan["bases"],
            "stretches": [list(p) for p in plan["pieces"]],
            "strands": list(settings.strands),
            "region": None if region is None else list(region[1:]),
            "null_bases": plan["null_length"] - len(plan["null_gaps"]),
            "segments": settings.segments,
            "burn_in": settings.burn_in if settings.segments > 1 else 0,
            "forgetting_horizon": horizon,
            "device": str(device),
            "seconds": round(time.perf_counter() - started, 3),
        }
        write_json(shard_path(out_dir, chrom), record)
        summary[chrom] = record

    sinks = Sinks(out_dir, complete)
    for chrom, plan in plans.items():
        length = genome.sizes[chrom]
        gaps = complement_intervals(plan["pieces"], length)
        for strand in settings.strands:
            for kind in KINDS:
                sinks.open(chrom, strand, kind, length, gaps)
            if plan["null_jobs"]:
                sinks.open(chrom, strand, "null", plan["null_length"], plan["null_gaps"])
        sinks.pending[chrom] = plan["jobs"] + plan["null_jobs"]
        if sinks.pending[chrom] == 0:
            sinks.complete(chrom)

    total = sum(job.length for job in jobs)
    log.info(
        "scanning %d chromosome(s), strand(s) %s: %d bases in %d jobs (null: %d) on %s",
        len(chroms), "".join(settings.strands), total, len(jobs), sum(p["null_jobs"] for p in plans.values()), device,
    )
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="b", unit_scale=True, desc="scan", leave=False)
    try:
        run_steps(model, plan_steps(jobs, settings.batch_size, settings.chunk_size), Sources(genome, signal),
                  sinks, device, settings.layer, bar)
    except BaseException:
        sinks.discard()
        raise
    finally:
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - started
    log.info("scanned %d bases in %.1f s (%.3f Mb/s)", total, elapsed, total / max(elapsed, 1e-9) / 1e6)
    return {"chroms": summary, "forgetting_horizon": horizon, "bases": total, "seconds": elapsed}
