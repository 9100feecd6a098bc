"""Fragments from a coordinate-sorted, indexed, paired-end BAM, through pysam.

The leftmost read of each properly paired template makes the fragment
``[reference_start, reference_start + template_length)``.  Reads that are
unmapped, not proper pairs, secondary, supplementary, duplicates, QC-failed or
below ``min_mapq`` (the mate's too, when the ``MQ`` tag says) are dropped and
counted per reason; fragments on the mitochondrial chromosome are counted.  The
BAM is read one genome chromosome at a time through its index, in genome order.
Library complexity (NRF, PBC) is counted over the fragments kept before the
duplicate filter when asked.
"""

from __future__ import annotations

import contextlib
import logging
import os
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from gategenome.data.fragments import CHUNK, FragmentChunk, FragmentCounts
from gategenome.data.library_qc import LibraryComplexity
from gategenome.errors import InputError
from gategenome.io.chroms import match_chromosomes, normalise_name
from gategenome.io.index import require_fresh_index
from gategenome.io.provenance import Product, require_compatible
from gategenome.io.reading import reading

log = logging.getLogger(__name__)


class _ChunkBuffer:
    """BAM fragments of the current chromosome until a chunk is full."""

    def __init__(self, chunk: int):
        self.chunk = chunk
        self.chrom: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.starts, self.ends, self.groups = array("q"), array("q"), array("i")

    def flush(self) -> FragmentChunk | None:
        if not self.starts:
            return None
        out = FragmentChunk(
            self.chrom,
            np.frombuffer(self.starts, dtype=np.int64),
            np.frombuffer(self.ends, dtype=np.int64),
            np.frombuffer(self.groups, dtype=np.int32),
        )
        self._reset()
        return out



def open_bam(path: str | os.PathLike, genome_sizes: Mapping[str, int], genome_label: str = "the genome"):
    """Open a BAM, refusing one without index or without paired reads, or of another assembly than the genome
    (``genome_label``: its path, for messages).

    Returns
    -------
    tuple
        ``(pysam.AlignmentFile, genome name -> BAM name)``.
    """
    import pysam

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: BAM not found")
    require_fresh_index(path, (".bai", ".csi"), f"samtools index {path.name}")
    with reading(path, "a coordinate-sorted, indexed BAM"):
        bam = pysam.AlignmentFile(str(path), "rb")
    if not bam.has_index():
        bam.close()
        raise InputError(f"{path}: no index (.bai/.csi); expected a coordinate-sorted, indexed BAM "
                         f"(samtools sort, then samtools index {path.name})")
    declared = dict(zip(bam.references, bam.lengths))
    try:
        require_compatible(Product(genome_label, chroms=genome_sizes), Product(path, chroms=declared), shared=True)
    except BaseException:
        bam.close()
        raise
    mapping = match_chromosomes(genome_sizes, declared, str(path))
    seen = paired = 0
    with reading(path, "a coordinate-sorted, indexed BAM"):
        try:
            for read in bam.head(1000):
                if not read.is_unmapped:
                    seen += 1
                    paired += read.is_paired
        except BaseException:
            bam.close()
            raise
    if seen and not paired:
        bam.close()
        raise InputError(f"{path}: the first {seen} mapped reads are single-end; expected paired-end ATAC-seq "
                         "reads (fragments need both mates)")
    return bam, mapping


@contextlib.contextmanager
def _restored_verbosity(verbosity: int) -> Iterator[None]:
    import pysam

    try:
        yield
    finally:
        pysam.set_verbosity(verbosity)


@contextlib.contextmanager
def _closed_quietly(bam) -> Iterator[None]:
    """Close a read-only BAM at the end; a failure to close a corrupt one never hides why it failed."""
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            bam.close()


