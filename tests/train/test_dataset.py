"""The training data: blacklists are matched to chromosome names as prepare matches them."""

from dataclasses import replace

import numpy as np

from gategenome.model.config import ModelConfig
from gategenome.train.dataset import open_training_data


def test_blacklist_names_are_matched_like_prepare_matches_them(chr_i, tmp_path):
    """A blacklist spelled 'A' (Ensembl style) masks chrA's bases, as prepare would."""
    masks = {}
    for spelling in ("chrA", "A"):
        blacklist = tmp_path / f"{spelling}.bed"
        blacklist.write_text(f"{spelling}\t1000\t3000\n")
        _, data = open_training_data(replace(chr_i, blacklist=str(blacklist)), ModelConfig())
        masks[spelling] = data["train"][0].mask
    assert not masks["A"][1000:3000].any() and masks["A"][:1000].all() and masks["A"][3000:].all()
    np.testing.assert_array_equal(masks["A"], masks["chrA"])
