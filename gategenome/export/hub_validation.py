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