def _keep_read(read, min_mapq: int, counts: FragmentCounts) -> bool:
    """Whether a read is the leftmost, filtered mate of a proper pair (drops counted)."""
    if read.is_unmapped or read.is_secondary or read.is_supplementary:
        counts.drop("unmapped, secondary or supplementary")
        return False
    if not read.is_paired:
        counts.drop("single-end read")
        return False
    if not read.is_proper_pair:
        counts.drop("not a proper pair")
        return False
    if read.is_duplicate or read.is_qcfail:
        counts.drop("duplicate or QC-failed")
        return False
    if read.mapping_quality < min_mapq or (read.has_tag("MQ") and read.get_tag("MQ") < min_mapq):
        counts.drop(f"MAPQ < {min_mapq}")
        return False
    tlen = read.template_length
    if tlen < 0 or (tlen == 0 and not read.is_read1):
        return False  # the other mate of a kept pair
    return tlen > 0


def _complexity_length(read, min_mapq: int) -> int:
    """Template length of a leftmost mate kept but for its duplicate flag (0 otherwise)."""
    if (read.is_unmapped or read.is_secondary or read.is_supplementary or not read.is_paired
            or not read.is_proper_pair or read.is_qcfail):
        return 0
    if read.mapping_quality < min_mapq or (read.has_tag("MQ") and read.get_tag("MQ") < min_mapq):
        return 0
    tlen = read.template_length
    return max(0, tlen)


def read_bam_fragments(
    path: str | os.PathLike,
    genome_sizes: Mapping[str, int],
    counts: FragmentCounts,
    min_mapq: int = 30,
    chunk: int = CHUNK,
    genome_label: str = "the genome",
    complexity: LibraryComplexity | None = None,
) -> Iterator[FragmentChunk]:
    """Stream the fragments of a paired-end BAM, one genome chromosome at a time.

    Parameters
    ----------
    path
        Coordinate-sorted, indexed, paired-end BAM.
    genome_sizes
        Genome chromosome -> length, in FASTA order.
    counts
        Filled with reads read, fragments kept and reads dropped per reason.
    min_mapq
        Lowest mapping quality kept (of both mates when the ``MQ`` tag is present).
    chunk
        Most fragments per yielded chunk.
    genome_label
        The genome's path, named when the BAM is of another assembly.
    complexity
        When given, receives every fragment kept before duplicates are dropped
        (duplicate-flagged pairs included), for NRF and PBC.
    """
    bam, mapping = open_bam(path, genome_sizes, genome_label)
    mito = {name for name in genome_sizes if normalise_name(name) == "m"}
    import pysam

    verbosity = pysam.set_verbosity(0)  # htslib's own lines about a corrupt block: the one line below says it
    with _restored_verbosity(verbosity), reading(path, "a coordinate-sorted, indexed BAM (a corrupt block?)"), \
            _closed_quietly(bam):
        for chrom, bam_chrom in mapping.items():
            length = int(genome_sizes[chrom])
            buffer = _ChunkBuffer(chunk)
            buffer.chrom = chrom
            kept_before = counts.kept
            for read in bam.fetch(bam_chrom):
                counts.records += 1
                if complexity is not None and (tlen := _complexity_length(read, min_mapq)):
                    complexity.add(chrom, read.reference_start, min(read.reference_start + tlen, length))
                if not _keep_read(read, min_mapq, counts):
                    continue
                start = read.reference_start
                buffer.starts.append(start)
                buffer.ends.append(min(start + read.template_length, length))
                buffer.groups.append(0)
                counts.kept += 1
                if len(buffer.starts) >= chunk:
                    yield buffer.flush()
            if buffer.starts:
                yield buffer.flush()
            kept = counts.kept - kept_before
            if kept:
                counts.per_chrom[chrom] = kept
                counts.reads += 2 * kept
                if chrom in mito:
                    counts.mitochondrial += kept
        unmatched = [name for name in bam.references if name not in set(mapping.values())]
        if unmatched:
            log.warning("%s: reads on %d BAM contig(s) absent from the genome are skipped (%s)",
                        path, len(unmatched), ", ".join(unmatched[:10]))
