"""Throughput and memory of ``gategenome scan``, as ratios against a plain LSTM forward.

Measured in one run, on the same random genome and the same model shape:

(a) a plain fused ``torch.nn.LSTM`` forward over the one-hot (+ signal) input,
    in the scan's batch shape (the reference);
(b) the model forward + exact recovery of the mean forget gate, serially, and as
    the scan overlaps them (recovery of one batch in a second thread while the
    next batch runs through the LSTM);
(c) the whole scan as ``gategenome scan`` runs it: read FASTA and bigWig,
    encode, forward, gates, write the float16 arrays (both strands, plus the 5%
    shuffled null), then write the three bigWig tracks (``--workers`` processes).

Prints b/a (target >= 0.8) and c/a (target >= 0.7) in bases per second of wall
clock (and per CPU-second of all threads, which other load on a shared machine
disturbs less), the peak
resident memory of scans of a 10 Mb and a 50 Mb chromosome (default settings, a
small DNA model to keep the run short; the buffers do not depend on the length),
each in its own subprocess (ratio target <= 1.2), and the time a 3.1 Gb genome
would take.

Usage::

    python benchmarks/scan.py [--mb 4] [--threads 1] [--memory-sizes 10 50]
    python benchmarks/scan.py --yeast --memory-sizes   # the real yeast genome and ATAC signal
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

# torch is imported inside the functions: the track writers are spawned processes that import this
# module as their __main__, and 'gategenome scan' spares them the torch import (about 2 CPU-seconds each)

YEAST = Path(__file__).resolve().parents[2] / "shared" / "data" / "yeast_sacCer3_atac_SRR1822137"


def write_genome(path: Path, sizes: dict[str, int], seed: int = 0) -> None:
    """Random ACGT FASTA with 60-base lines, indexed."""
    rng = np.random.default_rng(seed)
    alphabet = np.frombuffer(b"ACGT", dtype=np.uint8)
    block = 60 * (1 << 18)
    with open(path, "wb") as handle:
        for name, length in sizes.items():
            handle.write(f">{name}\n".encode())
            for start in range(0, length, block):
                seq = alphabet[rng.integers(0, 4, min(block, length - start))]
                full = seq.size // 60 * 60
                lines = np.hstack([seq[:full].reshape(-1, 60), np.full((full // 60, 1), ord("\n"), dtype=np.uint8)])
                handle.write(lines.tobytes())
                if seq.size > full:
                    handle.write(seq[full:].tobytes() + b"\n")
    import pysam

    pysam.faidx(str(path))


def write_signal(path: Path, sizes: dict[str, int], seed: int = 0) -> None:
    import pyBigWig

    rng = np.random.default_rng(seed)
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(sizes.items()))
    for name, length in sizes.items():
        values = rng.poisson(3.0, length).astype(np.float64)
        starts = np.arange(0, length, 50)
        bw.addEntries([name] * starts.size, starts, ends=np.minimum(starts + 50, length), values=values[starts])
    bw.close()


def timed(function) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def compute_rates(model, batch: int, chunk: int, steps: int, repeats: int) -> dict[str, float]:
    """Bases per second of (a) plain LSTM, (b) serial forward + gates, (b') overlapped."""
    import torch

    from gategenome.scan.compute import gate_outputs

    config = model.config
    rng = np.random.default_rng(1)
    inputs = []
    for _ in range(steps):
        x = np.zeros((batch, chunk, config.input_channels), dtype=np.float32)
        x[np.arange(batch)[:, None], np.arange(chunk)[None, :], rng.integers(0, 4, (batch, chunk))] = 1.0
        if config.uses_signal:
            x[..., 4] = np.log1p(rng.poisson(3.0, (batch, chunk)))
        inputs.append(torch.from_numpy(x))
    # The reference is the same stack as one fused multi-layer nn.LSTM, with the same weights.
    plain = torch.nn.LSTM(config.input_channels, config.hidden_size, num_layers=config.num_layers, batch_first=True)
    with torch.no_grad():
        for index, layer in enumerate(model.lstm_layers):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(plain, f"{name}_l{index}").copy_(getattr(layer, f"{name}_l0"))
    bases = batch * chunk * steps

    def run_plain():
        state = None
        with torch.no_grad():
            for x in inputs:
                _, state = plain(x, state)

    def run_serial():
        state = None
        for x in inputs:
            with torch.no_grad():
                out = model(x, state)
            gate_outputs(model, out, -1)
            state = out.final

    def run_overlapped():
        state, worker = None, None
        for x in inputs:
            with torch.no_grad():
                out = model(x, state)
            if worker is not None:
                worker.join()
            worker = threading.Thread(target=gate_outputs, args=(model, out, -1))
            worker.start()
            state = out.final
        worker.join()

    times = {"a": [], "b_serial": [], "b_overlapped": []}
    for _ in range(repeats):  # interleaved, so load changes hit all alike
        times["a"].append(timed(run_plain))
        times["b_serial"].append(timed(run_serial))
        times["b_overlapped"].append(timed(run_overlapped))
    rates = {name: bases / min(t[0] for t in values) for name, values in times.items()}
    rates.update({f"{name}_cpu": bases / min(t[1] for t in values) for name, values in times.items()})
    return rates


def best_plain_rate(model, batch: int, chunks: list[int], bases: int, repeats: int) -> tuple[int, float, float]:
    """The plain fused ``nn.LSTM`` at other chunk lengths (rows x chunk decides how much stays in cache):
    ``(chunk, bases per second, bases per CPU-second)`` of the one using the least CPU, for a reference at its
    best shape."""
    import torch

    config = model.config
    plain = torch.nn.LSTM(config.input_channels, config.hidden_size, num_layers=config.num_layers, batch_first=True)
    best = (0, 0.0, 0.0)
    for chunk in chunks:
        steps = max(2, bases // (batch * chunk))
        x = torch.zeros(batch, chunk, config.input_channels)
        x[..., 0] = 1.0
        walls, cpus = [], []
        for _ in range(repeats):
            def run():
                state = None
                with torch.no_grad():
                    for _ in range(steps):
                        _, state = plain(x, state)
            wall, cpu = timed(run)
            walls.append(wall)
            cpus.append(cpu)
        done = batch * chunk * steps
        if done / min(cpus) > best[2]:  # by CPU time: wall clock on a shared machine follows the load
            best = (chunk, done / min(walls), done / min(cpus))
    return best


def scan_rate(model_path: Path, genome: Path, signal: Path | None, out: Path, batch: int, chunk: int,
              workers: int = 3) -> dict:
    """The whole scan as ``gategenome scan`` runs it: both strands, null, then the three bigWigs."""
    from gategenome.export.settings import TrackSettings
    from gategenome.export.tracks import run_tracks
    from gategenome.io.bigwig import SignalTrack
    from gategenome.io.fasta import Genome
    from gategenome.model.checkpoint import load_model
    from gategenome.scan.settings import ScanSettings
    from gategenome.scan.stream import run_scan

    model, _ = load_model(model_path)
    fasta = Genome(genome)
    track = SignalTrack(signal, fasta.sizes) if signal else None
    settings = ScanSettings(chunk_size=chunk, batch_size=batch)
    start, cpu = time.perf_counter(), time.process_time()
    summary = run_scan(model, fasta, track, out, settings, progress=False)
    scanned = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_cpu = children.ru_utime + children.ru_stime
    run_tracks(out, None, TrackSettings(workers=workers))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += children.ru_utime + children.ru_stime - children_cpu  # the track writers' processes
    genome_bases = sum(fasta.sizes.values())
    sizes = {path.name: path.stat().st_size / genome_bases for path in Path(out).glob("*.bw")}
    return {"bases": summary["bases"], "seconds": elapsed, "rate": summary["bases"] / elapsed,
            "scan_rate": summary["bases"] / scanned, "tracks_seconds": elapsed - scanned,
            "cpu_rate": summary["bases"] / cpu, "genome_bases": genome_bases, "bytes_per_base": sizes}


def memory_child(args) -> None:
    """Subprocess: scan one chromosome (both strands + null, default settings) and report the peak RSS."""
    import resource

    import torch

    torch.set_num_threads(args.threads)
    from gategenome.io.fasta import Genome
    from gategenome.model.checkpoint import load_model
    from gategenome.scan.settings import ScanSettings
    from gategenome.scan.stream import run_scan

    model, _ = load_model(args.model)
    settings = ScanSettings(chunk_size=args.chunk, batch_size=args.batch)
    start = time.perf_counter()
    run_scan(model, Genome(args.genome), None, args.out, settings, progress=False)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mb": peak_kb / 1024, "seconds": time.perf_counter() - start}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="genome size for the throughput runs (Mb)")
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--inputs", default="dna+signal", choices=["dna", "dna+signal"])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--chunk", type=int, default=2048, help="bases per chunk ('gategenome scan' default)")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-sizes", type=float, nargs="*", default=[10.0, 50.0], help="Mb; empty to skip")
    parser.add_argument("--memory-hidden", type=int, default=16, help="hidden size of the memory runs' dna model")
    parser.add_argument("--yeast", action="store_true",
                        help="scan the real yeast genome with its ATAC signal (../shared/data) instead of a random one")
    parser.add_argument("--trained", type=Path, default=None,
                        help="a trained model.pt to scan with (default: a random model of --hidden/--inputs)")
    parser.add_argument("--reference-chunks", type=int, nargs="*", default=[1024, 8192],
                        help="other chunk lengths the plain nn.LSTM is also timed at (a*: its best shape)")
    parser.add_argument("--workers", type=int, default=3, help="track-writing processes, as 'gategenome scan'")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--genome", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args)
        return

    import torch

    torch.set_num_threads(args.threads)
    from gategenome.model.checkpoint import load_model, save_checkpoint
    from gategenome.model.config import ModelConfig
    from gategenome.model.network import GateLSTM

    torch.manual_seed(0)
    tmp = Path(tempfile.mkdtemp(prefix="gg-bench-scan-"))
    if args.trained is not None:
        model, _ = load_model(args.trained)
        model_path = args.trained
    else:
        model = GateLSTM(ModelConfig(inputs=args.inputs, hidden_size=args.hidden)).eval()
        model_path = tmp / "model.pt"
        save_checkpoint(model_path, model)
    args.hidden = model.config.hidden_size
    print(f"model: {model.config.inputs}, hidden {args.hidden}, {model.config.num_layers} layer(s), "
          f"coupled {model.config.coupled}; batch {args.batch} x chunk {args.chunk}; "
          f"torch threads {args.threads}; {tmp}")

    if args.yeast:
        genome, signal = YEAST / "sacCer3.fa", YEAST / "SRR1822137.coverage.bw"
        bases = 12_157_105
        signal = signal if model.config.uses_signal else None
    else:
        bases = int(args.mb * 1e6)
        sizes = {f"chr{i + 1}": bases // 16 for i in range(16)}  # 32 strand jobs: one full batch
        genome = tmp / "genome.fa"
        write_genome(genome, sizes)
        signal = None
        if model.config.uses_signal:
            signal = tmp / "signal.bw"
            write_signal(signal, sizes)
    steps = max(2, round(2 * bases / (args.batch * args.chunk)))
    rates = compute_rates(model, args.batch, args.chunk, min(steps, 30), args.repeats)
    whole = scan_rate(model_path, genome, signal, tmp / "scan", args.batch, args.chunk, args.workers)
    shapes = [chunk for chunk in args.reference_chunks if chunk != args.chunk]
    best = best_plain_rate(model, args.batch, shapes, args.batch * args.chunk * min(steps, 30), args.repeats)
    a = rates["a"]
    print(f"(a)  plain nn.LSTM forward            {a / 1e6:8.3f} Mb/s")
    print(f"(b)  forward + gates, serial          {rates['b_serial'] / 1e6:8.3f} Mb/s   b/a = {rates['b_serial'] / a:.2f}")
    print(f"(b') forward + gates, overlapped      {rates['b_overlapped'] / 1e6:8.3f} Mb/s   b'/a = "
          f"{rates['b_overlapped'] / a:.2f}  (target >= 0.8)")
    print(f"(c)  whole scan ({whole['bases'] / 1e6:.1f} M strand-bases incl. null) "
          f"{whole['rate'] / 1e6:8.3f} Mb/s   c/a = {whole['rate'] / a:.2f}  (target >= 0.7)")
    print(f"     of which the scan alone {whole['scan_rate'] / 1e6:.3f} Mb/s ({whole['scan_rate'] / a:.2f} x a), "
          f"the bigWigs {whole['tracks_seconds']:.1f} s ({args.workers} process(es)); bytes per genome base: "
          + ", ".join(f"{name} {value:.3f}" for name, value in sorted(whole["bytes_per_base"].items())))
    a_cpu = rates["a_cpu"]
    print(f"CPU time (all threads; robust to other load): a {a_cpu / 1e6:.3f} Mb/cpu-s, "
          f"b/a = {rates['b_serial_cpu'] / a_cpu:.2f}, c/a = {whole['cpu_rate'] / a_cpu:.2f}")
    if best[2] > rates["a_cpu"]:
        print(f"(a*) plain nn.LSTM at its best chunk ({args.batch} x {best[0]}): {best[1] / 1e6:.3f} Mb/s, "
              f"{best[2] / 1e6:.3f} Mb/cpu-s; c/a* = {whole['rate'] / best[1]:.2f} wall, "
              f"{whole['cpu_rate'] / best[2]:.2f} CPU")
    else:
        print(f"(a*) no other chunk ({', '.join(map(str, shapes))}) runs the plain nn.LSTM faster than {args.chunk}")
    arrays = sum(path.stat().st_size for path in (tmp / "scan").glob("*/*.npy"))
    print(f"scan directory arrays (both strands + null): {arrays / whole['genome_bases']:.2f} bytes per genome base")
    per_genome_base = whole["bases"] / whole["genome_bases"]
    hours = 3.1e9 * per_genome_base / whole["rate"] / 3600
    print(f"extrapolated 3.1 Gb genome, both strands + null, this machine, one process: {hours:.1f} h")

    peaks = []
    for mb in args.memory_sizes:
        length = int(mb * 1e6)
        path = tmp / f"mem{mb:g}.fa"
        write_genome(path, {"chrM1": length}, seed=2)
        command = [sys.executable, __file__, "--memory-child", "--model", str(model_path), "--genome", str(path),
                   "--out", str(tmp / f"mem{mb:g}"), "--batch", str(args.batch), "--chunk", str(args.chunk),
                   "--threads", str(args.threads)]
        model_dna = tmp / "model_dna.pt"
        torch.manual_seed(0)
        save_checkpoint(model_dna, GateLSTM(ModelConfig(inputs="dna", hidden_size=args.memory_hidden)))
        command[command.index(str(model_path))] = str(model_dna)
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
        peaks.append(result["peak_mb"])
        print(f"peak RSS, {mb:g} Mb chromosome (both strands + null, dna model hidden {args.memory_hidden}): "
              f"{result['peak_mb']:.0f} MB in {result['seconds']:.0f} s")
        path.unlink()
    if len(peaks) >= 2:
        print(f"memory ratio {args.memory_sizes[-1]:g} Mb / {args.memory_sizes[0]:g} Mb = {peaks[-1] / peaks[0]:.2f} "
              "(target <= 1.2)")


if __name__ == "__main__":
    main()
