"""Tn5's sequence preference: a small convolutional model of the log insertion rate.

Tn5 inserts more readily into some sequences than others whatever the chromatin;
a model of read counts that ignores this learns the enzyme's motif instead of the
cell's.  :class:`Tn5Bias` reads one-hot DNA around each base (a centred window of
``width`` bases: Tn5's footprint spans both sides of the cut) and returns the log
of its relative insertion preference.  It is fitted on bases outside accessible
regions (:func:`gategenome.train.bias.fit_tn5_bias`) and then added, frozen, to
the main model's log rate (as chromBPNet does), so the main model is left to
explain what the enzyme alone does not.
"""

from __future__ import annotations

import torch
from torch import nn


class Tn5Bias(nn.Module):
    """Centred two-layer CNN: one-hot DNA ``(N, L, 4)`` -> log relative insertion preference ``(N, L)``.

    ``log b_t = w . relu(conv_width(x)[t]) + shift``: the mean of ``b`` over the
    bases it was fitted on is 1 (``shift`` is set by the fit), so adding ``log b``
    to a model's log rate redistributes insertions without changing their number.

    Parameters
    ----------
    width
        Filter width in bases (odd widths are centred exactly; an even width
        reads one base more upstream).
    filters
        Convolution channels.
    """

    def __init__(self, width: int = 21, filters: int = 8):
        super().__init__()
        self.width, self.filters = int(width), int(filters)
        self.conv = nn.Conv1d(4, self.filters, self.width, padding=0)
        self.out = nn.Linear(self.filters, 1)
        self.register_buffer("shift", torch.zeros(()))

    def forward(self, onehot: torch.Tensor) -> torch.Tensor:
        """``(N, L, 4)`` one-hot (extra channels ignored) -> ``(N, L)`` log preference (zero-padded ends)."""
        x = onehot[..., :4].transpose(1, 2)
        before = (self.width - 1) // 2 + (1 - self.width % 2)
        after = self.width - 1 - before
        x = nn.functional.pad(x, (before, after))
        hidden = torch.relu(self.conv(x)).transpose(1, 2)
        return self.out(hidden).squeeze(-1) + self.shift

    def freeze(self) -> Tn5Bias:
        """No gradients to the parameters, eval mode: the fixed offset while the main model trains."""
        for parameter in self.parameters():
            parameter.requires_grad_(False)
        return self.eval()

    def to_entry(self) -> dict:
        """Plain-type checkpoint entry (``width``, ``filters``, ``state_dict``)."""
        return {"width": self.width, "filters": self.filters,
                "state_dict": {key: value.detach().cpu().clone() for key, value in self.state_dict().items()}}

    @classmethod
    def from_entry(cls, entry: dict) -> Tn5Bias:
        """The frozen model of a :meth:`to_entry` dictionary."""
        model = cls(int(entry["width"]), int(entry["filters"]))
        model.load_state_dict(entry["state_dict"])
        return model.freeze()
