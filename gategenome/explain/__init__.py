"""Explain forget-gate drops: what upstream bases (and signal) make the gate dip, and the motifs behind it.

Each drop's dip, ``log(1 - f)`` at its summit, is attributed to the bases
upstream of it in the scan direction (the model is causal), by exact in-silico
saturation mutagenesis carried from the whole-chromosome state
(:mod:`.mutagenesis`, :mod:`.windows`) or integrated gradients (:mod:`.gradients`);
motifs are found in the attributions with modisco-lite (:mod:`.motifs`) and
matched to JASPAR with Tomtom (:mod:`.jaspar`) in an HTML report (:mod:`.report`).
With ``target="counts"`` the same pipeline explains the predicted insertions of a
``target: insertions`` model around peaks instead, by gradient x input, for the main
model or its Tn5 bias model alone (:mod:`.counts`).
:func:`run_explain` (:mod:`.pipeline`) writes everything.
"""

from gategenome import import_on_first_use
from gategenome.explain.settings import ExplainSettings, MotifSettings

__all__ = ["ExplainSettings", "MotifSettings", "run_explain"]
__getattr__ = import_on_first_use(__name__, {"run_explain": "pipeline"})
