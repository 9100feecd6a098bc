import numpy as np

from gategenome.encode import encode_codes, one_hot, reverse_complement, reverse_complement_bytes


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
