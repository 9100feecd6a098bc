"""The training data: blacklists are matched to chromosome names as prepare matches them; the
chromosomes read from the genome cache equal the ones preloaded from the FASTA and bigWig."""

from dataclasses import replace

import numpy as np

from gategenome.data.intervals import read_blacklist, read_regions
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.model.config import ModelConfig
from gategenome.train.dataset import open_training_data
from gategenome.train.windows import load_chromosomes


def test_blacklist_names_are_matched_like_prepare_matches_them(chr_i, tmp_path):
    """A blacklist spelled 'A' (Ensembl style) masks chrA's bases, as prepare would."""
    masks = {}
    for spelling in ("chrA", "A"):
        blacklist = tmp_path / f"{spelling}.bed"
        blacklist.write_text(f"{spelling}\t1000\t3000\n")
        with open_training_data(replace(chr_i, blacklist=str(blacklist)), ModelConfig()) as training:
            chrom = training.data["train"][0]
            masks[spelling] = chrom.targets(0, len(chrom))[1]
    assert not masks["A"][1000:3000].any() and masks["A"][:1000].all() and masks["A"][3000:].all()
    np.testing.assert_array_equal(masks["A"], masks["chrA"])


def test_cached_chromosomes_equal_the_preloaded_ones(chr_i, tmp_path):
    """Inputs (float16 signal aside), labels, mask and edge zones of every fold match load_chromosomes."""
    blacklist = tmp_path / "black.bed"
    blacklist.write_text("chrB\t5000\t9000\nchrA\t100\t200\n")
    inputs = replace(chr_i, blacklist=str(blacklist))
    config = ModelConfig(inputs="dna+signal", signal_clip=20.0)
    with Genome(inputs.genome) as genome, SignalTrack(inputs.signal, genome.sizes) as track:
        regions = read_regions(inputs.regions, genome.sizes)
        black = read_blacklist(inputs.blacklist, genome.sizes)
        preloaded = {c.name: c for c in load_chromosomes(genome, genome.chromosomes, regions, track, black)}
    with open_training_data(inputs, config, tmp_path / "cache") as training:
        for fold, chromosomes in training.data.items():
            assert [c.name for c in chromosomes] == training.folds[fold]
            for chrom in chromosomes:
                reference = preloaded[chrom.name]
                for start, end in ((0, len(chrom)), (4990, 9010), (len(chrom) - 7, len(chrom) + 50)):
                    got, want = chrom.inputs(start, end, config), reference.inputs(start, end, config)
                    np.testing.assert_array_equal(got[:, :4], want[:, :4])
                    np.testing.assert_allclose(got[:, 4], want[:, 4], atol=2e-3)  # log1p of a float16 count
                    for mine, theirs in zip(chrom.targets(start, end), reference.targets(start, end)):
                        np.testing.assert_array_equal(mine, theirs)
                    np.testing.assert_array_equal(chrom.near_boundary(start, end), reference.near_boundary(start, end))
                np.testing.assert_array_equal(chrom.regions, reference.regions)
