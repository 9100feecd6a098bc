"""The ``prepare`` step: accessible regions, folds and chromosome sizes for training.

:func:`run_prepare` validates every input first (genome, bigWig, peaks, blacklist,
folds), then computes the regions and the split, and writes all outputs into the
output directory together (:func:`gategenome.io.atomic.atomic_directory`): a failed
run leaves no output file behind.

Outputs
-------
``accessible.bed``
    Accessible regions (3 columns, genome order, 0-based half-open).
``folds.json``
    ``{"train": [...], "valid": [...], "test": [...]}`` chromosome names.
``chrom.sizes``
    Every FASTA chromosome and its length (UCSC format, FASTA order).
``prepare.json``
    Resolved settings, chromosome-name mapping, counts per chromosome and folds.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from gategenome import __version__
from gategenome.core.progress import progress_bar
from gategenome.data.chromosomes import ChromosomeSelection, drop_unsequenced, select_chromosomes
from gategenome.data.folds import FoldSplit, folds_from_options, read_folds, split_chromosomes
from gategenome.data.intervals import read_blacklist
from gategenome.data.region_arrays import (
    RegionArrays,
    count_regions,
    peak_regions,
    read_peak_columns,
    region_bases,
    subtract_blacklist,
    write_regions,
)
from gategenome.data.regions import signal_region_arrays, signal_threshold
from gategenome.data.settings import PrepareSettings
from gategenome.errors import ConfigError, InputError
from gategenome.io.atomic import atomic_directory
from gategenome.io.bed import Interval
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome, write_chrom_sizes
from gategenome.io.jsonfile import json_text, read_json_object

log = logging.getLogger(__name__)

#: File names written into the output directory.
OUTPUTS = ("accessible.bed", "folds.json", "chrom.sizes", "prepare.json")


def _progress_bar(total: int, description: str):
    return progress_bar(total, description, unit="b", unit_scale=True)


@dataclass(frozen=True)
class _Files:
    """The files of one prepare run (as given; ``prepare.json`` records them absolute)."""

    genome: str
    signal: str
    out_dir: str | os.PathLike
    peaks: str | None
    blacklist: str | None
    folds_file: str | None
    signal_summary: str | None


def run_prepare(genome: str, signal: str, out: str | os.PathLike, settings: PrepareSettings, *,
                peaks: str | None = None, blacklist: str | None = None, folds_file: str | None = None,
                signal_summary: str | None = None) -> dict:
    """Run the prepare step and write its outputs.

    Parameters
    ----------
    genome, signal
        FASTA and bigWig.
    out
        Output directory.
    settings
        Options.
    peaks, blacklist
        Optional BED/narrowPeak files: regions come from the peaks instead of the
        bigWig; the blacklist is cut out of them.
    folds_file
        Optional user ``folds.json`` (instead of ``settings.valid_chroms`` / ``test_chroms``).
    signal_summary
        Optional ``signal.json`` of ``gategenome signal`` that made the bigWig
        (and the peaks): its inputs, counts and MACS3 command and version are
        recorded in ``prepare.json``.

    Returns
    -------
    dict
        The content of ``prepare.json``.

    Raises
    ------
    GategenomeError
        Any invalid input or option; nothing is written then.
    """
    started = time.perf_counter()
    files = _Files(genome, signal, out, peaks, blacklist, folds_file, signal_summary)
    out_dir = _check_settings(files, settings)
    provenance = _signal_provenance(signal_summary)
    sizes, selection = _genome_chromosomes(genome, settings)
    kept_sizes = {name: sizes[name] for name in selection.kept}
    track = SignalTrack(signal, sizes, str(genome))
    try:
        if not any(name in track.mapping for name in selection.kept):
            raise ConfigError(
                f"{signal}: has no signal on any kept chromosome ({', '.join(selection.kept[:5])}...); "
                "expected the genome's nuclear chromosomes"
            )
        blacklisted = read_blacklist(blacklist, sizes)
        peak_columns = read_peak_columns(peaks, sizes) if peaks else None
        split = _fold_split(folds_file, settings, kept_sizes, list(selection.excluded))
        regions, method, blacklisted_bases = _accessible_regions(files, settings, track, peak_columns, kept_sizes,
                                                                 blacklisted, sizes)
        _require_regions(files, track, regions)
        value_counts = {"nan": track.nan_count, "infinite": track.infinite_count, "negative": track.negative_count}
        mapping = dict(track.mapping)
        missing = list(track.missing)
    finally:
        track.close()

    summary = _summary(
        files,
        settings,
        sizes,
        selection.kept,
        selection.excluded,
        regions,
        split,
        method,
        mapping,
        missing,
        blacklisted,
        blacklisted_bases,
        value_counts,
    )
    if provenance is not None:
        summary["signal_provenance"] = provenance
    _write_outputs(out_dir, regions, split, sizes, summary, started)
    log.info(
        "wrote %s: %d accessible regions, %d bases (%.2f%% of kept bases) in %.1f s",
        out_dir,
        summary["regions"]["count"],
        summary["regions"]["bases"],
        100 * summary["regions"]["fraction_of_kept_bases"],
        summary["seconds"],
    )
    return summary


def _signal_provenance(path: str | None) -> dict | None:
    """Where the bigWig and peaks came from, out of the ``signal.json`` of ``gategenome signal``."""
    if not path:
        return None
    record = read_json_object(path, "the signal.json written by 'gategenome signal'")
    if record.get("format") != "gategenome-signal":
        raise InputError(f"{path}: format {record.get('format')!r}; expected the signal.json of 'gategenome signal'")
    return {
        "file": str(Path(path).absolute()),
        "inputs": record.get("inputs", []),
        "tn5_shift": record.get("tn5_shift"),
        "groups": {name: group.get("fragments") for name, group in record.get("groups", {}).items()},
        "peaks": record.get("peaks", {}),
    }


def _check_settings(files: _Files, settings: PrepareSettings) -> Path:
    """Options that contradict each other or are out of range; the output directory."""
    if files.folds_file and (settings.valid_chroms or settings.test_chroms):
        raise ConfigError("--folds cannot be combined with --valid-chroms/--test-chroms; give one or the other")
    out_dir = Path(files.out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out-dir {out_dir}: exists and is not a directory")
    settings.peak_settings.validate()
    settings.signal_settings.validate()
    return out_dir


def _genome_chromosomes(path: str, settings: PrepareSettings) -> tuple[dict[str, int], ChromosomeSelection]:
    """Every FASTA chromosome's length and which of them are kept (at least one)."""
    with Genome(path) as genome:
        sizes = dict(genome.sizes)
        selection = drop_unsequenced(genome, select_chromosomes(sizes, settings.exclude_chroms))
    if not selection.kept:
        raise ConfigError(
            f"{path}: every chromosome is excluded "
            f"({', '.join(f'{name}: {why}' for name, why in list(selection.excluded.items())[:5])}); "
            "expected at least one kept (see --exclude-chroms)"
        )
    return sizes, selection


