"""Layout of a scan directory: per-chromosome, per-strand gate and prediction arrays.

``gategenome scan`` writes, and ``tracks``, ``call``, ``evaluate`` and ``export``
read, this layout::

    DIR/scan.json                              run metadata (model, genome, settings)
    DIR/chroms/{chrom}.json                    shard marker: written last, when the chromosome is complete
    DIR/chroms/{chrom}.{plus|minus}.forget.npy          (L,) float16 mean forget gate
    DIR/chroms/{chrom}.{plus|minus}.accessibility.npy   (L,) uint8 predicted P(accessible), levels 0..254
                                                        (p = level / 254, 255 = no value; float16 before version 2)
    DIR/null/{chrom}.{plus|minus}.forget.npy            (M,) float16 mean forget gate over
                                                        dinucleotide-shuffled windows (the null)

Arrays are indexed by reference coordinate (0-based) on both strands: the minus
strand is scanned as the reverse complement and mapped back.  Bases with no value
(runs of N) hold NaN (level 255 in the accessibility arrays).  Arrays are ``.npy`` files opened memory-mapped, so readers
never hold a whole genome in RAM.  Null arrays are the concatenated scans of
shuffled windows; the first bases of each window (the start-up transient) are NaN
and separate the windows.

Writers create each array under a temporary name (:class:`~.writer.ArrayWriter`), fill it
by positioned writes, and rename it when the chromosome is complete
(:class:`~.writer.ShardWriter`); the shard marker is written after every array of the
chromosome is in place.  :func:`~.writer.open_scan_dir` writes ``scan.json`` and refuses a
directory made with other settings, and :func:`~.gather.gather_shards` merges scan
directories of single chromosomes (or strands) into one.
"""
