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

from gategenome import import_on_first_use
from gategenome.variants.settings import VariantSettings

__all__ = ["VariantSettings", "gather_parts", "run_variants"]
__getattr__ = import_on_first_use(__name__, {"gather_parts": "gather", "run_variants": "run"})
