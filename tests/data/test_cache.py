"""The genome cache: what it stores, that it is reused, and that a stale one is never read."""

import json

import numpy as np
import pyBigWig
import pytest

from gategenome.core.encode import encode_codes
from gategenome.data.cache import FLOAT16_MAX, open_genome_cache
from gategenome.errors import InputError


@pytest.fixture
def small_genome(tmp_path):
    rng = np.random.default_rng(0)
    sequences = {"chr1": rng.choice(list(b"ACGTNacgt"), 9_000).astype(np.uint8).tobytes(),
                 "chr2": rng.choice(list(b"ACGT"), 3_000).astype(np.uint8).tobytes()}
    fasta = tmp_path / "genome.fa"
    fasta.write_bytes(b"".join(b">" + name.encode() + b"\n" + seq + b"\n" for name, seq in sequences.items()))
    signal = tmp_path / "atac.bw"
    values = {name: rng.gamma(0.5, 3.0, len(seq)).astype(np.float32) for name, seq in sequences.items()}
    values["chr1"][10] = 100_000.0  # beyond float16
    bw = pyBigWig.open(str(signal), "w")
    bw.addHeader([(name, len(seq)) for name, seq in sequences.items()])
    for name, array in values.items():
        bw.addEntries(name, 0, values=array.astype(float).tolist(), span=1, step=1)
    bw.close()
    return fasta, signal, sequences, values


def test_cache_holds_codes_and_float16_signal_readable_by_slices_and_numpy(small_genome, tmp_path):
    fasta, signal, sequences, values = small_genome
    with open_genome_cache(tmp_path / "cache", fasta, signal) as cache:
        assert cache.sizes == {"chr1": 9_000, "chr2": 3_000} and cache.has_signal
        for name, sequence in sequences.items():
            np.testing.assert_array_equal(cache.codes(name), encode_codes(sequence))
            np.testing.assert_array_equal(cache.codes(name, 100, 250), encode_codes(sequence[100:250]))
            expected = np.minimum(values[name], FLOAT16_MAX).astype(np.float16)
            np.testing.assert_array_equal(cache.signal(name, 5, 4_000), expected[5:4_000])
            mapped = np.load(cache.array_path(name, "signal"), mmap_mode="r")
            assert mapped.dtype == np.float16 and mapped.shape == (len(sequence),)
        assert cache.signal("chr1", 10, 11)[0] == np.float16(FLOAT16_MAX)
        assert cache.codes("chr2", 2_990, 5_000).size == 10


def test_cache_is_reused_and_only_the_asked_chromosomes_are_encoded(small_genome, tmp_path):
    fasta, signal, _, _ = small_genome
    with open_genome_cache(tmp_path / "cache", fasta, None, ["chr2"]) as cache:
        path = cache.array_path("chr2")
        with pytest.raises(InputError, match="chr1"):
            cache.codes("chr1")
    assert not path.with_name("00000.npy").exists()
    stamp = path.stat().st_mtime_ns
    with open_genome_cache(tmp_path / "cache", fasta, None, ["chr2", "chr1"]) as cache:
        assert cache.array_path("chr2").stat().st_mtime_ns == stamp  # reused, not rewritten
        assert cache.codes("chr1").size == 9_000
    with pytest.raises(InputError, match="chrX"):
        open_genome_cache(tmp_path / "cache", fasta, None, ["chrX"])


def test_an_edited_genome_or_signal_never_reads_the_old_cache(small_genome, tmp_path):
    fasta, signal, sequences, _ = small_genome
    with open_genome_cache(tmp_path / "cache", fasta, signal) as cache:
        old_codes, old_signal = cache.array_path("chr1"), cache.array_path("chr1", "signal")
    edited = bytearray(fasta.read_bytes())
    edited[edited.index(b"\n") + 5] = ord("T") if edited[edited.index(b"\n") + 5] != ord("T") else ord("A")
    fasta.write_bytes(bytes(edited))  # same length, one base changed
    with open_genome_cache(tmp_path / "cache", fasta, signal) as cache:
        assert cache.array_path("chr1") != old_codes and cache.array_path("chr1", "signal") != old_signal
        np.testing.assert_array_equal(cache.codes("chr1"), encode_codes(bytes(edited).split(b"\n")[1]))
        before = cache.array_path("chr2", "signal")
    bw = pyBigWig.open(str(signal), "w")
    bw.addHeader([(name, len(seq)) for name, seq in sequences.items()])
    bw.addEntries(["chr2"], [0], ends=[3], values=[7.0])
    bw.close()
    with open_genome_cache(tmp_path / "cache", fasta, signal) as cache:
        assert cache.array_path("chr2", "signal") != before
        np.testing.assert_array_equal(cache.signal("chr2", 0, 4), np.array([7, 7, 7, 0], np.float16))


def test_a_manifest_that_does_not_match_is_refused(small_genome, tmp_path):
    fasta, _, _, _ = small_genome
    with open_genome_cache(tmp_path / "cache", fasta) as cache:
        manifest = cache.array_path("chr1").parent / "manifest.json"
    content = json.loads(manifest.read_text())
    content["chromosomes"]["chr1"]["length"] = 1
    manifest.write_text(json.dumps(content))
    with pytest.raises(InputError, match="stale or foreign"):
        open_genome_cache(tmp_path / "cache", fasta)


def test_a_wrong_array_is_refused(small_genome, tmp_path):
    fasta, _, _, _ = small_genome
    with open_genome_cache(tmp_path / "cache", fasta) as cache:
        path = cache.array_path("chr2")
    np.save(path, np.zeros(10, np.uint8))
    with open_genome_cache(tmp_path / "cache", fasta) as cache, pytest.raises(InputError, match="expected"):
        cache.codes("chr2", 0, 5)
