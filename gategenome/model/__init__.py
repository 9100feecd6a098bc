"""The gated LSTM: its configuration, inputs, exact forget-gate recovery and checkpoints.

A one-hot DNA (optionally + ATAC signal) input, an optional convolutional stem, a
fused ``torch.nn.LSTM`` (or the coupled-gate variant) and a per-base head; the
gates are recovered exactly from the hidden states after the fused pass.
Checkpoints load with ``weights_only=True``.  :class:`ModelConfig` imports no torch.
A causal dilated CNN (:mod:`~gategenome.model.cnn`) is the no-memory comparison.
"""

from gategenome import import_on_first_use
from gategenome.model.config import ModelConfig

__all__ = ["GateLSTM", "ModelConfig", "load_model", "save_checkpoint"]
__getattr__ = import_on_first_use(__name__, {"GateLSTM": "network", "load_model": "checkpoint",
                                             "save_checkpoint": "checkpoint"})
