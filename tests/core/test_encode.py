import numpy as np

from gategenome.core.encode import encode_codes, one_hot, reverse_complement, reverse_complement_bytes


def test_one_hot_order_case_and_ambiguity():
    x = one_hot(b"ACGTacgtNRYn-", dtype=np.uint8)
    assert x.shape == (13, 4)
    np.testing.assert_array_equal(x[:4], np.eye(4, dtype=np.uint8))
    np.testing.assert_array_equal(x[4:8], np.eye(4, dtype=np.uint8))
    assert not x[8:].any()


def test_one_hot_float_and_codes():
    x = one_hot("GATTACA")
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.argmax(1), encode_codes("GATTACA"))
    assert encode_codes(b"N")[0] == 4


def test_reverse_complement_matches_bytes():
    rng = np.random.default_rng(0)
    seq = bytes(rng.choice(list(b"ACGTNacgt"), 500))
    np.testing.assert_array_equal(reverse_complement(one_hot(seq)), one_hot(reverse_complement_bytes(seq)))
    assert reverse_complement_bytes(b"AACGtn") == b"naCGTT"


def test_one_hot_every_byte_matches_table_at_any_length():
    from gategenome.core.encode import _ONE_HOT

    every = bytes(range(256))
    for length in (0, 1, 2, 255, 256):
        sequence = (every * 2)[:length]
        x = one_hot(sequence, dtype=np.uint8)
        assert x.shape == (length, 4) and x.flags.c_contiguous
        np.testing.assert_array_equal(x, _ONE_HOT[np.frombuffer(sequence, np.uint8)])
        codes = encode_codes(sequence)
        np.testing.assert_array_equal(codes, np.where(x.any(1), x.argmax(1), 4))
        assert codes.flags.writeable and x.flags.writeable


def test_one_hot_accepts_str_memoryview_and_arrays():
    expected = one_hot(b"ACGTN", dtype=np.uint8)
    for sequence in ("ACGTN", memoryview(b"ACGTN"), bytearray(b"ACGTN"), np.frombuffer(b"ACGTN", np.uint8)):
        np.testing.assert_array_equal(one_hot(sequence, dtype=np.uint8), expected)
    assert one_hot("ACGTN", dtype=np.float16).dtype == np.float16
