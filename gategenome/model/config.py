"""The architecture of a :class:`~gategenome.model.network.GateLSTM` (no torch needed to read it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from gategenome.core.settings import require_finite, settings_from_dict
from gategenome.errors import ConfigError

INPUT_MODES = ("dna", "dna+signal")
HEAD_READS = ("last", "all")


@dataclass
class ModelConfig:
    """Architecture of a :class:`GateLSTM`.

    Attributes
    ----------
    inputs
        ``"dna"`` (4 channels) or ``"dna+signal"`` (5: DNA + ATAC signal).
    hidden_size
        LSTM units per layer.
    num_layers
        Stacked LSTM layers.
    conv_channels
        Channels of the causal convolutional stem; 0 disables it.
    conv_width
        Width (bases) of the stem's filters.
    coupled
        Tie the input gate to ``1 - forget gate`` (the cell becomes an
        exponential moving average whose forget gate is a retention rate).
    forget_bias
        Forget-gate bias initialisation: a number (constant for all units) or
        ``"chrono"`` (``log U(1, chrono_max - 1)``, a spread of memory lengths).
    chrono_max
        Longest memory (bases) of the chrono initialisation.
    signal_clip
        Upper clip of ``log1p(signal)``.
    head_reads
        What the per-base head reads: ``"last"``, the last layer's hidden state,
        or ``"all"``, every layer's (concatenated), so the prediction keeps the
        lower layers' memory where the last layer's gate is trained to reset.
    """

    inputs: str = "dna+signal"
    hidden_size: int = 32
    num_layers: int = 2
    conv_channels: int = 0
    conv_width: int = 9
    coupled: bool = True
    forget_bias: float | str = 1.0
    chrono_max: float = 2000.0
    signal_clip: float = 6.0
    head_reads: str = "last"

    def __post_init__(self) -> None:
        if self.inputs not in INPUT_MODES:
            raise ConfigError(f"model.inputs: got {self.inputs!r}, expected one of {', '.join(INPUT_MODES)}")
        for name in ("hidden_size", "num_layers", "conv_width"):
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"model.{name}: got {getattr(self, name)!r}, expected a positive integer")
        if int(self.conv_channels) < 0:
            raise ConfigError(f"model.conv_channels: got {self.conv_channels!r}, expected >= 0")
        if self.head_reads not in HEAD_READS:
            raise ConfigError(f"model.head_reads: got {self.head_reads!r}, expected one of {', '.join(HEAD_READS)}")
        if isinstance(self.forget_bias, str) and self.forget_bias != "chrono":
            try:
                self.forget_bias = float(self.forget_bias)
            except ValueError:
                raise ConfigError(
                    f"model.forget_bias: got {self.forget_bias!r}, expected a number or 'chrono'"
                ) from None
        require_finite(self, "model")

    @property
    def input_channels(self) -> int:
        """Channels per base fed to the model: 4 (DNA) or 5 (DNA + signal)."""
        return 5 if self.inputs == "dna+signal" else 4

    @property
    def uses_signal(self) -> bool:
        """Whether the model reads the ATAC signal channel."""
        return self.inputs == "dna+signal"

    def to_dict(self) -> dict:
        """Plain-type dictionary (safe for ``weights_only`` checkpoints and YAML)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> ModelConfig:
        """Build from a dictionary, rejecting unknown keys with the valid ones listed."""
        return settings_from_dict(cls, values, "model")
