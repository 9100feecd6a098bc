"""Design synthetic DNA for a trained model's forget gates.

Two goals.  **Memory**: a short writer k-mer followed by a filler whose bases
hold the forget gate near 1, so that the cell difference the writer leaves
survives ``L`` bases; repeated units and writers are screened
(:mod:`~gategenome.design.memory`), fillers are annealed under synthesis
constraints (:mod:`~gategenome.design.constraints`) by the streamed write/read
difference (:mod:`~gategenome.design.search`) and verified, with their baselines,
by the exact write/read test (:mod:`~gategenome.design.retention`).  **Reset**:
short elements that drive the mean forget gate lowest
(:mod:`~gategenome.design.reset`), compared with real boundaries of a genome
(:mod:`~gategenome.design.enrichment`).  :mod:`~gategenome.design.run` runs either
goal and writes the FASTA, TSV, plot and settings (:mod:`~gategenome.design.outputs`);
the settings (:mod:`~gategenome.design.settings`) import no heavy library.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "settings": ["BoundarySettings", "ConstraintSettings", "ContextSettings", "SearchSettings"],
    "context": ["closed_contexts", "drops_in_contexts", "context_null_threshold"],
    "order": ["Design", "Part", "write_order_files"],
    "constraints": ["SequenceConstraints", "random_sequence"],
    "retention": ["Retention", "measure_retention", "reference_model"],
    "memory": ["Plan", "plan_memory"],
    "search": ["anneal", "best_constrained_unit", "difference_score", "ranked_units"],
    "distinct": ["distinct_designs", "search_starts"],
    "diversity": ["identity", "max_pairwise_identity", "pick_distinct"],
    "reset": ["ResetScore", "design_resets", "score_elements", "sequence_gates"],
    "enrichment": ["BoundaryWindows", "boundary_enrichment", "boundary_windows", "compare_with_boundaries"],
    "outputs": ["Row", "write_outputs"],
    "run": ["load_design_model", "run_memory", "run_reset"],
})
