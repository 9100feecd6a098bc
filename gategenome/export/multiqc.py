"""A sample's numbers as MultiQC custom-content files, so ``multiqc results/`` shows gategenome beside other tools.

:func:`run_multiqc_files` reads what the other steps wrote for one sample
(``signal.json``, the model's ``metrics.json``, the drop, boundary and region
calls, the replicate agreement of ``evaluation.json``) and writes one
``gategenome_<section>_mqc.json`` per section found.  Every sample writes the
same section ids, so MultiQC merges the samples of a results directory into one
plot or table per section:

=================================  ===========  ==========================================================
section id                         plot         content
=================================  ===========  ==========================================================
``gategenome_general``             general      FRiP, TSS enrichment, fraction < 147 bp, NRF, test auPRC, boundaries
``gategenome_library_qc``          table        per input and group: fragments, FRiP, TSS enrichment, modes, NRF, PBC1/2
``gategenome_fragment_lengths``    line graph   fraction of fragments per length (to 1,000 bp)
``gategenome_tss_enrichment``      line graph   insertions around TSSs / flank mean (with ``signal --tss``)
``gategenome_training``            table        per-base auROC/auPRC of valid and test; peak count correlation, profile JSD
``gategenome_calls``               bar graph    drops, boundary calls (opening, closing), region calls
``gategenome_replicates``          table        replicate pairs: reproducible boundaries and IDR (with replicates)
=================================  ===========  ==========================================================
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import NoReturn

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_directory
from gategenome.io.jsonfile import write_json
from gategenome.io.reading import open_text, reading

log = logging.getLogger(__name__)

#: Prefix of every section id (MultiQC merges the files of one id across samples).
PREFIX = "gategenome"


def _read_json(path: str | os.PathLike, option: str) -> dict:
    if not os.path.isfile(path):
        raise InputError(f"{option} {path}: file not found")
    with reading(path, f"the JSON object of {option}"), open_text(path) as handle:
        value = json.load(handle)
    if not isinstance(value, dict):
        raise InputError(f"{option} {path}: expected a JSON object")
    return value


#: JSON type -> the check of a value and its name in a message.
_KINDS = {
    "object": (lambda value: isinstance(value, dict), "an object"),
    "list": (lambda value: isinstance(value, list), "a list"),
    "string": (lambda value: isinstance(value, str), "a string"),
    "number": (lambda value: isinstance(value, (int, float)) and not isinstance(value, bool), "a number"),
    "numbers": (lambda value: isinstance(value, list) and all(
        isinstance(item, (int, float)) and not isinstance(item, bool) for item in value), "a list of numbers"),
}


def _json_type(value) -> str:
    """The JSON type of a parsed value, as a message names it."""
    if value is None:
        return "null"
    for kind in ("object", "list", "string", "number"):
        if _KINDS[kind][0](value):
            return _KINDS[kind][1]
    return "true or false"


class _Record:
    """One JSON input read key by key: a missing key or a value of another type is one :class:`InputError`.

    The message names the option, the file and the key's path in the document
    (``--signal-summary signal.json: no key 'qc.groups'; expected the signal.json
    of 'gategenome signal'``), so a valid JSON file of another kind, or a hand-edited
    one, fails on one line instead of deep in the section builders.
    """

    def __init__(self, option: str, path: str | os.PathLike, what: str):
        self.option, self.path, self.what = option, path, what
        self.document = _read_json(path, option)

    def fail(self, problem: str) -> NoReturn:
        raise InputError(f"{self.option} {self.path}: {problem}; expected {self.what}")

    def get(self, container: dict, where: str, key: str, kind: str, *, required: bool = True):
        """``container[key]`` (``container`` found at ``where``), checked to be of JSON type ``kind``.

        An absent key, or a ``null`` where ``required`` is false, gives ``None``.
        """
        full = f"{where}.{key}" if where else key
        if key not in container or (container[key] is None and not required):
            if required:
                self.fail(f"no key '{full}'")
            return None
        value = container[key]
        check, name = _KINDS[kind]
        if not check(value):
            self.fail(f"'{full}' is {_json_type(value)}, not {name}")
        return value

    def number(self, container: dict, where: str, *keys: str) -> float | None:
        """The number at ``container[keys[0]][keys[1]]...``, ``None`` where a key is absent or null."""
        for depth, key in enumerate(keys):
            last = depth == len(keys) - 1
            container = self.get(container, where, key, "number" if last else "object", required=False)
            if container is None:
                return None
            where = f"{where}.{key}" if where else key
        return container


def _bed_rows(path: str | os.PathLike, option: str) -> list[list[str]]:
    if not os.path.isfile(path):
        raise InputError(f"{option} {path}: file not found")
    rows = []
    with reading(path, f"the BED of {option}"), open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            row = line.rstrip("\n").split("\t")
            if len(row) < 3 or not all(field.isascii() and field.isdigit() for field in row[1:3]):
                raise InputError(f"{option} {path}: line {number}: expected a BED line 'chrom start end ...', "
                                 f"got {line.strip()[:80]!r}")
            rows.append(row)
    return rows


def _section(name: str, title: str, plot_type: str, data: dict, description: str, **pconfig) -> dict:
    section = {"id": f"{PREFIX}_{name}", "section_name": title, "description": description,
               "plot_type": plot_type, "data": data}
    if plot_type != "generalstats":
        section["pconfig"] = {"id": f"{PREFIX}_{name}_plot", "title": f"gategenome: {title}", **pconfig}
    return section


def _qc_entries(sample: str, record: _Record, qc: dict) -> list[tuple[str, str, dict]]:
    """``(MultiQC sample name, key path, QC entry)``: the bulk or each group; each input when there are several."""
    groups = record.get(qc, "qc", "groups", "object")
    inputs = record.get(qc, "qc", "inputs", "list")
    entries = []
    for group in groups:
        entry = record.get(groups, "qc.groups", group, "object")
        entries.append((sample if list(groups) == ["all"] else f"{sample}.{group}", f"qc.groups.{group}", entry))
    if len(inputs) > 1:
        for number, entry in enumerate(inputs):
            where = f"qc.inputs[{number}]"
            if not isinstance(entry, dict):
                record.fail(f"'{where}' is {_json_type(entry)}, not an object")
            name = Path(record.get(entry, where, "file", "string")).name
            entries.append((f"{sample}:{name}", where, entry))
    return entries


def _signal_sections(sample: str, record: _Record) -> tuple[list[dict], dict]:
    """Library QC table and line graphs, and the sample's general-statistics values."""
    summary = record.document
    if summary.get("format") != "gategenome-signal":
        record.fail(f"format {summary.get('format')!r}")
    qc = record.get(summary, "", "qc", "object", required=False)
    if not qc:
        return [], {}
    rows, lengths, tss = {}, {}, {}
    for name, where, entry in _qc_entries(sample, record, qc):
        fragment_lengths = record.get(entry, where, "fragment_lengths", "object")
        where_lengths = f"{where}.fragment_lengths"
        modes = record.get(fragment_lengths, where_lengths, "modes", "object")
        fragments = record.get(fragment_lengths, where_lengths, "fragments", "number")
        histogram = record.get(fragment_lengths, where_lengths, "histogram", "numbers")
        row = {"fragments": fragments,
               "fraction_under_147": record.get(fragment_lengths, where_lengths, "fraction_under_147", "number"),
               "nfr_mode": record.number(modes, f"{where_lengths}.modes", "nucleosome_free"),
               "mono_mode": record.number(modes, f"{where_lengths}.modes", "mono_nucleosome"),
               "frip": record.number(entry, where, "frip", "frip"),
               "tss_enrichment": record.number(entry, where, "tss_enrichment", "score"),
               **{key: record.number(entry, where, "complexity", key)
                  for key in ("nrf", "pbc1", "pbc2", "duplicate_fraction")}}
        rows[name] = {key: value for key, value in row.items() if value is not None}
        total = max(fragments, 1)
        lengths[name] = {length: count / total for length, count in enumerate(histogram) if length}
        enrichment = record.get(entry, where, "tss_enrichment", "object", required=False)
        profile = enrichment and record.get(enrichment, f"{where}.tss_enrichment", "profile", "numbers", required=False)
        if profile:
            flank = len(profile) // 2
            tss[name] = {offset - flank: profile[offset] for offset in range(0, len(profile), 10)}
    sections = [
        _section("library_qc", "ATAC library QC", "table", rows,
                 "Per sample, group and input: ENCODE ATAC-seq standards are FRiP > 0.3 (0.2 acceptable), "
                 "TSS enrichment > 7 (5 acceptable, GRCh38), NRF > 0.9, PBC1 > 0.9, PBC2 > 3, and a "
                 "nucleosome-free and a mono-nucleosome peak in the fragment lengths.",
                 col1_header="Sample"),
        _section("fragment_lengths", "Fragment-length distribution", "linegraph", lengths,
                 "Fraction of fragments of each length; ATAC-seq shows a nucleosome-free peak under 147 bp and "
                 "mono-/di-nucleosome peaks near 200 and 400 bp.",
                 xlab="Fragment length (bp)", ylab="Fraction of fragments", xmax=1000),
    ]
    if tss:
        sections.append(_section("tss_enrichment", "TSS enrichment", "linegraph", tss,
                                 "Tn5 insertions around TSSs (5' to 3'), divided by the mean of the outer 100 bp; "
                                 "the score is the smoothed maximum (ENCODE definition).",
                                 xlab="Distance to TSS (bp)", ylab="Insertions / flank mean"))
    bulk = rows.get(sample, {})
    general = {key: bulk[key] for key in ("frip", "tss_enrichment", "fraction_under_147", "nrf") if key in bulk}
    return sections, general


