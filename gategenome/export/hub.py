"""A UCSC track hub and an IGV session over the drops and gate tracks.

:func:`run_export` writes one directory that both browsers open::

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
complete.  Coordinates are 0-based, half-open (BED, bigBed, bigWig).  The drop
files are written by :mod:`gategenome.export.drop_files`; the hub is checked by
:mod:`gategenome.export.hub_validation` before it is moved into place.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import quoteattr

from gategenome.errors import ConfigError, InputError
from gategenome.export.boundary_files import TRACKS, add_igv_tracks, check_calls, track_stanzas, write_calls_bigbed
from gategenome.export.drop_files import check_drops, write_bigbed, write_tabix_bed
from gategenome.export.hub_validation import bigwig_problem, validate_hub
from gategenome.export.out_dir import check_out_dir, replace_export
from gategenome.export.settings import ExportSettings
from gategenome.io.bed import Interval, read_bed, sort_intervals
from gategenome.io.bigwig import bigwig_chroms
from gategenome.io.fasta import Genome
from gategenome.io.jsonfile import read_json_object
from gategenome.io.provenance import Product, genome_product, require_compatible, scan_product
from gategenome.io.scandir.layout import TRACKS_META
from gategenome.io.scandir.reader import ScanDir

log = logging.getLogger(__name__)


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


def _link_or_copy(source: Path, target: Path, copy: bool) -> None:
    if not copy:
        try:
            os.link(source, target)
            return
        except OSError:
            pass
    shutil.copyfile(source, target)


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


def _assembly_name(settings: ExportSettings, genome_path: Path) -> str:
    """The assembly name: the setting, else the FASTA file name without ``.fa``; a UCSC-style name."""
    assembly = settings.assembly or re.sub(r"\.(fa|fasta|fna)(\.gz|\.bgz)?$", "", genome_path.name, flags=re.I)
    if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", assembly):  # a directory name: never '.', '..' or hidden
        raise ConfigError(f"--assembly {assembly!r}: expected letters, digits, '_', '.' or '-', not starting with '.' "
                          "(a UCSC-style name like sacCer3)")
    return assembly


_LOCUS = re.compile(r"(?P<chrom>[^:\s]+):(?P<start>[\d,]+)-(?P<end>[\d,]+)")


def _check_text_settings(settings: ExportSettings) -> None:
    """hub.txt is one ``key value`` per line: refuse an e-mail or hub name that could add a line."""
    if not re.fullmatch(r"[^\s@]+@[^\s@]+", settings.email):
        raise ConfigError(f"--email {settings.email!r}: expected one e-mail address (name@host, no spaces or line breaks)")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", settings.hub_name):
        raise ConfigError(f"hub name {settings.hub_name!r}: expected letters, digits, '_', '.' or '-'")


def _check_locus(locus: str, sizes: Mapping[str, int]) -> str:
    """The IGV start locus ``chr:start-end`` (1-based, inclusive) checked against the genome; commas dropped."""
    match = _LOCUS.fullmatch(locus.strip())
    if not match:
        raise ConfigError(f"--locus {locus!r}: expected CHROM:START-END, e.g. chrI:140000-150000")
    chrom, start, end = match["chrom"], int(match["start"].replace(",", "")), int(match["end"].replace(",", ""))
    if chrom not in sizes:
        raise ConfigError(f"--locus {locus!r}: unknown chromosome {chrom!r}; expected one of {', '.join(list(sizes)[:8])}")
    if not 1 <= start <= end <= sizes[chrom]:
        raise ConfigError(f"--locus {locus!r}: expected 1 <= START <= END <= {sizes[chrom]} ({chrom}, 1-based)")
    return f"{chrom}:{start}-{end}"


def _check_signal(signal_path: str | os.PathLike | None) -> None:
    """The --signal bigWig exists, is a file and is complete (not truncated)."""
    if signal_path is None:
        return
    path = Path(signal_path)
    if not path.is_file():
        raise InputError(f"{signal_path}: signal bigWig not found (or not a file)")
    problem = bigwig_problem(path)
    if problem:
        raise InputError(f"{signal_path}: {problem}; expected a complete ATAC-seq signal bigWig")


def _check_products(scan: ScanDir, sizes: Mapping[str, int], genome_path: Path, tracks: Path,
                    signal_path: str | os.PathLike | None) -> None:
    """The scan, the tracks and the signal must belong with the FASTA (:func:`require_compatible`)."""
    scan_made = scan_product(scan.path / "scan.json", scan.meta)
    genome = genome_product(genome_path, sizes)
    require_compatible(scan_made, genome)
    if tracks != scan.path:
        meta_path = next((tracks / name for name in (TRACKS_META, "scan.json") if (tracks / name).is_file()), None)
        if meta_path is not None:  # tracks written elsewhere record their scan; a scan directory is its own record
            meta = read_json_object(meta_path, "the record 'gategenome tracks' (or 'scan') writes beside its bigWigs")
            require_compatible(scan_made, scan_product(meta_path, meta))
        for name in (name for name in BIGWIG_TRACKS if (tracks / name).is_file()):
            require_compatible(genome, Product(tracks / name, chroms=bigwig_chroms(tracks / name)))
    if signal_path is not None:
        require_compatible(genome, Product(signal_path, chroms=bigwig_chroms(signal_path)), shared=True)


def _gate_bigwigs(tracks: Path) -> list[str]:
    """The file names of :data:`BIGWIG_TRACKS` present in ``tracks``, each checked to be a bigWig."""
    bigwigs = [name for name in BIGWIG_TRACKS if (tracks / name).exists()]
    for name in bigwigs:
        problem = bigwig_problem(tracks / name)
        if problem:
            raise InputError(f"{tracks / name}: {problem}; expected a gate track from 'gategenome tracks'")
    if not any(name.startswith("forget") for name in bigwigs):
        log.warning("%s: no forget.plus.bw / forget.minus.bw; run 'gategenome tracks' first to see the gates", tracks)
    return bigwigs


def _write_data_files(data: Path, drops: list[Interval], drops_path: Path, sizes: Mapping[str, int],
                      tracks: Path, bigwigs: list[str], signal_path: str | os.PathLike | None, genome_path: Path,
                      genome_index: tuple[Path, Path | None], copy: bool) -> tuple[str | None, str]:
    """Write the drop files and link (or copy) the bigWigs, the FASTA and its index into the assembly directory ``data``.

    ``genome_index`` is the ``.fai`` (and ``.gzi``) :class:`~gategenome.io.fasta.Genome`
    read: the one beside the FASTA only when it describes it, never a stale one.

    Returns
    -------
    tuple
        ``(signal_name, genome_name)``: the names given to the signal bigWig (None
        without one) and to the FASTA.
    """
    if drops:
        write_bigbed(drops, sizes, data / "drops.bb")
    else:
        log.warning("%s: no drops; the hub and session show the gate tracks without a drops track", drops_path)
    write_tabix_bed(drops, data / "drops.bed.gz")
    for name in bigwigs:
        _link_or_copy(tracks / name, data / name, copy)
    signal_name = None
    if signal_path is not None:
        signal_name = "signal.bw"
        _link_or_copy(Path(signal_path), data / signal_name, copy)
    genome_name = "genome.fa.gz" if genome_path.suffix in {".gz", ".bgz"} else "genome.fa"
    _link_or_copy(genome_path, data / genome_name, copy)
    for suffix, index in zip((".fai", ".gzi"), genome_index):
        if index is not None:
            _link_or_copy(index, data / (genome_name + suffix), copy)
    return signal_name, genome_name


def _write_hub_descriptors(hub: Path, assembly: str, settings: ExportSettings) -> None:
    """``hub.txt``, ``README.html`` and ``genomes.txt`` of the hub directory ``hub``."""
    (hub / "hub.txt").write_text(_stanza([
        ("hub", settings.hub_name), ("shortLabel", "gategenome"),
        ("longLabel", "LSTM forget-gate drops and gate tracks (accessibility boundaries)"),
        ("genomesFile", "genomes.txt"), ("email", settings.email), ("descriptionUrl", "README.html"),
    ]))
    (hub / "README.html").write_text(
        "<html><body><h2>gategenome track hub</h2><p>Forget-gate drops (bigBed 6+4) and mean forget-gate "
        "bigWigs of both scan directions. Blue: plus-strand scan (left to right); red: minus-strand scan.</p>"
        "</body></html>\n")
    (hub / "genomes.txt").write_text(_stanza([("genome", assembly), ("trackDb", f"{assembly}/trackDb.txt")]))


def _write_track_lists(tmp: Path, assembly: str, bigwigs: list[str], signal_name: str | None, genome_name: str,
                       locus: str, with_drops: bool, calls: Mapping[str, str | os.PathLike | None],
                       sizes: Mapping[str, int]) -> None:
    """The call bigBeds (``calls``: kind -> path, checked), ``trackDb.txt`` and ``igv_session.xml``
    of the hub being written in ``tmp``."""
    data = tmp / assembly
    call_records = _read_calls(calls, sizes)
    for kind, records in call_records.items():
        write_calls_bigbed(records, sizes, data / TRACKS[kind][0], kind)
    (data / "trackDb.txt").write_text(track_db(bigwigs, signal_name, with_drops=with_drops)
                                      + "\n" + track_stanzas(list(call_records), len(bigwigs) + 3))
    session = igv_session(assembly, genome_name, bigwigs, signal_name, locus, with_drops=with_drops)
    (tmp / "igv_session.xml").write_text(add_igv_tracks(session, assembly, list(call_records)))


def _read_calls(calls: Mapping[str, str | os.PathLike], sizes: Mapping[str, int]) -> dict[str, list[Interval]]:
    """Boundary / region calls to export, checked and in genome order (empty files left out, with a warning)."""
    records = {}
    for kind, path in calls.items():
        if path is None:
            continue
        found = read_bed(path, kind.replace("_", " "))
        check_calls(found, Path(path), sizes, kind)
        if found:
            records[kind] = sort_intervals(found, list(sizes))
        else:
            log.warning("%s: no %s; no track for them", path, kind.replace("_", " "))
    return records


def run_export(
    genome: str | os.PathLike,
    signal: str | os.PathLike | None,
    scan_dir: str | os.PathLike,
    drops: str | os.PathLike,
    out: str | os.PathLike,
    settings: ExportSettings | None = None,
    *,
    tracks_dir: str | os.PathLike | None = None,
    calls: dict[str, str | os.PathLike] | None = None,
) -> dict[str, Path]:
    """Write the track hub / IGV session directory (see the module docstring).

    Parameters
    ----------
    genome
        Genome FASTA the scan was made on.
    signal
        ATAC bigWig to show beside the gates, or None.
    scan_dir
        Scan directory (its metadata names the genome; its bigWigs are used when
        ``tracks_dir`` is not given).
    drops
        ``drops.bed`` (BED6+4, narrowPeak layout).
    out
        Hub directory to create.  An earlier export there is replaced (only the
        files its ``export.json`` lists are removed); a directory that is an input,
        holds one, or holds other files is refused (:mod:`gategenome.export.out_dir`).
    settings
        :class:`ExportSettings`.
    tracks_dir
        Directory with ``forget.plus.bw``, ``forget.minus.bw``, ``accessibility.bw``
        (default: the scan directory).
    calls
        Optional ``{"boundaries": path, "region_calls": path}``: bigBed tracks of them.

    Returns
    -------
    dict[str, Path]
        Key -> final path of each file written.
    """
    settings = settings or ExportSettings()
    _check_text_settings(settings)
    out = check_out_dir(out, {"--scan-dir": scan_dir, "--drops": drops, "--genome": genome, "the FASTA "
                              "index": f"{genome}.fai", "--tracks-dir": tracks_dir, "--signal": signal})
    scan = ScanDir(scan_dir)
    genome_path, drops_path = Path(genome), Path(drops)
    with Genome(genome_path) as fasta:
        sizes, genome_index = dict(fasta.sizes), fasta.index_paths
    assembly = _assembly_name(settings, genome_path)
    tracks = Path(tracks_dir) if tracks_dir else scan.path
    _check_signal(signal)
    _check_products(scan, sizes, genome_path, tracks, signal)
    drops = read_bed(drops_path, "drops")
    check_drops(drops, drops_path, sizes)
    drops = sort_intervals(drops, list(sizes))
    bigwigs = _gate_bigwigs(tracks)
    locus = _check_locus(settings.locus, sizes) if settings.locus else _default_locus(drops, sizes)

    with replace_export(out) as tmp:
        data = tmp / assembly
        data.mkdir(parents=True)
        signal_name, genome_name = _write_data_files(data, drops, drops_path, sizes, tracks, bigwigs, signal,
                                                     genome_path, genome_index, settings.copy)
        _write_track_lists(tmp, assembly, bigwigs, signal_name, genome_name, locus, bool(drops), calls or {}, sizes)
        _write_hub_descriptors(tmp, assembly, settings)
        problems = validate_hub(tmp)
        if problems:
            raise InputError(f"{out}: the hub written does not validate: {'; '.join(problems)}")
        listing = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file())
        (tmp / "export.json").write_text(json.dumps({
            "settings": {**vars(settings), "assembly": assembly, "locus": locus}, "scan_dir": str(scan.path),
            "drops": str(drops_path), "genome": str(genome_path), "tracks_dir": str(tracks),
            "signal": str(signal) if signal else None, "drops_written": len(drops), "files": listing,
        }, indent=2) + "\n")
    files = {name: out / name for name in ("hub.txt", "genomes.txt", "igv_session.xml", "export.json")}
    files.update({p.name: p for p in (out / assembly).iterdir()})
    log.info("exported %d drops and %d bigWig(s) to %s (assembly %s)", len(drops), len(bigwigs), out, assembly)
    return files
