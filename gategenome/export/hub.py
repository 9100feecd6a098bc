"""Export drops and gate tracks for genome browsers: bigBed, tabix BED, UCSC hub, IGV session.

``export_hub`` writes one directory that both browsers open::

    HUB/hub.txt                       UCSC track hub descriptor
    HUB/genomes.txt                   assembly -> trackDb
    HUB/{assembly}/trackDb.txt        one stanza per track (colours, view limits, both strands)
    HUB/{assembly}/drops.bb           drops as bigBed 6+4 (narrowPeak fields, autoSql embedded)
    HUB/{assembly}/drops.bed.gz(.tbi) drops as sorted, bgzipped, tabix-indexed BED
    HUB/{assembly}/*.bw               gate / accessibility / signal bigWigs (hard links or copies)
    HUB/{assembly}/genome.fa(.fai)    the reference, for IGV (hard link or copy)
    HUB/igv_session.xml               IGV (desktop or igv.js) session; paths relative to it
    HUB/export.json                   settings and the list of files

Every ``bigDataUrl`` and session path is relative, so the directory can be served
from anywhere (UCSC needs it on a public web server; IGV opens the session file
directly).  The directory is built beside ``HUB`` and moved into place when
complete.  Coordinates are 0-based, half-open (BED, bigBed, bigWig).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from gategenome.errors import ConfigError, InputError
from gategenome.io.bed import Interval, read_bed, sort_intervals

log = logging.getLogger(__name__)

NARROWPEAK_AUTOSQL = """table gategenomeDrops
"Forget-gate drops (BED6+4, narrowPeak layout)"
    (
    string chrom;        "Reference sequence chromosome or scaffold"
    uint   chromStart;   "Start position in chromosome (0-based)"
    uint   chromEnd;     "End position in chromosome"
    string name;         "Drop name"
    uint   score;        "Score 0-1000"
    char[1] strand;      "Scan direction: + (left to right) or - (right to left)"
    float  signalValue;  "Drop depth: 1 - minimum mean forget gate"
    float  pValue;       "-log10 empirical p-value against the shuffled-sequence null"
    float  qValue;       "-log10 q-value (Benjamini-Hochberg)"
    int    peak;         "Summit offset from chromStart (-1 if none)"
    )
