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
from gategenome.core.settings import non_finite, require_finite, settings_from_dict
from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig

SCHEDULES = ("cosine", "constant")
EDGE_LOSSES = ("log", "linear", "bce", "bce_units")


@dataclass
class TrainConfig:
    """How a :class:`~gategenome.model.network.GateLSTM` is trained.

    Attributes
    ----------
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
        Form of the edge term: ``"log"``, ``mean(-log(1 - f))`` (its pull never
        vanishes, and with the penalty its optimum is a graded gate), or
        ``"linear"``, ``-mean(1 - f)`` (paid as much per unit of forgetting as the
        penalty charges, so the best gate is all-or-none: shut where an edge is
        likely enough, open elsewhere), or ``"bce"``: the log edge term with the
        penalty as ``mean(-log f)``, so ``1 - f`` is trained as a (class-balanced)
        cross-entropy classifier of "near an edge" whose pull never vanishes on a
        saturated gate; ``"bce_units"``: the same cross-entropy for each hidden
        unit's gate, averaged over the units (through the mean gate the pull on a
        unit saturated near 1 vanishes, so plain ``bce`` leaves such units open
        for good and they hold the mean gate up).
    edge_sharpness
        ``bce`` only: the cross-entropy scores ``sigmoid(logit(1 - f) / T)``, so
        the gate itself is the calibrated classifier sharpened ``T`` times: shut
        (near 0) where an edge is likely, open (near 1) elsewhere, instead of
        hovering near 0.5 wherever the sequence leaves it unsure.  Both terms are
        multiplied by ``T``, so their pull per unit of the gate's logit, and so the
        meaning of the two weights, is as at ``T = 1``.  1 = plain bce.
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
        CPU threads for torch; 0 leaves torch's default.
    device
        ``auto``, ``cpu`` or ``cuda``.
    """

    window: int = 4096
    batch_size: int = 16
    epochs: int = 10
    steps_per_epoch: int = 40
    lr: float = 3e-3
    schedule: str = "cosine"
    warmup_steps: int = 20
    min_lr_ratio: float = 0.05
    weight_decay: float = 0.01
    grad_clip: float = 1.0
    patience: int = 3
    select_tolerance: float = 0.002
    accessible_fraction: float = 0.5
    shift_jitter: int = 2048
    rc_augment: bool = True
    class_balance: bool = False
    gate_penalty: float = 0.6
    edge_weight: float = 0.15
    edge_flank: int = 50
    edge_loss: str = "log"
    edge_sharpness: float = 1.0
    gate_start_epoch: int = 0
    gate_ramp_epochs: int = 0
    eval_segment: int = 16384
    eval_burn_in: int = 1024
    eval_batch: int = 16
    valid_bases: int = 8_000_000
    final_bases: int = 100_000_000
    seed: int = 0
    threads: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        require_finite(self, "train")
        positive = ("window", "batch_size", "epochs", "steps_per_epoch", "eval_segment", "eval_batch")
        for name in positive:
            if int(getattr(self, name)) < 1:
                raise ConfigError(f"train.{name}: got {getattr(self, name)!r}, expected a positive integer")
        for name in ("warmup_steps", "patience", "shift_jitter", "eval_burn_in", "threads", "seed", "edge_flank",
                     "valid_bases", "final_bases", "gate_start_epoch", "gate_ramp_epochs"):
            if int(getattr(self, name)) < 0:
                raise ConfigError(f"train.{name}: got {getattr(self, name)!r}, expected an integer >= 0")
        for name in ("lr", "weight_decay", "grad_clip", "gate_penalty", "edge_weight", "min_lr_ratio", "select_tolerance"):
            if float(getattr(self, name)) < 0:
                raise ConfigError(f"train.{name}: got {getattr(self, name)!r}, expected a number >= 0")
        if not 0.0 <= float(self.accessible_fraction) <= 1.0:
            raise ConfigError(f"train.accessible_fraction: got {self.accessible_fraction!r}, expected 0..1")
        if self.edge_loss not in EDGE_LOSSES:
            raise ConfigError(f"train.edge_loss: got {self.edge_loss!r}, expected one of {', '.join(EDGE_LOSSES)}")
        if not float(self.edge_sharpness) >= 1.0:
            raise ConfigError(f"train.edge_sharpness: got {self.edge_sharpness!r}, expected a number >= 1")
        if float(self.edge_sharpness) != 1.0 and self.edge_loss not in ("bce", "bce_units"):
            raise ConfigError(f"train.edge_sharpness: got {self.edge_sharpness!r} with edge_loss "
                              f"{self.edge_loss!r}; it applies to edge_loss bce and bce_units only (leave it at 1)")
        if self.schedule not in SCHEDULES:
            raise ConfigError(f"train.schedule: got {self.schedule!r}, expected one of {', '.join(SCHEDULES)}")
        if self.device not in ("auto", "cpu", "cuda") and not str(self.device).startswith("cuda:"):
            raise ConfigError(f"train.device: got {self.device!r}, expected auto, cpu or cuda")

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
            data = yaml.safe_load(path.read_text()) or {}
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
