"""The naive reference: scan whole reference and alternative chromosomes from scratch.

For each allele, the alternative chromosome (the allele written into the FASTA's
sequence) is scanned whole on both strands from the zero state, as is the
reference chromosome (once per chromosome), and the same effects are read from
those tracks.  This is what :func:`gategenome.variants.score.score_alleles`
with ``context="exact"`` must reproduce; it is kept for the exactness test and
the speed benchmark, not for use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from gategenome.io.fasta import Genome
from gategenome.model.network import GateLSTM
from gategenome.variants.effects import combine, strand_effect
from gategenome.variants.score import STRANDS
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import Allele
from gategenome.variants.windows import make_window, run_rows, window_inputs


def _scan(model, x, unknown, settings, device):
    forget, access = run_rows(model, [x], None, device, settings.layer, settings.chunk_size)
    forget[0][unknown] = np.nan
    access[0][unknown] = np.nan
    return forget[0], access[0]


def naive_tracks(model: GateLSTM, genome: Genome, signal, allele: Allele, strand: str, settings: VariantSettings,
                 device: torch.device, reference=None):
    """Whole-chromosome tracks of one allele on one strand, scanned from scratch.

    Returns
    -------
    tuple
        ``(window, (forget_ref, access_ref), (forget_alt, access_alt))``: the
        chromosome-long reference tracks (or ``reference`` when given, to reuse them)
        and the alternative chromosome's, in scan coordinates.
    """
    length = genome.sizes[allele.chrom]
    window = make_window(0, strand, length, 0, length, allele)
    x_ref, n_ref, x_alt, n_alt = window_inputs(genome, signal, allele.chrom, window, model.config)
    if reference is None:
        reference = _scan(model, x_ref, n_ref, settings, device)
    return window, reference, _scan(model, x_alt, n_alt, settings, device)


def score_naive(model: GateLSTM, genome: Genome, signal, alleles: Sequence[Allele], settings: VariantSettings,
                threshold: float, device: torch.device) -> list[dict]:
    """Effects of every allele, each from whole chromosomes scanned from scratch (see the module docstring)."""
    references: dict[tuple[str, str], tuple] = {}
    rows = []
    downstream = max(settings.footprint_max, settings.window)
    for allele in alleles:
        effects = {}
        for strand in STRANDS:
            key = (allele.chrom, strand)
            window, reference, alternative = naive_tracks(model, genome, signal, allele, strand, settings, device,
                                                          references.get(key))
            references[key] = reference
            end = min(window.end, window.off + len(window.ref) + downstream)
            shift = len(window.alt) - len(window.ref)
            effects[strand] = strand_effect(reference[0][:end], reference[1][:end], alternative[0][:end + shift],
                                            alternative[1][:end + shift], window.off, window.ref, window.alt,
                                            settings.window, settings.footprint_tol)
        rows.append(combine(effects, threshold))
    return rows

