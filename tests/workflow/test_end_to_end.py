"""The whole workflow over real data (yeast chrI): outputs, no-op re-run, kill and resume."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from workflow_helpers import TINY, run_snakemake, snakemake_command, snakemake_env, write_config

from gategenome.io.bed import read_bed
from gategenome.io.scandir.reader import ScanDir

CHRI = 230_218


def _checksums(results: Path) -> dict[str, str]:
    files = [results / "drops.bed", *sorted((results / "scan" / "chroms").glob("*.npy"))]
    return {str(path.relative_to(results)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def _check_outputs(results: Path, trained_here: bool = True) -> None:
    import pyBigWig

    drops = read_bed(results / "drops.bed", "drops")
    for drop in drops:
        assert drop.chrom == "chrI" and 0 <= drop.start < drop.end <= CHRI and drop.strand in "+-"
        assert len(drop.extra) == 4  # BED6+4: signalValue, pValue, qValue, summit
    for boundary in read_bed(results / "boundaries.bed", "boundaries"):
        assert boundary.chrom == "chrI" and boundary.strand == "." and len(boundary.extra) == 7  # BED6+7
    assert json.loads((results / "boundaries.json").read_text())["called"] >= 0
    assert all(r.start < r.end for r in read_bed(results / "region_calls.bed", "region calls"))
    for name in ("forget.plus.bw", "forget.minus.bw", "accessibility.bw"):
        track = pyBigWig.open(str(results / "tracks" / name))
        assert track.chroms() == {"chrI": CHRI}
        values = np.array(track.values("chrI", 0, CHRI), dtype=float)
        assert np.nanmin(values) >= 0 and np.nanmax(values) <= 1 and np.isfinite(values).mean() > 0.99
        track.close()
    scan = ScanDir(results / "scan")
    assert scan.sizes == {"chrI": CHRI}
    forget = np.asarray(scan.forget("chrI", "+"), dtype=np.float32)
    assert forget.shape == (CHRI,) and 0 <= np.nanmin(forget) and np.nanmax(forget) <= 1
    assert not list((results / "scan_shards").glob("chrI*"))  # temp shards removed once gathered
    settings = (results / "model" / "train.yaml").read_text()
    assert "hidden_size: 8" in settings and "steps_per_epoch: 2" in settings
    assert json.loads((results / "prepare" / "prepare.json").read_text())
    assert (results / "evaluation" / "report.html").read_text().lstrip().lower().startswith("<!doctype html")
    assert json.loads((results / "evaluation" / "evaluation.json").read_text())
    assert (results / "hub" / "hub.txt").exists() and (results / "hub" / "igv_session.xml").exists()
    for name in ("train.tsv", "call.tsv", "scan/chrI.plus.tsv", "scan/chrI.minus.tsv", "design.tsv")[
        0 if trained_here else 1:
    ]:
        assert (results / "benchmarks" / name).stat().st_size > 0
    for name in ("scan/chrI.plus.log", "scan/chrI.minus.log", "tracks.log", "call.log", "boundaries.log", "evaluate.log",
                 "export.log"):
        assert (results / "logs" / name).exists()


def _interrupt_during_scan(workdir: Path) -> int:
    """Start the workflow, SIGINT it once a chrI scan job is running; return snakemake's status."""
    log = workdir / "results" / "chrI" / "logs" / "scan" / "chrI.plus.log"
    # A user's Ctrl-C reaches a snakemake whose SIGINT has its default action; a test runner whose SIGINT is
    # ignored (as after some earlier tests in one session) would hand that on and the interrupt would be lost.
    process = subprocess.Popen(snakemake_command(workdir, "--cores", "2"), env=snakemake_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while not log.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert log.exists(), "the scan job never started"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        return process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_workflow_runs_reruns_nothing_and_resumes_identically(mini_workdir, tmp_path_factory, mini):
    run_snakemake(mini_workdir, "--cores", "2")
    results = mini_workdir / "results" / "chrI"
    _check_outputs(results)
    reference = _checksums(results)

    again = run_snakemake(mini_workdir, "--cores", "2")
    assert "Nothing to be done" in again.stdout + again.stderr

    # A second directory holding the same prepared data and model, killed mid-scan.
    other = tmp_path_factory.mktemp("resume")
    write_config(other, mini["genome"], [{"sample": "chrI", "bigwig": mini["signal"], "peaks": mini["peaks"]}], **TINY)
    for part in ("prepare", "model"):
        shutil.copytree(results / part, other / "results" / "chrI" / part)
    status = _interrupt_during_scan(other)
    assert status != 0
    assert not (other / "results" / "chrI" / "scan").exists()  # stopped before the gather
    assert not (other / "results" / "chrI" / "drops.bed").exists()

    resumed = run_snakemake(other, "--cores", "2", "--rerun-incomplete")
    output = resumed.stdout + resumed.stderr
    assert "rule scan_chrom" in output and "rule train" not in output
    _check_outputs(other / "results" / "chrI", trained_here=False)
    assert _checksums(other / "results" / "chrI") == reference
