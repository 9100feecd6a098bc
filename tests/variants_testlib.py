"""Helpers of the variant tests: a small genome, a long-memory model, VCF text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from scan_testlib import random_dna, write_fasta

from gategenome.io.fasta import Genome
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM

VCF_HEADER = (
    "##fileformat=VCFv4.2\n"
    "##contig=<ID={chrom},length={length}>\n"
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
)


def small_genome(tmp_path: Path, length: int = 6000, seed: int = 0) -> tuple[Genome, dict[str, str]]:
    rng = np.random.default_rng(seed)
    chroms = {"chrA": random_dna(length, rng), "chrB": random_dna(length // 2, rng)}
    return Genome(write_fasta(tmp_path / "genome.fa", chroms)), chroms


def model(forget_bias: float | str = 3.0, seed: int = 0, inputs: str = "dna") -> GateLSTM:
    """A random model with a stem; forget bias 3 and strong weights: gates that remember for ~100 bases."""
    torch.manual_seed(seed)
    config = ModelConfig(inputs=inputs, hidden_size=8, num_layers=2, conv_channels=4, conv_width=5, coupled=False,
                         forget_bias=forget_bias, chrono_max=3000.0)
    net = GateLSTM(config).eval()
    with torch.no_grad():  # strong input weights, so that a base changes the gates visibly
        for layer in net.lstm_layers:
            layer.weight_ih_l0.mul_(4.0)
            layer.weight_hh_l0.mul_(3.0)
            net.head.weight.mul_(3.0)
    return net


def vcf_text(chrom: str, length: int, lines: list[str]) -> str:
    return VCF_HEADER.format(chrom=chrom, length=length) + "".join(line + "\n" for line in lines)
