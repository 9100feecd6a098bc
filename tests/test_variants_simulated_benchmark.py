"""benchmarks/variants_simulated.py: which motif base a motif-breaking SNV changes, which effects are compared, the p-value checks."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "variants_simulated.py"
_spec = importlib.util.spec_from_file_location("variants_simulated", SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _regex(pattern: str) -> re.Pattern:
    return re.compile("".join(f"[{bench.IUPAC[c]}]" for c in pattern))


@pytest.mark.parametrize("rule", ["middle", "gc"])
def test_every_alt_at_the_break_position_breaks_the_site(rule):
    for name, pattern in bench._patterns():
        k = bench.break_position(name, pattern, rule)
        assert len(bench.IUPAC[pattern[k]]) == 1
        site = "".join(bench.IUPAC[c][0] for c in pattern)
        assert _regex(pattern).fullmatch(site)
        for alt in "ACGT":
            if alt != site[k]:
                assert not _regex(pattern).fullmatch(site[:k] + alt + site[k + 1:])


def test_gc_rule_picks_a_strong_base_the_same_on_both_strands():
    for name, forward in bench.MOTIFS.items():
        k = bench.break_position(name, forward, "gc")
        assert forward[k] in "GC"
        reverse = forward.translate(bench.COMPLEMENT)[::-1]
        assert bench.break_position(name, reverse, "gc") == len(forward) - 1 - k
    assert bench.break_position("Abf1", "RTCRYNNNNNACG", "gc") == 2  # the C of RTC, 4 from the middle


def _table(random_p, motif_p, with_profile=True):
    table = {}
    for i, p in enumerate(random_p):
        table[f"random{i}"] = {"d_min_forget": "0.1", "count_lfc_p": str(p), "profile_jsd_p": str(p)}
    for i, p in enumerate(motif_p):
        table[f"motif{i}_Reb1"] = {"d_min_forget": "0.1", "count_lfc_p": str(p), "profile_jsd_p": str(p)}
    if with_profile:
        for row in table.values():
            row.update(count_lfc="0.5", profile_jsd="0.2")
    return table


def test_profile_scores_are_compared_only_where_the_model_gives_them():
    assert bench.effect_columns(_table([0.5], [0.5])) == ["d_min_forget", "count_lfc", "profile_jsd"]
    assert bench.effect_columns(_table([0.5], [0.5], with_profile=False)) == ["d_min_forget"]


def test_p_value_checks_tell_uniform_random_p_values_from_skewed_ones():
    uniform = (np.arange(200) + 0.5) / 200
    statistic, pvalue, flagged = bench.p_value_checks(_table(uniform, [0.01, 0.02, 0.2, 0.9]), "count_lfc_p")
    assert statistic < 0.01 and pvalue > 0.99 and flagged == 0.5
    skewed = uniform ** 3  # piled up near 0: the null does not describe the random SNVs
    statistic, pvalue, _ = bench.p_value_checks(_table(skewed, [0.5]), "profile_jsd_p")
    assert statistic > 0.2 and pvalue < 1e-6
