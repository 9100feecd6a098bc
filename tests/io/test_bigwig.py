"""The bigWig signal track: NaN, missing chromosomes, the real chrI signal."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from generated import write_bigwig

from gategenome.io.bigwig import SignalTrack


def test_signal_nan_is_zero_and_counted(tmp_path, caplog):
    path = write_bigwig(tmp_path / "s.bw", [("chr1", 100)], [("chr1", 10, 20, 2.5), ("chr1", 50, 60, 1.0)])
    track = SignalTrack(path, {"chr1": 100})
    values = track.values("chr1", 0, 100)
    assert values.dtype == np.float32 and values.shape == (100,)
    assert values[10:20].tolist() == [2.5] * 10 and values[50:60].tolist() == [1.0] * 10
    assert values.sum() == pytest.approx(35.0)
    assert track.nan_count == 80
    track.values("chr1", 0, 30, count_nan=False)
    assert track.nan_count == 80
    assert track.values("chr1", 5, 5).shape == (0,)
    with caplog.at_level(logging.INFO, logger="gategenome"):
        track.close()
    assert "80 base(s) without data" in caplog.text


def test_signal_real_chri_matches_readme(mini):
    with SignalTrack(mini["signal"], {"chrI": 230218}) as track:
        values = track.values("chrI", 0, 230218)
        assert values.max() == 135  # README: maximum 135
        assert int((values > 0).sum()) == 144826  # README: 144,826 bases covered


def test_signal_missing_chromosome_reads_zero_with_warning(tmp_path, caplog):
    path = write_bigwig(tmp_path / "s.bw", [("chrI", 100)], [("chrI", 0, 10, 1.0)])
    with caplog.at_level(logging.WARNING, logger="gategenome"):
        track = SignalTrack(path, {"chrI": 100, "chrII": 50})
    assert track.missing == ["chrII"]
    assert "chrII" in caplog.text
    assert not track.values("chrII", 0, 50).any()
    track.close()


def test_infinite_and_negative_values_read_as_zero_counted_and_warned(tmp_path, caplog):
    path = write_bigwig(tmp_path / "s.bw", [("chr1", 100)],
                        [("chr1", 0, 10, float("inf")), ("chr1", 10, 15, float("-inf")), ("chr1", 20, 40, -2.0),
                         ("chr1", 40, 50, 3.0)])
    track = SignalTrack(path, {"chr1": 100})
    values = track.values("chr1", 0, 100)
    assert np.isfinite(values).all() and (values >= 0).all()
    assert values.sum() == pytest.approx(30.0)
    assert (track.infinite_count, track.negative_count, track.nan_count) == (15, 20, 55)
    assert track.describe_values() == "20 negative value(s), 15 infinite value(s), 55 NaN/no-data value(s) read as zero"
    with caplog.at_level(logging.WARNING, logger="gategenome"):
        track.close()
    assert "15 infinite and 20 negative value(s) read as zero" in caplog.text


def test_truncated_bigwig_error_is_the_only_output(tmp_path, capfd, mini):
    from gategenome.errors import InputError

    path = tmp_path / "truncated.bw"
    path.write_bytes(mini["signal"].read_bytes()[:300])
    with pytest.raises(InputError, match="cannot open as bigWig"):
        SignalTrack(path, {"chrI": 230218})
    assert capfd.readouterr().err == ""  # libBigWig's own "[bwOpen] ..." lines are silenced
