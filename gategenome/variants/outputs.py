"""Outputs of ``gategenome variants``: a TSV per allele and the input VCF annotated, bgzip + tabix.

``PREFIX.tsv`` has one row per scored allele (VCF ``POS`` 1-based, as in the VCF).
``PREFIX.vcf.gz`` (+ ``.tbi``) is the input with the INFO fields of
:data:`INFO_FIELDS` (and, for a ``target: insertions`` model, of
:data:`PROFILE_INFO_FIELDS`) declared in its header, one value per ALT (``Number=A``;
``.`` for an allele that was not scored).  Each file is written to a temporary
name and renamed when complete.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gategenome.errors import InputError
from gategenome.io.atomic import atomic_open, atomic_path
from gategenome.variants.vcf import Allele, open_vcf, selected_records

#: INFO key -> (row key, VCF type, description).
INFO_FIELDS = {
    "GG_DACC": ("d_access", "Float",
                "Change in predicted accessibility over the allele (ALT - REF, mean of the two strands)"),
    "GG_DACCMAX": ("d_access_max", "Float",
                   "Largest change in predicted accessibility within the window around the allele (signed)"),
    "GG_DMINF": ("d_min_forget", "Float",
                 "Change in the minimum mean forget gate within the window around the allele (ALT - REF; strand of largest change)"),
    "GG_DROP": ("drop", "String",
                "Forget-gate drop under the call threshold gained, lost, gained+lost (different strands) or none"),
    "GG_FOOTPRINT": ("footprint", "Integer",
                     "Memory footprint: bases downstream of the allele over which the gate tracks stay different"),
}

#: INFO key -> (row key, VCF type, description) of a ``target: insertions`` model's profile scores.
PROFILE_INFO_FIELDS = {
    "GG_LFC": ("count_lfc", "Float",
               "log2 fold-change (ALT / REF) of the predicted Tn5 insertions in the profile window around the allele"),
    "GG_LFC_P": ("count_lfc_p", "Float",
                 "Empirical p-value of |GG_LFC| against random SNVs of the scored chromosomes"),
    "GG_JSD": ("profile_jsd", "Float",
               "Jensen-Shannon distance (base 2) between the REF and ALT predicted insertion profiles"),
    "GG_JSD_P": ("profile_jsd_p", "Float", "Empirical p-value of GG_JSD against random SNVs of the scored chromosomes"),
}

#: TSV columns after the allele's own.
EFFECT_COLUMNS = ["d_access", "d_access_max", "d_min_forget", "min_forget_ref", "min_forget_alt", "drop",
                  "drop_strands", "footprint", "footprint_capped", "d_min_forget_plus", "d_min_forget_minus",
                  "footprint_plus", "footprint_minus"]
ALLELE_COLUMNS = ["chrom", "pos", "id", "ref", "alt", "kind"]
#: TSV columns of a ``target: insertions`` model's profile scores, after the effects.
PROFILE_COLUMNS = ["count_lfc", "count_lfc_p", "profile_jsd", "profile_jsd_p"]


def effect_columns(rows: Sequence[dict]) -> list[str]:
    """The effect columns of ``rows``: :data:`EFFECT_COLUMNS`, then those of :data:`PROFILE_COLUMNS` they hold."""
    return EFFECT_COLUMNS + [column for column in PROFILE_COLUMNS if rows and column in rows[0]]


def info_fields(rows: Sequence[dict]) -> dict[str, tuple[str, str, str]]:
    """The INFO fields of ``rows``: :data:`INFO_FIELDS`, then those of :data:`PROFILE_INFO_FIELDS` they hold."""
    columns = effect_columns(rows)
    return {**INFO_FIELDS, **{key: field for key, field in PROFILE_INFO_FIELDS.items() if field[0] in columns}}


def _format(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.6g}"
    return str(value)


def refuse_annotated(vcf: str | os.PathLike) -> None:
    """Refuse, before any scoring, a VCF that already carries this command's ``GG_*`` INFO fields.

    Raises
    ------
    InputError
        Naming the file and the fields.
    """
    with open_vcf(vcf) as source:
        found = sorted(set(source.header.info) & set(INFO_FIELDS))
    if found:
        raise InputError(f"--vcf {vcf}: already annotated by 'gategenome variants' (INFO {', '.join(found[:3])}); "
                         "expected the VCF it was made from")


def write_allele_table(path: str | os.PathLike, alleles: Sequence[Allele], rows: Sequence[dict]) -> None:
    """One tab-separated row per allele (header line first)."""
    columns = effect_columns(rows)
    with atomic_open(path) as handle:
        handle.write("\t".join(ALLELE_COLUMNS + columns) + "\n")
        for allele, row in zip(alleles, rows):
            fields = [allele.vcf_chrom, str(allele.pos + 1), allele.vcf_id, allele.ref, allele.alt, allele.kind]
            fields += [_format(row[column]) for column in columns]
            handle.write("\t".join(fields) + "\n")


def _info_value(value, kind: str):
    if value is None:
        return None
    if kind == "Float":
        return None if value != value else round(float(value), 6)
    return int(value) if kind == "Integer" else str(value)


def write_annotated_vcf(vcf: str | os.PathLike, out: str | os.PathLike, chroms: Sequence[str],
                        alleles: Sequence[Allele], rows: Sequence[dict],
                        contigs: Sequence[str] | None = None) -> tuple[Path, Path]:
    """The input VCF with the effects as INFO fields, bgzip-compressed and tabix-indexed.

    Parameters
    ----------
    vcf
        The input VCF/BCF.
    out
        Output path (``.vcf.gz``); the index is ``out + ".tbi"``.
    chroms
        Chromosome names of the records (declared as contigs when the header lacks them).
    alleles, rows
        Scored alleles and their effects.
    contigs
        Only the records on these index contigs (one chromosome, ``--chrom``), or None: all.

    Returns
    -------
    tuple
        ``(vcf path, index path)``.
    """
    import pysam

    scores = {(a.record, a.alt_index): row for a, row in zip(alleles, rows)}
    fields = info_fields(rows)
    out = Path(out)
    with open_vcf(vcf) as source:  # records may use INFO/FORMAT keys the header lacks: read them all first
        verbosity = pysam.set_verbosity(0)
        try:
            for _ in source:
                pass
        finally:
            pysam.set_verbosity(verbosity)
        header = source.header.copy()
        source.reset()
        for name in chroms:
            if name not in header.contigs:
                header.contigs.add(name)
        for key, (_, kind, text) in fields.items():
            if key in header.info:
                header.info.remove_header(key)
            header.info.add(key, "A", kind, text)
        index = Path(str(out) + ".tbi")
        with atomic_path(index) as index_tmp, atomic_path(out) as tmp:
            with pysam.VariantFile(str(tmp), "wz", header=header) as sink:
                for index, record in enumerate(selected_records(source, contigs)):
                    record.translate(sink.header)
                    alts = record.alts or ()
                    found = [scores.get((index, k)) for k in range(len(alts))]
                    if alts and any(row is not None for row in found):
                        for key, (column, kind, _) in fields.items():
                            record.info[key] = tuple(_info_value(None if row is None else row[column], kind)
                                                     for row in found)
                    sink.write(record)
            pysam.tabix_index(str(tmp), preset="vcf", force=True, index=str(index_tmp))
    return out, index
