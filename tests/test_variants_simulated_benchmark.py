"""benchmarks/variants_simulated.py: which motif base a motif-breaking SNV changes."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

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