def _accessible_regions(
    files: _Files,
    settings: PrepareSettings,
    track: SignalTrack,
    peaks: RegionArrays | None,
    kept_sizes: dict[str, int],
    blacklist: list[Interval],
    sizes: dict[str, int],
) -> tuple[RegionArrays, dict, int]:
    """Regions from the peaks (when given) or the signal, blacklist cut out, genome order.

    Returns
    -------
    tuple
        ``(regions, method, blacklisted_bases)``: the regions (arrays per chromosome), how they were made
        (for ``prepare.json``) and the region bases the blacklist removed.
    """
    order = [name for name in sizes if name in kept_sizes]
    if peaks is not None:
        regions = peak_regions(peaks, order, settings.peak_settings)
        min_length = settings.peak_settings.min_length
        method: dict = {
            "source": "peaks",
            "file": str(Path(files.peaks).absolute()),
            **asdict(settings.peak_settings),
        }
    else:
        found, threshold = _signal_regions(track, kept_sizes, blacklist, settings.signal_settings)
        regions = {name: found[name] for name in order if name in found}
        min_length = settings.signal_settings.min_length
        method = {
            "source": "signal",
            "file": str(Path(files.signal).absolute()),
            **asdict(settings.signal_settings),
            "threshold": threshold.as_dict(),
            "transform": "centred moving average; threshold = factor x mean signal",
        }
    before = region_bases(regions)
    if blacklist:
        regions = subtract_blacklist(regions, blacklist, min_length)
    return regions, method, before - region_bases(regions)


def _write_outputs(
    out_dir: Path, regions: RegionArrays, split: FoldSplit, sizes: dict[str, int], summary: dict, started: float
) -> None:
    """Write the four outputs together (or none); ``summary["seconds"]`` is set last."""
    try:
        with atomic_directory(out_dir) as staging:
            write_regions(staging / "accessible.bed", regions)
            (staging / "folds.json").write_text(split.to_json())
            with open(staging / "chrom.sizes", "w") as handle:
                write_chrom_sizes(sizes, handle)
            summary["seconds"] = round(time.perf_counter() - started, 3)
            (staging / "prepare.json").write_text(json_text(summary))
    except OSError as exc:
        raise InputError(
            f"--out-dir {out_dir}: cannot write ({exc.strerror or exc}); expected a writable directory"
        ) from None


