"""All-or-nothing publishing (gategenome.io.publish): outputs appear together, after every check, or not at all."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_guard import COMMANDS

from gategenome.cli.main import cli
from gategenome.io.atomic import atomic_directory, atomic_open, remove_abandoned
from gategenome.io.publish import publication, recover_commits


def _dead_pid() -> int:
    pid = 2 ** 22 - 7
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1


def test_a_failure_after_some_outputs_publishes_none_and_keeps_the_earlier_result(tmp_path):
    a, b = tmp_path / "r.tsv", tmp_path / "r.json"
    a.write_text("old table\n")
    b.write_text("old summary\n")
    with pytest.raises(RuntimeError), publication(files=[a, b]):
        with atomic_open(a) as handle:
            handle.write("new table\n")
        raise RuntimeError("the next check fails")
    assert (a.read_text(), b.read_text()) == ("old table\n", "old summary\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.tsv"]


def test_every_output_appears_at_the_commit(tmp_path):
    a, b = tmp_path / "r.tsv", tmp_path / "r.json"
    with publication(files=[a, b]):
        with atomic_open(a) as handle:
            handle.write("table\n")
        assert not a.exists()  # waits for the commit
        with atomic_open(b) as handle:
            handle.write("summary\n")
    assert (a.read_text(), b.read_text()) == ("table\n", "summary\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.tsv"]


def test_a_directory_publication_into_an_existing_directory_replaces_nothing_on_failure(tmp_path):
    out = tmp_path / "signal"
    out.mkdir()
    (out / "coverage.bw").write_text("old\n")
    (out / "mine.txt").write_text("the user's\n")
    with pytest.raises(RuntimeError), publication(directories=[out]):
        with atomic_directory(out) as stage:
            (stage / "coverage.bw").write_text("new\n")
            (stage / "signal.json").write_text("{}\n")
        raise RuntimeError("a later output fails")
    assert sorted(p.name for p in out.iterdir()) == ["coverage.bw", "mine.txt"]
    assert (out / "coverage.bw").read_text() == "old\n"


def test_a_run_killed_during_its_renames_is_finished_by_the_next(tmp_path):
    """The commit record of a dead process: the next publication completes its renames."""
    pid, host = _dead_pid(), socket.gethostname()
    finals = [tmp_path / "r.tsv", tmp_path / "r.json"]
    finals[0].write_text("new table\n")  # renamed before the kill
    staged = tmp_path / f".r.json.{pid}@{host}.abcd1234.tmp"
    staged.write_text("new summary\n")
    record = tmp_path / f".publish.{pid}@{host}.abcd1234.commit"
    record.write_text(json.dumps({"renames": [[str(tmp_path / f".r.tsv.{pid}@{host}.x.tmp"), str(finals[0])],
                                              [str(staged), str(finals[1])]], "empty": []}))
    with publication(files=finals):
        pass
    assert finals[1].read_text() == "new summary\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.tsv"]


def test_remove_abandoned_finishes_a_commit_before_removing_temporaries(tmp_path):
    pid, host = _dead_pid(), socket.gethostname()
    staged = tmp_path / f".r.json.{pid}@{host}.abcd1234.tmp"
    staged.write_text("new\n")
    (tmp_path / f".publish.{pid}@{host}.ab.commit").write_text(
        json.dumps({"renames": [[str(staged), str(tmp_path / "r.json")]], "empty": []}))
    remove_abandoned(tmp_path / "r.json")
    assert (tmp_path / "r.json").read_text() == "new\n"
    assert recover_commits(tmp_path) == []


def _parts(tmp_path: Path) -> list[Path]:
    import pysam

    parts = []
    for name in ("chrA", "chrB"):
        prefix = tmp_path / "parts" / name
        prefix.parent.mkdir(exist_ok=True)
        vcf = Path(f"{prefix}.vcf")
        vcf.write_text(f"##fileformat=VCFv4.2\n##contig=<ID={name}>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                       f"{name}\t10\t.\tA\tC\t.\t.\t.\n")
        pysam.tabix_index(str(vcf), preset="vcf", force=True)
        Path(f"{prefix}.tsv").write_text("chrom\tpos\nx\t10\n")
        Path(f"{prefix}.json").write_text(json.dumps({"counts": {"alleles": 1}, "drops": {}, "seconds": 0.1}))
        parts.append(prefix)
    return parts


def test_variants_gather_with_a_corrupt_part_keeps_the_earlier_result(tmp_path):
    parts = _parts(tmp_path)
    out = tmp_path / "g"
    assert CliRunner().invoke(cli, ["variants-gather", "--out", str(out), *map(str, parts)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    Path(f"{parts[1]}.vcf.gz").write_bytes(b"\x1f\x8b\x08 not a bgzip file")
    Path(f"{parts[1]}.tsv").write_text("chrom\tpos\nx\t10\ny\t11\n")
    result = CliRunner().invoke(cli, ["variants-gather", "--out", str(out), *map(str, parts)])
    assert result.exit_code != 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def _shard(path: Path) -> Path:
    from scan_testlib import make_scan_dir

    import numpy as np

    return make_scan_dir(path, {"chrA": 50}, {"chrA": {"+": np.full(50, 0.5), "-": np.full(50, 0.5)}})


def test_gather_removes_the_staging_a_killed_gather_left(tmp_path):
    shard = _shard(tmp_path / "shard")
    abandoned = tmp_path / f".gathered.{_dead_pid()}@{socket.gethostname()}.abcd1234.tmp"
    (abandoned / "chroms").mkdir(parents=True)
    (abandoned / "chroms" / "big.npy").write_bytes(b"0" * 1000)
    result = CliRunner().invoke(cli, ["gather", "--out-dir", str(tmp_path / "gathered"), str(shard)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gathered", "shard"]


def test_gather_names_its_staging_with_pid_and_host(tmp_path, monkeypatch):
    import gategenome.io.scandir.gather as gather

    seen = []
    real = gather._take_place
    monkeypatch.setattr(gather, "_take_place", lambda tmp, out: (seen.append(tmp.name), real(tmp, out)))
    shard = _shard(tmp_path / "shard")
    assert CliRunner().invoke(cli, ["gather", "--out-dir", str(tmp_path / "g"), str(shard)]).exit_code == 0
    assert seen and seen[0].startswith(f".g.{os.getpid()}@{socket.gethostname()}.")


def test_a_gather_whose_output_another_gather_published_meanwhile_fails_in_one_line(tmp_path, monkeypatch):
    import gategenome.io.scandir.gather as gather

    shard = _shard(tmp_path / "shard")
    out = tmp_path / "g"
    real = gather._take_place

    def racing(tmp, final):  # the other gather publishes between this one's moving aside and renaming
        real_replace = os.replace

        def replace(src, dst):
            if Path(dst) == final and Path(src) == tmp:
                final.mkdir(exist_ok=True)
                (final / "scan.json").write_text("{}")
            return real_replace(src, dst)

        monkeypatch.setattr(gather.os, "replace", replace)
        return real(tmp, final)

    monkeypatch.setattr(gather, "_take_place", racing)
    result = CliRunner().invoke(cli, ["gather", "--out-dir", str(out), str(shard)])
    assert result.exit_code == 1
    assert "gategenome: error:" in result.stderr and "Traceback" not in result.output
    assert (out / "scan.json").read_text() == "{}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_multi_file_command_publishes_through_one_mechanism(name):
    roles = COMMANDS[name].callback.path_roles
    writes = roles.outputs or roles.prefixes or roles.output_dirs or roles.replaced_dirs or roles.derived
    if not writes:
        assert roles.publish == "none"
    elif roles.publish == "together":
        assert roles.outputs or roles.prefixes or roles.output_dirs or roles.derived
    else:  # each of these has its own all-or-nothing (or resumable) step, named in the declaration
        assert (name, roles.publish) in OWN_PUBLISHING, f"{name}: publish={roles.publish!r} has no reason below"


#: Commands that publish through their own step rather than the guard's, and why.
OWN_PUBLISHING = {
    ("scan", "resumable"): "each file is atomic on its own, so that a killed scan resumes",
    ("train", "resumable"): "each file is atomic on its own, so that a killed training resumes",
    ("gather", "directory"): "the gathered scan directory replaces --out-dir whole (atomic_directory)",
    ("export", "directory"): "the hub replaces --out-dir whole (atomic_directory)",
    ("multiqc-files", "directory"): "the sample's _mqc.json files replace --out-dir whole (atomic_directory), "
                                    "so no section of an earlier run is left beside the new ones",
}


def test_a_rename_that_would_fail_publishes_nothing(tmp_path):
    """signal into a directory where one output's name is taken by a directory: nothing replaced."""
    from gategenome.errors import ConfigError

    out = tmp_path / "signal"
    (out / "signal.json").mkdir(parents=True)
    (out / "coverage.bw").write_text("old\n")
    with pytest.raises(ConfigError, match="signal.json"), publication(directories=[out]):
        with atomic_directory(out) as stage:
            (stage / "coverage.bw").write_text("new\n")
            (stage / "signal.json").write_text("{}\n")
    assert (out / "coverage.bw").read_text() == "old\n"
    assert sorted(p.name for p in out.iterdir()) == ["coverage.bw", "signal.json"]


