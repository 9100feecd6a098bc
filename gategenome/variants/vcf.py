"""Read the alleles of a VCF/BCF (plain or bgzip) to score, checked against the genome.

Coordinates: a VCF ``POS`` is 1-based; an :class:`Allele`'s ``pos`` is 0-based, so
the reference allele is ``[pos, pos + len(ref))`` half-open.  Multi-allelic
records are split, one :class:`Allele` per ALT.  Records must be sorted (each
chromosome in one block, positions non-decreasing), as tabix needs.  Chromosome
names are matched to the FASTA's as everywhere else (:mod:`gategenome.io.chroms`:
``chrI``/``I``, ``chrM``/``MT``).
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gategenome.errors import InputError
from gategenome.io.chroms import name_lookup
from gategenome.io.fasta import Genome
from gategenome.io.index import require_fresh_index
from gategenome.io.provenance import Product, genome_product, require_compatible
from gategenome.io.reading import LIBRARY_ERRORS, describe, reading
from gategenome.variants.settings import VariantSettings

log = logging.getLogger(__name__)

_BASES = re.compile(r"^[ACGTN]+$")
#: IUPAC codes -> the bases each stands for: a REF written with them matches any of those bases of the FASTA.
IUPAC = {"A": "A", "C": "C", "G": "G", "T": "T", "R": "AG", "Y": "CT", "S": "CG", "W": "AT", "K": "GT", "M": "AC",
         "B": "CGT", "D": "AGT", "H": "ACT", "V": "ACG", "N": "ACGTN"}
_REF_BASES = re.compile(r"^[ACGTNRYSWKMBDHV]+$")


@dataclass(frozen=True)
class Allele:
    """One ALT allele of one record.

    Attributes
    ----------
    record
        0-based index of the record in the file.
    alt_index
        0-based index of the ALT within the record.
    chrom
        Chromosome name in the FASTA.
    pos
        0-based start of the reference allele.
    ref, alt
        Upper-case alleles (the VCF's, anchor base included).
    vcf_chrom, vcf_id
        As written in the VCF.
    """

    record: int
    alt_index: int
    chrom: str
    pos: int
    ref: str
    alt: str
    vcf_chrom: str
    vcf_id: str

    @property
    def end(self) -> int:
        """0-based end (exclusive) of the reference allele."""
        return self.pos + len(self.ref)

    @property
    def kind(self) -> str:
        """``snv``, ``mnv``, ``insertion``, ``deletion`` or ``complex``."""
        if len(self.ref) == len(self.alt):
            return "snv" if len(self.ref) == 1 else "mnv"
        if len(self.ref) == 1 and self.alt[0] == self.ref[0]:
            return "insertion"
        if len(self.alt) == 1 and self.ref[0] == self.alt[0]:
            return "deletion"
        return "complex"


@dataclass
class VariantInput:
    """Alleles to score and what was left out.

    Attributes
    ----------
    alleles
        In file order.
    counts
        ``records``, ``alleles``, ``ref_mismatch``, ``symbolic``, ``alt_is_ref`` (an ALT equal to
        REF: no change to score, skipped), ``unknown_chrom``, ``no_alt`` (records without an ALT).
    chroms
        Chromosome names as the VCF's records spell them, in file order.
    contigs
        The index contigs read (one chromosome's records), or None: the whole file.
    """

    alleles: list[Allele] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    chroms: list[str] = field(default_factory=list)
    contigs: list[str] | None = None


#: What a ``--vcf`` must be (for messages).
VCF_EXPECTED = "a VCF with its header (##fileformat and #CHROM lines), plain, bgzip (not plain gzip) or BCF"


def open_vcf(path: str | os.PathLike):
    """Open a VCF/BCF with pysam, a missing file or header as one-line :class:`InputError`."""
    import pysam

    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file; expected a VCF or BCF (plain or bgzip)")
    verbosity = pysam.set_verbosity(0)
    try:
        with reading(path, VCF_EXPECTED):
            return pysam.VariantFile(str(path))
    finally:
        pysam.set_verbosity(verbosity)


def chrom_contigs(path, handle, genome: Genome, chrom: str) -> list[str]:
    """The VCF's spellings of one FASTA chromosome, read from the VCF's index.

    Parameters
    ----------
    path
        The VCF (for messages).
    handle
        The open ``pysam.VariantFile``.
    genome
        The FASTA; ``chrom`` is matched to its names as everywhere else.
    chrom
        A chromosome name, as the FASTA or the VCF spells it.

    Returns
    -------
    list[str]
        Index contigs naming that chromosome (empty when the VCF has no record on it).

    Raises
    ------
    InputError
        The VCF has no index (``.tbi``/``.csi``) or one older than it, or ``chrom`` is not in the FASTA.
    """
    if handle.index is None:
        raise InputError(f"{path}: --chrom needs an indexed VCF; expected bgzip + a .tbi or .csi index "
                         "next to it (tabix -p vcf, bcftools index) or an indexed BCF")
    require_fresh_index(path, (".tbi", ".csi"), f"tabix -f -p vcf {Path(path).name}, or bcftools index -f")
    lookup = name_lookup(genome.sizes)
    wanted = lookup(chrom)
    if wanted is None:
        raise InputError(f"--chrom {chrom!r} is not a chromosome of the genome; expected one of "
                         f"{', '.join(list(genome.sizes)[:10])}")
    return [name for name in handle.index if lookup(name) == wanted]


def selected_records(handle, contigs: list[str] | None):
    """Every record of the file (``contigs`` None), or those on ``contigs`` through the index, in that order."""
    if contigs is None:
        yield from handle
        return
    for name in contigs:
        yield from handle.fetch(name)


def _iterate(path, handle, contigs=None):
    """``(index, record)`` of a VCF; a malformed line as :class:`InputError`."""
    index = -1
    try:
        for index, record in enumerate(selected_records(handle, contigs)):
            yield index, record
    except LIBRARY_ERRORS as exc:
        raise InputError(f"{path}: cannot read record {index + 2} ({describe(exc)}); expected valid VCF records") from None


class _SortCheck:
    """Refuse a record out of order: a chromosome seen before, or a smaller position."""

    def __init__(self, path) -> None:
        self.path = path
        self.done: set[str] = set()
        self.chrom: str | None = None
        self.pos = -1

    def __call__(self, chrom: str, pos: int) -> None:
        if chrom != self.chrom:
            if chrom in self.done:
                raise InputError(f"{self.path}: not sorted: {chrom} appears again after {self.chrom}; "
                                 "expected each chromosome in one block (bcftools sort)")
            if self.chrom is not None:
                self.done.add(self.chrom)
            self.chrom, self.pos = chrom, -1
        if pos < self.pos:
            raise InputError(f"{self.path}: not sorted: {chrom}:{pos} after {chrom}:{self.pos}; "
                             "expected positions in increasing order (bcftools sort)")
        self.pos = pos


def _check_ref(path, genome: Genome, chrom: str, pos: int, ref: str, strict: bool) -> bool:
    """Whether ``ref`` is the FASTA's sequence at ``pos`` (an IUPAC code in REF matches any base it stands for)."""
    stop = pos + len(ref)
    actual = genome.fetch(chrom, pos, min(stop, genome.sizes[chrom])).decode().upper()
    ok = len(actual) == len(ref) and all(r == "N" or a in IUPAC[r] for r, a in zip(ref, actual))
    if not ok and strict:
        raise InputError(f"{path}: REF {ref} at {chrom}:{pos + 1} does not match the FASTA ({actual or 'past the end'}); "
                         "expected the VCF to be on the same assembly as --genome (--strict)")
    return ok


def _check_position(path, record, chrom: str, length: int) -> None:
    """Refuse a record whose REF does not lie on the chromosome (POS 0, or past its end)."""
    ref_length = len(record.ref or "") or 1
    if record.pos < 1 or record.pos - 1 + ref_length > length:
        raise InputError(f"{path}: record {record.chrom}:{record.pos}: REF ends past {chrom} or starts before it; "
                         f"expected 1 <= POS and POS + len(REF) - 1 <= {length} (the length of {chrom} in --genome)")


def read_alleles(path: str | os.PathLike, genome: Genome, settings: VariantSettings,
                 chrom: str | None = None) -> VariantInput:
    """Every scorable allele of a VCF/BCF, checked against ``genome``.

    Parameters
    ----------
    path
        VCF or BCF, plain or bgzip.
    genome
        The FASTA the model scans.
    settings
        ``strict``, ``symbolic`` and ``unknown_chroms`` decide what is an error.
    chrom
        Only the records on this chromosome, read through the VCF's index
        (:func:`chrom_contigs`); record indices then count those records.

    Returns
    -------
    VariantInput
        The alleles and the counts of what was left out (a mismatched REF, a
        symbolic allele, an unknown chromosome).

    Raises
    ------
    InputError
        No header, ``##contig`` lengths other than the FASTA's, unsorted records, and (as the settings say) a REF that does not
        match, a symbolic allele or an unknown chromosome; with ``chrom``, a VCF
        without an index.
    """
    lookup = name_lookup(genome.sizes)
    result = VariantInput()
    counts = result.counts
    sort_check = _SortCheck(path)
    with open_vcf(path) as handle:
        declared = {name: contig.length for name, contig in handle.header.contigs.items() if contig.length is not None}
        require_compatible(Product(path, chroms=declared), genome_product(genome.path, genome.sizes))
        contigs = result.contigs = None if chrom is None else chrom_contigs(path, handle, genome, chrom)
        for index, record in _iterate(path, handle, contigs):
            counts["records"] += 1
            sort_check(record.chrom, record.pos)
            if not result.chroms or result.chroms[-1] != record.chrom:
                result.chroms.append(record.chrom)
            chrom = lookup(record.chrom)
            if chrom is None:
                if settings.unknown_chroms == "error":
                    raise InputError(f"{path}: record {record.chrom}:{record.pos}: unknown chromosome {record.chrom!r}; "
                                     f"expected one of {', '.join(list(genome.sizes)[:10])} (or --unknown-chroms skip)")
                counts["unknown_chrom"] += 1
                continue
            if not record.alts:
                counts["no_alt"] += 1
                continue
            _check_position(path, record, chrom, genome.sizes[chrom])
            ref = record.ref.upper()
            plain = [_BASES.match(alt.upper()) is not None for alt in record.alts]
            if not all(plain) and settings.symbolic == "error":
                bad = next(alt for alt, ok in zip(record.alts, plain) if not ok)
                raise InputError(f"{path}: record {record.chrom}:{record.pos}: symbolic allele {bad}; "
                                 "expected sequence alleles (A, C, G, T, N), or --symbolic skip")
            counts["symbolic"] += plain.count(False)
            if not _REF_BASES.match(ref):
                counts["symbolic"] += plain.count(True)
                continue
            if not _check_ref(path, genome, chrom, record.pos - 1, ref, settings.strict):
                counts["ref_mismatch"] += len(record.alts)
                continue
            for alt_index, (alt, ok) in enumerate(zip(record.alts, plain)):
                if ok and alt.upper() == ref:
                    counts["alt_is_ref"] += 1
                elif ok:
                    result.alleles.append(Allele(index, alt_index, chrom, record.pos - 1, ref, alt.upper(),
                                                 record.chrom, record.id or "."))
    counts["alleles"] = len(result.alleles)
    for key, what in (("ref_mismatch", "REF not matching the FASTA"), ("symbolic", "symbolic"),
                      ("alt_is_ref", "with ALT equal to REF (no change)"),
                      ("unknown_chrom", "on unknown chromosomes (records)")):
        if counts[key]:
            log.warning("%s: %d allele(s) %s skipped", path, counts[key], what)
    return result
