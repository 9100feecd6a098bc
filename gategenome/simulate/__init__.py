"""A synthetic genome and ATAC-seq track with known accessibility boundaries.

Yeast-like background sequence with planted accessible regions that the sequence
explains (motifs, poly(dA:dT)), an ATAC-like fragment pileup over them, peaks
called back from it, and the truth (the regions and their strand-aware edges);
the same seed gives byte-identical files.  For demos and tests; never imports torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "atac": ["call_poisson_peaks", "coverage"],
    "records": ["RecordFiles"],
    "run": ["FILES", "run_simulate"],
    "sequence": ["MOTIFS", "markov_background", "plant_regions"],
    "settings": ["SimulationSettings"],
    "truth": ["Region", "boundaries", "region_records"],
})
