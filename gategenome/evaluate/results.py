"""What one evaluation computed, and its key numbers.

:class:`Evaluation` is what :func:`gategenome.evaluate.run.evaluate` returns and
:mod:`gategenome.evaluate.report` renders; :func:`headline` picks the few numbers
the report and the command line lead with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


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
