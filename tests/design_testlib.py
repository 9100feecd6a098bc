"""Shared by the design tests: small models and a constraint check independent of the library's."""

from __future__ import annotations

import re

import torch

from gategenome.core.encode import reverse_complement_bytes
from gategenome.design.constraints import IUPAC, SequenceConstraints
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM


def no_progress(label, total):
    return lambda n: None


def small_model(seed: int = 0, **kwargs) -> GateLSTM:
    torch.manual_seed(seed)
    values = {"inputs": "dna", "hidden_size": 8, "forget_bias": "chrono", "chrono_max": 500.0}
    values.update(kwargs)
    return GateLSTM(ModelConfig(**values)).eval()


def independent_check(sequence: str, constraints: SequenceConstraints) -> None:
    """Re-check a sequence without the library's checker (plain Python, both strands)."""
    width = min(constraints.gc_window, len(sequence))
    for start in range(len(sequence) - width + 1):
        window = sequence[start : start + width]
        gc = sum(b in "GC" for b in window) / width
        assert constraints.gc_min - 1e-9 <= gc <= constraints.gc_max + 1e-9, (start, gc)
    if constraints.gc_min > 0 or constraints.gc_max < 1:
        whole = sum(b in "GC" for b in sequence) / len(sequence)
        assert constraints.gc_min - 1e-9 <= whole <= constraints.gc_max + 1e-9, whole
    if constraints.max_homopolymer is not None:
        assert max(len(m.group(0)) for m in re.finditer(r"A+|C+|G+|T+", sequence)) <= constraints.max_homopolymer
    reverse = reverse_complement_bytes(sequence.encode()).decode()
    for motif in constraints.avoid:
        pattern = "".join(f"[{IUPAC[c]}]" for c in motif)
        assert not re.search(pattern, sequence), motif
        assert not re.search(pattern, reverse), motif
