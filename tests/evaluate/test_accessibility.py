"""evaluate.accessibility: per-base auROC of the scan and of the smoothed signal, on the constructed case."""

from __future__ import annotations

import numpy as np
import scan_fixture


def test_accessibility_and_signal_baseline(evaluation):
    access = evaluation.results["accessibility"]
    assert access["model"]["auroc"] > 0.95 and access["signal"]["auroc"] > 0.95
    labels = np.zeros(sum(scan_fixture.SIZES[c] for c in scan_fixture.FOLDS["test"]))
    assert access["bases"] == len(labels) - (scan_fixture.GAP[2] - scan_fixture.GAP[1])
    # The planted signal is high exactly inside the regions: thresholding it finds the edges.
    signal = evaluation.results["boundaries"]["signal"]["any"]["both"]["100"]
    assert signal["recall"] > 0.9 and signal["precision"] > 0.9
    assert evaluation.results["signal_caller"]["settings"]["tuning"], "threshold tuned on the train fold"
