"""The gated LSTM: its configuration, inputs, exact forget-gate recovery and checkpoints.

A one-hot DNA (optionally + ATAC signal) input, an optional convolutional stem, a
fused ``torch.nn.LSTM`` (or the coupled-gate variant) and a per-base head; the
gates are recovered exactly from the hidden states after the fused pass.
Checkpoints load with ``weights_only=True``.  :class:`ModelConfig` imports no torch.
A causal dilated CNN (:mod:`~gategenome.model.cnn`) is the no-memory comparison.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "checkpoint": ["load_model", "read_checkpoint", "resolve_device", "save_checkpoint"],
    "cnn": ["CausalCNN", "CnnConfig", "matching_config", "parameter_count"],
    "config": ["INPUT_MODES", "ModelConfig"],
    "gates": ["LayerGates", "blocked_mean_forget_gate", "forget_gates", "input_gates", "layer_forget_gates",
              "mean_forget_gate", "model_gates"],
    "inputs": ["encode_batch", "model_inputs"],
    "network": ["CoupledLSTM", "GateLSTM", "ModelOutput", "StreamState"],
})
