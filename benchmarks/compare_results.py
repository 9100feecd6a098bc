"""Compare two result trees file by file: are the outputs of two runs byte-identical?

A refactoring must not change what the pipeline writes.  Run the demo (or any
workflow) with the old and the new code into two trees, then:

    python benchmarks/compare_results.py BEFORE/results/demo AFTER/results/demo

Every file matching ``--include`` (default: the drop calls, every scan array and the
designed sequences) is compared byte by byte; files only on one side are listed.
Exits 0 when every compared file is identical, 1 otherwise.  Files that carry run
times or absolute paths (logs, benchmarks, JSON summaries, PNGs, bigWigs whose
header holds no time but whose zoom levels depend on the writer) are left out by
default; name them with ``--include`` to compare them too.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import sys
from pathlib import Path

DEFAULT_INCLUDE = ("drops.bed", "*.npy", "designs.fa")


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _files(root: Path, patterns: tuple[str, ...]) -> dict[str, Path]:
    return {str(path.relative_to(root)): path for path in sorted(root.rglob("*"))
            if path.is_file() and any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns)}


def compare(before: Path, after: Path, patterns: tuple[str, ...]) -> dict[str, list[str]]:
    """``{"same": [...], "different": [...], "only_before": [...], "only_after": [...]}`` (relative paths)."""
    old, new = _files(before, patterns), _files(after, patterns)
    report: dict[str, list[str]] = {"same": [], "different": [], "only_before": [], "only_after": []}
    for name in sorted(set(old) | set(new)):
        if name not in new:
            report["only_before"].append(name)
        elif name not in old:
            report["only_after"].append(name)
        elif _digest(old[name]) == _digest(new[name]):
            report["same"].append(name)
        else:
            report["different"].append(name)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--include", action="append", default=None, metavar="GLOB",
                        help=f"file-name pattern to compare (repeatable; default {', '.join(DEFAULT_INCLUDE)})")
    args = parser.parse_args(argv)
    for root in (args.before, args.after):
        if not root.is_dir():
            parser.error(f"{root}: not a directory; expected a result tree")
    report = compare(args.before, args.after, tuple(args.include or DEFAULT_INCLUDE))
    for kind in ("different", "only_before", "only_after"):
        for name in report[kind]:
            print(f"{kind:12s} {name}")
    total = sum(len(names) for names in report.values())
    print(f"{len(report['same'])} of {total} files identical "
          f"({len(report['different'])} different, {len(report['only_before']) + len(report['only_after'])} on one side)")
    return 0 if total and len(report["same"]) == total else 1


if __name__ == "__main__":
    sys.exit(main())