def _training_section(sample: str, record: _Record) -> tuple[dict, dict]:
    metrics = record.document
    folds = [fold for fold in ("valid", "test") if record.get(metrics, "", fold, "object", required=False)]
    if not folds:
        record.fail("no key 'valid' or 'test' holding an object")
    row = {}
    for fold in folds:
        for metric in ("auroc", "auprc"):
            value = record.number(metrics, "", fold, metric)
            if value is not None:
                row[f"{fold}_{metric}"] = value
        for metric, key in (("count_pearson", "count_pearson"), ("count_spearman", "count_spearman"),
                            ("profile_jsd", "profile_jsd_median")):
            value = record.number(metrics, "", "peaks", fold, key)
            if value is not None:
                row[f"{fold}_{metric}"] = value
    general = {"test_auprc": row["test_auprc"]} if "test_auprc" in row else {}
    return _section("training", "Model held-out metrics", "table", {sample: row},
                    "Per-base auROC and auPRC of the accessibility predicted on the valid and test chromosomes; "
                    "with an insertions target, the Pearson/Spearman correlation of log total counts in peaks and "
                    "the median Jensen-Shannon distance of their profiles.", col1_header="Sample"), general


def _calls_section(sample: str, drops, boundaries, region_calls) -> tuple[dict, dict]:
    counts = {}
    if drops is not None:
        counts["drops"] = len(_bed_rows(drops, "--drops"))
    if boundaries is not None:
        rows = _bed_rows(boundaries, "--boundaries")
        counts["opening boundaries"] = sum(len(row) > 10 and row[10] == "opening" for row in rows)
        counts["closing boundaries"] = sum(len(row) > 10 and row[10] == "closing" for row in rows)
    if region_calls is not None:
        counts["region calls"] = len(_bed_rows(region_calls, "--region-calls"))
    general = {}
    if boundaries is not None:
        general["boundaries"] = counts["opening boundaries"] + counts["closing boundaries"]
    return _section("calls", "Calls", "bargraph", {sample: counts},
                    "Forget-gate drops, boundary calls by direction and region calls.",
                    ylab="Calls", cpswitch=False), general


