"""Score alleles: windows with their context, batched through the model, effects per strand combined."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import torch

from gategenome.io.fasta import Genome
from gategenome.model.network import GateLSTM, StreamState
from gategenome.variants.context import context_bases, reference_states, window_start
from gategenome.variants.effects import StrandEffect, combine, strand_effect
from gategenome.variants.settings import VariantSettings
from gategenome.variants.vcf import Allele
from gategenome.variants.profile import StrandProfile, allele_profile_scores, strand_profile
from gategenome.variants.windows import Window, make_window, run_rows_with_logits, scan_position, window_inputs

log = logging.getLogger(__name__)

STRANDS = ("+", "-")


def chromosome_windows(alleles: Sequence[Allele], indices: list[int], length: int, settings: VariantSettings,
                       context: int | None) -> list[Window]:
    """The windows (both strands) of the alleles ``indices`` of one chromosome."""
    downstream = max(settings.footprint_max, settings.window)
    windows = []
    for index in indices:
        for strand in STRANDS:
            start = window_start(scan_position(alleles[index], strand, length), settings, context)
            windows.append(make_window(index, strand, length, start, downstream, alleles[index]))
    return windows


def _batch_effects(model: GateLSTM, genome: Genome, signal, chrom: str, batch: list[Window], states: dict,
                   settings: VariantSettings, device: torch.device,
                   insertions: bool) -> dict[tuple[int, str], tuple[StrandEffect, StrandProfile | None]]:
    """Effects of one batch of windows: a reference and an alternative row each, from the same state;
    with ``insertions``, each strand's profile window too (:mod:`gategenome.variants.profile`)."""
    rows, unknown = [], []
    for window in batch:
        x_ref, n_ref, x_alt, n_alt = window_inputs(genome, signal, chrom, window, model.config)
        rows += [x_ref, x_alt]
        unknown += [n_ref, n_alt]
    zero = model.initial_state(1, device)
    starts = [states.get((w.strand, w.start), zero) for w in batch]
    state = StreamState.cat([s for s in starts for _ in range(2)])
    forget, access, logits = run_rows_with_logits(model, rows, state, device, settings.layer, settings.chunk_size)
    for values, mask in zip(forget + access + logits, unknown * 3):
        values[mask] = np.nan
    found = {}
    for k, window in enumerate(batch):
        effect = strand_effect(
            forget[2 * k], access[2 * k], forget[2 * k + 1], access[2 * k + 1], window.off, window.ref, window.alt,
            settings.window, settings.footprint_tol,
        )
        profile = (strand_profile(logits[2 * k], logits[2 * k + 1], window.off, window.ref, window.alt,
                                  settings.profile_window) if insertions else None)
        found[(window.allele, window.strand)] = effect, profile
    return found


def score_alleles(
    model: GateLSTM,
    genome: Genome,
    signal,
    alleles: Sequence[Allele],
    settings: VariantSettings,
    threshold: float,
    device: torch.device,
    progress=None,
    *,
    insertions: bool = False,
) -> tuple[list[dict], int | None]:
    """Effects of every allele (both strands).

    Parameters
    ----------
    model, genome, signal
        What is scanned (``signal`` None for a ``dna`` model).
    alleles
        Alleles (any chromosome order; each chromosome is done in one go).
    settings
        Context, window, footprint, batch size.
    threshold
        Drop threshold on the mean forget gate.
    device
        Where to compute.
    progress
        A tqdm bar updated per allele, or None.
    insertions
        The model was trained with ``target: insertions``: add the count log
        fold-change and profile JSD of :mod:`gategenome.variants.profile`.

    Returns
    -------
    tuple
        ``(rows, context)``: one dict of effects per allele (see
        :func:`gategenome.variants.effects.combine`), and the upstream context used
        (None: exact states).
    """
    rows: list[dict | None] = [None] * len(alleles)
    by_chrom: dict[str, list[int]] = {}
    for index, allele in enumerate(alleles):
        by_chrom.setdefault(allele.chrom, []).append(index)
    context = None
    if by_chrom and settings.context != "exact":
        context = context_bases(model, genome, signal, next(iter(by_chrom)), settings, device)
    per_batch = max(1, settings.batch_size // 2)
    for chrom, indices in by_chrom.items():
        windows = chromosome_windows(alleles, indices, genome.sizes[chrom], settings, context)
        states = {}
        if context is None:
            needed = {s: {w.start for w in windows if w.strand == s} for s in STRANDS}
            states = reference_states(model, genome, signal, chrom, needed, settings, device)
        windows.sort(key=lambda w: w.end - w.start)
        effects: dict[tuple[int, str], tuple[StrandEffect, StrandProfile | None]] = {}
        for first in range(0, len(windows), per_batch):
            batch = windows[first:first + per_batch]
            effects.update(_batch_effects(model, genome, signal, chrom, batch, states, settings, device, insertions))
            if progress is not None:
                progress.update(len(batch) / len(STRANDS))
        for index in indices:
            rows[index] = combine({s: effects[(index, s)][0] for s in STRANDS}, threshold)
            if insertions:
                rows[index].update(allele_profile_scores({s: effects[(index, s)][1] for s in STRANDS}))
    return rows, context
