"""The bigWig file format's fixed parts: header, chromosome B+ tree, R-tree index.

Written from the format description in Kent et al. 2010 (BigWig and BigBed,
Bioinformatics 26:2204) and the UCSC source's ``bbiFile.h`` / ``cirTree.h``;
everything little-endian.  Used by :mod:`gategenome.io.bigwig_writer`.
"""

from __future__ import annotations

import struct

import numpy as np

BIGWIG_MAGIC = 0x888FFC26
BPT_MAGIC = 0x78CA8C91
CIRTREE_MAGIC = 0x2468ACE0
#: bigWig version written (4: zlib-compressed blocks, as UCSC's tools write).
VERSION = 4
HEADER_SIZE = 64
ZOOM_HEADER_SIZE = 24
SUMMARY_SIZE = 40
#: Children per node of the chromosome tree and of the R-tree indexes.
TREE_BLOCK = 256

#: One R-tree leaf item per block: chromosome and bases covered, file offset and size.
BLOCK_DTYPE = np.dtype([("chrom", "<u4"), ("start", "<u4"), ("end", "<u4"), ("offset", "<u8"), ("size", "<u8")])


def header(zoom_levels: int, chrom_tree: int, full_data: int, full_index: int, summary: int,
           uncompress_buf: int) -> bytes:
    """The 64-byte bigWig header."""
    return struct.pack("<IHHQQQHHQQIQ", BIGWIG_MAGIC, VERSION, zoom_levels, chrom_tree, full_data, full_index,
                       0, 0, 0, summary, uncompress_buf, 0)


def zoom_header(reduction: int, data_offset: int, index_offset: int) -> bytes:
    """One 24-byte zoom-level header."""
    return struct.pack("<IIQQ", reduction, 0, data_offset, index_offset)


def total_summary(bases: int, low: float, high: float, total: float, squares: float) -> bytes:
    """The 40-byte whole-file summary (bases covered, min, max, sum, sum of squares)."""
    return struct.pack("<Qdddd", bases, low, high, total, squares)


def chrom_tree(chroms: list[tuple[str, int]], base: int) -> bytes:
    """The chromosome B+ tree, to be written at file offset ``base``: names (sorted bytewise) -> (id,
    length); id = position in ``chroms``."""
    items = sorted(((name.encode(), index, length) for index, (name, length) in enumerate(chroms)))
    key_size = max(1, max(len(key) for key, _, _ in items))
    block = max(1, min(TREE_BLOCK, len(items)))
    out = [struct.pack("<IIIIQQ", BPT_MAGIC, block, key_size, 8, len(items), 0)]
    # levels from the leaves up: each node covers ``block`` children
    levels = [[items[i:i + block] for i in range(0, len(items), block)]]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([below[i:i + block] for i in range(0, len(below), block)])
    levels.reverse()  # root first, as stored
    offset = base + 32
    starts = []
    for level_index, nodes in enumerate(levels):
        starts.append(offset)
        item_size = key_size + 8
        offset += sum(4 + len(node) * item_size for node in nodes)
    for level_index, nodes in enumerate(levels):
        leaf = level_index == len(levels) - 1
        child_offset = starts[level_index + 1] if not leaf else 0
        for node in nodes:
            out.append(struct.pack("<BBH", 1 if leaf else 0, 0, len(node)))
            for entry in node:
                if leaf:
                    key, index, length = entry
                    out.append(key.ljust(key_size, b"\0") + struct.pack("<II", index, length))
                else:  # entry: the child node (a list); its key is its first key
                    first = entry
                    while isinstance(first, list):
                        first = first[0]
                    out.append(first[0].ljust(key_size, b"\0") + struct.pack("<Q", child_offset))
                    child_offset += 4 + len(entry) * (key_size + 8)
    return b"".join(out)


_LEAF = np.dtype([("c0", "<u4"), ("s", "<u4"), ("c1", "<u4"), ("e", "<u4"), ("off", "<u8"), ("size", "<u8")])
_NODE = np.dtype([("c0", "<u4"), ("s", "<u4"), ("c1", "<u4"), ("e", "<u4"), ("off", "<u8")])


def rtree_index(blocks: np.ndarray, index_offset: int, items_per_slot: int) -> bytes:
    """An R-tree (cirTree) index over data blocks sorted by (chrom, start), to be written at ``index_offset``.

    Parameters
    ----------
    blocks
        ``(N,)`` of :data:`BLOCK_DTYPE`, in file order; the indexed data end at ``index_offset``.
    index_offset
        File offset where the index starts (just past the data).
    items_per_slot
        Items per data block, recorded in the header.
    """
    count = int(blocks.size)
    bounds = (0, 0, 0, 0)
    if count:
        bounds = (int(blocks["chrom"][0]), int(blocks["start"][0]), int(blocks["chrom"][-1]), int(blocks["end"][-1]))
    head = struct.pack("<IIQIIIIQII", CIRTREE_MAGIC, TREE_BLOCK, count, *bounds, index_offset, items_per_slot, 0)
    if not count:
        return head + struct.pack("<BBH", 1, 0, 0)
    # levels from the leaves up, each node as (first block, last block) and its number of children
    lo = np.arange(0, count, TREE_BLOCK)
    hi = np.minimum(lo + TREE_BLOCK, count) - 1
    levels = [(lo, hi, hi - lo + 1)]
    while levels[-1][0].size > 1:
        below_lo, below_hi, _ = levels[-1]
        first = np.arange(0, below_lo.size, TREE_BLOCK)
        last = np.minimum(first + TREE_BLOCK, below_lo.size) - 1
        levels.append((below_lo[first], below_hi[last], last - first + 1))
    sizes = [4 * lo.size + int(children.sum()) * (32 if depth == 0 else 24)
             for depth, (lo, _, children) in enumerate(levels)]
    starts, position = {}, index_offset + len(head)
    for depth in range(len(levels) - 1, -1, -1):  # root level first
        starts[depth] = position
        position += sizes[depth]
    out = [head]
    for depth in range(len(levels) - 1, -1, -1):
        lo, hi, children = levels[depth]
        if depth == 0:
            for first, last in zip(lo, hi):
                part = blocks[first:last + 1]
                items = np.zeros(part.size, dtype=_LEAF)
                items["c0"], items["s"], items["c1"], items["e"] = part["chrom"], part["start"], part["chrom"], part["end"]
                items["off"], items["size"] = part["offset"], part["size"]
                out.append(struct.pack("<BBH", 1, 0, part.size) + items.tobytes())
            continue
        below_lo, below_hi, below_children = levels[depth - 1]
        below_size = 32 if depth == 1 else 24
        offsets = starts[depth - 1] + np.concatenate([[0], np.cumsum(4 + below_children * below_size)[:-1]])
        for node, n in enumerate(children):
            first, last = node * TREE_BLOCK, node * TREE_BLOCK + int(n)
            items = np.zeros(int(n), dtype=_NODE)
            lo_b, hi_b = blocks[below_lo[first:last]], blocks[below_hi[first:last]]
            items["c0"], items["s"], items["c1"], items["e"] = lo_b["chrom"], lo_b["start"], hi_b["chrom"], hi_b["end"]
            items["off"] = offsets[first:last]
            out.append(struct.pack("<BBH", 0, 0, int(n)) + items.tobytes())
    return b"".join(out)
