"""Join the per-chromosome outputs of ``gategenome variants --chrom`` into one output.

The workflow scatters a large VCF by chromosome (one ``variants --chrom NAME``
job each) and gathers the parts here: the TSV rows and the VCF records are
concatenated in the order the parts are given (the workflow passes them in
genome order), under the first part's header (contigs only another part
declares are added); the counts and drops of the summaries are summed.  When
the VCF is sorted in genome order, the result equals scoring the whole VCF in
one run (checked by ``tests/cli/test_cli_variants_scatter.py``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_open, atomic_path
from gategenome.io.jsonfile import write_json
from gategenome.io.provenance import Product, require_compatible
from gategenome.variants.run import output_paths


def _part_paths(parts: Sequence[str | os.PathLike]) -> list[dict[str, Path]]:
    """Each part's output paths; a missing file is an :class:`InputError`."""
    found = []
    for prefix in parts:
        paths = output_paths(prefix)
        for path in paths.values():
            if not path.is_file():
                raise InputError(f"{path}: no such file; expected the outputs of 'gategenome variants --out {prefix}'")
        found.append(paths)
    return found


def _gather_tables(tables: Sequence[Path], out: Path) -> int:
    """Concatenate TSVs that share one header line; the number of rows."""
    header, rows = None, 0
    with atomic_open(out) as sink:
        for table in tables:
            with open(table) as source:
                first = source.readline()
                if header is None:
                    header = first
                    sink.write(header)
                elif first != header:
                    raise InputError(f"{table}: its columns differ from {tables[0]}'s; expected parts of one "
                                     "'gategenome variants' run")
                for line in source:
                    sink.write(line)
                    rows += 1
    return rows


def _gather_vcfs(vcfs: Sequence[Path], out: Path) -> None:
    """Concatenate bgzip VCFs under the first one's header (other parts' contigs added); bgzip + tabix."""
    import pysam

    with pysam.VariantFile(str(vcfs[0])) as first:
        header = first.header.copy()
    for path in vcfs[1:]:
        with pysam.VariantFile(str(path)) as part:
            for name in part.header.contigs:
                if name not in header.contigs:
                    header.contigs.add(name)
    with atomic_path(Path(str(out) + ".tbi")) as index_tmp, atomic_path(out) as tmp:
        with pysam.VariantFile(str(tmp), "wz", header=header) as sink:
            for path in vcfs:
                with pysam.VariantFile(str(path)) as part:
                    for record in part:
                        record.translate(sink.header)
                        sink.write(record)
        pysam.tabix_index(str(tmp), preset="vcf", force=True, index=str(index_tmp))


def _merge_summaries(summaries: Sequence[dict[str, Any]], parts: Sequence[str]) -> dict[str, Any]:
    """The first part's summary with counts, drops and seconds summed over the parts."""
    merged = dict(summaries[0])
    for key in ("counts", "drops"):
        merged[key] = {name: sum(int(s.get(key, {}).get(name, 0)) for s in summaries) for name in merged.get(key, {})}
    merged["seconds"] = round(sum(float(s.get("seconds", 0.0)) for s in summaries), 3)
    merged["inputs"] = dict(merged.get("inputs", {}), chrom=None)
    merged["parts"] = [{"prefix": str(prefix), "chrom": s.get("inputs", {}).get("chrom"),
                        "threshold": s.get("threshold")} for prefix, s in zip(parts, summaries)]
    thresholds = {s.get("threshold") for s in summaries}
    if len(thresholds) > 1:
        merged["threshold"] = None
    return merged


#: Summary keys parts must share besides the model and genome checksums and the settings (the threshold may
#: differ: a null per part).
SHARED_KEYS = ("model_config", "context")
#: Settings whose value does not change a result (so parts may differ in them).
RESULT_NEUTRAL = ("batch_size", "chunk_size")


def _shared_facts(summary: dict[str, Any]) -> dict[str, Any]:
    facts = {key: summary[key] for key in SHARED_KEYS if key in summary}
    settings = summary.get("settings")
    if isinstance(settings, dict):
        facts.update({f"settings.{key}": value for key, value in settings.items() if key not in RESULT_NEUTRAL})
    return facts


def _require_one_run(summaries: Sequence[Any], paths: Sequence[Path]) -> None:
    """Refuse parts of different models, genomes or settings (:func:`~gategenome.io.provenance.require_compatible`)."""
    products = []
    for summary, path in zip(summaries, paths):
        if not isinstance(summary, dict):
            raise InputError(f"{path}: not a JSON object; expected a 'gategenome variants' summary")
        products.append(Product(path, model_checksum=summary.get("model_checksum"),
                                genome_checksum=summary.get("genome_checksum"),
                                settings=_shared_facts(summary)))
    for product in products[1:]:
        require_compatible(products[0], product)


def gather_parts(parts: Sequence[str | os.PathLike], out: str | os.PathLike) -> dict[str, Any]:
    """Join the outputs of ``gategenome variants`` runs into ``OUT.vcf.gz`` (+ ``.tbi``), ``OUT.tsv``, ``OUT.json``.

    Parameters
    ----------
    parts
        Output prefixes of the runs (one per chromosome), in the order wanted.
    out
        The gathered output prefix.

    Returns
    -------
    dict
        The gathered summary (``OUT.json``): the first part's, with counts and
        drops summed, ``parts`` listing each part, ``threshold`` None when the
        parts' thresholds differ.

    Raises
    ------
    InputError
        No part, a missing part file, parts of different models, genomes or settings, or TSVs with different
        columns.
    """
    if not parts:
        raise InputError("no parts to gather; expected the output prefixes of 'gategenome variants --chrom' runs")
    seen: dict[str, str] = {}
    for part in parts:  # a part twice repeats its records, out of order for the index: refused before any work
        key = os.path.realpath(f"{part}.json")
        if key in seen:
            raise InputError(f"part {part} is given twice (as {seen[key]} too); expected each part once")
        seen[key] = str(part)
    found = _part_paths(parts)
    summaries = []
    for paths in found:
        try:
            summaries.append(json.loads(paths["summary"].read_text()))
        except (OSError, ValueError) as exc:
            raise InputError(f"{paths['summary']}: cannot read as JSON ({exc}); expected a 'gategenome variants' "
                             "summary") from None
    _require_one_run(summaries, [paths["summary"] for paths in found])
    written = output_paths(out)
    rows = _gather_tables([paths["table"] for paths in found], written["table"])
    _gather_vcfs([paths["vcf"] for paths in found], written["vcf"])
    summary = _merge_summaries(summaries, [str(p) for p in parts])
    summary["files"] = {key: str(path) for key, path in written.items()}
    if rows != summary["counts"].get("alleles", rows):
        raise InputError(f"{written['table']}: {rows} rows but the parts' summaries count "
                         f"{summary['counts']['alleles']} alleles; expected complete parts")
    write_json(written["summary"], summary)
    return summary
