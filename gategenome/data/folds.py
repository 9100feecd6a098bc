"""Chromosome-level train / valid / test split (``folds.json``).

Whole chromosomes go to one fold each, so no training window overlaps a held-out
one.  The automatic split is seeded and balanced by bases: among many seeded
random assignments it keeps the one whose fold sizes are closest to the target
fractions (70/15/15 by default) with every fold non-empty.

With fewer than three chromosomes a held-out split is impossible: with two, the
longer one is ``train`` and the shorter is both ``valid`` and ``test``; with one,
all three folds name it.  Both cases log a warning, and
:attr:`FoldSplit.note` says so (``prepare.json`` records it).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gategenome.errors import ConfigError
from gategenome.io.chroms import name_lookup
from gategenome.io.jsonfile import read_json_object

log = logging.getLogger(__name__)

FOLDS = ("train", "valid", "test")

#: What a folds file is, for messages.
FOLDS_FILE = 'a folds file {"train": [...], "valid": [...], "test": [...]}'

#: Default share of bases per fold.
DEFAULT_FRACTIONS = (0.70, 0.15, 0.15)

_CANDIDATES = 2000


@dataclass
class FoldSplit:
    """A split of chromosomes into folds.

    Attributes
    ----------
    folds
        ``{"train": [...], "valid": [...], "test": [...]}``, names in genome order.
    method
        ``"auto"``, ``"file"`` or ``"options"``.
    note
        Empty, or why the split is not a clean held-out split.
    """

    folds: dict[str, list[str]]
    method: str
    note: str = ""

    def bases(self, sizes: Mapping[str, int]) -> dict[str, int]:
        """Bases per fold."""
        return {fold: sum(sizes[name] for name in names) for fold, names in self.folds.items()}

    def to_json(self) -> str:
        """The ``folds.json`` text."""
        return json.dumps({fold: self.folds[fold] for fold in FOLDS}, indent=2) + "\n"


def split_chromosomes(
    sizes: Mapping[str, int],
    seed: int = 0,
    fractions: Sequence[float] = DEFAULT_FRACTIONS,
) -> FoldSplit:
    """Split chromosomes into train / valid / test, balanced by length.

    Parameters
    ----------
    sizes
        Chromosome name -> length of the chromosomes to split, in genome order.
    seed
        Seed of the random assignments; the same seed gives the same split.
    fractions
        Target share of bases of train, valid and test.

    Returns
    -------
    FoldSplit
        Every fold non-empty when there are at least three chromosomes.

    Raises
    ------
    ConfigError
        No chromosomes, or fractions that are not three positive numbers.
    """
    names = list(sizes)
    if not names:
        raise ConfigError("no chromosomes left to split into folds; check --exclude-chroms")
    if len(fractions) != 3 or min(fractions) <= 0:
        raise ConfigError(f"fold fractions must be three positive numbers, got {list(fractions)}")
    if len(names) < 3:
        return _degenerate_split(sizes)
    lengths = [float(sizes[name]) for name in names]
    total = sum(lengths)
    target = [fraction / sum(fractions) * total for fraction in fractions]
    rng = np.random.default_rng(seed)
    best: tuple[float, list[int]] | None = None
    # fewer candidates for genomes of many contigs keeps this well under a second
    for _ in range(max(50, min(_CANDIDATES, 200_000 // len(names)))):
        assignment = _greedy_assignment(lengths, target, rng.permutation(len(names)).tolist())
        totals = [0.0, 0.0, 0.0]
        for fold, length in zip(assignment, lengths):
            totals[fold] += length
        cost = max(abs(t - g) for t, g in zip(totals, target))
        if best is None or cost < best[0]:
            best = (cost, assignment)
    assert best is not None
    folds = {fold: [name for name, a in zip(names, best[1]) if a == index] for index, fold in enumerate(FOLDS)}
    split = FoldSplit(folds, "auto")
    log.info(
        "fold split (seed %d): %s",
        seed,
        ", ".join(
            f"{fold} {len(folds[fold])} chromosomes {b / total:.1%} of bases" for fold, b in split.bases(sizes).items()
        ),
    )
    return split


def _greedy_assignment(lengths: list[float], target: list[float], order: list[int]) -> list[int]:
    """Visit chromosomes in ``order``; each goes to the fold furthest below its target.

    The first three visited seed the three folds (largest target first), so every
    fold is non-empty.  Plain Python: for a few dozen chromosomes it is several
    times faster than numpy calls per step.
    """
    totals = [0.0, 0.0, 0.0]
    seeds = sorted(range(3), key=lambda fold: -target[fold])
    assignment = [0] * len(lengths)
    for rank, index in enumerate(order):
        if rank < 3:
            fold = seeds[rank]
        else:
            deficits = [target[f] - totals[f] for f in range(3)]
            fold = deficits.index(max(deficits))
        assignment[index] = fold
        totals[fold] += lengths[index]
    return assignment


def _degenerate_split(sizes: Mapping[str, int]) -> FoldSplit:
    names = list(sizes)
    if len(names) == 1:
        note = f"only one chromosome ({names[0]}): train, valid and test all name it; metrics are not held out"
        folds = {fold: list(names) for fold in FOLDS}
    else:
        longer, shorter = sorted(names, key=lambda name: -sizes[name])
        note = f"only two chromosomes: {longer} is train, {shorter} is both valid and test"
        folds = {"train": [longer], "valid": [shorter], "test": [shorter]}
    log.warning("fold split: %s", note)
    return FoldSplit(folds, "auto", note)


def _resolve_names(names: Sequence[str], sizes: Mapping[str, int], excluded: Sequence[str], label: str) -> list[str]:
    """Map user-given names to genome names (exact, then alias); unknown names are errors."""
    genome_name, excluded_name = name_lookup(sizes), name_lookup(excluded)
    resolved: list[str] = []
    for raw in names:
        name = genome_name(raw)
        if name is None:
            dropped = excluded_name(raw)
            if dropped is not None:
                log.warning("%s: chromosome %s is excluded; leaving it out of the folds", label, dropped)
                continue
            raise ConfigError(f"{label}: unknown chromosome {raw!r}; expected one of {', '.join(list(sizes)[:20])}")
        resolved.append(name)
    return resolved


def folds_from_mapping(
    folds: Mapping[str, Sequence[str]],
    sizes: Mapping[str, int],
    label: str,
    excluded: Sequence[str] = (),
    method: str = "file",
) -> FoldSplit:
    """Validate a user-given split against the kept chromosomes.

    Parameters
    ----------
    folds
        ``{"train": [...], "valid": [...], "test": [...]}``.
    sizes
        Kept chromosome name -> length, in genome order.
    label
        The file or option the split came from, for messages.
    excluded
        Excluded chromosome names: named in a fold, they are dropped with a warning.
    method
        Recorded in :attr:`FoldSplit.method`.

    Returns
    -------
    FoldSplit
        Names mapped to the genome's spelling, in genome order.

    Raises
    ------
    ConfigError
        Missing or extra keys, unknown chromosomes, a chromosome in two folds, or
        an empty train fold.
    """
    if not isinstance(folds, Mapping) or set(folds) != set(FOLDS):
        keys = sorted(folds) if isinstance(folds, Mapping) else type(folds).__name__
        raise ConfigError(f"{label}: expected exactly the keys train, valid, test; got {keys}")
    order = {name: index for index, name in enumerate(sizes)}
    resolved: dict[str, list[str]] = {}
    for fold in FOLDS:
        names = folds[fold]
        if isinstance(names, str) or not all(isinstance(name, str) for name in names):
            raise ConfigError(f"{label}: fold {fold!r} must be a list of chromosome names, got {names!r}")
        resolved[fold] = sorted(set(_resolve_names(list(names), sizes, excluded, label)), key=order.__getitem__)
    owner = _fold_owners(resolved, label)
    if not resolved["train"]:
        raise ConfigError(f"{label}: the train fold is empty; expected at least one chromosome")
    for fold in ("valid", "test"):
        if not resolved[fold]:
            log.warning("%s: the %s fold is empty", label, fold)
    unused = [name for name in sizes if name not in owner]
    if unused:
        log.warning("%s: %d kept chromosome(s) in no fold, unused: %s", label, len(unused), ", ".join(unused))
    return FoldSplit(resolved, method)


def _fold_owners(resolved: Mapping[str, Sequence[str]], label: str) -> dict[str, str]:
    """Chromosome -> first fold naming it; a chromosome in two folds is an error,
    except in the degenerate split of fewer than three chromosomes (see the module
    docstring), which is accepted with a warning because held-out metrics then are
    not held out."""
    owner: dict[str, str] = {}
    shared: list[str] = []
    distinct = {name for names in resolved.values() for name in names}
    for fold in FOLDS:
        for name in resolved[fold]:
            if name in owner:
                if len(distinct) >= 3:
                    raise ConfigError(
                        f"{label}: chromosome {name} is in both {owner[name]} and {fold}; expected one fold each"
                    )
                shared.append(f"{name} ({owner[name]}+{fold})")
                continue
            owner[name] = fold
    if shared:
        log.warning("%s: fewer than 3 chromosomes, so folds share %s; metrics are not held out", label, ", ".join(shared))
    return owner


def read_folds(path: str | os.PathLike, sizes: Mapping[str, int], excluded: Sequence[str] = ()) -> FoldSplit:
    """Read and validate a ``folds.json`` file (see :func:`folds_from_mapping`)."""
    data = read_json_object(path, FOLDS_FILE)
    return folds_from_mapping(data, sizes, str(path), excluded, method="file")


def folds_from_options(
    valid: Sequence[str],
    test: Sequence[str],
    sizes: Mapping[str, int],
    excluded: Sequence[str] = (),
) -> FoldSplit:
    """Split with the given valid and test chromosomes; every other kept one trains.

    Raises
    ------
    ConfigError
        Unknown chromosomes, or a chromosome in both lists.
    """
    valid_names = _resolve_names(valid, sizes, excluded, "--valid-chroms")
    test_names = _resolve_names(test, sizes, excluded, "--test-chroms")
    held_out = set(valid_names) | set(test_names)
    train = [name for name in sizes if name not in held_out]
    return folds_from_mapping(
        {"train": train, "valid": valid_names, "test": test_names},
        sizes,
        "--valid-chroms/--test-chroms",
        excluded,
        method="options",
    )
