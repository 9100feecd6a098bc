"""Every command's outputs on the demo genome, hashed, so two versions of gategenome can be compared byte for byte.

Runs, in a new directory: ``gategenome simulate`` (the demo genome), the workflow
on ``config/demo.yaml`` with its optional stages switched on and small (prepare,
train, scan, gather, tracks, call, boundaries, evaluate, export, design memory and
reset, explain, variants on a VCF of 40 substitutions), then ``signal`` on the
fragments drawn from the planted regions and ``call`` and ``boundaries`` with
non-default settings.  Writes a manifest (path -> SHA-256;
JSON files also hashed with volatile keys such as timings removed).

\b
    python benchmarks/demo_outputs.py run --work-dir /tmp/demo-a --manifest before.json
    python benchmarks/demo_outputs.py run --work-dir /tmp/demo-a --manifest after.json   # same path: paths in outputs match
    python benchmarks/demo_outputs.py compare before.json after.json

Both runs must use the same ``--work-dir`` path (outputs record their paths); a run
refuses a directory that exists, so move the first one away before the second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

#: JSON keys whose values differ from run to run (timings, dates, hosts, versions).
VOLATILE = re.compile(r"(seconds|per_second|elapsed|time|date|host|version|duration|_s$|wall)", re.IGNORECASE)
#: A timing shown in an HTML report: its label cell, then the number.
HTML_TIMING = re.compile(r"(<code>[^<]*(?:seconds|per_second)[^<]*</code>\s*</td>\s*<td[^>]*>)[0-9.eE+-]+")
#: Directories of run bookkeeping, not outputs.
SKIPPED = {".snakemake", "logs", "benchmarks"}


def gategenome(*args: str, cwd: Path) -> None:
    """Run one gategenome command in ``cwd`` with this interpreter; stop on failure."""
    command = [sys.executable, "-m", "gategenome", *args]
    print("+ gategenome", " ".join(args), flush=True)
    subprocess.run(command, cwd=cwd, check=True, env={**os.environ, "OMP_NUM_THREADS": "1"})


def write_vcf(genome: Path, path: Path, count: int = 40, seed: int = 0) -> None:
    """A bgzipped, indexed VCF of ``count`` substitutions at random positions of ``genome``."""
    import pysam

    with pysam.FastaFile(str(genome)) as fasta:
        chroms = list(zip(fasta.references, fasta.lengths))
        rng = random.Random(seed)
        records = []
        for _ in range(count):
            chrom, length = rng.choice(chroms)
            position = rng.randrange(1000, length - 1000)
            ref = fasta.fetch(chrom, position, position + 1).upper()
            alt = rng.choice([base for base in "ACGT" if base != ref])
            records.append((chrom, position + 1, ref, alt))
    records.sort(key=lambda record: ([name for name, _ in chroms].index(record[0]), record[1]))
    lines = ["##fileformat=VCFv4.2"] + [f"##contig=<ID={name},length={length}>" for name, length in chroms]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    lines += [f"{chrom}\t{pos}\tv{index}\t{ref}\t{alt}\t.\tPASS\t." for index, (chrom, pos, ref, alt)
              in enumerate(records)]
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)


def write_fragments(truth: Path, sizes: Path, path: Path, count: int = 50_000, seed: int = 0) -> None:
    """A sorted BEDPE of ``count`` fragments: four in five inside the planted accessible regions, the rest anywhere."""
    rng = random.Random(seed)
    regions = [(fields[0], int(fields[1]), int(fields[2])) for fields in
               (line.split("\t") for line in truth.read_text().splitlines() if line and not line.startswith("#"))]
    lengths = dict(line.split("\t")[:2] for line in sizes.read_text().splitlines() if line)
    fragments = []
    for _ in range(count):
        if rng.random() < 0.8:
            chrom, start, end = rng.choice(regions)
        else:
            chrom = rng.choice(sorted(lengths))
            start, end = 0, int(lengths[chrom])
        begin = rng.randrange(start, max(start + 1, end - 60))
        fragments.append((chrom, begin, min(int(lengths[chrom]), begin + rng.randrange(40, 300))))
    fragments.sort()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{chrom}\t{start}\t{end}\n" for chrom, start, end in fragments))


def run_all(work: Path) -> None:
    """Simulate the demo genome, run the demo workflow and the other commands in ``work``."""
    work.mkdir(parents=True)
    gategenome("simulate", "--out-dir", "demo", "--seed", "1", cwd=work)
    config = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())
    shutil.copy(ROOT / "config" / "samples.tsv", work / "samples.tsv")
    config["samples"] = "samples.tsv"
    # the optional stages too, small: reset elements, explain, variants
    config["resets"] = {"enabled": True, "count": 1, "contexts": 20, "design_contexts": 2}
    config["explain"] = {"enabled": True, "top": 30}
    write_vcf(work / "demo" / "genome.fa", work / "extra" / "variants.vcf.gz")
    config["variants"] = ["extra/variants.vcf.gz"]
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    print("+ snakemake (config/demo.yaml)", flush=True)
    subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory",
                    str(work), "--configfile", str(work / "config.yaml"), "--cores", "2", "--quiet"],
                   check=True, env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                                          f"{os.environ.get('PATH', '')}"})
    genome = "demo/genome.fa"
    write_fragments(work / "demo" / "truth.accessible.bed", work / "demo" / "genome.chrom.sizes",
                    work / "extra" / "fragments.bedpe")
    gategenome("signal", "--genome", genome, "--fragments", "extra/fragments.bedpe", "--out-dir", "extra/signal",
               cwd=work)
    gategenome("call", "--scan-dir", "results/demo/scan", "--out", "extra/call/drops.bed", "--fdr", "0.2",
               "--min-depth", "0.5", "--track-line", cwd=work)
    gategenome("boundaries", "--scan-dir", "results/demo/scan", "--out", "extra/boundaries/b.bed",
               "--regions-out", "extra/boundaries/r.bed", "--merge-distance", "80", "--no-signal-test", cwd=work)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def without_volatile(value):
    """A JSON value with the keys that name timings, dates, hosts and versions removed, recursively."""
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items() if not VOLATILE.search(str(key))}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value


def normalised(path: Path) -> str | None:
    """A hash of ``path`` with what differs from run to run left out, or None where nothing does.

    JSON without timing keys; a genome cache's ``sources.json`` without its inputs'
    modification times (a new simulation writes the same files anew); a checkpoint
    by its weights, configuration and summary without timings; an HTML report
    without the timings it shows.
    """
    if path.suffix == ".json":
        try:
            data = without_volatile(json.loads(path.read_text()))
        except ValueError:
            return None
        if path.name == "sources.json" and path.parent.parent.name.endswith(".cache"):
            data = [{name: entry[:-1] for name, entry in item.items()} for item in data]  # [path, size, mtime_ns]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    if path.suffix == ".pt":
        import torch

        checkpoint = torch.load(path, weights_only=True, map_location="cpu")
        hasher = hashlib.sha256(json.dumps(without_volatile({key: value for key, value in checkpoint.items()
                                                             if key != "state_dict"}), sort_keys=True,
                                           default=str).encode())
        for name, tensor in sorted(checkpoint["state_dict"].items()):
            hasher.update(name.encode() + tensor.numpy().tobytes())
        return hasher.hexdigest()
    if path.suffix == ".html":
        return hashlib.sha256(HTML_TIMING.sub(r"\1", path.read_text()).encode()).hexdigest()
    return None


def manifest(work: Path) -> dict[str, dict[str, str]]:
    """Relative path -> {"sha256": ..., "normalised": hash without run-to-run differences} for every output."""
    entries = {}
    for path in sorted(work.rglob("*")):
        relative = path.relative_to(work)
        if not path.is_file() or SKIPPED & set(relative.parts):
            continue
        entry = {"sha256": digest(path)}
        other = normalised(path)
        if other is not None:
            entry["normalised"] = other
        entries[str(relative)] = entry
    return entries


def compare(before: dict, after: dict) -> int:
    """Print the files that differ, appear or disappear; return the number that differ or disappear."""
    same = changed_volatile = 0
    problems = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            problems.append(f"missing  {name}")
        elif name not in before:
            print(f"new      {name}")
        elif before[name]["sha256"] == after[name]["sha256"]:
            same += 1
        elif "normalised" in before[name] and before[name]["normalised"] == after[name].get("normalised"):
            changed_volatile += 1
            print(f"timings  {name} (identical but for timings, dates, versions or input mtimes)")
        else:
            problems.append(f"DIFFERS  {name}")
    print("\n".join(problems))
    print(f"{same} identical, {changed_volatile} identical but for timings, {len(problems)} differ or missing, "
          f"{len(set(after) - set(before))} new")
    return len(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="action", required=True)
    run = commands.add_parser("run", help="run every command in a new directory and write its manifest")
    run.add_argument("--work-dir", type=Path, required=True)
    run.add_argument("--manifest", type=Path, required=True)
    again = commands.add_parser("hash", help="write the manifest of an existing run directory")
    again.add_argument("--work-dir", type=Path, required=True)
    again.add_argument("--manifest", type=Path, required=True)
    both = commands.add_parser("compare", help="compare two manifests")
    both.add_argument("before", type=Path)
    both.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.action in ("run", "hash"):
        if args.action == "run":
            if args.work_dir.exists():
                parser.error(f"--work-dir {args.work_dir}: exists; expected a new directory")
            run_all(args.work_dir)
        entries = manifest(args.work_dir)
        args.manifest.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")
        print(f"{args.manifest}: {len(entries)} files")
    else:
        sys.exit(1 if compare(json.loads(args.before.read_text()), json.loads(args.after.read_text())) else 0)


if __name__ == "__main__":
    main()
