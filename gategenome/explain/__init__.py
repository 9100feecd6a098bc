"""Explain forget-gate drops: what upstream bases (and signal) make the gate dip, and the motifs behind it.

Each drop's dip, ``log(1 - f)`` at its summit, is attributed to the bases
upstream of it in the scan direction (the model is causal), by exact in-silico
saturation mutagenesis carried from the whole-chromosome state
(:mod:`.mutagenesis`, :mod:`.windows`) or integrated gradients (:mod:`.gradients`);
motifs are found in the attributions with modisco-lite (:mod:`.motifs`) and
matched to JASPAR with Tomtom (:mod:`.jaspar`) in an HTML report (:mod:`.report`).
:func:`run_explain` (:mod:`.pipeline`) writes everything.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "settings": ["ExplainSettings", "MotifSettings"],
    "targets": ["Target", "read_targets"],
    "windows": ["scan_inputs", "upstream_states"],
    "scores": ["dip_score", "last_mean_forget"],
    "mutagenesis": ["hypothetical_from_deltas", "saturation_mutagenesis"],
    "naive": ["naive_mutagenesis"],
    "gradients": ["channel_shares", "integrated_gradients"],
    "run": ["Explained", "agreement", "explain_drops"],
    "outputs": ["write_arrays", "write_attribution_tracks", "write_drop_table"],
    "motifs": ["Motif", "find_motifs"],
    "jaspar": ["Match", "Reference", "jaspar_motifs", "match_motifs"],
    "report": ["write_motif_report", "write_motif_table"],
    "pipeline": ["run_explain"],
})
