"""Files a training run reads and writes (paths only; nothing is opened here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TrainInputs:
    """Files a training run reads.

    Attributes
    ----------
    genome
        FASTA (indexed or indexable).
    regions
        BED of accessible regions (the per-base targets).
    folds
        ``folds.json`` with the train / valid / test chromosomes.
    signal
        ATAC bigWig; required when the model reads the signal.
    blacklist
        Optional BED of bases left out of loss and metrics (e.g. collapsed rDNA).
    """

    genome: str
    regions: str
    folds: str
    signal: str | None = None
    blacklist: str | None = None


@dataclass
class TrainOutputs:
    """Where a training run writes: model, metrics, curves, resolved config, resume file."""

    model: Path
    metrics: Path | None = None
    curves: Path | None = None
    config: Path | None = None
    resume: Path = field(init=False)

    def __post_init__(self) -> None:
        self.model = Path(self.model)
        stem = self.model.with_suffix("")
        self.metrics = Path(self.metrics) if self.metrics else stem.parent / "metrics.json"
        self.curves = Path(self.curves) if self.curves else stem.parent / "curves.png"
        self.config = Path(self.config) if self.config else Path(f"{stem}.config.yaml")
        self.resume = Path(f"{stem}.resume.pt")
