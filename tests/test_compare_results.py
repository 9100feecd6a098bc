"""benchmarks/compare_results.py: the byte-identity check of two result trees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_results.py"


def _tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _run(before: Path, after: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(before), str(after)], capture_output=True, text=True)


def test_identical_trees_pass_and_logs_are_ignored(tmp_path):
    same = {"drops.bed": b"chrA\t1\t5\n", "scan/chroms/chrA.plus.forget.npy": b"\x93NUMPY", "design/designs.fa": b">d\nACGT\n"}
    before = _tree(tmp_path / "before", {**same, "logs/scan.log": b"12:00"})
    after = _tree(tmp_path / "after", {**same, "logs/scan.log": b"12:05"})
    result = _run(before, after)
    assert result.returncode == 0 and "3 of 3 files identical" in result.stdout


def test_a_changed_array_or_a_missing_file_fails(tmp_path):
    before = _tree(tmp_path / "before", {"drops.bed": b"a", "x.npy": b"1", "designs.fa": b">d"})
    after = _tree(tmp_path / "after", {"drops.bed": b"a", "x.npy": b"2"})
    result = _run(before, after)
    assert result.returncode == 1
    assert "different    x.npy" in result.stdout and "only_before  designs.fa" in result.stdout
