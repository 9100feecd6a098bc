"""Gather per-chromosome scan shards into one scan directory.

Each shard is a complete scan directory for one chromosome (``scan.json`` +
``chroms/{chrom}.*``, ``null/{chrom}.*``...).  Every file below ``scan.json`` is
hard-linked into the same place of the gathered directory where the filesystem
allows (no copy), else copied.  Shards of one chromosome's two strands hold
distinct arrays but the same marker ``chroms/{chrom}.json``: the markers are
merged (strands united, seconds and null bases added).  ``scan.json`` is the
first shard's, with ``chroms`` and ``strands`` the union of every shard's.  The gathered directory is built
under a temporary name and renamed when complete.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path


STRAND_ORDER = {"+": 0, "-": 1}


def _merge_marker(target, source):
    """Fold one strand shard's chromosome marker into the one already gathered."""
    merged = json.loads(target.read_text())
    extra = json.loads(source.read_text())
    merged["strands"] = sorted(set(merged.get("strands", [])) | set(extra.get("strands", [])), key=STRAND_ORDER.get)
    # Wall time adds up over the strand jobs; null_bases is per strand (both shards scan the same windows).
    if isinstance(merged.get("seconds"), (int, float)) and isinstance(extra.get("seconds"), (int, float)):
        merged["seconds"] = merged["seconds"] + extra["seconds"]
    target.unlink()
    target.write_text(json.dumps(merged, indent=2))


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
                strands = set(meta.get("strands", [])) | set(shard_meta.get("strands", []))
                meta["strands"] = sorted(strands, key=STRAND_ORDER.get)
            for source in sorted(shard.rglob("*")):
                if source.is_dir() or source == shard / "scan.json" or source.name.startswith("."):
                    continue  # directories, the metadata (merged below), Snakemake's .snakemake_timestamp
                target = tmp / source.relative_to(shard)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists() and target.suffix == ".json":
                    _merge_marker(target, source)
                    continue
                if target.exists():
                    raise FileExistsError(f"{source}: {target.relative_to(tmp)} is also in another shard")
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
    import traceback

    with open(snakemake.log[0], "w") as log:  # noqa: F821 (set by Snakemake)
        sys.stderr = log
        try:
            gather(list(snakemake.input), snakemake.output[0])  # noqa: F821
        except Exception:
            traceback.print_exc(file=log)
            raise
