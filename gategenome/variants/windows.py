"""The scanned windows of each allele: sequences in scan orientation, and the model run over them.

For each allele and strand, a reference window and an alternative window start
at the same scan position ``s`` from the same state (see
:mod:`gategenome.variants.context`) and run to ``footprint_max`` bases past the
allele.  The minus strand reads the reverse complement, as ``gategenome scan``
does.  Windows are computed in batches of rows padded at the end (the model is
causal, so padding changes nothing before it), in chunks carrying the state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from gategenome.core.encode import ONE_HOT_CODE, UNKNOWN_CODE, encode_codes
from gategenome.io.fasta import Genome
from gategenome.model.gates import mean_forget_gate
from gategenome.model.inputs import model_inputs
from gategenome.model.network import GateLSTM, StreamState
from gategenome.scan.jobs import scan_codes
from gategenome.variants.vcf import Allele

_RC = bytes.maketrans(b"ACGTN", b"TGCAN")


@dataclass(frozen=True)
class Window:
    """One allele on one strand, in scan coordinates.

    Attributes
    ----------
    allele
        Index into the allele list.
    strand
        ``"+"`` or ``"-"``.
    start
        ``s``: scan position where the window starts (its state is the
        context's state at ``s``).
    off
        Offset of the reference allele in the window (``u - s``).
    end
        Scan position where the reference window ends.
    ref, alt
        Alleles in scan orientation.
    """

    allele: int
    strand: str
    start: int
    off: int
    end: int
    ref: str
    alt: str


def scan_position(allele: Allele, strand: str, length: int) -> int:
    """``u``: scan position of the reference allele's first base on ``strand``."""
    return allele.pos if strand == "+" else length - allele.end


def make_window(index: int, strand: str, length: int, start: int, downstream: int, allele: Allele) -> Window:
    """The window of one allele on one strand starting at scan position ``start``."""
    u = scan_position(allele, strand, length)
    ref, alt = allele.ref, allele.alt
    if strand == "-":
        ref, alt = ref.encode().translate(_RC)[::-1].decode(), alt.encode().translate(_RC)[::-1].decode()
    end = min(length, u + len(ref) + downstream)
    return Window(index, strand, start, u - start, end, ref, alt)


def scan_signal(signal, chrom: str, strand: str, start: int, end: int, length: int) -> np.ndarray | None:
    """``(end - start,)`` raw signal at scan positions ``[start, end)`` (reversed on the minus strand)."""
    if signal is None:
        return None
    if strand == "+":
        return np.asarray(signal.values(chrom, start, end), dtype=np.float32)
    return np.asarray(signal.values(chrom, length - end, length - start), dtype=np.float32)[::-1].copy()


def window_inputs(genome: Genome, signal, chrom: str, window: Window, config) -> tuple[np.ndarray, ...]:
    """Model inputs of the reference and alternative windows and their unknown-base masks.

    The alternative window is the reference with the allele replaced.  Its signal
    (``dna+signal`` models) is the measured signal left as it is: the reference
    values before and after the allele, and the reference allele's values
    resampled to the alternative allele's length (nearest base: a deletion drops
    values, an insertion repeats them).

    Returns
    -------
    tuple
        ``(x_ref (L, C), unknown_ref (L,), x_alt (L', C), unknown_alt (L',))``.
    """
    length = genome.sizes[chrom]
    codes = scan_codes(genome, chrom, window.strand, window.start, window.end)
    off, ref_len = window.off, len(window.ref)
    alt_codes = np.concatenate([codes[:off], encode_codes(window.alt.encode()), codes[off + ref_len:]])
    raw = scan_signal(signal, chrom, window.strand, window.start, window.end, length)
    raw_alt = None
    if raw is not None:
        pick = (np.arange(len(window.alt)) * ref_len) // max(len(window.alt), 1)
        raw_alt = np.concatenate([raw[:off], raw[off:off + ref_len][pick], raw[off + ref_len:]])
    x_ref = model_inputs(ONE_HOT_CODE[codes], raw, config)
    x_alt = model_inputs(ONE_HOT_CODE[alt_codes], raw_alt, config)
    return x_ref, codes == UNKNOWN_CODE, x_alt, alt_codes == UNKNOWN_CODE


def run_rows(
    model: GateLSTM,
    rows: list[np.ndarray],
    state: StreamState | None,
    device: torch.device,
    layer: int = -1,
    chunk_size: int = 8192,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Mean forget gate and accessibility (float32) of rows of different lengths, computed together.

    Parameters
    ----------
    rows
        ``B`` model inputs ``(L_b, C)``.
    state
        ``B``-row start state (None: zeros).
    chunk_size
        Bases per forward call (the state is carried across calls).

    Returns
    -------
    tuple
        ``(forget, access)``: lists of ``(L_b,)`` float32 arrays.
    """
    forget, access, _ = run_rows_with_logits(model, rows, state, device, layer, chunk_size)
    return forget, access


def run_rows_with_logits(
    model: GateLSTM,
    rows: list[np.ndarray],
    state: StreamState | None,
    device: torch.device,
    layer: int = -1,
    chunk_size: int = 8192,
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """:func:`run_rows` with the head's logits too (a ``target: insertions`` model's log insertion rates).

    Returns
    -------
    tuple
        ``(forget, access, logits)``: lists of ``(L_b,)`` float32 arrays.
    """
    longest = max(row.shape[0] for row in rows)
    x = np.zeros((len(rows), longest, rows[0].shape[1]), dtype=np.float32)
    for index, row in enumerate(rows):
        x[index, :row.shape[0]] = row
    forget = np.empty((len(rows), longest), dtype=np.float32)
    access = np.empty((len(rows), longest), dtype=np.float32)
    logits = np.empty((len(rows), longest), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, longest, chunk_size):
            out = model(torch.from_numpy(x[:, start:start + chunk_size]).to(device), state)
            forget[:, start:start + chunk_size] = mean_forget_gate(model, out, layer).float().cpu().numpy()
            access[:, start:start + chunk_size] = torch.sigmoid(out.logits).float().cpu().numpy()
            logits[:, start:start + chunk_size] = out.logits.float().cpu().numpy()
            state = out.final
    return tuple([values[i, :row.shape[0]] for i, row in enumerate(rows)] for values in (forget, access, logits))
