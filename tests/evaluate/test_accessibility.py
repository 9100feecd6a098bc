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


def test_small_blocks_give_the_same_accessibility_and_meta_profile(case, monkeypatch):
    import json

    from gategenome.evaluate import accessibility, metaprofile
    from gategenome.evaluate.run import evaluate
    from gategenome.evaluate.settings import EvaluateSettings

    monkeypatch.setattr(accessibility, "CHUNK", 1_000)
    monkeypatch.setattr(metaprofile, "BLOCK", 777)
    settings = EvaluateSettings(replicates=200, seed=3, max_auc_bases=10_000)  # stride 4: blocks start on sampled bases
    small = evaluate(case["drops"], case["scan"], case["regions"], case["folds"], settings, case["metrics"], case["signal"])
    monkeypatch.undo()
    whole = evaluate(case["drops"], case["scan"], case["regions"], case["folds"], settings, case["metrics"], case["signal"])
    assert small.results["accessibility"]["stride"] == 4
    for key in ("accessibility", "meta_profile", "boundaries"):
        assert json.dumps(small.results[key], sort_keys=True) == json.dumps(whole.results[key], sort_keys=True), key
    assert all(np.array_equal(small.profiles[k], whole.profiles[k], equal_nan=True) for k in whole.profiles)
