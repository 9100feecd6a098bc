"""Score variants: how a SNV or indel moves the forget gate, the boundaries and accessibility.

For each ALT allele of a VCF (checked against the FASTA, multi-allelic records
split), the reference and the alternative sequence are scanned on both strands
from the same upstream state (exact states from a reference stream, or a
context as long as the model's forgetting horizon; :mod:`.context`), in batched
windows (:mod:`.windows`), and compared on positions aligned to the reference
(:mod:`.effects`): the change in predicted accessibility, the change in the
minimum forget gate near the variant, a drop gained or lost under ``call``'s
threshold (:mod:`.null`), and the memory footprint.  Alleles are read in
:mod:`.vcf`, scored in :mod:`.score`, written by :mod:`.outputs` through
:func:`run_variants` (:mod:`.run`); :mod:`.naive` is the whole-chromosome reference.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "settings": ["VariantSettings"],
    "vcf": ["Allele", "VariantInput", "open_vcf", "read_alleles"],
    "effects": ["StrandEffect", "aligned_index", "combine", "common_ends", "strand_effect"],
    "windows": ["Window", "make_window", "run_rows", "window_inputs"],
    "context": ["context_bases", "reference_states", "window_start"],
    "score": ["chromosome_windows", "score_alleles"],
    "naive": ["naive_tracks", "score_naive"],
    "null": ["genome_null_threshold"],
    "outputs": ["EFFECT_COLUMNS", "INFO_FIELDS", "write_allele_table", "write_annotated_vcf"],
    "run": ["output_paths", "run_variants"],
    "gather": ["gather_parts"],
})
