"""The naive reference of the mutagenesis: each mutant chromosome scanned from its start.

For every substitution in a drop's window, the whole mutated strand is scanned
from the zero state up to the summit (mutants batched as rows, nothing shared
but the batch) and the dip score read there.  This is what
:func:`gategenome.explain.mutagenesis.saturation_mutagenesis` with the exact
context must reproduce; it is kept for the exactness test and the speed
benchmark, not for use.
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.core.encode import UNKNOWN_CODE
from gategenome.explain.mutagenesis import alternative_bases
from gategenome.explain.scores import dip_score, last_mean_forget
from gategenome.explain.targets import Target
from gategenome.explain.windows import scan_inputs
from gategenome.io.fasta import Genome
from gategenome.model.network import GateLSTM


def naive_mutagenesis(model: GateLSTM, genome: Genome, signal, target: Target, flank: int, layer: int = -1,
                      batch: int = 64, chunk_size: int = 8192,
                      device: torch.device | str = "cpu") -> tuple[float, np.ndarray]:
    """``(reference score, delta (W, 4))`` of one drop, every mutant scanned from the chromosome start.

    ``W = min(flank, u + 1)``, ``u`` the summit's scan position; see
    :func:`~gategenome.explain.mutagenesis.saturation_mutagenesis` for the meaning.
    """
    u = target.scan_summit(genome.sizes[target.chrom])
    start = max(0, u - flank + 1)
    x, codes = scan_inputs(genome, signal, target.chrom, target.strand, 0, u + 1, model.config)
    width = u + 1 - start
    alternatives = alternative_bases(codes[start:])
    mutants = [(i, a) for i in range(width) for a in range(3)]

    def scores(rows: np.ndarray) -> np.ndarray:
        state = None
        with torch.no_grad():
            for begin in range(0, rows.shape[1], chunk_size):
                output = model(torch.from_numpy(rows[:, begin:begin + chunk_size]).to(device), state)
                state = output.final
            return dip_score(last_mean_forget(model, output, layer)).double().cpu().numpy()

    reference = float(scores(x[None])[0])
    delta = np.zeros((width, 4), dtype=np.float64)
    for first in range(0, len(mutants), batch):
        chosen = mutants[first:first + batch]
        rows = np.repeat(x[None], len(chosen), axis=0)
        for row, (i, a) in enumerate(chosen):
            rows[row, start + i, :4] = 0.0
            rows[row, start + i, alternatives[i, a]] = 1.0
        for (i, a), value in zip(chosen, scores(rows)):
            delta[i, alternatives[i, a]] = value - reference
    delta[codes[start:] == UNKNOWN_CODE] = 0.0
    return reference, delta
