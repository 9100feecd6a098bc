"""What one evaluation computed, and its key numbers (for the report and the log).

:class:`Evaluation` is what :func:`gategenome.evaluate.run.evaluate` returns and
:mod:`gategenome.evaluate.report` renders; :func:`headline` picks the few numbers
the report and the command line lead with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

log = logging.getLogger("gategenome.evaluate.run")


@dataclass
class Evaluation:
    """Everything :func:`gategenome.evaluate.run.evaluate` computed.

    ``results`` is JSON-serialisable; ``profiles`` and ``loci`` hold the arrays the
    plots need.
    """

    results: dict[str, Any]
    profiles: dict[str, np.ndarray] = field(default_factory=dict)
    loci: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)


def headline(results: dict[str, Any], distance: int = 100) -> dict[str, float | None]:
    """Key numbers at one distance: any-edge P/R/F1 of the model and of the signal caller, enrichment and CI."""
    key = str(distance)
    model = results["boundaries"]["model"]["any"]["both"].get(key, {})
    signal = results["boundaries"].get("signal", {}).get("any", {}).get("both", {}).get(key, {})
    enrich = results["enrichment"].get(key, {})
    return {
        "distance": distance,
        "model_precision": model.get("precision"), "model_recall": model.get("recall"), "model_f1": model.get("f1"),
        "signal_precision": signal.get("precision"), "signal_recall": signal.get("recall"), "signal_f1": signal.get("f1"),
        "enrichment": enrich.get("enrichment"), "ci_low": enrich.get("ci_low"), "ci_high": enrich.get("ci_high"),
    }


def log_summary(results: dict[str, Any], distance: int) -> None:
    """Log the key numbers of an evaluation at ``distance`` bp: drops, signal-only caller,
    boundary and region calls, and replicate agreement, each where present."""
    h = headline(results, distance)
    log.info("drops at ±%d bp: precision %.3f recall %.3f F1 %.3f; enrichment %.2fx (%.2f-%.2f)",
             h["distance"], h["model_precision"], h["model_recall"], h["model_f1"], h["enrichment"], h["ci_low"], h["ci_high"])
    if h["signal_f1"] is not None:
        log.info("signal-only caller at ±%d bp: precision %.3f recall %.3f F1 %.3f",
                 h["distance"], h["signal_precision"], h["signal_recall"], h["signal_f1"])
    for name, label in (("boundary_calls", "boundary calls"), ("region_calls", "region-call edges")):
        scores = results["boundaries"].get(name, {}).get("any", {}).get("both", {}).get(str(h["distance"]))
        if scores:
            log.info("%s at ±%d bp: precision %.3f recall %.3f F1 %.3f",
                     label, h["distance"], scores["precision"], scores["recall"], scores["f1"])
    for name, summary in results.get("distance_to_edge", {}).items():
        within = summary["within"].get(str(h["distance"]))
        if summary["calls"] and within is not None:
            log.info("%s: median %.0f bp from the nearest edge (IQR %.0f-%.0f), %.3f within ±%d bp", name,
                     summary["median"], summary["q25"], summary["q75"], within, h["distance"])
    if "region_calls" in results:
        overlap = results["region_calls"]
        log.info("region calls vs regions, base level: Jaccard %.3f (precision %.3f, recall %.3f)",
                 overlap["jaccard"], overlap["precision"], overlap["recall"])
    for pair in results.get("replicates", {}).get("pairs", []):
        d = str(h["distance"])
        log.info("replicates %s / %s: %.3f / %.3f of drops within ±%s bp of the other's (chance %.3f / %.3f); "
                 "Jaccard of drop bases %.3f", pair["a"], pair["b"], pair["a_within_b"][d], pair["b_within_a"][d], d,
                 pair["a_within_b_chance"][d], pair["b_within_a_chance"][d], pair["jaccard"])
