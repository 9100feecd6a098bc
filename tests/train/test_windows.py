"""Window sampling, targets and augmentation."""

import numpy as np
import pytest

from gategenome.core.encode import one_hot
from gategenome.errors import ConfigError
from gategenome.io.bed import Interval
from gategenome.io.bigwig import SignalTrack
from gategenome.io.fasta import Genome
from gategenome.model.config import ModelConfig
from gategenome.train.config import TrainConfig, load_config
from gategenome.train.windows import Chromosome, WindowSampler, load_chromosomes


def toy_chromosome(length=5000, regions=((1000, 1200), (3000, 3400))):
    rng = np.random.default_rng(1)
    seq = bytes(rng.choice(list(b"ACGT"), length))
    labels = np.zeros(length, dtype=np.uint8)
    for start, end in regions:
        labels[start:end] = 1
    signal = np.arange(length, dtype=np.float32)
    return Chromosome("chrT", one_hot(seq, np.uint8), signal, labels, np.ones(length, bool), np.array(regions))


def test_sampler_balances_windows_and_reverse_complements_consistently():
    chrom = toy_chromosome()
    model = ModelConfig(inputs="dna+signal", hidden_size=4, signal_clip=100.0)  # signal = log1p(position)
    train = TrainConfig(window=500, batch_size=64, accessible_fraction=1.0, shift_jitter=100, rc_augment=True)
    batch = WindowSampler([chrom], model, train).sample(np.random.default_rng(2))
    assert batch.x.shape == (64, 500, 5) and batch.y.shape == (64, 500)
    assert (batch.y.sum(axis=1) > 0).all(), "every region-anchored window touches a region"
    flipped = 0
    for x, y in zip(batch.x, batch.y):
        positions = np.rint(np.expm1(x[:, 4].astype(np.float64))).astype(int)
        if positions[-1] > positions[0]:
            np.testing.assert_array_equal(positions, np.arange(positions[0], positions[0] + 500))
            np.testing.assert_array_equal(x[:, :4], chrom.onehot[positions[0]:positions[0] + 500])
            np.testing.assert_array_equal(y, chrom.labels[positions[0]:positions[0] + 500])
        else:
            flipped += 1
            start = positions[-1]
            np.testing.assert_array_equal(positions, np.arange(start, start + 500)[::-1])
            np.testing.assert_array_equal(x[:, :4], chrom.onehot[start:start + 500][::-1, ::-1])
            np.testing.assert_array_equal(y, chrom.labels[start:start + 500][::-1])
    assert 10 < flipped < 54


def test_background_only_sampling_has_the_background_rate():
    chrom = toy_chromosome()
    train = TrainConfig(window=100, batch_size=400, accessible_fraction=0.0, rc_augment=False)
    batch = WindowSampler([chrom], ModelConfig(inputs="dna", hidden_size=4), train).sample(np.random.default_rng(0))
    assert batch.x.shape[-1] == 4
    assert abs(batch.y.mean() - chrom.labels.mean()) < 0.05


def test_boundary_mask():
    chrom = toy_chromosome()
    near = chrom.boundary_mask(50)
    assert near.sum() == 4 * 100
    assert near[950] and near[1049] and not near[949] and not near[1050] and near[1150] and not near[1250]


def test_load_chromosomes_targets_and_blacklist(mini):
    genome = Genome(mini["genome"])
    regions = [Interval("chrI", 100, 200), Interval("chrI", 1000, 1500), Interval("chrII", 5, 9)]
    with SignalTrack(mini["signal"], genome.sizes) as track:
        (chrom,) = load_chromosomes(genome, ["chrI"], regions, track, [Interval("chrI", 150, 1100)])
    assert len(chrom) == genome.sizes["chrI"] and chrom.onehot.dtype == np.uint8
    assert chrom.labels.sum() == 600 and chrom.labels[100] == 1 and chrom.labels[99] == 0
    assert not chrom.mask[150:1100].any() and chrom.mask[:150].all()
    assert chrom.signal.dtype == np.float32 and chrom.signal.max() > 0


def test_config_file_keys_and_errors(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("model:\n  inputs: dna\n  hidden_size: 12\ntrain:\n  window: 2048\n  seed: 4\n")
    model, train = load_config(path, seed=9, device=None)
    assert model.inputs == "dna" and model.hidden_size == 12 and train.window == 2048 and train.seed == 9
    path.write_text("train:\n  windw: 10\n")
    with pytest.raises(ConfigError, match="windw"):
        load_config(path)
    path.write_text("modle:\n  inputs: dna\n")
    with pytest.raises(ConfigError, match="modle"):
        load_config(path)
    path.write_text("train:\n  schedule: linear\n")
    with pytest.raises(ConfigError, match="schedule"):
        load_config(path)


def test_no_config_file_is_the_defaults():
    model, train = load_config(None)
    assert model == ModelConfig() and train == TrainConfig()


def test_reverse_complement_reads_the_other_strand():
    base = toy_chromosome()
    sequence = np.random.default_rng(2).choice(list("ACGT"), len(base)).astype("S1").tobytes()
    chrom = Chromosome("chrT", one_hot(sequence, np.uint8), base.signal, base.labels, base.mask.copy(), base.regions)
    chrom.mask[10:20] = False
    rc = chrom.reverse_complement()
    length = len(chrom)
    codes = "ACGT"
    forward = "".join(codes[i] for i in chrom.onehot.argmax(1))
    other = "".join(codes[i] for i in rc.onehot.argmax(1))
    assert other == forward[::-1].translate(str.maketrans("ACGT", "TGCA"))
    assert rc.regions.tolist() == [[length - 3400, length - 3000], [length - 1200, length - 1000]]
    np.testing.assert_array_equal(rc.labels, chrom.labels[::-1])
    assert not rc.mask[length - 20:length - 10].any() and rc.mask.sum() == chrom.mask.sum()
    np.testing.assert_array_equal(rc.signal, chrom.signal[::-1])
    again = rc.reverse_complement()
    np.testing.assert_array_equal(again.onehot, chrom.onehot)
    np.testing.assert_array_equal(again.regions, chrom.regions)
