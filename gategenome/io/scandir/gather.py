"""Merge scan directories of single chromosomes (or strands) into one (``gategenome gather``)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gategenome.errors import InputError
from gategenome.io.atomic import honour_umask, remove_abandoned, temporary_prefix
from gategenome.io.jsonfile import read_json_object
from gategenome.io.provenance import require_compatible, scan_product
from gategenome.io.publish import crash_point, replace_directory
from gategenome.io.scandir.layout import STRAND_ORDER, TRACK_FILES, TRACKS_META

log = logging.getLogger(__name__)

#: ``scan.json`` keys besides the model and genome checksums that shards must share (strands may differ).
SHARED_KEYS = ("signal_checksum", "layer", "null")

def _merge_marker(target: Path, source: Path) -> None:
    """Fold one strand shard's chromosome marker into the one already gathered."""
    merged = read_json_object(target, "a shard marker written by 'gategenome scan'")
    extra = read_json_object(source, "a shard marker written by 'gategenome scan'")
    merged["strands"] = sorted(set(merged.get("strands", [])) | set(extra.get("strands", [])), key=STRAND_ORDER.get)
    # Wall time adds up over the strand jobs; null_bases is per strand (both shards scan the same windows).
    if isinstance(merged.get("seconds"), (int, float)) and isinstance(extra.get("seconds"), (int, float)):
        merged["seconds"] = merged["seconds"] + extra["seconds"]
    target.unlink()
    target.write_text(json.dumps(merged, indent=2))



def _merge_meta(meta: dict[str, Any] | None, shard_meta: dict[str, Any]) -> dict[str, Any]:
    """``scan.json`` of the gathered directory: the first shard's, with the chromosomes
    and strands of every shard."""
    if meta is None:
        return shard_meta
    for name, length in shard_meta.get("chroms", {}).items():
        meta.setdefault("chroms", {}).setdefault(name, length)
    strands = set(meta.get("strands", [])) | set(shard_meta.get("strands", []))
    meta["strands"] = sorted(strands, key=STRAND_ORDER.get)
    return meta



def _link_shard(shard: Path, into: Path) -> None:
    """Hard-link (or copy) every file of a shard below ``scan.json`` into ``into``."""
    for source in sorted(shard.rglob("*")):
        if source.is_dir() or source == shard / "scan.json" or source.name.startswith("."):
            continue  # directories, the metadata (merged), hidden files such as Snakemake's timestamps
        target = into / source.relative_to(shard)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and target.suffix == ".json":
            _merge_marker(target, source)
            continue
        if target.exists():
            raise InputError(f"{source}: {target.relative_to(into)} is also in another shard; expected disjoint shards")
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)



def _foreign_files(out: Path) -> list[str]:
    """Files below ``out`` that neither scan, gather nor tracks writes there (replacing ``out`` would remove them)."""
    foreign = []
    for path in sorted(out.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        parts = path.relative_to(out).parts
        if len(parts) == 2 and parts[0] in ("chroms", "null"):
            continue
        if len(parts) == 1 and parts[0] in ("scan.json", ".snakemake_timestamp", TRACKS_META, *TRACK_FILES.values()):
            continue
        if parts[0].startswith(".") and parts[0].endswith(".tmp"):  # temporaries of scan and tracks
            continue
        foreign.append("/".join(parts))
    return foreign


def _take_place(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in the place of ``out`` in one step (:func:`gategenome.io.publish.replace_directory`).

    Another gather publishing ``out`` at the same moment makes this one fail
    with one line instead of removing what the other wrote.
    """
    crash_point()
    try:
        replace_directory(tmp, out)
    except OSError as exc:
        raise InputError(f"{out}: changed while this gather ran ({exc.strerror}); expected one gather "
                         "writing it at a time") from None
    crash_point()


def gather_shards(shards: Iterable[str | os.PathLike], out: str | os.PathLike) -> Path:
    """Merge scan directories of single chromosomes (or strands) into one.

    Every file below ``scan.json`` is hard-linked into the same place of the
    gathered directory where the filesystem allows (no copy), else copied.  Shards
    of one chromosome's two strands hold distinct arrays but the same marker
    ``chroms/{chrom}.json``: the markers are merged (strands united, seconds added).
    ``scan.json`` is the first shard's, with ``chroms`` and ``strands`` the union of
    every shard's.  Shards of another model, genome, signal, layer or null are refused
    (:func:`~gategenome.io.provenance.require_compatible`).  The directory is built under a temporary name and renamed into
    place when complete.

    Parameters
    ----------
    shards
        Scan directories written by ``gategenome scan --chrom`` (or ``--strand``).
    out
        The gathered scan directory (replaced if it exists and holds only a scan: scan.json, chroms/, null/,
        the bigWigs of tracks; other files there are refused).

    Returns
    -------
    Path
        ``out``.
    """
    out = Path(out)
    shards = [Path(shard) for shard in shards]
    if not shards:
        raise InputError("gather: no shard given; expected one or more scan directories")
    for shard in shards:
        if not (shard / "scan.json").is_file():
            raise InputError(f"{shard}: not a scan directory (no scan.json); expected the output of 'gategenome scan'")
    if out.exists() and not (out / "scan.json").is_file():
        raise InputError(f"{out}: exists and is not a scan directory; expected a new path or an earlier gathered scan")
    foreign = _foreign_files(out) if out.exists() else []
    if foreign:
        raise InputError(f"{out}: holds {len(foreign)} file(s) that are not part of a scan directory "
                         f"({', '.join(foreign[:3])}); expected a new path or an earlier gathered scan (it is replaced)")
    if out.is_symlink():
        raise InputError(f"{out}: is a symbolic link; expected a real directory (an earlier gathered scan is replaced)")
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out)  # the staging of a killed gather (named with its PID@host)
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(out), suffix=".tmp", dir=out.parent))
    honour_umask(tmp)  # mkdtemp makes 0700; the gathered directory is read by other jobs and users
    try:
        meta = first = None
        for shard in shards:
            shard_meta = read_json_object(shard / "scan.json", "the scan metadata written by 'gategenome scan'")
            product = scan_product(shard / "scan.json", shard_meta, SHARED_KEYS)
            if first is None:
                first = product
            require_compatible(first, product)
            meta = _merge_meta(meta, shard_meta)
            _link_shard(shard, tmp)
            log.info("gathered %s", shard)
        (tmp / "scan.json").write_text(json.dumps(meta, indent=2))
        _take_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
