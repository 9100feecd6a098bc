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

from gategenome import import_on_first_use
from gategenome.design.settings import BoundarySettings, ConstraintSettings, ContextSettings, SearchSettings

__all__ = ["BoundarySettings", "ConstraintSettings", "ContextSettings", "SearchSettings", "run_memory", "run_reset"]
__getattr__ = import_on_first_use(__name__, {"run_memory": "run", "run_reset": "run"})
