"""Training configuration: :class:`TrainConfig` and the ``model:``/``train:`` YAML file.

A configuration file has two top-level sections, both optional::

    model:            # keys of gategenome.model.network.ModelConfig
      inputs: dna+signal
      hidden_size: 32
    train:            # keys of TrainConfig
      window: 4096
      epochs: 6

Unknown sections or keys raise :class:`~gategenome.errors.ConfigError` naming the
key and the valid ones, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gategenome.core.checkout import CONFIG_SCHEMA, workflow_root
from gategenome.core.settings import check_ranges, non_finite, setting, settings_from_dict
from gategenome.errors import ConfigError
from gategenome.io.yamlfile import read_yaml
from gategenome.model.config import ModelConfig

SCHEDULES = ("cosine", "constant")
EDGE_LOSSES = ("log", "bce_units")
TARGETS = ("regions", "insertions")


@dataclass
class TrainConfig:
    """How a :class:`~gategenome.model.network.GateLSTM` is trained.

    Attributes
    ----------
    target
        What the per-base head learns: ``"regions"``, "inside an accessible
        region" of the regions BED (a logit, binary cross-entropy), or
        ``"insertions"``, the log Tn5 insertion rate of an insertions bigWig
        (multinomial profile loss over each window plus the squared error of its
        log total count), with Tn5's sequence preference fitted first on the
        bases outside the regions and added as a frozen log offset.  The regions
        then only choose where windows are drawn and score auROC/auPRC; the
        kept weights are chosen by the valid peaks' counts and profiles
        (:func:`gategenome.train.peak_counts.peak_selection_score`), not the valid auPRC.
    count_weight
        ``target: insertions``: weight of the squared error of each window's log
        total count next to the multinomial profile loss (per insertion).
    bias_width
        ``target: insertions``: width in bases of the Tn5 bias model's filters
        (centred on the insertion).
    bias_steps
        ``target: insertions``: optimisation steps fitting the Tn5 bias model on
        the bases outside the regions of the train chromosomes; 0 fits none (no
        offset).
    insertion_clip
        ``target: insertions``: insertions per base above this are counted as this
        (deep repeats such as the rDNA); 0 keeps every count.
    edge_rate_fold
        ``target: insertions``: the gate terms' edges are where the model's own
        predicted insertion rate (detached, averaged over ``edge_flank`` bases)
        crosses this multiple of the genome mean, never the regions BED.
    window
        Bases per training window (the LSTM needs kilobases of context).
    batch_size
        Windows per optimisation step.
    epochs
        Most epochs; early stopping may end sooner.
    steps_per_epoch
        Optimisation steps per epoch (windows are sampled, not enumerated).
    lr
        Peak learning rate of AdamW.
    schedule
        ``"cosine"`` (linear warm-up then cosine decay to ``lr * min_lr_ratio``) or
        ``"constant"`` (warm-up then flat).
    warmup_steps
        Linear warm-up steps.
    min_lr_ratio
        Final learning rate of the cosine schedule as a fraction of ``lr``.
    weight_decay
        AdamW weight decay.
    grad_clip
        Gradient-norm clip; 0 disables it.
    patience
        Epochs without a better validation auPRC before stopping; 0 disables it.
    select_tolerance
        An epoch whose validation auPRC is within this of the best so far replaces
        the kept weights (and does not count against ``patience``): per-base accuracy
        saturates within a few epochs while the gate terms keep shaping the forget
        gate, so the latest near-best weights are kept.  0 keeps strictly the best.
    accessible_fraction
        Fraction of windows placed to touch an accessible region (the rest are
        drawn uniformly from the train chromosomes).
    shift_jitter
        Largest random shift (bases) of a region-anchored window around the
        region's centre.
    rc_augment
        Reverse-complement half of the windows (DNA complemented and reversed,
        signal and labels reversed).
    class_balance
        Weight the per-base loss so that accessible and background bases of each
        batch contribute equally (accessible bases are a few percent of a genome).
    gate_penalty
        Weight of the gate-sparsity penalty ``mean(1 - f)`` over the mean forget
        gate of the last layer (the one scanned), taken inside regions and outside
        and averaged: the model pays for each base where it forgets, so it learns
        to forget where it must and nowhere else.  With ``edge_weight > 0`` it
        covers only the bases away from region edges.
    edge_weight
        Weight of the edge term ``mean(-log(1 - f))`` over the bases within
        ``edge_flank`` of a region edge (last layer): the model is paid for
        forgetting at accessible-region boundaries, so the forget gate dips there
        instead of stepping down across whole regions.  0 turns it off.
    edge_flank
        Half-width in bases of the edge zone of ``edge_weight`` (the same flank as
        the ``boundary`` gate metric).
    edge_loss
        Form of the gate terms: ``"log"``, the edge term ``mean(-log(1 - f))``
        (its pull never vanishes, and with the penalty its optimum is a graded
        gate), or ``"bce_units"``: each hidden unit's gate of the last layer is a
        class-balanced cross-entropy classifier of "near an edge" (the edge term
        ``-log(1 - f)``, the penalty ``-log f``), averaged over the units, so the
        pull on a unit saturated near 1 never vanishes.
    edge_sharpness
        ``bce_units`` only: the cross-entropy scores ``sigmoid(logit(1 - f) / T)``,
        so the gate itself is the calibrated classifier sharpened ``T`` times: shut
        (near 0) where an edge is likely, open (near 1) elsewhere.  Both terms are
        multiplied by ``T``, so the meaning of the two weights is as at ``T = 1``.
    gate_start_epoch
        Epochs trained on the per-base loss alone before the gate terms switch on
        (a curriculum: the model first learns where regions are, then where to
        forget).  Those epochs are never kept as the final weights and do not
        count against ``patience``.  0 applies the gate terms from the start.
    gate_ramp_epochs
        Epochs over which the gate terms' weights rise linearly from 0 to
        ``gate_penalty`` and ``edge_weight`` after ``gate_start_epoch``; 0 switches
        them on at full weight.
    eval_segment
        Bases per segment when predicting whole held-out chromosomes.
    eval_burn_in
        Bases of context read (and discarded) before each evaluation segment.
    eval_batch
        Segments per forward pass when predicting held-out chromosomes (more rows
        run more bases per sequential LSTM step; memory grows with it, not with the fold).
    valid_bases
        Each epoch's validation scores a fixed random sample of the valid
        chromosomes' segments totalling about this many bases when the fold is
        longer (the same sample every epoch; the final metrics: ``final_bases``).
        0 validates on the whole fold.
    final_bases
        The final valid and test metrics score a fixed random sample of each fold's
        segments totalling about this many bases when the fold is longer (on hg38,
        whose held-out folds are ~450 Mb each, scoring every base is most of
        training's time); 0 scores every base.  Yeast and smaller genomes are
        scored whole.
    seed
        Seed of the weights and of the window sampling.
    threads
        CPU threads for torch; 0 takes torch's default less one for each core
        other processes keep busy when training starts.
    device
        ``auto``, ``cpu`` or ``cuda``.
    """

    target: str = setting("regions", "What the head learns: regions (inside an accessible region) or insertions "
                                     "(the log Tn5 insertion rate of --insertions).", choices=TARGETS)
    count_weight: float = setting(1.0, "target insertions: weight of the log total count error next to the "
                                       "profile loss.", low=0.0)
    bias_width: int = setting(21, "target insertions: width (bases) of the Tn5 bias model's filters.", low=1)
    bias_steps: int = setting(300, "target insertions: steps fitting the Tn5 bias model outside the regions; "
                                   "0 fits none.", low=0)
    insertion_clip: float = setting(0.0, "target insertions: insertions per base above this count as this; 0 "
                                         "keeps every count.", low=0.0)
    edge_rate_fold: float = setting(4.0, "target insertions: gate-term edges are where the predicted insertion "
                                         "rate crosses this multiple of the genome mean.", low=1.0, low_open=True)
    window: int = setting(4096, "Bases per training window.", low=1)
    batch_size: int = setting(16, "Windows per optimisation step.", low=1)
    epochs: int = setting(10, "Most epochs; early stopping may end sooner.", low=1)
    steps_per_epoch: int = setting(40, "Optimisation steps per epoch.", low=1)
    lr: float = setting(3e-3, "Peak learning rate of AdamW.", low=0.0)
    schedule: str = setting("cosine", "Learning-rate schedule after the warm-up: cosine decay or constant.",
                            choices=SCHEDULES)
    warmup_steps: int = setting(20, "Linear warm-up steps.", low=0)
    min_lr_ratio: float = setting(0.05, "Final learning rate of the cosine schedule as a fraction of lr.", low=0.0)
    weight_decay: float = setting(0.01, "AdamW weight decay.", low=0.0)
    grad_clip: float = setting(1.0, "Gradient-norm clip; 0 disables it.", low=0.0)
    patience: int = setting(3, "Epochs without a better validation auPRC before stopping; 0 disables it.", low=0)
    select_tolerance: float = setting(0.002, "An epoch within this of the best validation auPRC replaces the kept "
                                             "weights; 0 keeps strictly the best.", low=0.0)
    accessible_fraction: float = setting(0.5, "Fraction of windows placed to touch an accessible region.", low=0.0,
                                         high=1.0)
    shift_jitter: int = setting(2048, "Largest random shift (bases) of a region-anchored window.", low=0)
    rc_augment: bool = setting(True, "Reverse-complement half of the windows.")
    class_balance: bool = setting(False, "Weight accessible and background bases of each batch equally.")
    gate_penalty: float = setting(0.6, "Weight of the gate-sparsity penalty mean(1 - f) of the last layer.",
                                  low=0.0)
    edge_weight: float = setting(0.15, "Weight of the edge term paying the gate to forget near region edges; "
                                       "0 turns it off.", low=0.0)
    edge_flank: int = setting(50, "Half-width in bases of the edge zone of edge_weight.", low=0)
    edge_loss: str = setting("log", "Form of the gate terms: log, or bce_units (each unit's gate a cross-entropy "
                                    "classifier of near an edge).", choices=EDGE_LOSSES)
    edge_sharpness: float = setting(1.0, "bce_units: the gate is the edge classifier sharpened this many times "
                                         "(1 = plain).", low=1.0)
    gate_start_epoch: int = setting(0, "Epochs trained on the per-base loss alone before the gate terms switch on.",
                                    low=0)
    gate_ramp_epochs: int = setting(0, "Epochs over which the gate terms' weights rise linearly to full; 0 "
                                       "switches them on at full weight.", low=0)
    eval_segment: int = setting(16384, "Bases per segment when predicting whole held-out chromosomes.", low=1)
    eval_burn_in: int = setting(1024, "Bases of context read (and discarded) before each evaluation segment.",
                                low=0)
    eval_batch: int = setting(16, "Segments per forward pass when predicting held-out chromosomes.", low=1)
    valid_bases: int = setting(8_000_000, "Bases of the valid fold's fixed sample scored each epoch; 0 scores the "
                                          "whole fold.", low=0)
    final_bases: int = setting(100_000_000, "Bases of each fold's fixed sample scored by the final metrics; 0 "
                                            "scores every base.", low=0)
    seed: int = setting(0, "Seed of the weights and of the window sampling.", low=0)
    threads: int = setting(0, "CPU threads of torch (intra-op and inter-op); 0 takes torch's default less one "
                                 "for each core other processes keep busy when training starts.", low=0)
    device: str = setting("auto", "Where to train: auto (CUDA when available), cpu or cuda.",
                          choices=("auto", "cpu", "cuda"))

    def __post_init__(self) -> None:
        check_ranges(self, "train")
        if float(self.edge_sharpness) != 1.0 and self.edge_loss != "bce_units":
            raise ConfigError(f"train.edge_sharpness: got {self.edge_sharpness!r} with edge_loss "
                              f"{self.edge_loss!r}; it applies to edge_loss bce_units only (leave it at 1)")

    def to_dict(self) -> dict:
        """Plain-type dictionary (for checkpoints, metrics.json and YAML)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> TrainConfig:
        """Build from a dictionary, rejecting unknown keys with the valid ones listed."""
        return settings_from_dict(cls, values, "train")


def load_config(path: str | os.PathLike | None = None, **train_overrides: Any) -> tuple[ModelConfig, TrainConfig]:
    """Read a ``model:``/``train:`` YAML file (or the defaults) and apply overrides.

    Parameters
    ----------
    path
        The YAML file; ``None`` uses the defaults.
    **train_overrides
        :class:`TrainConfig` fields to override (``None`` values are ignored), e.g.
        ``seed`` and ``device`` from the command line.

    Returns
    -------
    tuple
        ``(ModelConfig, TrainConfig)``.

    Raises
    ------
    ConfigError
        Unreadable YAML, a section that is not a mapping, or an unknown key.
    """
    import yaml

    data: dict = {}
    if path is not None:
        path = Path(path)
        try:
            data = read_yaml(path) or {}
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping with 'model:' and/or 'train:' sections")
    unknown = sorted(set(data) - {"model", "train"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(map(str, unknown))}; expected model and/or train")
    sections = {}
    for name in ("model", "train"):
        section = data.get(name) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: section {name!r} must be a mapping of keys to values")
        sections[name] = dict(section)
    if path is not None:
        validate_sections(path, sections)
    sections["train"].update({key: value for key, value in train_overrides.items() if value is not None})
    try:
        return ModelConfig.from_dict(sections["model"]), TrainConfig.from_dict(sections["train"])
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}" if path else str(exc)) from None


def validate_sections(path: str | os.PathLike, sections: dict[str, dict]) -> None:
    """Check the ``model:`` and ``train:`` sections against the workflow's configuration schema.

    The rules (types, ranges, choices) are the ``model`` and ``train`` sections of
    ``workflow/schemas/config.schema.yaml`` of the workflow files (the checkout
    or a wheel's copy, see :mod:`gategenome.core.checkout`), the file the
    workflow validates ``config.yaml`` with; ``train.seed``, ``threads`` and
    ``device`` follow the schema's top-level ``seed`` and ``device`` keys.
    Without the schema (``$GATEGENOME_WORKFLOW`` naming a directory without
    it) only the dataclass types are checked.  NaN and infinity are refused
    as numbers.

    Raises
    ------
    ConfigError
        The first key that breaks a rule, with its value and the rule.
    """
    schema_path = workflow_root() / CONFIG_SCHEMA
    if not schema_path.is_file():
        return
    import jsonschema
    import yaml

    full = yaml.safe_load(schema_path.read_text())["properties"]
    train = dict(full["train"], properties={
        **full["train"]["properties"], "seed": full["seed"], "device": full["device"],
        "threads": {"type": "integer", "minimum": 0},
    })
    schema = {"type": "object", "properties": {"model": full["model"], "train": train}}
    # Unknown keys are left to settings_from_dict, whose message lists the valid ones.
    errors = sorted((error for error in jsonschema.Draft202012Validator(schema).iter_errors(sections)
                     if error.validator != "additionalProperties"), key=lambda e: [str(p) for p in e.path])
    if errors:
        error = errors[0]
        where = ".".join(str(part) for part in error.path) or "(top level)"
        raise ConfigError(f"{path}: {where}: {error.message} (rules: {CONFIG_SCHEMA})")
    found = non_finite(sections)
    if found is not None:
        raise ConfigError(f"{path}: {found[0]}: got {found[1]!r}, expected a finite number")


def dump_config(model: ModelConfig, train: TrainConfig) -> str:
    """The resolved configuration as YAML text (loadable by :func:`load_config`)."""
    import yaml

    return yaml.safe_dump({"model": model.to_dict(), "train": train.to_dict()}, sort_keys=False)
