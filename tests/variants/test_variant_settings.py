"""Variant settings: validation, and the drop threshold quantile is call's."""

from __future__ import annotations

import pytest

from gategenome.call.settings import CallSettings
from gategenome.errors import ConfigError
from gategenome.variants.settings import VariantSettings


def test_threshold_quantile_default_is_calls():
    assert VariantSettings().threshold_quantile == CallSettings().threshold_quantile


@pytest.mark.parametrize("bad", [{"context": "far"}, {"window": 0}, {"symbolic": "keep"}, {"unknown_chroms": "x"},
                                 {"threshold_quantile": 1.0}, {"footprint_tol": 0}])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ConfigError):
        VariantSettings(**bad)


def test_context_accepts_a_number_of_bases():
    assert VariantSettings(context=5000).context == "5000"