"""

#: bigWig tracks looked for in the tracks directory: file name -> (track name, short label, long label, colour, limits).
BIGWIG_TRACKS = {
    "forget.plus.bw": ("forgetPlus", "forget gate +", "Mean LSTM forget gate, plus-strand scan (left to right)",
                       "31,119,180", (0.0, 1.0)),
    "forget.minus.bw": ("forgetMinus", "forget gate -", "Mean LSTM forget gate, minus-strand scan (right to left)",
                        "214,39,40", (0.0, 1.0)),
    "accessibility.bw": ("accessibility", "P(accessible)", "Predicted probability of accessibility (model)",
                         "44,160,44", (0.0, 1.0)),
}
STRAND_RGB = {"+": "31,119,180", "-": "214,39,40"}
REQUIRED_TRACK_FIELDS = ("track", "type", "bigDataUrl", "shortLabel", "longLabel")
REQUIRED_HUB_FIELDS = ("hub", "shortLabel", "longLabel", "genomesFile", "email")
_MAGIC = {"bigWig": (0x888FFC26).to_bytes(4, "little"), "bigBed": (0x8789F2EB).to_bytes(4, "little")}


@dataclass
class ExportSettings:
    """Settings of one export (saved in ``export.json``)."""

    assembly: str | None = None
    hub_name: str = "gategenome"
    email: str = "nobody@example.org"
    locus: str | None = None
    copy: bool = False


def _link_or_copy(source: Path, target: Path, copy: bool) -> None:
    if not copy:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


def _check_drops(drops: list[Interval], path: Path, sizes: Mapping[str, int]) -> None:
    for number, drop in enumerate(drops, 1):
        if drop.chrom not in sizes:
            raise InputError(f"{path}: record {number} is on {drop.chrom!r}, which the genome lacks; expected one of "
                             f"{', '.join(list(sizes)[:8])}")
        if drop.end > sizes[drop.chrom] or drop.end <= drop.start:
            raise InputError(f"{path}: record {number} {drop.chrom}:{drop.start}-{drop.end} is empty or past the "
                             f"chromosome end ({sizes[drop.chrom]}); expected 0 <= start < end <= length")
        if drop.strand not in "+-" or len(drop.extra) != 4:
            raise InputError(f"{path}: record {number} has strand {drop.strand!r} and {6 + len(drop.extra)} columns; "
                             "expected BED6+4 (narrowPeak layout) with strand + or -")


def _bed_fields(drop: Interval) -> list[str]:
    score = max(0, min(1000, int(round(drop.score))))
    return [drop.chrom, str(drop.start), str(drop.end), drop.name, str(score), drop.strand, *drop.extra]


def write_tabix_bed(drops: list[Interval], path: Path) -> tuple[Path, Path]:
    """Write sorted drops as bgzipped BED with a tabix index: ``path`` (``.bed.gz``) and ``path.tbi``."""
    import pysam

    plain = path.with_suffix("")  # drops.bed
    with open(plain, "w") as handle:
        for drop in drops:
            handle.write("\t".join(_bed_fields(drop)) + "\n")
    pysam.tabix_index(str(plain), preset="bed", force=True, keep_original=False)
    return path, Path(str(path) + ".tbi")


def write_bigbed(drops: list[Interval], sizes: Mapping[str, int], path: Path) -> Path:
    """Write sorted drops as a bigBed 6+4 with the narrowPeak autoSql."""
    import pybigtools

    used = {drop.chrom for drop in drops}
    chroms = {c: int(n) for c, n in sizes.items() if c in used} or {next(iter(sizes)): int(next(iter(sizes.values())))}
    # bigBed wants records sorted by chromosome name (byte order) then start.
    records = sorted(drops, key=lambda d: (d.chrom.encode(), d.start, d.end))
    writer = pybigtools.open(str(path), "w")
    writer.write(chroms, ((d.chrom, d.start, d.end, "\t".join(_bed_fields(d)[3:])) for d in records),
                 autosql=NARROWPEAK_AUTOSQL)
    return path


def _stanza(fields: list[tuple[str, str]]) -> str:
    return "\n".join(f"{key} {value}" for key, value in fields) + "\n"


def track_db(bigwigs: list[str], signal_name: str | None, priority_start: int = 1, with_drops: bool = True) -> str:
    """trackDb.txt text for the drops bigBed (unless ``with_drops`` is false) and the
    given bigWig file names (relative to trackDb.txt)."""
    stanzas = [_stanza([
        ("track", "gategenomeDrops"), ("type", "bigBed 6 +"), ("bigDataUrl", "drops.bb"),
        ("shortLabel", "forget drops"), ("longLabel", "Forget-gate drops: accessibility boundaries (blue + scan, red - scan)"),
        ("visibility", "pack"), ("colorByStrand", f"{STRAND_RGB['+']} {STRAND_RGB['-']}"),
        ("priority", str(priority_start)),
    ])] if with_drops else []
    for offset, name in enumerate(bigwigs, 1):
        track, short, long, colour, (low, high) = BIGWIG_TRACKS[name]
        stanzas.append(_stanza([
            ("track", track), ("type", f"bigWig {low:g} {high:g}"), ("bigDataUrl", name), ("shortLabel", short),
            ("longLabel", long), ("visibility", "full"), ("color", colour), ("altColor", colour),
            ("autoScale", "off"), ("viewLimits", f"{low:g}:{high:g}"), ("maxHeightPixels", "100:50:16"),
            ("graphTypeDefault", "line" if name.startswith("forget") else "bar"), ("priority", str(priority_start + offset)),
        ]))
    if signal_name:
        stanzas.append(_stanza([
            ("track", "atacSignal"), ("type", "bigWig"), ("bigDataUrl", signal_name), ("shortLabel", "ATAC signal"),
            ("longLabel", "ATAC-seq signal the model was trained on"), ("visibility", "full"), ("color", "80,80,80"),
            ("autoScale", "on"), ("maxHeightPixels", "100:50:16"), ("priority", str(priority_start + len(bigwigs) + 1)),
        ]))
    return "\n".join(stanzas)


def igv_session(
    assembly: str, genome_name: str, bigwigs: list[str], signal_name: str | None, locus: str, with_drops: bool = True
) -> str:
    """IGV session XML (version 8) with the same files, paths relative to the session file."""
    def path(name: str) -> str:
        return f"{assembly}/{name}"

    resources = [path("drops.bb")] * with_drops + [path(n) for n in bigwigs] + ([path(signal_name)] if signal_name else [])
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
             f"<Session genome={quoteattr(path(genome_name))} locus={quoteattr(locus)} version=\"8\">", "    <Resources>"]
    lines += [f"        <Resource path={quoteattr(r)}/>" for r in resources]
    lines += ["    </Resources>", '    <Panel name="DataPanel">']
    if signal_name:
        lines += [f"        <Track attributeKey={quoteattr(path(signal_name))} autoScale=\"true\" "
                  f"clazz=\"org.broad.igv.track.DataSourceTrack\" color=\"80,80,80\" height=\"60\" "
                  f"id={quoteattr(path(signal_name))} name=\"ATAC signal\" renderer=\"BAR_CHART\" visible=\"true\"/>"]
    for name in bigwigs:
        _, short, _, colour, (low, high) = BIGWIG_TRACKS[name]
        renderer = "LINE_PLOT" if name.startswith("forget") else "BAR_CHART"
        lines += [f"        <Track attributeKey={quoteattr(path(name))} autoScale=\"false\" "
                  f"clazz=\"org.broad.igv.track.DataSourceTrack\" color=\"{colour}\" height=\"60\" "
                  f"id={quoteattr(path(name))} name={quoteattr(short)} renderer=\"{renderer}\" visible=\"true\">",
                  f"            <DataRange baseline=\"{low:g}\" maximum=\"{high:g}\" minimum=\"{low:g}\" type=\"LINEAR\"/>",
                  "        </Track>"]
    lines += ["    </Panel>"]
    if with_drops:
        lines += ['    <Panel name="FeaturePanel">',
                  f"        <Track attributeKey={quoteattr(path('drops.bb'))} clazz=\"org.broad.igv.track.FeatureTrack\" "
                  f"color=\"{STRAND_RGB['+']}\" altColor=\"{STRAND_RGB['-']}\" displayMode=\"EXPANDED\" height=\"70\" "
                  f"id={quoteattr(path('drops.bb'))} name=\"forget-gate drops\" visible=\"true\"/>",
                  "    </Panel>"]
    lines += ["</Session>"]
    return "\n".join(lines) + "\n"


def _default_locus(drops: list[Interval], sizes: Mapping[str, int]) -> str:
    if drops:
        best = max(drops, key=lambda d: d.score)
        centre = (best.start + best.end) // 2
        length = sizes[best.chrom]
        start = max(0, centre - 5000)
        return f"{best.chrom}:{start + 1}-{min(length, start + 10_000)}"
    chrom, length = next(iter(sizes.items()))
    return f"{chrom}:1-{min(length, 10_000)}"


def export_hub(
    scan_dir: str | os.PathLike,
    drops_path: str | os.PathLike,
    genome_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    tracks_dir: str | os.PathLike | None = None,
    signal_path: str | os.PathLike | None = None,
    settings: ExportSettings | None = None,
) -> dict[str, Path]:
    """Write the track hub / IGV session directory (see the module docstring).

    Parameters
    ----------
    scan_dir
        Scan directory (its metadata names the genome; its bigWigs are used when
        ``tracks_dir`` is not given).
    drops_path
        ``drops.bed`` (BED6+4, narrowPeak layout).
    genome_path
        Genome FASTA the scan was made on.
    out_dir
        Hub directory to create (replaced when it exists).
    tracks_dir
        Directory with ``forget.plus.bw``, ``forget.minus.bw``, ``accessibility.bw``
        (default: the scan directory).
    signal_path
        Optional ATAC bigWig to show beside the gates.
    settings
        :class:`ExportSettings`.

    Returns
    -------
    dict[str, Path]
        Key -> final path of each file written.
    """
    from gategenome.io.atomic import atomic_path
    from gategenome.io.fasta import Genome
    from gategenome.io.scandir import ScanDir

    settings = settings or ExportSettings()
    scan = ScanDir(scan_dir)
    genome_path = Path(genome_path)
    with Genome(genome_path) as genome:
        sizes = dict(genome.sizes)
    assembly = settings.assembly or re.sub(r"\.(fa|fasta|fna)(\.gz|\.bgz)?$", "", genome_path.name, flags=re.I)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", assembly):
        raise ConfigError(f"--assembly {assembly!r}: expected letters, digits, '_', '.' or '-' (a UCSC-style name like sacCer3)")
    mismatched = [c for c, n in scan.sizes.items() if sizes.get(c) != n]
    if mismatched:
        raise InputError(f"{genome_path}: chromosome(s) {', '.join(mismatched[:5])} differ in name or length from the scan "
                         f"{scan.path}; expected the FASTA the scan was made on")
    drops_path = Path(drops_path)
    drops = read_bed(drops_path, "drops")
    _check_drops(drops, drops_path, sizes)
    drops = sort_intervals(drops, list(sizes))
    tracks = Path(tracks_dir) if tracks_dir else scan.path
    bigwigs = [name for name in BIGWIG_TRACKS if (tracks / name).exists()]
    for name in bigwigs:
        if not _check_magic(tracks / name, "bigWig"):
            raise InputError(f"{tracks / name}: not a bigWig file (bad magic number); expected a gate track from 'gategenome tracks'")
    if not any(name.startswith("forget") for name in bigwigs):
        log.warning("%s: no forget.plus.bw / forget.minus.bw; run 'gategenome tracks' first to see the gates", tracks)
    if signal_path is not None and not Path(signal_path).exists():
        raise InputError(f"{signal_path}: signal bigWig not found")
    locus = settings.locus or _default_locus(drops, sizes)

    out = Path(out_dir)
    files: dict[str, Path] = {}
    with atomic_path(out) as tmp:
        data = tmp / assembly
        data.mkdir(parents=True)
        if drops:
            write_bigbed(drops, sizes, data / "drops.bb")
        else:
            log.warning("%s: no drops; the hub and session show the gate tracks without a drops track", drops_path)
        write_tabix_bed(drops, data / "drops.bed.gz")
        for name in bigwigs:
            _link_or_copy(tracks / name, data / name, settings.copy)
        signal_name = None
        if signal_path is not None:
            signal_name = "signal.bw"
            _link_or_copy(Path(signal_path), data / signal_name, settings.copy)
        genome_name = "genome.fa.gz" if genome_path.suffix in {".gz", ".bgz"} else "genome.fa"
        _link_or_copy(genome_path, data / genome_name, settings.copy)
        for suffix in (".fai", ".gzi"):
            companion = Path(str(genome_path) + suffix)
            if companion.exists():
                _link_or_copy(companion, data / (genome_name + suffix), settings.copy)
        (data / "trackDb.txt").write_text(track_db(bigwigs, signal_name, with_drops=bool(drops)))
        (tmp / "hub.txt").write_text(_stanza([
            ("hub", settings.hub_name), ("shortLabel", "gategenome"),
            ("longLabel", "LSTM forget-gate drops and gate tracks (accessibility boundaries)"),
            ("genomesFile", "genomes.txt"), ("email", settings.email), ("descriptionUrl", "README.html"),
        ]))
        (tmp / "README.html").write_text(
            "<html><body><h2>gategenome track hub</h2><p>Forget-gate drops (bigBed 6+4) and mean forget-gate "
            "bigWigs of both scan directions. Blue: plus-strand scan (left to right); red: minus-strand scan.</p>"
            "</body></html>\n")
        (tmp / "genomes.txt").write_text(_stanza([("genome", assembly), ("trackDb", f"{assembly}/trackDb.txt")]))
        (tmp / "igv_session.xml").write_text(igv_session(assembly, genome_name, bigwigs, signal_name, locus, with_drops=bool(drops)))
        problems = validate_hub(tmp)
        if problems:
            raise InputError(f"{out}: the hub written does not validate: {'; '.join(problems)}")
        listing = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        (tmp / "export.json").write_text(json.dumps({
            "settings": {**vars(settings), "assembly": assembly, "locus": locus}, "scan_dir": str(scan.path),
            "drops": str(drops_path), "genome": str(genome_path), "tracks_dir": str(tracks),
            "signal": str(signal_path) if signal_path else None, "drops_written": len(drops), "files": listing,
        }, indent=2) + "\n")
        if out.exists():
            shutil.rmtree(out)
    for name in ("hub.txt", "genomes.txt", "igv_session.xml", "export.json"):
        files[name] = out / name
    files.update({p.name: p for p in (out / assembly).iterdir()})
    log.info("exported %d drops and %d bigWig(s) to %s (assembly %s)", len(drops), len(bigwigs), out, assembly)
    return files


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


def _check_magic(path: Path, kind: str) -> bool:
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
                elif not _check_magic(target, kind):
                    problems.append(f"{genome['trackDb']}: track {label}: {url} is not a {kind} file")
    return problems
