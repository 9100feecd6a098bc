"""The no-memory k-mer baseline and the signal-as-score baseline."""

import numpy as np
import pytest

from gategenome.core.encode import one_hot
from gategenome.train.baselines import KmerFeatures, KmerLogistic, signal_scores
from gategenome.train.windows import Chromosome


def chromosome(sequence: bytes, labels=None, signal=None):
    n = len(sequence)
    labels = np.zeros(n, np.uint8) if labels is None else labels
    signal = np.zeros(n, np.float32) if signal is None else signal
    return Chromosome("chrT", one_hot(sequence, np.uint8), signal, labels, np.ones(n, bool), np.zeros((0, 2), int))


def test_kmer_counts_of_a_causal_window():
    chrom = chromosome(b"ACGTACGTNACG")
    features = KmerFeatures(k=2, window=4, causal=True)
    feats = features.at(chrom, np.arange(len(chrom)))
    assert feats.shape == (12, 16)
    ac, cg, gt, ta = 0 * 4 + 1, 1 * 4 + 2, 2 * 4 + 3, 3 * 4 + 0  # index = first*4 + second
    # at base 5 (the second C) the window holds the 2-mers ending at bases 2..5: CG, GT, TA, AC
    np.testing.assert_allclose(feats[5, [ac, cg, gt, ta]], 0.25)
    assert feats[5].sum() == 1.0
    # 2-mers touching the N (bases 8 and 9) are not counted
    assert feats[9].sum() == 0.5  # 2-mers ending at 6..9: CG, GT counted; TN, NA not
    assert feats[0].sum() == 0.0  # no complete 2-mer ends at base 0
    weights = np.random.default_rng(1).normal(size=16)
    np.testing.assert_allclose(features.linear_scores(chrom, weights, 0.5), feats @ weights + 0.5, atol=1e-5)


def test_logistic_baseline_learns_a_planted_motif_and_signal_scores():
    rng = np.random.default_rng(0)
    sequence = bytearray(rng.choice(list(b"ACGT"), 20000).astype(np.uint8).tobytes())
    labels = np.zeros(20000, np.uint8)
    for start in range(500, 19000, 1000):
        sequence[start:start + 60] = b"A" * 60  # poly(dA) marks the region
        labels[start:start + 60] = 1
    chrom = chromosome(bytes(sequence), labels, signal=labels * 3.0 + rng.random(20000).astype(np.float32))
    model = KmerLogistic(KmerFeatures(k=2, window=20, use_signal=False), samples=4000).fit([chrom], iterations=30)
    assert model.evaluate([chrom])["auroc"] > 0.9
    assert signal_scores([chrom])["auroc"] > 0.99


def test_signal_features_enter_the_linear_scores():
    rng = np.random.default_rng(3)
    chrom = chromosome(rng.choice(list(b"ACGT"), 3000).astype(np.uint8).tobytes(),
                       signal=rng.random(3000).astype(np.float32) * 5)
    features = KmerFeatures(k=3, window=50, causal=False, use_signal=True)
    positions = np.arange(3000)
    weights = rng.normal(size=features.size)
    np.testing.assert_allclose(features.linear_scores(chrom, weights, -1.0),
                               features.at(chrom, positions) @ weights - 1.0, atol=1e-4)


def test_cnn_baseline_learns_a_planted_motif_and_segments_change_nothing():
    import torch

    from gategenome.model.cnn import CnnConfig
    from gategenome.train.baselines import CnnBaseline
    from gategenome.train.config import TrainConfig

    rng = np.random.default_rng(0)
    sequence = bytearray(rng.choice(list(b"ACGT"), 30000).astype(np.uint8).tobytes())
    labels = np.zeros(30000, np.uint8)
    for start in range(500, 29000, 700):
        sequence[start:start + 20] = b"GATTACAGATTACAGATTAC"  # the motif precedes the region
        labels[start + 20:start + 80] = 1
    chrom = chromosome(bytes(sequence), labels)
    chrom.regions = np.array([[s + 20, s + 80] for s in range(500, 29000, 700)])
    train = TrainConfig(window=512, batch_size=8, lr=0.01, warmup_steps=5, shift_jitter=100, class_balance=True,
                        threads=1, device="cpu")
    baseline = CnnBaseline(CnnConfig(receptive_field=100, channels=8, stem_channels=8, stem_width=8), train, 150)
    baseline.fit([chrom])
    assert baseline.evaluate([chrom])["auroc"] > 0.9
    whole = baseline.model(torch.from_numpy(chrom.onehot[None].astype(np.float32)))[0].detach().numpy()
    np.testing.assert_allclose(baseline.scores(chrom, segment=777), whole, atol=1e-4)


def test_strand_averaged_metrics_average_each_base_with_its_other_strand():
    from test_windows import toy_chromosome

    from gategenome.core.stats import ranking_metrics
    from gategenome.train.holdout import strand_averaged_metrics

    chrom = toy_chromosome()
    # a one-sided score: high only just after a region start on this strand (sees the left edge),
    # so neither strand alone ranks the region's far end; the two strands together cover it
    def score(c):
        s = np.zeros(len(c), dtype=np.float32)
        for start, _ in c.regions:
            s[start:start + 150] = 1.0
        return s

    one = ranking_metrics(score(chrom), chrom.labels)
    both = strand_averaged_metrics(score, [chrom])
    expected = (score(chrom) + score(chrom.reverse_complement())[::-1]) / 2
    assert both["auprc"] == pytest.approx(ranking_metrics(expected, chrom.labels)["auprc"])
    assert both["auroc"] > one["auroc"] and both["bases"] == len(chrom)
