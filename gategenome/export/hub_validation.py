"""Check a UCSC track hub against the hub / trackDb rules the exporter relies on.

:func:`validate_hub` reads ``hub.txt``, ``genomes.txt`` and each ``trackDb.txt``
(blank-line separated ``key value`` stanzas, :func:`parse_stanzas`) and lists
what a browser would reject: missing fields, bad names or labels, bigDataUrl files
that are absent or not of their type (:func:`has_magic`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REQUIRED_TRACK_FIELDS = ("track", "type", "bigDataUrl", "shortLabel", "longLabel")
REQUIRED_HUB_FIELDS = ("hub", "shortLabel", "longLabel", "genomesFile", "email")
_MAGIC = {"bigWig": (0x888FFC26).to_bytes(4, "little"), "bigBed": (0x8789F2EB).to_bytes(4, "little")}


def parse_stanzas(text: str) -> list[dict[str, str]]:
    """Blank-line separated ``key value`` stanzas of a hub/genomes/trackDb file."""
    stanzas, current = [], {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            if current:
                stanzas.append(current)
            current = {}
        elif not line.startswith("#"):
            key, _, value = line.partition(" ")
            current[key] = value.strip()
    if current:
        stanzas.append(current)
    return stanzas


def has_magic(path: Path, kind: str) -> bool:
    """Whether ``path`` starts with the magic number of ``kind`` (``bigWig`` or ``bigBed``)."""
    with open(path, "rb") as handle:
        return handle.read(4) == _MAGIC[kind]


_RTREE_MAGIC = (0x2468ACE0).to_bytes(4, "little")


def _index_problem(handle, offset: int, size: int) -> str | None:
    """Walk one R-tree index of a bigWig: every node and data block inside the file."""
    if offset + 48 > size:
        return f"truncated: {size} bytes, but its index starts at offset {offset}"
    handle.seek(offset)
    if handle.read(4) != _RTREE_MAGIC:
        return f"the index at offset {offset} is missing or damaged"
    pending, visited = [offset + 48], 0
    while pending and visited < 100_000:
        node = pending.pop()
        visited += 1
        handle.seek(node)
        head = handle.read(4)
        if len(head) < 4:
            return f"truncated: {size} bytes, an index node at offset {node} is missing"
        leaf, count = head[0], int.from_bytes(head[2:4], "little")
        width = 32 if leaf else 24
        items = handle.read(width * count)
        if len(items) < width * count:
            return f"truncated: {size} bytes, an index node at offset {node} is cut"
        for i in range(count):
            item = items[width * i:width * (i + 1)]
            target = int.from_bytes(item[16:24], "little")
            if leaf and target + int.from_bytes(item[24:32], "little") > size:
                return f"truncated: {size} bytes, a data block ends past the end of the file"
            if not leaf:
                pending.append(target)
    return None


def bigwig_problem(path: Path) -> str | None:
    """Why ``path`` is not a complete bigWig (bad magic, a truncated header, or an index node or
    data block past the end of the file, as a truncated copy has), or None."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        header = handle.read(64)
        if header[:4] != _MAGIC["bigWig"]:
            return "not a bigWig file (bad magic number)"
        if len(header) < 64:
            return f"truncated: {size} bytes, shorter than the 64-byte header"
        zoom_levels = int.from_bytes(header[6:8], "little")
        zooms = handle.read(24 * zoom_levels)
        if len(zooms) < 24 * zoom_levels:
            return f"truncated: {size} bytes, shorter than its {zoom_levels} zoom headers"
        indexes = [int.from_bytes(header[24:32], "little")]
        indexes += [int.from_bytes(zooms[24 * level + 16:24 * level + 24], "little") for level in range(zoom_levels)]
        for offset in indexes:
            problem = _index_problem(handle, offset, size)
            if problem:
                return problem
    return None


def validate_hub(hub_dir: str | os.PathLike) -> list[str]:
    """Check a track hub against the UCSC hub/trackDb rules this exporter relies on.

    Checks: hub.txt has hub, shortLabel, longLabel, genomesFile, email; every
    genomes.txt stanza has genome and trackDb, and the trackDb exists; every track
    stanza has track, type, bigDataUrl, shortLabel, longLabel; track names are
    unique and start with a letter; shortLabel <= 17 and longLabel <= 80
    characters; relative bigDataUrl files exist and carry the magic number of
    their type; color/altColor are ``r,g,b`` and viewLimits ``low:high``.

    Returns
    -------
    list[str]
        Problems found (empty when the hub is valid).
    """
    hub_dir = Path(hub_dir)
    problems: list[str] = []
    hub_file = hub_dir / "hub.txt"
    if not hub_file.exists():
        return [f"{hub_file}: missing"]
    hub = (parse_stanzas(hub_file.read_text()) or [{}])[0]
    problems += [f"hub.txt: missing {key}" for key in REQUIRED_HUB_FIELDS if key not in hub]
    genomes_file = hub_dir / hub.get("genomesFile", "genomes.txt")
    if not genomes_file.exists():
        return problems + [f"{genomes_file.name}: missing"]
    for genome in parse_stanzas(genomes_file.read_text()):
        if "genome" not in genome or "trackDb" not in genome:
            problems.append(f"genomes.txt: stanza without genome/trackDb: {genome}")
            continue
        trackdb = genomes_file.parent / genome["trackDb"]
        if not trackdb.exists():
            problems.append(f"{genome['trackDb']}: missing")
            continue
        names: set[str] = set()
        for stanza in parse_stanzas(trackdb.read_text()):
            label = stanza.get("track", "?")
            problems += [f"{genome['trackDb']}: track {label}: missing {key}" for key in REQUIRED_TRACK_FIELDS if key not in stanza]
            if label in names or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", label):
                problems.append(f"{genome['trackDb']}: track name {label!r} is duplicated or not alphanumeric")
            names.add(label)
            if len(stanza.get("shortLabel", "")) > 17 or len(stanza.get("longLabel", "")) > 80:
                problems.append(f"{genome['trackDb']}: track {label}: label too long")
            for key in ("color", "altColor"):
                if key in stanza and not re.fullmatch(r"\d{1,3},\d{1,3},\d{1,3}", stanza[key]):
                    problems.append(f"{genome['trackDb']}: track {label}: {key} {stanza[key]!r} is not r,g,b")
            if "viewLimits" in stanza and not re.fullmatch(r"-?[\d.]+:-?[\d.]+", stanza["viewLimits"]):
                problems.append(f"{genome['trackDb']}: track {label}: viewLimits {stanza['viewLimits']!r} is not low:high")
            url = stanza.get("bigDataUrl")
            if url and "://" not in url:
                target = trackdb.parent / url
                kind = "bigWig" if stanza.get("type", "").startswith("bigWig") else "bigBed"
                if not target.exists():
                    problems.append(f"{genome['trackDb']}: track {label}: bigDataUrl {url} does not exist")
                elif not has_magic(target, kind):
                    problems.append(f"{genome['trackDb']}: track {label}: {url} is not a {kind} file")
    return problems
