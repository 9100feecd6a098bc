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
window's signal set to its mean for ``dna+signal`` models (or randomly permuted,
``null_signal="permute"``), stored in the scan directory.

The work is planned in :mod:`gategenome.scan.plan` (jobs in :mod:`gategenome.scan.jobs`),
computed in :mod:`gategenome.scan.compute`, and written through the scan-directory
writer (:mod:`gategenome.io.scandir`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import torch

from gategenome import __version__
from gategenome.core.progress import progress_bar
from gategenome.core.runs import complement_intervals
from gategenome.errors import ConfigError
from gategenome.io.checksum import arrays_checksum, file_head_checksum, sizes_checksum
from gategenome.io.fasta import Genome
from gategenome.io.scandir.layout import FORMAT, KINDS, VERSION
from gategenome.io.scandir.writer import (
    ShardWriter,
    clear_shard_marker,
    open_scan_dir,
    remove_if_no_shard,
    write_shard_marker,
)
from gategenome.model.network import GateLSTM
from gategenome.scan.compute import run_steps
from gategenome.scan.horizon import measure_horizon
from gategenome.scan.jobs import Sources
from gategenome.scan.plan import ChromosomePlan, batch_rows, plan_chromosome, plan_steps
from gategenome.scan.settings import ScanSettings

log = logging.getLogger(__name__)

#: ``settings`` fields that define the null, saved as ``scan.json["null"]``.
NULL_KEYS = ("null_fraction", "null_window", "null_burn_in", "null_signal", "seed")


def check_scan_inputs(model: GateLSTM, settings: ScanSettings, signal: Any | None) -> None:
    """Refuse a ``dna+signal`` model without a signal, or a layer the model lacks."""
    if model.config.uses_signal and signal is None:
        raise ConfigError(
            "the model reads DNA + ATAC signal (inputs: dna+signal); pass the bigWig it was trained with (--signal)"
        )
    layers = len(model.lstm_layers)
    if not -layers <= settings.layer < layers:
        raise ConfigError(f"--layer: got {settings.layer}, expected -{layers} .. {layers - 1} (the model has {layers})")


def model_checksum(model: GateLSTM) -> str:
    """Checksum of a model's state (every tensor's bytes, by name): the same weights give the same value
    wherever the checkpoint lies."""
    return arrays_checksum(
        (name, tensor.detach().cpu().contiguous().flatten().view(torch.uint8).numpy().tobytes())
        for name, tensor in model.state_dict().items())


def scan_metadata(
    model: GateLSTM, genome: Genome, settings: ScanSettings, provenance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``scan.json`` of a run: format, inputs, chromosomes, strands, layer, null and settings.

    The inputs are identified by content: ``model_checksum`` (the model state),
    ``genome_checksum`` (chromosome names and lengths) and ``signal_checksum``
    (the signal bigWig's size and header), beside their paths for the record.
    """
    provenance = dict(provenance or {})
    signal_path = provenance.get("signal")
    return {
        "format": FORMAT,
        "version": VERSION,
        "gategenome": __version__,
        "model": provenance.get("model"),
        "model_checksum": model_checksum(model),
        "model_config": model.config.to_dict(),
        "genome": provenance.get("genome", str(genome.path)),
        "genome_checksum": sizes_checksum(genome.sizes),
        "signal": signal_path,
        "signal_checksum": file_head_checksum(signal_path) if signal_path else None,
        "chroms": dict(genome.sizes),
        "strands": list(settings.strands),
        "layer": settings.layer,
        "null": {key: getattr(settings, key) for key in NULL_KEYS},
        "settings": asdict(settings),
    }


def _plan_chromosomes(out_dir: Path, genome: Genome, chroms: list[str], settings: ScanSettings,
                      region: tuple[str, int, int] | None) -> dict[str, ChromosomePlan]:
    """Plan each chromosome, marking its shard incomplete until it is written again."""
    span = None if region is None else (region[1], region[2])
    plans = {}
    for chrom in chroms:
        clear_shard_marker(out_dir, chrom)
        plans[chrom] = plan_chromosome(genome, chrom, settings, span)
    return plans


def _shard_writer(out_dir: Path, genome: Genome, plans: dict[str, ChromosomePlan], settings: ScanSettings,
                  on_complete) -> ShardWriter:
    """A writer with every array of every planned chromosome declared (gaps NaN)."""
    writer = ShardWriter(out_dir, on_complete)
    for chrom, plan in plans.items():
        length = genome.sizes[chrom]
        gaps = complement_intervals(plan.pieces, length)
        for strand in settings.strands:
            for kind in KINDS:
                writer.open(chrom, strand, kind, length, gaps)
            if plan.null:
                writer.open(chrom, strand, "null", plan.null_length, plan.null_gaps)
        writer.expect(chrom, len(plan.jobs) + len(plan.null))
    return writer


def _run_with_progress(model: GateLSTM, jobs: list, settings: ScanSettings, source: Sources, writer: ShardWriter,
                       device: torch.device, progress: bool) -> None:
    """Run every job, with progress (bases) on stderr; on failure discard what was not committed."""
    bar = None
    if progress:
        bar = progress_bar(sum(job.length for job in jobs), "scan", unit="b", unit_scale=True)
    rows = batch_rows([job.length for job in jobs], settings.batch_size, settings.chunk_size)
    if rows < settings.batch_size and rows < len(jobs):
        log.info("%d rows per batch (of --batch-size %d): more would finish no sooner", rows, settings.batch_size)
    try:
        run_steps(model, plan_steps(jobs, rows, settings.chunk_size), source, writer, device, settings.layer, bar)
    except BaseException:
        writer.discard()
        raise
    finally:
        if bar is not None:
            bar.close()


def run_scan(
    model: GateLSTM,
    genome: Genome,
    signal: Any | None,
    out: str | Path,
    settings: ScanSettings,
    *,
    chroms: list[str] | None = None,
    region: tuple[str, int, int] | None = None,
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
    signal
        :class:`~gategenome.io.bigwig.SignalTrack` for ``dna+signal`` models, else None.
    out
        Scan directory (created; other chromosomes' shards are kept).
    settings
        How to scan.
    chroms
        Chromosomes to scan, default all, in genome order.
    region
        ``(chrom, start, end)``: scan only this stretch (the arrays still cover
        the whole chromosome, NaN outside).
    device
        Where to compute.
    provenance
        Plain-type description of the inputs (model, genome... paths) for ``scan.json``.
    progress
        Show progress (bases) on stderr: a bar on a terminal, else a log line every 10%.

    Returns
    -------
    dict
        The run summary (also saved in each shard marker): per chromosome, bases,
        jobs, null bases; the forgetting horizon; time.
    """
    device = torch.device(device)
    check_scan_inputs(model, settings, signal)
    chroms = [region[0]] if region is not None else (list(genome.sizes) if chroms is None else chroms)
    provenance = dict(provenance or {})
    if signal is not None and not provenance.get("signal") and getattr(signal, "path", None) is not None:
        provenance["signal"] = str(signal.path)
    out_dir = open_scan_dir(out, scan_metadata(model, genome, settings, provenance))
    try:
        return _scan_into(model, genome, out_dir, settings, chroms, region, signal, device, progress)
    except BaseException:
        remove_if_no_shard(out_dir)  # a failed scan leaves no directory holding only scan.json
        raise


def _scan_into(model: GateLSTM, genome: Genome, out_dir: Path, settings: ScanSettings, chroms: list[str],
               region: tuple[str, int, int] | None, signal: Any | None, device: torch.device,
               progress: bool) -> dict[str, Any]:
    """Scan ``chroms`` into the opened scan directory ``out_dir`` (see :func:`run_scan`)."""
    started = time.perf_counter()
    plans = _plan_chromosomes(out_dir, genome, chroms, settings, region)
    horizon = None
    if settings.segments > 1:
        pieces = [(chrom, plan.pieces) for chrom, plan in plans.items()]
        horizon = measure_horizon(model, genome, signal, pieces, settings, device)
        if settings.burn_in_from_horizon and horizon is not None and horizon != settings.burn_in:
            log.info("burn-in of each segment: the forgetting horizon, %d bases (was %d)", horizon, settings.burn_in)
            settings = replace(settings, burn_in=int(horizon))
            plans = _plan_chromosomes(out_dir, genome, chroms, settings, region)

    summary: dict[str, Any] = {}

    def complete(chrom: str) -> None:
        plan = plans[chrom]
        summary[chrom] = {
            "chrom": chrom, "length": genome.sizes[chrom], "scanned_bases": plan.bases,
            "stretches": [list(piece) for piece in plan.pieces], "strands": list(settings.strands),
            "region": None if region is None else list(region[1:]), "null_bases": plan.null_bases,
            "segments": settings.segments, "burn_in": settings.burn_in if settings.segments > 1 else 0,
            "forgetting_horizon": horizon, "device": str(device),
            "seconds": round(time.perf_counter() - started, 3),
        }
        write_shard_marker(out_dir, chrom, summary[chrom])

    writer = _shard_writer(out_dir, genome, plans, settings, complete)
    jobs = [job for plan in plans.values() for job in plan.jobs + plan.null]
    total = sum(job.length for job in jobs)
    log.info(
        "scanning %d chromosome(s), strand(s) %s: %d bases in %d jobs (null: %d) on %s",
        len(chroms), "".join(settings.strands), total, len(jobs), sum(len(p.null) for p in plans.values()), device,
    )
    _run_with_progress(model, jobs, settings, Sources(genome, signal), writer, device, progress)
    elapsed = time.perf_counter() - started
    log.info("scanned %d bases in %.1f s (%.3f Mb/s)", total, elapsed, total / max(elapsed, 1e-9) / 1e6)
    return {"chroms": summary, "forgetting_horizon": horizon, "bases": total, "seconds": elapsed}
