"""The drop threshold when no scan is given: ``call``'s null, computed here.

``gategenome call`` puts the drop threshold at the ``threshold_quantile``
quantile of the model's mean forget gate over dinucleotide-shuffled windows of
the genome (the scan's null).  With ``--scan-dir`` that very threshold is read
from the scan; without it, the same null is made here from ``null_windows``
seeded windows of ``null_window`` bases (the first ``min(2000, window / 2)``
bases of each left out, as in the scan; a ``dna+signal`` model reads the
window's mean signal everywhere, the scan's default ``null_signal="mean"``).
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE, UNKNOWN_CODE, encode_codes
from gategenome.core.shuffle import dinucleotide_shuffle
from gategenome.io.fasta import Genome
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM
from gategenome.variants.settings import VariantSettings
from gategenome.variants.windows import run_rows


def genome_null_threshold(
    model: GateLSTM, genome: Genome, signal, settings: VariantSettings, device: torch.device
) -> float:
    """The ``threshold_quantile`` quantile of the mean forget gate over shuffled genome windows.

    Returns
    -------
    float
        The drop threshold.
    """
    rng = np.random.default_rng(settings.seed)
    sizes = {c: n for c, n in genome.sizes.items() if n >= 2}
    names = list(sizes)
    weights = np.array([sizes[c] for c in names], dtype=np.float64)
    rows, masks = [], []
    burn = min(2000, settings.null_window // 2)
    for _ in range(settings.null_windows):
        chrom = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        window = min(settings.null_window, sizes[chrom])
        start = int(rng.integers(0, sizes[chrom] - window + 1))
        codes = dinucleotide_shuffle(encode_codes(genome.fetch(chrom, start, start + window)), rng)
        raw = None
        if signal is not None:
            values = np.nan_to_num(np.asarray(signal.values(chrom, start, start + window), dtype=np.float32))
            raw = np.full(window, values.mean(), dtype=np.float32)
        rows.append(model_inputs(ONE_HOT_CODE[codes], raw, model.config))
        masks.append(codes == UNKNOWN_CODE)
    values = []
    for first in range(0, len(rows), settings.batch_size):
        forget, _ = run_rows(model, rows[first:first + settings.batch_size], None, device, settings.layer,
                             settings.chunk_size)
        for track, mask in zip(forget, masks[first:first + settings.batch_size]):
            keep = ~mask
            keep[:burn if track.shape[0] > 2 * burn else 0] = False
            values.append(track[keep])
    pooled = np.concatenate(values)
    return float(np.quantile(pooled, settings.threshold_quantile, method="inverted_cdf"))
