"""Train the model: sampled windows, the loss with its forget-gate terms, the epoch loop.

Windows are sampled from the train chromosomes; each epoch is validated on the
valid chromosomes (per-base auPRC selects the weights and stops early), a resume
checkpoint makes a killed run continue bit for bit, and the held-out test fold
and no-memory baselines give the numbers in ``metrics.json``.
:class:`TrainConfig` imports no torch.
"""

from gategenome import import_on_first_use
from gategenome.train.config import TrainConfig

__all__ = ["TrainConfig", "run_train"]
__getattr__ = import_on_first_use(__name__, {"run_train": "loop"})
