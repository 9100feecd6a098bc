"""Helpers of the scan/tracks/call tests: synthetic genomes, bigWigs and small models."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pysam
import torch

from gategenome.model.checkpoint import save_checkpoint
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM

KMER = "AACG"  # not its own reverse complement (CGTT)


def random_dna(length: int, rng: np.random.Generator) -> str:
    return bytes(rng.choice(np.frombuffer(b"ACGT", dtype=np.uint8), length)).decode()


def write_fasta(path: Path, chroms: dict[str, str]) -> Path:
    with open(path, "w") as handle:
        for name, seq in chroms.items():
            handle.write(f">{name}\n")
            handle.writelines(seq[start:start + 80] + "\n" for start in range(0, len(seq), 80))
    pysam.faidx(str(path))
    return path


def write_bigwig(path: Path, tracks: dict[str, np.ndarray], header: dict[str, int] | None = None) -> Path:
    import pyBigWig

    header = header or {name: values.size for name, values in tracks.items()}
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(header.items()))
    for name, values in tracks.items():
        bw.addEntries(name, 0, values=values.astype(np.float64), span=1, step=1)
    bw.close()
    return path


def small_model(path: Path, inputs: str = "dna", seed: int = 0, **kwargs) -> Path:
    torch.manual_seed(seed)
    config = ModelConfig(inputs=inputs, hidden_size=kwargs.pop("hidden_size", 8), **kwargs)
    save_checkpoint(path, GateLSTM(config))
    return path


def plant_kmer_filter(weight: torch.Tensor, bias: torch.Tensor, kmer: str) -> None:
    """Make filter 0 of a one-hot convolution (``weight`` (F, 4, k), ``bias`` (F,)) 0.5 exactly on ``kmer``.

    One per matching base and bias ``0.5 - k``: the filter is 0.5 where the whole
    k-mer matches and at most -0.5 elsewhere (0 after a ReLU).
    """
    for offset, base in enumerate(kmer):
        weight[0, "ACGT".index(base), offset] = 1.0
    bias[0] = 0.5 - len(kmer)


def kmer_stem_model(kmer: str, hidden_size: int, forget_bias: float) -> GateLSTM:
    """A one-layer uncoupled DNA model, every weight 0 but a stem filter that fires on ``kmer``.

    The caller sets the LSTM and head weights it needs (under ``torch.no_grad``).
    """
    config = ModelConfig(inputs="dna", hidden_size=hidden_size, num_layers=1, coupled=False, conv_channels=1,
                         conv_width=len(kmer), forget_bias=forget_bias)
    model = GateLSTM(config)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
        plant_kmer_filter(model.stem.weight, model.stem.bias, kmer)
    return model


def kmer_model(path: Path, kmer: str = KMER) -> Path:
    """A hand-set model whose forget gate drops (to ~0) at the last base of ``kmer``.

    The causal stem has one filter of width ``len(kmer)`` that scores 1 per
    matching base with bias ``0.5 - len(kmer)``: after the ReLU it is 0.5 exactly
    where the k-mer ends (in scan direction) and 0 elsewhere.  Both LSTM units
    have forget bias +6 and forget weight -40 on that filter.
    """
    model = kmer_stem_model(kmer, hidden_size=2, forget_bias=6.0)
    with torch.no_grad():
        lstm = model.lstm_layers[0]
        lstm.weight_ih_l0[2:4, 0] = -40.0
        lstm.bias_hh_l0[2:4] = 6.0
    save_checkpoint(path, model)
    return path


def without_kmers(seq: str, kmers: list[str], rng: np.random.Generator) -> str:
    """Rewrite ``seq`` until none of ``kmers`` occurs."""
    chars = list(seq)
    while True:
        text = "".join(chars)
        hits = [m.start() for kmer in kmers for m in re.finditer(f"(?={kmer})", text)]
        if not hits:
            return text
        for i in hits:
            chars[i] = "T" if chars[i] == "A" else "A"


def make_scan_dir(path: Path, sizes: dict[str, int], forget: dict, access: dict | None = None,
                  null: dict | None = None, strands=("+", "-")) -> Path:
    """A scan directory written by hand: ``forget[chrom][strand]`` arrays (chromosomes
    absent from ``forget`` are left unscanned), ``null[chrom][strand]`` null arrays."""
    from gategenome.io.jsonfile import write_json
    from gategenome.io.scandir.layout import FORMAT, VERSION, array_path, null_path, shard_path

    write_json(path / "scan.json", {"format": FORMAT, "version": VERSION, "chroms": sizes, "strands": list(strands)})
    for chrom, by_strand in forget.items():
        for strand in strands:
            array_path(path, chrom, strand, "forget").parent.mkdir(parents=True, exist_ok=True)
            np.save(array_path(path, chrom, strand, "forget"), np.asarray(by_strand[strand], dtype=np.float16))
            acc = (access or {}).get(chrom, {}).get(strand, np.full(sizes[chrom], 0.5))
            np.save(array_path(path, chrom, strand, "accessibility"), np.asarray(acc, dtype=np.float16))
            if null and chrom in null:
                null_path(path, chrom, strand).parent.mkdir(parents=True, exist_ok=True)
                np.save(null_path(path, chrom, strand), np.asarray(null[chrom][strand], dtype=np.float16))
        write_json(shard_path(path, chrom), {"chrom": chrom})
    return path


def scan_to_dir(tmp_path, model_path, genome_path, name, signal_path=None, **settings):
    """Scan a FASTA with a saved model into ``tmp_path / name``; the :class:`ScanDir`."""
    from gategenome.io.bigwig import SignalTrack
    from gategenome.io.fasta import Genome
    from gategenome.io.scandir.reader import ScanDir
    from gategenome.model.checkpoint import load_model
    from gategenome.scan.settings import ScanSettings
    from gategenome.scan.stream import run_scan

    model, _ = load_model(model_path)
    genome = Genome(genome_path)
    track = SignalTrack(signal_path, genome.sizes) if signal_path else None
    run_scan(model, genome, track, tmp_path / name, ScanSettings(**settings), progress=False)
    return ScanDir(tmp_path / name)


def as_float32(array):
    """A float16 scan array as float32 (NaN kept)."""
    return np.asarray(array, dtype=np.float32)
