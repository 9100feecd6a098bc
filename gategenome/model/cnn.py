"""A causal dilated CNN: the no-memory comparison for the sequence-only LSTM.

It reads the same one-hot DNA as :class:`~gategenome.model.network.GateLSTM` with a
stem of the same shape (``stem_channels`` filters of ``stem_width`` bases), then a
stack of residual causal convolutions (width 3, dilations 1, 2, 4, ...) and a
last width-2 convolution whose dilation makes the receptive field exactly
``receptive_field`` bases ending at the base (the bases a unidirectional model has
read).  Nothing is carried along the sequence: what the LSTM's memory adds over
a fixed window shows as the difference between the two.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gategenome.errors import ConfigError


@dataclass
class CnnConfig:
    """Architecture of a :class:`CausalCNN`.

    Attributes
    ----------
    receptive_field
        Bases seen by each output, ending at the base.
    channels
        Channels of the dilated stack.
    stem_channels, stem_width
        Filters and width of the first convolution.
    input_channels
        Channels per base (4: one-hot DNA).
    """

    receptive_field: int = 1024
    channels: int = 20
    stem_channels: int = 64
    stem_width: int = 12
    input_channels: int = 4

    def __post_init__(self) -> None:
        if self.stem_width < 1 or self.channels < 1 or self.stem_channels < 1:
            raise ConfigError(f"cnn: widths and channels must be positive, got {self.to_dict()}")
        if self.receptive_field < self.stem_width:
            raise ConfigError(f"cnn.receptive_field: got {self.receptive_field}, expected >= stem_width ({self.stem_width})")

    def dilations(self) -> tuple[list[int], int]:
        """Dilations of the width-3 blocks, and that of the last width-2 layer (0: none)."""
        field, dilation, blocks = self.stem_width, 1, []
        while field + 2 * dilation <= self.receptive_field:
            blocks.append(dilation)
            field += 2 * dilation
            dilation *= 2
        return blocks, self.receptive_field - field

    def to_dict(self) -> dict:
        """Plain-type dictionary."""
        return asdict(self)


class CausalCNN(nn.Module):
    """Stem + residual dilated causal convolutions + per-base head.

    Parameters
    ----------
    config
        The architecture.
    """

    def __init__(self, config: CnnConfig):
        super().__init__()
        self.config = config
        blocks, last = config.dilations()
        self.stem = nn.Conv1d(config.input_channels, config.stem_channels, config.stem_width)
        self.project = nn.Conv1d(config.stem_channels, config.channels, 1)
        self.blocks = nn.ModuleList(nn.Conv1d(config.channels, config.channels, 3, dilation=d) for d in blocks)
        self.last = nn.Conv1d(config.channels, config.channels, 2, dilation=last) if last else None
        self.head = nn.Conv1d(config.channels, 1, 1)

    @property
    def context(self) -> int:
        """Bases read before the first output base: ``receptive_field - 1``."""
        return self.config.receptive_field - 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Per-base logits.

        Parameters
        ----------
        x
            ``(N, L, C)`` inputs.

        Returns
        -------
        torch.Tensor
            ``(N, L)`` logits; base ``t`` sees ``x[:, t - receptive_field + 1 : t + 1]``
            (zeros before the start).
        """
        h = F.pad(x.transpose(1, 2), (self.context, 0))
        h = self.project(torch.relu(self.stem(h)))
        for block in self.blocks:
            step = block.dilation[0] * 2
            h = h[:, :, step:] + block(torch.relu(h))
        if self.last is not None:
            h = h[:, :, self.last.dilation[0]:] + self.last(torch.relu(h))
        return self.head(torch.relu(h)).squeeze(1)


def parameter_count(module: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def matching_config(parameters: int, receptive_field: int, stem_channels: int = 64, stem_width: int = 12) -> CnnConfig:
    """The :class:`CnnConfig` whose parameter count is closest to ``parameters``.

    Only ``channels`` is searched (1..256); the stem and receptive field are given.
    """
    best = None
    for channels in range(1, 257):
        config = CnnConfig(receptive_field, channels, stem_channels, stem_width)
        gap = abs(parameter_count(CausalCNN(config)) - parameters)
        if best is None or gap < best[0]:
            best = (gap, config)
    return best[1]