def test_signal_into_a_directory_whose_summary_name_is_taken_keeps_every_earlier_file(tmp_path):
    from hostile import assert_clean_error

    genome = tmp_path / "genome.fa"
    genome.write_text(">chrA\n" + "ACGT" * 250 + "\n")
    fragments = tmp_path / "fragments.tsv"
    fragments.write_text("chrA\t10\t200\nchrA\t300\t500\n")
    out = tmp_path / "signal"
    (out / "signal.json").mkdir(parents=True)
    (out / "coverage.bw").write_text("an earlier coverage\n")
    result = CliRunner().invoke(cli, ["signal", "--genome", str(genome), "--fragments", str(fragments),
                                      "--no-call-peaks", "--out-dir", str(out)])
    assert_clean_error(result, "signal.json")
    assert (out / "coverage.bw").read_text() == "an earlier coverage\n"
    assert sorted(p.name for p in out.iterdir()) == ["coverage.bw", "signal.json"]


def test_variants_gather_refuses_a_part_given_twice_and_keeps_the_earlier_result(tmp_path):
    from hostile import assert_clean_error

    parts = _parts(tmp_path)
    out = tmp_path / "g"
    assert CliRunner().invoke(cli, ["variants-gather", "--out", str(out), *map(str, parts)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = CliRunner().invoke(cli, ["variants-gather", "--out", str(out), str(parts[0]), str(parts[0])])
    assert_clean_error(result, "given twice")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def _half_published_scan(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A scan directory whose last array a killed writer had staged but not renamed: (scan, staged, final)."""
    import numpy as np
    from scan_testlib import make_scan_dir

    values = {"+": np.full(2_000, 0.9), "-": np.full(2_000, 0.8)}
    scan = make_scan_dir(tmp_path / "scan", {"chrA": 2_000}, {"chrA": values}, null={"chrA": values})
    final = scan / "chroms" / "chrA.minus.forget.npy"
    pid, host = _dead_pid(), socket.gethostname()
    staged = final.parent / f".{final.name}.{pid}@{host}.abcd1234.tmp"
    final.rename(staged)
    (final.parent / f".publish.{pid}@{host}.abcd1234.commit").write_text(
        json.dumps({"renames": [[str(staged), str(final)]], "empty": []}))
    return scan, staged, final


def test_a_command_reading_a_half_published_directory_finishes_it_first(tmp_path):
    scan, staged, final = _half_published_scan(tmp_path)
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan), "--out", str(tmp_path / "drops.bed")])
    assert result.exit_code == 0, result.output
    assert final.is_file() and not staged.exists()
    assert [p.name for p in final.parent.glob(".publish.*")] == []


def test_a_command_reading_a_half_published_directory_it_cannot_write_is_refused(tmp_path, monkeypatch):
    import hostile

    import gategenome.io.publish as publish

    scan, staged, final = _half_published_scan(tmp_path)
    monkeypatch.setattr(publish, "_writable", lambda directory: False)
    before = hostile.checksums(tmp_path)
    result = CliRunner().invoke(cli, ["call", "--scan-dir", str(scan), "--out", str(tmp_path / "drops.bed")])
    hostile.assert_clean_error(result, ".publish.")
    assert "not writable" in result.output
    assert hostile.checksums(tmp_path) == before and not final.exists()


def test_a_publication_over_two_directories_leaves_its_record_in_each(tmp_path):
    """A reader of either directory finds the record of a writer killed between the renames."""
    import signal as signals

    import gategenome.io.publish as publish

    a, b = tmp_path / "one" / "b.bed", tmp_path / "two" / "r.bed"
    for path in (a, b):
        path.parent.mkdir()
        path.write_text("old\n")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child, killed at its first rename
        os.environ[publish.CRASH_VARIABLE] = "7"  # 2 staged outputs x 2 steps, 2 records, the first rename
        publish._steps[0] = 0
        with publication(files=[a, b]):
            for path in (a, b):
                with atomic_open(path) as handle:
                    handle.write("new\n")
        os._exit(0)
    status = os.waitpid(pid, 0)[1]
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signals.SIGKILL
    assert (a.read_text(), b.read_text()) == ("new\n", "old\n")  # half published
    assert len(publish.leftover_commits(a.parent)) == len(publish.leftover_commits(b.parent)) == 1
    publish.finish_before_reading([b])  # a reader of the second directory only
    assert (a.read_text(), b.read_text()) == ("new\n", "new\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["b.bed", "one", "r.bed", "two"]
