"""evaluate.metaprofile: the forget gate around entry and exit edges, in scan direction."""

from __future__ import annotations

import numpy as np


def test_meta_profile_orientation(evaluation):
    profiles = evaluation.profiles
    flank = evaluation.results["meta_profile"]["flank"]
    # Both strands dip for the first 30 bases after entering a region, in scan direction.
    for strand in "+-":
        entry = profiles[f"entry{strand}"]
        assert np.all(entry[flank:flank + 30] < 0.3), strand
        assert np.all(entry[flank - 5:flank] > 0.9), strand
        assert entry[flank + 35] > 0.9
        assert np.nanmin(profiles[f"exit{strand}"][flank - 5:flank + 5]) > 0.9
        assert evaluation.results["meta_profile"][f"entry{strand}"]["edges"] == 9
