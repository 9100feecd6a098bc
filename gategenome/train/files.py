"""Files a training run reads and writes, and the identity of the inputs (recorded for ``--resume``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

#: Files up to this size are identified by a checksum of all their bytes; larger
#: ones (genomes, bigWigs) by their size and a checksum of their first and last MiB.
WHOLE_FILE_LIMIT = 64 << 20
_EDGE = 1 << 20


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
    insertions
        bigWig of Tn5 insertions per base (``target: insertions``).
    """

    genome: str
    regions: str
    folds: str
    signal: str | None = None
    blacklist: str | None = None
    insertions: str | None = None


@dataclass
class TrainOutputs:
    """Where a training run writes: model, metrics, curves, resolved config, resume file, genome cache.

    ``cache`` is the genome cache directory (:mod:`gategenome.data.cache`),
    ``MODEL.cache`` beside the model unless given; it is kept and reused by later
    runs on the same genome and signal.
    """

    model: Path
    metrics: Path | None = None
    curves: Path | None = None
    config: Path | None = None
    cache: Path | None = None
    resume: Path = field(init=False)

    def __post_init__(self) -> None:
        self.model = Path(self.model)
        stem = self.model.with_suffix("")
        self.metrics = Path(self.metrics) if self.metrics else stem.parent / "metrics.json"
        self.curves = Path(self.curves) if self.curves else stem.parent / "curves.png"
        self.config = Path(self.config) if self.config else Path(f"{stem}.config.yaml")
        self.cache = Path(self.cache) if self.cache else Path(f"{stem}.cache")
        self.resume = Path(f"{stem}.resume.pt")


def file_identity(path: str | Path) -> dict:
    """Identity of one input file: its size and a SHA-256 (of all of it, or of its ends when large).

    Independent of the path and the modification time, so a copied file keeps
    its identity and an edited or different one does not.
    """
    path = Path(path)
    size = path.stat().st_size
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        if size <= WHOLE_FILE_LIMIT:
            for block in iter(lambda: handle.read(_EDGE), b""):
                digest.update(block)
        else:
            digest.update(handle.read(_EDGE))
            handle.seek(size - _EDGE)
            digest.update(handle.read(_EDGE))
    return {"size": size, "sha256": digest.hexdigest(), "whole": size <= WHOLE_FILE_LIMIT}


def input_identities(inputs: TrainInputs) -> dict[str, dict | None]:
    """:func:`file_identity` of every input given (``None`` for those not given), by field name."""
    return {
        item.name: (file_identity(getattr(inputs, item.name)) if getattr(inputs, item.name) else None)
        for item in fields(inputs)
    }
