"""Evaluate drops against accessible-region edges: scores, meta-profiles and the HTML report.

On the chromosomes of one fold, the called drops are scored against the edges of
the accessible regions (precision, recall and F1 for entry and exit edges, and
their enrichment near edges over random positions), the forget gate is averaged
around the edges (meta-profile), the scan's accessibility is ranked against the
regions, and a signal-only caller, the boundary calls and the region calls
(with their base-level Jaccard) are scored the same way; the drops of replicate
signals are compared pair by pair (do they agree?).  The numbers go to
``evaluation.json`` and a self-contained ``report.html``.  ``run_review`` writes a
page of the calls to look at one by one, each in an embedded igv.js view.  Never
imports torch.
"""

from gategenome import import_on_first_use
from gategenome.evaluate.settings import EvaluateSettings, ReviewSettings

__all__ = ["EvaluateSettings", "ReviewSettings", "run_evaluate", "run_review"]
__getattr__ = import_on_first_use(__name__, {"run_evaluate": "run", "run_review": "review"})
