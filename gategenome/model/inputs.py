"""Model inputs: one-hot DNA, optionally with the ATAC signal as a fifth channel."""

from __future__ import annotations

import numpy as np
import torch

from gategenome.core.encode import one_hot
from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig


def model_inputs(onehot: np.ndarray, signal: np.ndarray | None, config: ModelConfig) -> np.ndarray:
    """Assemble the per-base model input.

    Parameters
    ----------
    onehot
        ``(L, 4)`` one-hot DNA (any numeric dtype).
    signal
        ``(L,)`` raw ATAC signal (counts), or ``None`` for a ``dna`` model.
    config
        The model configuration (decides the channels and the clip).

    Returns
    -------
    numpy.ndarray
        ``(L, 4)`` or ``(L, 5)`` float32.
    """
    dna = onehot.astype(np.float32, copy=False)
    if not config.uses_signal:
        return dna
    if signal is None:
        raise ConfigError("the model reads DNA + ATAC signal (inputs: dna+signal) but no signal was given")
    feature = np.minimum(np.log1p(np.maximum(signal, 0.0, dtype=np.float32)), config.signal_clip)
    return np.concatenate([dna, feature[:, None].astype(np.float32)], axis=1)


#: Rows of the input for each base code (``A C G T`` one-hot, unknown all zero), with a fifth signal channel.
_CODE_ROWS = np.zeros((5, 5), dtype=np.float32)
_CODE_ROWS[:4, :4] = np.eye(4, dtype=np.float32)


def write_model_inputs(out: np.ndarray, codes: np.ndarray, signal: np.ndarray | None, config: ModelConfig) -> None:
    """Write :func:`model_inputs` of base codes into ``out`` without temporaries of the input's size.

    Parameters
    ----------
    out
        ``(L, C)`` C-contiguous float32, ``C`` = ``config.input_channels``; every element is written.
    codes
        ``(L,)`` base codes (:func:`~gategenome.core.encode.encode_codes`; unknown bases give zeros).
    signal
        ``(L,)`` raw ATAC signal, or ``None`` for a ``dna`` model.
    config
        The model configuration.
    """
    channels = config.input_channels
    np.take(_CODE_ROWS[:, :channels], codes, axis=0, out=out)
    if not config.uses_signal:
        return
    if signal is None:
        raise ConfigError("the model reads DNA + ATAC signal (inputs: dna+signal) but no signal was given")
    feature = np.maximum(signal, 0.0, dtype=np.float32)
    np.log1p(feature, out=feature)
    np.minimum(feature, config.signal_clip, out=out[:, 4])


def encode_batch(
    sequences: list[str],
    config: ModelConfig,
    signal_value: float = 0.0,
    device: torch.device | str = "cpu",
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """Model inputs for equal-length sequences, with a constant ATAC signal channel.

    Parameters
    ----------
    sequences
        ``N`` sequences of one length ``L``.
    config
        The model's configuration (decides whether a signal channel is added).
    signal_value
        Raw ATAC count fed to every base of a ``dna+signal`` model
        (0 = closed chromatin).

    Returns
    -------
    torch.Tensor
        ``(N, L, C)``.
    """
    arrays = []
    for sequence in sequences:
        signal = np.full(len(sequence), signal_value, dtype=np.float32) if config.uses_signal else None
        arrays.append(model_inputs(one_hot(sequence), signal, config))
    return torch.from_numpy(np.stack(arrays)).to(device=device, dtype=dtype)
