"""An index file older than the file it indexes is found (and refused), whatever its spelling."""

from __future__ import annotations

import os

import pytest

from gategenome.errors import InputError
from gategenome.io.index import require_fresh_index, stale_index


def _age(path, seconds):
    os.utime(path, ns=(path.stat().st_mtime_ns - seconds * 10**9,) * 2)


def test_an_index_newer_than_its_data_is_fresh(tmp_path):
    data = tmp_path / "calls.vcf.gz"
    data.write_bytes(b"x")
    (tmp_path / "calls.vcf.gz.tbi").write_bytes(b"i")
    assert stale_index(data, (".tbi", ".csi")) is None
    require_fresh_index(data, (".tbi", ".csi"), "tabix")
    assert stale_index(tmp_path / "calls.vcf.gz", (".csi",)) is None  # none there: nothing stale


@pytest.mark.parametrize("name", ["reads.bam.bai", "reads.bai", "reads.bam.csi"])
def test_an_older_index_is_refused_naming_it_and_the_remedy(tmp_path, name):
    data = tmp_path / "reads.bam"
    data.write_bytes(b"x")
    index = tmp_path / name
    index.write_bytes(b"i")
    _age(index, 5)
    assert stale_index(data, (".bai", ".csi")) == index
    with pytest.raises(InputError, match=rf"reads\.bam: its index .*{name} is older than it.*samtools index reads\.bam"):
        require_fresh_index(data, (".bai", ".csi"), "samtools index reads.bam")


def test_one_stale_index_among_fresh_ones_is_still_refused(tmp_path):
    """htslib may pick either of .tbi and .csi: a stale one beside a fresh one is not safe either."""
    data = tmp_path / "calls.vcf.gz"
    data.write_bytes(b"x")
    (tmp_path / "calls.vcf.gz.tbi").write_bytes(b"i")
    csi = tmp_path / "calls.vcf.gz.csi"
    csi.write_bytes(b"i")
    _age(csi, 5)
    assert stale_index(data, (".tbi", ".csi")) == csi