def _replicate_section(sample: str, record: _Record) -> dict | None:
    pairs = record.get(record.document, "", "boundary_reproducibility", "list", required=False)
    if not pairs:
        return None
    rows = {}
    for number, pair in enumerate(pairs):
        where = f"boundary_reproducibility[{number}]"
        if not isinstance(pair, dict):
            record.fail(f"'{where}' is {_json_type(pair)}, not an object")
        a, b = (record.get(pair, where, key, "string") for key in ("a", "b"))
        values = {key: record.number(pair, where, key)
                  for key in ("calls_a", "calls_b", "matched", "reproducible", "idr_threshold")}
        rows[f"{sample}: {a} vs {b}"] = {key: value for key, value in values.items() if value is not None}
    return _section("replicates", "Replicate boundary agreement", "table", rows,
                    "Boundary calls matched between replicates (same direction, within the tolerance) and those "
                    "reproducible at the IDR threshold.", col1_header="Replicate pair")


_GENERAL_COLUMNS = {
    "frip": {"title": "FRiP", "description": "Fraction of fragments in peaks (ENCODE > 0.3)", "min": 0, "max": 1,
             "format": "{:,.3f}", "scale": "RdYlGn"},
    "tss_enrichment": {"title": "TSS enr.", "description": "TSS enrichment (ENCODE > 7 on GRCh38)", "min": 0,
                       "format": "{:,.2f}", "scale": "RdYlGn"},
    "fraction_under_147": {"title": "< 147 bp", "description": "Fraction of nucleosome-free fragments",
                           "min": 0, "max": 1, "format": "{:,.2f}", "scale": "Blues"},
    "nrf": {"title": "NRF", "description": "Non-redundant fraction (ENCODE > 0.9)", "min": 0, "max": 1,
            "format": "{:,.3f}", "scale": "RdYlGn"},
    "test_auprc": {"title": "test auPRC", "description": "Per-base auPRC on the test chromosomes", "min": 0,
                   "max": 1, "format": "{:,.3f}", "scale": "Purples"},
    "boundaries": {"title": "Boundaries", "description": "Boundary calls", "format": "{:,.0f}", "scale": "Greens"},
}