def _require_regions(files: _Files, track: SignalTrack, regions: RegionArrays) -> None:
    """No accessible region is an error naming why: nothing downstream can train or score without one."""
    if count_regions(regions):
        return
    if files.peaks:
        raise InputError(
            f"{files.peaks}: no accessible region left from the peaks (none on a kept chromosome, "
            f"or all shorter than --min-length or blacklisted); expected peaks on the kept chromosomes"
        )
    raise InputError(
        f"{files.signal}: no accessible region found ({track.describe_values()}); "
        "expected a non-negative ATAC-seq coverage track with signal on the kept chromosomes"
    )


def _fold_split(folds_file: str | None, settings: PrepareSettings, kept_sizes: dict[str, int],
                excluded: list[str]) -> FoldSplit:
    if folds_file:
        return read_folds(folds_file, kept_sizes, excluded)
    if settings.valid_chroms or settings.test_chroms:
        return folds_from_options(settings.valid_chroms, settings.test_chroms, kept_sizes, excluded)
    return split_chromosomes(kept_sizes, seed=settings.seed)


def _signal_regions(track, kept_sizes, blacklist, signal_settings):
    chroms = list(kept_sizes)
    total = sum(kept_sizes.values())
    with _progress_bar(total, "signal threshold") as bar:
        threshold = signal_threshold(track, kept_sizes, chroms, signal_settings, blacklist, bar.update)
    log.info(
        "signal threshold %.4f = %.2f x mean signal %.4f over %d bases (%d non-zero after smoothing)",
        threshold.value,
        threshold.factor,
        threshold.mean,
        threshold.bases,
        threshold.nonzero_bases,
    )
    with _progress_bar(total, "accessible regions") as bar:
        regions = signal_region_arrays(track, kept_sizes, chroms, threshold.value, signal_settings, bar.update)
    return regions, threshold


def _summary(
    files, settings, sizes, kept, excluded, regions, split, method, mapping, missing, blacklist, blacklisted_bases,
    value_counts,
) -> dict:
    per_chrom = {name: {"length": sizes[name], "regions": 0, "bases": 0} for name in kept}
    for name, (starts, ends) in regions.items():
        per_chrom[name]["regions"] += len(starts)
        per_chrom[name]["bases"] += int((ends - starts).sum())
    fold_of = {name: fold for fold, names in split.folds.items() for name in names}
    for name, row in per_chrom.items():
        row["signal_name"] = mapping.get(name)
        row["fold"] = fold_of.get(name)
    kept_bases = sum(sizes[name] for name in kept)
    covered = region_bases(regions)

    def absolute(path):
        return str(Path(path).absolute()) if path else None

    return {
        "format": "gategenome-prepare",
        "version": __version__,
        "settings": {
            "genome": absolute(files.genome),
            "signal": absolute(files.signal),
            "peaks": absolute(files.peaks),
            "blacklist": absolute(files.blacklist),
            "exclude_chroms": list(settings.exclude_chroms),
            "folds_file": absolute(files.folds_file),
            "valid_chroms": list(settings.valid_chroms),
            "test_chroms": list(settings.test_chroms),
            "seed": settings.seed,
            "out_dir": absolute(files.out_dir),
            "signal_summary": absolute(files.signal_summary),
        },
        "genome": {"chromosomes": len(sizes), "bases": sum(sizes.values())},
        "kept_chromosomes": list(kept),
        "excluded_chromosomes": dict(excluded),
        "chromosome_names": {
            "signal": {name: other for name, other in mapping.items()},
            "renamed": {name: other for name, other in mapping.items() if name != other},
            "missing_from_signal": list(missing),
        },
        "signal_nan_bases": int(value_counts["nan"]),
        "signal_infinite_bases": int(value_counts["infinite"]),
        "signal_negative_bases": int(value_counts["negative"]),
        "regions": {
            **method,
            "count": count_regions(regions),
            "bases": covered,
            "kept_bases": kept_bases,
            "fraction_of_kept_bases": covered / kept_bases if kept_bases else 0.0,
        },
        "blacklist": {
            "file": absolute(files.blacklist),
            "records": len(blacklist),
            "bases": sum(map(len, blacklist)),
            "region_bases_removed": int(blacklisted_bases),
        },
        "folds": {
            "method": split.method,
            "note": split.note,
            "seed": settings.seed,
            **{fold: list(names) for fold, names in split.folds.items()},
            "bases": split.bases(sizes),
        },
        "chromosomes": per_chrom,
        "outputs": list(OUTPUTS),
    }
