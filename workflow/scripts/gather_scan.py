"""Gather per-chromosome scan shards into one scan directory.

Each shard is a complete scan directory for one chromosome (``scan.json`` +
``chroms/{chrom}.*``, ``null/{chrom}.*``...).  Every file below ``scan.json`` is
hard-linked into the same place of the gathered directory where the filesystem
allows (no copy), else copied.  ``scan.json`` is the first shard's, with ``chroms``
the union of every shard's in genome order.  The gathered directory is built
under a temporary name and renamed when complete.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path


def gather(shards, out):
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        meta = None
        for shard in map(Path, shards):
            shard_meta = json.loads((shard / "scan.json").read_text())
            if meta is None:
                meta = shard_meta
            else:
                for name, length in shard_meta.get("chroms", {}).items():
                    meta.setdefault("chroms", {}).setdefault(name, length)
            for source in sorted(shard.rglob("*")):
                if source.is_dir() or source == shard / "scan.json":
                    continue
                target = tmp / source.relative_to(shard)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
            print(f"gathered {shard}", file=sys.stderr)
        (tmp / "scan.json").write_text(json.dumps(meta, indent=2))
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


if __name__ == "__main__" and "snakemake" not in globals():
    gather(sys.argv[2:], sys.argv[1])
else:
    with open(snakemake.log[0], "w") as log:  # noqa: F821 (set by Snakemake)
        sys.stderr = log
        gather(list(snakemake.input), snakemake.output[0])  # noqa: F821