def run_multiqc_files(sample: str, out_dir: str | os.PathLike, *, signal_summary: str | None = None,
                      metrics: str | None = None, drops: str | None = None, boundaries: str | None = None,
                      region_calls: str | None = None, evaluation: str | None = None) -> list[str]:
    """Write the MultiQC custom-content files of one sample.

    Parameters
    ----------
    sample
        The sample name MultiQC shows.
    out_dir
        Directory written (replaced): ``gategenome_<section>_mqc.json`` files.
    signal_summary, metrics, drops, boundaries, region_calls, evaluation
        ``signal.json``, the model's ``metrics.json``, ``drops.bed``,
        ``boundaries.bed``, ``region_calls.bed``, ``evaluation.json``; each optional.

    Returns
    -------
    list of str
        The section ids written.

    Raises
    ------
    InputError
        A missing or unreadable input, a JSON input without a key read here (or with a value of
        another type), or no input at all.
    """
    if not any((signal_summary, metrics, drops, boundaries, region_calls, evaluation)):
        raise InputError("give at least one of --signal-summary, --metrics, --drops, --boundaries, "
                         "--region-calls, --evaluation")
    sections, general = [], {}
    if signal_summary:
        found, values = _signal_sections(sample, _Record("--signal-summary", signal_summary,
                                                         "the signal.json of 'gategenome signal'"))
        sections += found
        general.update(values)
    if metrics:
        section, values = _training_section(sample, _Record("--metrics", metrics,
                                                            "the metrics.json of 'gategenome train'"))
        sections.append(section)
        general.update(values)
    if drops or boundaries or region_calls:
        section, values = _calls_section(sample, drops, boundaries, region_calls)
        sections.append(section)
        general.update(values)
    if evaluation:
        section = _replicate_section(sample, _Record("--evaluation", evaluation,
                                                     "the evaluation.json of 'gategenome evaluate'"))
        if section is not None:
            sections.append(section)
    if general:
        # every column, so that the samples' files agree on the headers MultiQC takes from one of them
        sections.insert(0, {"id": f"{PREFIX}_general", "plot_type": "generalstats",
                            "pconfig": [{key: config} for key, config in _GENERAL_COLUMNS.items()],
                            "data": {sample: general}})
    with atomic_directory(Path(out_dir)) as staging:
        for section in sections:
            write_json(staging / f"{section['id']}_mqc.json", section)
    log.info("wrote %s: %d MultiQC section(s) of %s", out_dir, len(sections), sample)
    return [section["id"] for section in sections]
