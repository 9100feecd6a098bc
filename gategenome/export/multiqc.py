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


def _qc_entries(sample: str, qc: dict) -> list[tuple[str, dict]]:
    """``(MultiQC sample name, QC entry)``: the bulk or each group; each input when there are several."""
    groups = qc["groups"]
    entries = [(sample if list(groups) == ["all"] else f"{sample}.{group}", entry) for group, entry in groups.items()]
    if len(qc["inputs"]) > 1:
        entries += [(f"{sample}:{Path(entry['file']).name}", entry) for entry in qc["inputs"]]
    return entries


def _value(entry: dict, *keys):
    for key in keys:
        if not isinstance(entry, dict) or key not in entry:
            return None
        entry = entry[key]
    return entry


def _signal_sections(sample: str, summary: dict) -> tuple[list[dict], dict]:
    """Library QC table and line graphs, and the sample's general-statistics values."""
    qc = summary.get("qc")
    if not qc:
        return [], {}
    rows, lengths, tss = {}, {}, {}
    for name, entry in _qc_entries(sample, qc):
        fragment_lengths = entry["fragment_lengths"]
        modes = fragment_lengths["modes"]
        row = {"fragments": fragment_lengths["fragments"],
               "fraction_under_147": fragment_lengths["fraction_under_147"],
               "nfr_mode": modes.get("nucleosome_free"), "mono_mode": modes.get("mono_nucleosome"),
               "frip": _value(entry, "frip", "frip"), "tss_enrichment": _value(entry, "tss_enrichment", "score"),
               "nrf": _value(entry, "complexity", "nrf"), "pbc1": _value(entry, "complexity", "pbc1"),
               "pbc2": _value(entry, "complexity", "pbc2"),
               "duplicate_fraction": _value(entry, "complexity", "duplicate_fraction")}
        rows[name] = {key: value for key, value in row.items() if value is not None}
        total = max(fragment_lengths["fragments"], 1)
        lengths[name] = {length: count / total for length, count in enumerate(fragment_lengths["histogram"]) if length}
        profile = _value(entry, "tss_enrichment", "profile")
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


def _training_section(sample: str, metrics: dict) -> tuple[dict, dict]:
    row = {}
    for fold in ("valid", "test"):
        for metric in ("auroc", "auprc"):
            value = _value(metrics, fold, metric)
            if value is not None:
                row[f"{fold}_{metric}"] = value
        for metric, key in (("count_pearson", "count_pearson"), ("count_spearman", "count_spearman"),
                            ("profile_jsd", "profile_jsd_median")):
            value = _value(metrics, "peaks", fold, key)
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


def _replicate_section(sample: str, evaluation: dict) -> dict | None:
    pairs = evaluation.get("boundary_reproducibility")
    if not pairs:
        return None
    rows = {}
    for pair in pairs:
        rows[f"{sample}: {pair['a']} vs {pair['b']}"] = {
            key: pair[key] for key in ("calls_a", "calls_b", "matched", "reproducible", "idr_threshold")
            if pair.get(key) is not None}
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
        A missing or unreadable input, or no input at all.
    """
    if not any((signal_summary, metrics, drops, boundaries, region_calls, evaluation)):
        raise InputError("give at least one of --signal-summary, --metrics, --drops, --boundaries, "
                         "--region-calls, --evaluation")
    sections, general = [], {}
    if signal_summary:
        found, values = _signal_sections(sample, _read_json(signal_summary, "--signal-summary"))
        sections += found
        general.update(values)
    if metrics:
        section, values = _training_section(sample, _read_json(metrics, "--metrics"))
        sections.append(section)
        general.update(values)
    if drops or boundaries or region_calls:
        section, values = _calls_section(sample, drops, boundaries, region_calls)
        sections.append(section)
        general.update(values)
    if evaluation:
        section = _replicate_section(sample, _read_json(evaluation, "--evaluation"))
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
