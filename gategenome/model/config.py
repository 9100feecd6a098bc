"""The architecture of a :class:`~gategenome.model.network.GateLSTM` (no torch needed to read it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from gategenome.core.settings import check_ranges, setting, settings_from_dict
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

    inputs: str = setting("dna+signal", "What the model reads: DNA (4 channels) or DNA + ATAC signal (5).",
                          choices=INPUT_MODES)
    hidden_size: int = setting(32, "LSTM units per layer.", low=1)
    num_layers: int = setting(2, "Stacked LSTM layers (the last one is scanned).", low=1)
    conv_channels: int = setting(0, "Channels of the causal convolutional stem; 0 disables it.", low=0)
    conv_width: int = setting(9, "Width (bases) of the stem's filters.", low=1)
    coupled: bool = setting(True, "Tie the input gate to 1 - forget gate.")
    forget_bias: float | str = setting(1.0, "Forget-gate bias initialisation: a number, or chrono (a spread of "
                                            "memory lengths).", choices=("chrono",))
    chrono_max: float = setting(2000.0, "Longest memory (bases) of the chrono initialisation.", low=1.0,
                                low_open=True)
    signal_clip: float = setting(6.0, "Upper clip of log1p(signal).", low=0.0, low_open=True)
    head_reads: str = setting("last", "What the per-base head reads: the last layer's hidden state, or all "
                                      "layers'.", choices=HEAD_READS)

    def __post_init__(self) -> None:
        if isinstance(self.forget_bias, str) and self.forget_bias != "chrono":
            try:
                self.forget_bias = float(self.forget_bias)
            except ValueError:
                raise ConfigError(
                    f"model.forget_bias: got {self.forget_bias!r}, expected a number or 'chrono'"
                ) from None
        check_ranges(self, "model")

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
