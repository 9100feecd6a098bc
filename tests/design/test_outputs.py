"""What a design run writes: numbers below the float64 range, TSV rows and FASTA headers."""

from __future__ import annotations

import math

from gategenome.design.outputs import Row, format_power


def test_format_power_below_the_float64_range():
    assert format_power(-1.0) == "0.1"
    assert format_power(-450.0) == "1.00000e-450"
    assert format_power(-450.5) == "3.16228e-451"
    assert format_power(-5.0 - 1e-9) == "1.00000e-5"  # a mantissa that rounds to 10 carries
    assert format_power(float("-inf")) == "0"


def test_rows_of_both_goals():
    memory = Row("design_1", "design", "ATTT", -2.0, None, 3, [], -2.0 * math.log(10), -1.0, 0.5)
    fields = memory.tsv("memory").split("\t")
    assert fields[:5] == ["design_1", "design", "4", "0.000", "3"]
    assert fields[5:] == ["0.01", "0.1", "3.16228", ">3", "-2.0000", "-1.0000", "-2.0000", "ok"]
    assert memory.label("memory") == "hold=0.01 retention=0.1 gc=0.000 length=4"
    reset = Row("reset_1", "design", "GCGA", 0.25, None, 0.5, ["contains GAATTC"], math.log(0.5))
    assert reset.tsv("reset").split("\t")[5:] == ["0.25", "0.5", "-0.3010", "FAIL: contains GAATTC"]
    assert reset.label("reset") == "min_forget=0.25 gc=0.750 length=4"
