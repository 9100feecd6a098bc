"""Boundary calls and region calls as browser files: bigBed with autoSql, hub stanzas, IGV tracks.

``boundaries.bb`` is bigBed 6+7 (:data:`BOUNDARY_AUTOSQL`; its first ten fields
keep the narrowPeak layout), ``region_calls.bb`` bigBed 6 (:data:`REGION_AUTOSQL`).
Coordinates are 0-based, half-open.  pybigtools is imported on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import quoteattr

from gategenome.errors import InputError
from gategenome.export.drop_files import check_span
from gategenome.io.bed import Interval

BOUNDARY_AUTOSQL = """table gategenomeBoundaries
"Accessibility boundaries: forget-gate drops of both scan strands merged (BED6+7)"
    (
    string chrom;        "Reference sequence chromosome or scaffold"
    uint   chromStart;   "Start of the interval the boundary lies in (0-based)"
    uint   chromEnd;     "End of that interval"
    string name;         "Boundary name"
    uint   score;        "1000 x accessibility step"
    char[1] strand;      "Always . (both scan strands)"
    float  signalValue;  "Accessibility step: |mean right - mean left| of the predicted accessibility"
    float  pValue;       "-log10 p-value: the larger of the step test and the signal contrast test"
    float  qValue;       "-log10 q-value (Benjamini-Hochberg)"
    int    peak;         "Boundary position as an offset from chromStart"
    string direction;    "opening (accessibility rises left to right) or closing"
    string strands;      "Scan strands whose drops support it: +, - or +-"
    float  depth;        "Deepest supporting drop: 1 - minimum mean forget gate"
    )
"""

REGION_AUTOSQL = """table gategenomeRegionCalls
"Accessible regions: an opening boundary paired with the next closing one (BED6)"
    (
    string chrom;        "Reference sequence chromosome or scaffold"
    uint   chromStart;   "Opening boundary (0-based)"
    uint   chromEnd;     "Closing boundary"
    string name;         "Region name"
    uint   score;        "The smaller of the two boundaries' scores"
    char[1] strand;      "Always ."
    )
"""

#: (file in the hub, trackDb name, short label, long label, colour, extra columns, autoSql).
TRACKS = {
    "boundaries": ("boundaries.bb", "gategenomeBoundaries", "boundaries",
                   "Accessibility boundaries: drops of both scan strands merged, one per edge", "0,140,70", 7,
                   BOUNDARY_AUTOSQL),
    "region_calls": ("region_calls.bb", "gategenomeRegions", "region calls",
                     "Accessible regions from boundary pairs", "0,90,160", 0, REGION_AUTOSQL),
}


def check_calls(records: list[Interval], path: Path, sizes: Mapping[str, int], kind: str) -> None:
    """Raise :class:`InputError` unless every record is inside the genome and has the columns of ``kind``.

    ``kind`` is ``boundaries`` (BED6+7) or ``region_calls`` (BED6).
    """
    extra = TRACKS[kind][5]
    for number, record in enumerate(records, 1):
        check_span(record, number, path, sizes)
        if len(record.extra) != extra:
            raise InputError(f"{path}: record {number} has {6 + len(record.extra)} columns; expected "
                             f"BED6+{extra} from 'gategenome boundaries'" if extra else
                             f"{path}: record {number} has {6 + len(record.extra)} columns; expected BED6")


def write_calls_bigbed(records: list[Interval], sizes: Mapping[str, int], path: Path, kind: str) -> Path:
    """Write boundary or region calls as bigBed with the autoSql of ``kind``."""
    import pybigtools

    used = {r.chrom for r in records}
    chroms = {c: int(n) for c, n in sizes.items() if c in used} or {next(iter(sizes)): int(next(iter(sizes.values())))}
    ordered = sorted(records, key=lambda r: (r.chrom.encode(), r.start, r.end))

    def fields(r: Interval) -> str:
        return "\t".join([r.name, str(max(0, min(1000, int(round(r.score))))), r.strand, *r.extra])

    writer = pybigtools.open(str(path), "w")
    writer.write(chroms, ((r.chrom, r.start, r.end, fields(r)) for r in ordered), autosql=TRACKS[kind][6])
    return path


def track_stanzas(kinds: list[str], priority_start: int) -> str:
    """trackDb.txt stanzas of the given call files (``boundaries``, ``region_calls``)."""
    stanzas = []
    for offset, kind in enumerate(kinds):
        file_name, track, short, long, colour, extra, _ = TRACKS[kind]
        stanzas.append("\n".join(f"{k} {v}" for k, v in [
            ("track", track), ("type", "bigBed 6 +" if extra else "bigBed 6"), ("bigDataUrl", file_name),
            ("shortLabel", short), ("longLabel", long), ("visibility", "dense"), ("color", colour),
            ("useScore", "1"), ("priority", str(priority_start + offset)),
        ]) + "\n")
    return "\n".join(stanzas)


def add_igv_tracks(session: str, assembly: str, kinds: list[str]) -> str:
    """The IGV session XML with the call files added as resources and feature tracks."""
    resources, tracks = [], []
    for kind in kinds:
        file_name, _, short, _, colour, _, _ = TRACKS[kind]
        path = quoteattr(f"{assembly}/{file_name}")
        resources.append(f"        <Resource path={path}/>")
        tracks.append(f"        <Track attributeKey={path} clazz=\"org.broad.igv.track.FeatureTrack\" color=\"{colour}\" "
                      f"displayMode=\"COLLAPSED\" height=\"30\" id={path} name={quoteattr(short)} visible=\"true\"/>")
    if not kinds:
        return session
    session = session.replace("    </Resources>", "\n".join(resources) + "\n    </Resources>", 1)
    panel = '    <Panel name="CallPanel">\n' + "\n".join(tracks) + "\n    </Panel>\n"
    return session.replace("</Session>", panel + "</Session>", 1)
