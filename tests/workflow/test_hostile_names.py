"""Hostile chromosome names and bad paths in the workflow: never run as shell, refused at parse time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflow_helpers import TINY, run_snakemake, write_config

HOSTILE = ["x$(>PWNED)", "../../escape", "a;touch${IFS}PWNED2", "chr`>PWNED3`"]


def _fasta(path: Path, names: list[str]) -> Path:
    path.write_text("".join(f">{name}\n{'ACGT' * 50}\n" for name in names))
    return path


def _fake_gategenome(directory: Path) -> Path:
    """A ``gategenome`` on PATH that records its arguments, one per line."""
    directory.mkdir()
    script = directory / "gategenome"
    script.write_text(f"#!{sys.executable}\nimport sys\nopen({str(directory / 'args')!r}, 'a').write("
                      "'\\n'.join(sys.argv[1:]) + '\\n---\\n')\n")
    script.chmod(0o755)
    return directory


def test_hostile_chromosome_names_are_quoted_and_mapped_to_safe_shards(tmp_path, mini):
    genome = _fasta(tmp_path / "genome.fa", ["chrA", *HOSTILE])
    workdir = tmp_path / "work"
    write_config(workdir, genome, [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    result = run_snakemake(workdir, "-n", "-p", "--forceall", "--cores", "1", "results/s1/scan")
    # each job writes its scan settings (a constant YAML) with printf, then runs the scan
    commands = [line[line.index("gategenome scan"):] for line in result.stdout.splitlines() if "gategenome scan" in line]
    assert len(commands) == 2 * (1 + len(HOSTILE)), result.stdout[-3000:]
    shards = set(re.findall(r"scan_shards/([^/'\s]+)\.(?:plus|minus)", result.stdout))
    assert all(re.fullmatch(r"[A-Za-z0-9_.@~-]+", shard) for shard in shards), shards
    fake = _fake_gategenome(tmp_path / "bin")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        subprocess.run(["bash", "-c", command.split(" 2> ")[0]], cwd=run_dir, env=env, check=True)
    assert sorted(os.listdir(run_dir)) == []  # nothing created by an injected command
    assert not list(tmp_path.rglob("PWNED*"))
    calls = (fake / "args").read_text().split("---\n")
    chroms = {call.split("\n")[call.split("\n").index("--chrom") + 1] for call in calls if call.strip()}
    assert chroms == {"chrA", *HOSTILE}


def _fails_naming(workdir, *words):
    result = run_snakemake(workdir, "--cores", "1", check=False)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, result.stderr[-2000:]
    assert not (workdir / "results").exists()
    return result


def test_bigwig_that_is_a_directory_is_refused_at_parse_time(tmp_path, mini):
    (tmp_path / "signal.bw").mkdir()
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": tmp_path / "signal.bw"}], **TINY)
    _fails_naming(tmp_path, "bigwig", "signal.bw", "directory")


@pytest.mark.parametrize(("section", "key", "value"), [
    ("export", "assembly", "bad name\nhub x"),
    ("export", "email", "a@b\ndescriptionUrl http://evil"),
    ("prepare", "exclude_chroms", ["chrM", "(unclosed"]),
])
def test_invalid_export_and_prepare_options_are_refused_at_parse_time(tmp_path, mini, section, key, value):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    config.setdefault(section, {})[key] = value
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    _fails_naming(tmp_path, key)


def test_shard_names_match_the_scan_directory_file_names():
    from gategenome.io.scandir.layout import file_name

    namespace: dict = {}
    source = (Path(__file__).resolve().parents[2] / "workflow" / "rules" / "common.smk").read_text()
    block = source[source.index("_SAFE_BYTES ="):source.index("CHROMS = scan_chromosomes()")]
    exec("import hashlib, re\n" + block, namespace)
    for name in ["chr1", "chrUn_KI270302v1", *HOSTILE, ".x", "HLA-A*01:01", "é", "a" * 400, "@"]:
        assert namespace["shard_name"](name) == file_name(name)


def test_a_fasta_index_that_misses_records_is_not_read(tmp_path, mini):
    """A .fai newer than the FASTA but short of its records (a FASTA appended to after indexing, then the
    index touched) would hide chromosomes from the scan jobs: the FASTA is read instead."""
    genome = _fasta(tmp_path / "genome.fa", ["chrA", "chrB", "chrC"])
    (tmp_path / "genome.fa.fai").write_text("chrA\t200\t6\t200\t201\n")
    workdir = tmp_path / "work"
    write_config(workdir, genome, [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    result = run_snakemake(workdir, "-n", "-p", "--forceall", "--cores", "1", "results/s1/scan")
    scanned = set(re.findall(r"gategenome scan .*?--chrom (\S+)", result.stdout))
    assert scanned == {"chrA", "chrB", "chrC"}, result.stdout[-3000:]
