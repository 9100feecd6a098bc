"""Attributions of predicted insertion counts: what in the sequence a ``target: insertions`` model reads.

For each window (``W`` bases centred on a peak's summit) the score is the log of
the predicted insertions summed over the window, and each base's attribution is
its gradient times its input: the gradient with respect to the one-hot DNA,
centred over the four bases at each position, is the hypothetical contribution
modisco reads (BPNet's mean-normalised gradient, as :mod:`.gradients` gives for
the gate), and its value at the base present is that base's contribution.  Two
parts of the model are explained (``model_part``):

* ``"main"``: the main model alone, the Tn5 bias offset left out, so the score is
  ``log sum_t exp(logit_t) + log(mean rate)``, the bias-free predicted insertions:
  the accessibility the cell makes.  The window starts from the state the scan
  has there (:func:`gategenome.explain.windows.upstream_states`), held fixed.
* ``"bias"``: the frozen Tn5 bias model alone, ``log sum_t b_t``, the enzyme's
  own preference; it reads ``width`` bases either side of the window
  (:func:`bias_margin`), so the window's edges see their real neighbours.
"""

from __future__ import annotations

import numpy as np
import torch

from gategenome.errors import ConfigError
from gategenome.explain.gradients import hypothetical_from_gradients
from gategenome.model.insertions import TARGET_INSERTIONS, InsertionHead
from gategenome.model.network import GateLSTM, StreamState

#: What ``explain.json`` says is explained, per model part.
SCORES = {
    "main": "log predicted insertions over the window, Tn5's preference left out (main model)",
    "bias": "log of the Tn5 bias model's summed insertion preference over the window (bias model alone)",
}


def require_head(target: str, head: InsertionHead | None, part: str, model_path: str = "model") -> InsertionHead:
    """The head ``part`` needs, or a :class:`ConfigError` naming ``--model`` and what was expected.

    Parameters
    ----------
    target
        What the checkpoint was trained on (:func:`gategenome.model.insertions.checkpoint_target`).
    head
        Its :class:`InsertionHead` (None for a ``regions`` model).
    part
        ``"main"`` or ``"bias"``.
    """
    if target != TARGET_INSERTIONS or head is None:
        raise ConfigError(f"--model {model_path}: the model was trained on accessible regions (target {target}), "
                          "so it predicts no counts; --target counts expects a model trained with target insertions")
    if part == "bias" and head.bias is None:
        raise ConfigError(f"--model {model_path}: the checkpoint has no Tn5 bias model (trained without one); "
                          "--model-part bias expects a model trained with a bias model (train.bias_steps > 0)")
    return head


def bias_margin(head: InsertionHead) -> int:
    """Bases read either side of a window by the bias part (its filter width: every base sees its full footprint)."""
    return 0 if head.bias is None else int(head.bias.width)


def count_attributions(
    model: GateLSTM,
    head: InsertionHead,
    x: torch.Tensor,
    codes: np.ndarray,
    state: StreamState | None = None,
    part: str = "main",
    margin: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Gradient x input of the log predicted insertions of ``T`` windows of ``W`` bases.

    Parameters
    ----------
    model, head
        A ``target: insertions`` model and its :class:`InsertionHead` (with a bias model for ``part="bias"``).
    x
        ``(T, margin + W + margin, C)`` model inputs, scan orientation; the scored
        window is the middle ``W`` rows (``margin`` is 0 for the main part: it reads
        only the window, from ``state``).
    codes
        ``(T, W)`` base codes of the windows (4 = unknown: no contribution).
    state
        Where the main model starts each window (``T`` rows, held fixed; None: zeros).
    part
        ``"main"`` or ``"bias"`` (see the module docstring).
    margin
        Context rows either side of the window in ``x``.

    Returns
    -------
    tuple
        ``(score (T,), hypothetical (T, W, 4), contrib (T, W), attribution (T, W, C))``:
        the log predicted total; the mean-centred gradients of the DNA channels;
        their value at the base present; and gradient x input of every channel
        (its DNA and signal sums give a ``dna+signal`` model's DNA share).
    """
    width = codes.shape[1]
    inputs = x.detach().clone().requires_grad_(True)
    # cuDNN's LSTM runs backward only in training mode; the model stays in eval mode, so not through cuDNN
    with torch.enable_grad(), torch.backends.cudnn.flags(enabled=False):
        if part == "main":
            per_base = model(inputs, None if state is None else state.detach()).logits + head.log_mean_rate
        elif part == "bias":
            per_base = head.bias.to(inputs.device)(inputs)
        else:
            raise ValueError(f"part: got {part!r}, expected main or bias")
        score = torch.logsumexp(per_base[:, margin:margin + width], dim=1)
        (gradient,) = torch.autograd.grad(score.sum(), inputs)
    gradient = gradient[:, margin:margin + width].double().cpu().numpy()
    window = x[:, margin:margin + width].double().cpu().numpy()
    hypothetical = hypothetical_from_gradients(gradient, codes)
    contrib = np.take_along_axis(hypothetical, np.minimum(codes, 3)[..., None].astype(np.int64), axis=-1)[..., 0]
    contrib = np.where(codes == 4, 0.0, contrib).astype(np.float32)
    return score.detach().double().cpu().numpy(), hypothetical, contrib, window * gradient
