"""The genome cache removes the directories of earlier versions of its inputs, and nothing else."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from gategenome.data.cache import CACHE_FORMAT, open_genome_cache
from gategenome.data.cache_entries import is_stale, remove_stale_entries


def _fasta(path, seed):
    rng = np.random.default_rng(seed)
    path.write_bytes(b">chr1\n" + rng.choice(list(b"ACGT"), 3_000).astype(np.uint8).tobytes() + b"\n")
    return path


def _entries(root):
    return sorted(p.name for p in root.iterdir())


def test_an_edited_genome_removes_the_directory_of_its_earlier_version(tmp_path):
    fasta, root = _fasta(tmp_path / "genome.fa", 0), tmp_path / "cache"
    with open_genome_cache(root, fasta) as cache:
        old = cache.array_path("chr1").parent
    _fasta(fasta, 1)
    with open_genome_cache(root, fasta) as cache:
        new = cache.array_path("chr1").parent
    assert new != old and not old.exists() and _entries(root) == [new.name]


def test_a_directory_held_open_by_another_reader_is_kept(tmp_path):
    fasta, root = _fasta(tmp_path / "genome.fa", 0), tmp_path / "cache"
    reader = open_genome_cache(root, fasta)  # a training run still reading the earlier version
    old = reader.array_path("chr1").parent
    _fasta(fasta, 1)
    with open_genome_cache(root, fasta):
        pass
    assert old.exists() and len(_entries(root)) == 2
    np.testing.assert_array_equal(reader.codes("chr1", 0, 3).shape, (3,))
    reader.close()
    with open_genome_cache(root, fasta):  # once released, the next open removes it
        pass
    assert not old.exists() and len(_entries(root)) == 1


def test_nothing_but_its_own_stale_directories_is_removed(tmp_path):
    root = tmp_path / "cache"
    genome, other = _fasta(tmp_path / "genome.fa", 0), _fasta(tmp_path / "other.fa", 2)
    with open_genome_cache(root, other):  # another genome, unchanged: still valid
        pass
    with open_genome_cache(root, genome) as cache:
        current = cache.array_path("chr1").parent
    keep = {"notes.txt": None, "sequence-0123456789abcdef0123": "no source list (an older cache, or not ours)",
            "signal-abcdef": "not a cache name"}
    (root / "notes.txt").write_text("mine")
    for name in list(keep)[1:]:
        (root / name).mkdir()
        (root / name / "manifest.json").write_text(json.dumps({"format": CACHE_FORMAT}))
    foreign = root / "sequence-fedcba9876543210fedc"  # a cache name and sources, but another format marker
    foreign.mkdir()
    (foreign / "manifest.json").write_text(json.dumps({"format": "something-else"}))
    (foreign / "sources.json").write_text(json.dumps([{"genome": [str(genome.resolve()), 1, 1]}]))
    before = _entries(root)
    assert remove_stale_entries(root, [genome], CACHE_FORMAT, keep=[current]) == []
    assert _entries(root) == before
    os.utime(other, ns=(1, 1))  # the other genome changed, but it is not among this run's inputs
    assert remove_stale_entries(root, [genome], CACHE_FORMAT, keep=[current]) == []
    assert remove_stale_entries(root, [other], CACHE_FORMAT, keep=[current]) != []
    assert _entries(root) == sorted([*keep, foreign.name, current.name])


def test_a_directory_still_used_by_one_of_its_inputs_is_not_stale(tmp_path):
    a, b = tmp_path / "a.fa", tmp_path / "b.fa"
    _fasta(a, 0)
    b.write_bytes(a.read_bytes())  # the same genome under two names shares one directory
    root = tmp_path / "cache"
    for path in (a, b):
        with open_genome_cache(root, path) as cache:
            shared = cache.array_path("chr1").parent
    _fasta(a, 1)
    assert not is_stale(shared, {str(a.resolve())}, CACHE_FORMAT)
    with open_genome_cache(root, a):
        pass
    assert shared.exists()


@pytest.mark.parametrize("content", ["", "[", "{}", "[{\"genome\": 3}]", "[[1]]"])
def test_an_unreadable_source_list_is_never_stale(tmp_path, content):
    directory = tmp_path / "sequence-0123456789abcdef0123"
    directory.mkdir()
    (directory / "manifest.json").write_text(json.dumps({"format": CACHE_FORMAT}))
    (directory / "sources.json").write_text(content)
    assert not is_stale(directory, {str(tmp_path / "x.fa")}, CACHE_FORMAT)
