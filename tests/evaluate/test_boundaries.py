"""evaluate.boundaries: precision, recall and F1 against region edges, checked by brute force and by hand.

The constructed case in ``scan_fixture`` has planted drops at known distances from
known region edges; the numbers are checked against a brute-force computation
(:mod:`boundary_brute_force`) and, for a few, against values worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import scan_fixture
from boundary_brute_force import DISTANCES, brute_edges, brute_kind_edges, brute_prf, summit

from gategenome.evaluate.boundaries import distance_summary


@pytest.mark.parametrize("d", DISTANCES)
@pytest.mark.parametrize("kind", ["entry", "exit"])
@pytest.mark.parametrize("strand", ["+", "-", "both"])
def test_boundary_scores_match_brute_force(evaluation, d, kind, strand):
    strands = ("+", "-") if strand == "both" else (strand,)
    precision, recall = brute_prf(strands, kind, d)
    got = evaluation.results["boundaries"]["model"][kind][strand][str(d)]
    assert got["precision"] == pytest.approx(precision)
    assert got["recall"] == pytest.approx(recall)
    expected_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert got["f1"] == pytest.approx(expected_f1)


@pytest.mark.parametrize("d", DISTANCES)
def test_any_edge_scores_match_brute_force(evaluation, d):
    precision, recall = brute_prf(("+", "-"), None, d)
    got = evaluation.results["boundaries"]["model"]["any"]["both"][str(d)]
    assert (got["precision"], got["recall"]) == (pytest.approx(precision), pytest.approx(recall))


@pytest.mark.parametrize("d", DISTANCES)
@pytest.mark.parametrize("kind", ["entry", "exit"])
def test_drop_ends_match_brute_force(evaluation, d, kind):
    test = scan_fixture.FOLDS["test"]
    rows = [r for r in scan_fixture.drops() if r[0] in test]
    # Beginning in scan direction: start on +, end on -; the end is the other coordinate.
    calls = [(r[0], r[5], (r[1] if r[5] == "+" else r[2]) if kind == "entry" else (r[2] if r[5] == "+" else r[1]))
             for r in rows]
    near = sum(any(abs(p - e) <= d for e in brute_kind_edges(c, s, kind)) for c, s, p in calls)
    pairs = [(c, s, e) for s in "+-" for c in test for e in brute_kind_edges(c, s, kind)]
    found = sum(any(c == c2 and s == s2 and abs(p - e) <= d for c2, s2, p in calls) for c, s, e in pairs)
    got = evaluation.results["boundaries"]["drop_ends"][kind]["both"][str(d)]
    assert (got["calls_near_edge"], got["calls"], got["edges_found"], got["edges"]) == (near, len(calls), found, len(pairs))


def test_hand_worked_numbers(evaluation):
    # Plus-strand drops on the test fold have summits 2000, 5040, 16170, 3530, 3950, 4815, 12710.
    # Plus-strand entry edges (region starts > 0): chrA 2000 5000 8000 12000 16000, chrB 1000 4000 9000 13000.
    # Within 50 bp: 2000 (0), 5040 (40), 3950 (50) -> precision 3/7, recall 3/9.
    entry = evaluation.results["boundaries"]["model"]["entry"]["+"]["50"]
    assert (entry["calls"], entry["calls_near_edge"], entry["edges"], entry["edges_found"]) == (7, 3, 9, 3)
    # 4815 is 15 bp from chrB's region end 4800: an exit edge for the plus strand, not an entry.
    exit_plus = evaluation.results["boundaries"]["model"]["exit"]["+"]["50"]
    assert exit_plus["calls_near_edge"] == 1
    # At 250 bp, 16170 (170 from 16000) joins; 12710 (290 from 13000) does not.
    assert evaluation.results["boundaries"]["model"]["entry"]["+"]["250"]["calls_near_edge"] == 4
    # The chrC drop (train fold) is not scored; chrA's region at 0 contributes no left edge.
    assert evaluation.results["counts"]["drops"] == 11
    assert evaluation.results["counts"]["edges_left"] == 9


def test_distance_to_edge_matches_brute_force(evaluation):
    test = scan_fixture.FOLDS["test"]
    distances = sorted(min(abs(summit(row) - e) for e in sum(brute_edges(row[0]), []))
                       for row in scan_fixture.drops() if row[0] in test)
    got = evaluation.results["distance_to_edge"]["model"]
    assert got["calls"] == len(distances)
    assert got["median"] == pytest.approx(float(np.median(distances)))
    assert got["q25"] == pytest.approx(np.percentile(distances, 25))
    assert got["q75"] == pytest.approx(np.percentile(distances, 75))
    for d in ("10", "25", "50", "100"):
        assert got["within"][d] == pytest.approx(np.mean(np.array(distances) <= int(d)))


def test_distance_summary_of_no_call_and_of_known_distances():
    assert distance_summary(np.zeros(0, dtype=np.int64))["median"] is None
    summary = distance_summary(np.array([0, 5, 10, 30, 200]))
    assert (summary["median"], summary["q25"], summary["q75"]) == (10.0, 5.0, 30.0)
    assert summary["within"] == {"10": 0.6, "25": 0.6, "50": 0.8, "100": 0.8}


def test_scored_at_25_bp_by_default(evaluation):
    assert "25" in evaluation.results["boundaries"]["model"]["any"]["both"]
