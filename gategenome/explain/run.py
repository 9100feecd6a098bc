"""Explain drops: the attribution of each drop's dip to the bases (and signal) upstream of its summit.

Targets are grouped by chromosome and strand; the state where each window starts
is streamed once per group (:mod:`.windows`); windows are then attributed
``targets`` at a time, by exact mutagenesis (:mod:`.mutagenesis`) or integrated
gradients (:mod:`.gradients`).  A ``dna+signal`` model also gets, per drop, the
share of the dip owed to the DNA versus the signal channel (integrated gradients,
whose sum over channels approximates the dip).

With ``target="counts"`` the same windows, centred on each target's summit
instead of ending there, are attributed by the gradient x input of the log
predicted insertions of an insertions model (:mod:`.counts`), for the main model
or its Tn5 bias model alone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE
from gategenome.core.progress import progress_bar
from gategenome.explain.counts import bias_margin, count_attributions
from gategenome.explain.gradients import channel_shares, hypothetical_from_gradients, integrated_gradients
from gategenome.explain.mutagenesis import hypothetical_from_deltas, saturation_mutagenesis
from gategenome.explain.scores import dip_score, last_mean_forget
from gategenome.explain.settings import ExplainSettings
from gategenome.explain.targets import Target
from gategenome.explain.windows import scan_inputs, upstream_states
from gategenome.io.fasta import Genome
from gategenome.model.insertions import InsertionHead
from gategenome.model.network import GateLSTM, StreamState

log = logging.getLogger(__name__)


@dataclass
class Explained:
    """Attributions of ``N`` drops, each over ``W`` bases (scan orientation): ending at its summit, or centred on it.

    Attributes
    ----------
    targets
        The ``N`` drops explained (those whose window fits on the chromosome).
    starts
        ``(N,)`` scan position of each window's first base.
    codes
        ``(N, W)`` base codes (4 = unknown).
    hypothetical
        ``(N, W, 4)`` what each base would contribute at each position (modisco's hypothetical scores).
    contrib
        ``(N, W)`` the contribution of the base present.
    score
        ``(N,)`` the dip score ``log(1 - f)`` at the summit (or the log predicted insertions of the window).
    dna_share
        ``(N,)`` share of the dip owed to DNA (``dna+signal`` models), else None.
    skipped
        Drops too close to the chromosome start (in the scan direction) for a full window
        (centred windows: to either end).
    summit
        Index of the summit in each window: ``W - 1`` for drops, ``W // 2`` for centred windows.
    """

    targets: list[Target]
    starts: np.ndarray
    codes: np.ndarray
    hypothetical: np.ndarray
    contrib: np.ndarray
    score: np.ndarray
    dna_share: np.ndarray | None
    skipped: int
    summit: int = -1

    def __post_init__(self) -> None:
        self.summit %= max(self.codes.shape[1], 1)

    @property
    def one_hot(self) -> np.ndarray:
        """``(N, W, 4)`` float32 one-hot sequences (all zeros at unknown bases)."""
        return ONE_HOT_CODE[self.codes]


def _attribute(model, x, codes, state, settings, head=None, margin=0):
    """``(score (T,), hypothetical (T, W, 4), contrib (T, W), attribution)`` of one batch of windows.

    ``attribution`` ``(T, W, C)`` is the integrated gradients' or the counts' gradient x
    input (None for ``ism``).
    """
    if settings.target == "counts":
        return count_attributions(model, head, x, codes, state, settings.model_part, margin)
    attribution = None
    if settings.method == "ism":
        score, delta = saturation_mutagenesis(model, x, codes, state, settings.block, settings.layer)
        hypothetical = hypothetical_from_deltas(delta, codes)
    else:
        attribution, gradient, _ = integrated_gradients(model, x, state, settings.ig_steps, settings.layer)
        hypothetical = hypothetical_from_gradients(gradient, codes)
        with torch.no_grad():
            score = dip_score(last_mean_forget(model, model(x, state), settings.layer)).double().cpu().numpy()
    contrib = np.take_along_axis(hypothetical, np.minimum(codes, 3)[..., None].astype(np.int64), axis=-1)[..., 0]
    contrib = np.where(codes == 4, 0.0, contrib).astype(np.float32)
    return score, hypothetical, contrib, attribution


def window_summit(settings: ExplainSettings) -> int:
    """Index of the summit in each attributed window: the last base for drops, the middle for counts."""
    return settings.flank // 2 if settings.target == "counts" else settings.flank - 1


def _groups(targets: list[Target], sizes: dict[str, int], flank: int, summit: int):
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    skipped = 0
    for index, target in enumerate(targets):
        length = sizes[target.chrom]
        start = target.scan_summit(length) - summit
        if start < 0 or start + flank > length:
            skipped += 1
            continue
        groups[(target.chrom, target.strand)].append((index, start))
    return groups, skipped


def _with_margin(genome: Genome, signal, chrom: str, strand: str, start: int, end: int, margin: int,
                 config) -> np.ndarray:
    """``(margin + end - start + margin, C)`` inputs of scan positions ``[start - margin, end + margin)``, zeros
    past the chromosome's ends."""
    lo, hi = max(start - margin, 0), min(end + margin, genome.sizes[chrom])
    x, _ = scan_inputs(genome, signal, chrom, strand, lo, hi, config)
    padded = np.zeros((end - start + 2 * margin, x.shape[1]), dtype=np.float32)
    padded[lo - (start - margin):hi - (start - margin)] = x
    return padded


def explain_drops(model: GateLSTM, genome: Genome, signal, targets: list[Target], settings: ExplainSettings,
                  device: torch.device, progress: bool = False, head: InsertionHead | None = None) -> Explained:
    """Attribute the dip of every drop in ``targets``, or the predicted counts around it (see the module docstring).

    Parameters
    ----------
    head
        The :class:`InsertionHead` of an insertions model; needed with ``settings.target == "counts"``.

    Returns
    -------
    Explained
        In the order of ``targets`` (less the skipped ones).
    """
    flank = settings.flank
    counts = settings.target == "counts"
    if counts and head is None:
        raise ValueError("target counts: the model's InsertionHead is needed")
    summit = window_summit(settings)
    margin = bias_margin(head) if counts and settings.model_part == "bias" else 0
    groups, skipped = _groups(targets, genome.sizes, flank, summit)
    if skipped and counts:
        log.warning("%d record(s) lie within --flank %d / 2 bases of a chromosome end: skipped", skipped, flank)
    elif skipped:
        log.warning("%d drop(s) lie within --flank %d bases of the chromosome start (scan direction): skipped",
                    skipped, flank)
    results: dict[int, tuple] = {}
    bar = progress_bar(sum(len(v) for v in groups.values()), "explain", unit="drop") if progress else None
    for (chrom, strand), members in groups.items():
        states = {}  # the bias model reads no state
        if not (counts and settings.model_part == "bias"):
            states = upstream_states(model, genome, signal, chrom, strand, [s for _, s in members], settings.context,
                                     settings.chunk_size, device)
        for first in range(0, len(members), settings.targets):
            batch = members[first:first + settings.targets]
            inputs = [scan_inputs(genome, signal, chrom, strand, s, s + flank, model.config) for _, s in batch]
            codes = np.stack([i[1] for i in inputs])
            if margin:
                inputs = [(_with_margin(genome, signal, chrom, strand, s, s + flank, margin, model.config),)
                          for _, s in batch]
            x = torch.from_numpy(np.stack([i[0] for i in inputs])).to(device)
            state = StreamState.cat([states[s] for _, s in batch]) if states else None
            score, hypothetical, contrib, attribution = _attribute(model, x, codes, state, settings, head, margin)
            share = None
            if model.config.uses_signal:
                if attribution is None:
                    attribution, _, _ = integrated_gradients(model, x, state, settings.ig_steps, settings.layer)
                share = channel_shares(attribution)
            for row, (index, start) in enumerate(batch):
                results[index] = (start, codes[row], hypothetical[row], contrib[row], score[row],
                                  None if share is None else share[row])
            if bar is not None:
                bar.update(len(batch))
    if bar is not None:
        bar.close()
    order = sorted(results)
    rows = [results[i] for i in order]
    width = flank
    return Explained(
        targets=[targets[i] for i in order],
        starts=np.array([r[0] for r in rows], dtype=np.int64),
        codes=np.stack([r[1] for r in rows]) if rows else np.zeros((0, width), np.uint8),
        hypothetical=np.stack([r[2] for r in rows]) if rows else np.zeros((0, width, 4), np.float32),
        contrib=np.stack([r[3] for r in rows]) if rows else np.zeros((0, width), np.float32),
        score=np.array([r[4] for r in rows], dtype=np.float64),
        dna_share=np.array([r[5] for r in rows], dtype=np.float64) if model.config.uses_signal else None,
        skipped=skipped,
        summit=summit,
    )


def agreement(model: GateLSTM, genome: Genome, signal, explained: Explained, settings: ExplainSettings,
              device: torch.device) -> dict[str, float] | None:
    """How integrated gradients agree with exact mutagenesis on the first ``settings.check`` drops.

    Returns
    -------
    dict or None
        ``{"drops", "median_pearson", "min_pearson"}`` of the per-base contributions
        (present bases), or None when nothing is checked (``ism``, ``check`` 0, or counts).
    """
    count = min(settings.check, len(explained.targets))
    if settings.target == "counts" or settings.method == "ism" or count == 0:
        return None
    exact = ExplainSettings(**{**settings.__dict__, "method": "ism", "check": 0})
    sample = explain_drops(model, genome, signal, explained.targets[:count], exact, device)
    pearson = []
    for row in range(count):
        a, b = explained.contrib[row], sample.contrib[row]
        if a.std() > 0 and b.std() > 0:
            pearson.append(float(np.corrcoef(a, b)[0, 1]))
    if not pearson:
        return None
    log.info("integrated gradients vs mutagenesis on %d drops: median Pearson r %.3f", count, np.median(pearson))
    return {"drops": count, "median_pearson": float(np.median(pearson)), "min_pearson": float(np.min(pearson))}
