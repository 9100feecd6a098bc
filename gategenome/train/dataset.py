"""The training data: folds read, and each fold's chromosomes loaded with targets and signal."""

from __future__ import annotations

import logging

from gategenome.data.folds import read_folds
from gategenome.data.intervals import read_blacklist, read_regions
from gategenome.errors import ConfigError, InputError
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.model.config import ModelConfig
from gategenome.train.files import TrainInputs
from gategenome.train.windows import Chromosome, load_chromosomes

log = logging.getLogger(__name__)


def open_training_data(
    inputs: TrainInputs, model_config: ModelConfig
) -> tuple[dict[str, list[str]], dict[str, list[Chromosome]]]:
    """Read the folds and load every chromosome of each fold into memory.

    Parameters
    ----------
    inputs
        Genome, regions, folds, and the signal and blacklist when given.
    model_config
        Whether the model reads the signal.

    Returns
    -------
    tuple
        ``(folds, data)``: fold -> chromosome names, and fold -> its
        :class:`~gategenome.train.windows.Chromosome` objects.

    Raises
    ------
    ConfigError
        The model reads the signal but no bigWig was given.
    InputError
        An empty valid or test fold, no region, or no region on the valid or test chromosomes.
    """
    if model_config.uses_signal and not inputs.signal:
        raise ConfigError("model.inputs is dna+signal but no signal bigWig was given; pass --signal or set inputs: dna")
    with Genome(inputs.genome) as genome:
        folds = read_folds(inputs.folds, genome.sizes).folds
        for fold in ("valid", "test"):
            if not folds[fold]:
                raise InputError(f"{inputs.folds}: the {fold} fold is empty; training needs held-out valid and test chromosomes")
        # Same chromosome-name matching as prepare, so a blacklist written as XII masks chrXII here too.
        regions = read_regions(inputs.regions, genome.sizes)
        _require_fold_regions(inputs.regions, folds, {iv.chrom for iv in regions})
        blacklist = read_blacklist(inputs.blacklist, genome.sizes)
        signal = SignalTrack(inputs.signal, genome.sizes) if model_config.uses_signal else None
        try:
            data = {}
            for fold in ("train", "valid", "test"):
                data[fold] = load_chromosomes(genome, folds[fold], regions, signal, blacklist)
                log.info("%s fold: %d chromosome(s), %d bases", fold, len(data[fold]), sum(len(c) for c in data[fold]))
        finally:
            if signal is not None:
                signal.close()
    return folds, data


def _require_fold_regions(path, folds: dict[str, list[str]], region_chroms: set[str]) -> None:
    """The valid and test folds need a region each: auROC/auPRC are undefined without a positive base."""
    for fold in ("valid", "test"):
        if not region_chroms.intersection(folds[fold]):
            raise InputError(
                f"{path}: no accessible region on the {fold} chromosomes ({', '.join(folds[fold][:5])}); "
                f"expected regions on every fold (the {fold} auROC/auPRC is undefined without one)"
            )
