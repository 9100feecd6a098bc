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


def reads_chromosome(length, rates_by_kmer, seed):
    """A random chromosome whose insertions per base are Poisson with the rate of the centred 4-mer
    (``rates_by_kmer``: ``(256,)``), plus peaks where the rate is multiplied by 8 (``regions``)."""
    from gategenome.train.baselines import kmer_index

    rng = np.random.default_rng(seed)
    sequence = rng.choice(list(b"ACGT"), length).astype(np.uint8).tobytes()
    onehot = one_hot(sequence, np.uint8)
    ending, complete = kmer_index(onehot, 4)
    centred, valid = np.zeros(length, np.int64), np.zeros(length, bool)
    centred[:-1], valid[:-1] = ending[1:], complete[1:]  # bases t-2..t+1
    rate = np.where(valid, rates_by_kmer[centred], rates_by_kmer.mean())
    regions = np.array([(start, start + 300) for start in range(2000, length - 2000, 4000)])
    labels = np.zeros(length, np.uint8)
    for start, end in regions:
        labels[start:end] = 1
        rate[start:end] *= 8
    counts = rng.poisson(rate).astype(np.float32)
    return Chromosome("chrR", onehot, None, labels, np.ones(length, bool), regions, counts)


def test_kmer_poisson_recovers_the_rates_of_a_planted_preference_and_is_scored_at_peaks():
    import torch

    from gategenome.model.config import ModelConfig
    from gategenome.train.baselines import KmerPoisson
    from gategenome.train.config import TrainConfig
    from gategenome.train.peak_counts import peak_count_metrics

    rng = np.random.default_rng(0)
    rates = np.exp(rng.normal(-1.5, 1.0, 256))
    train, test = reads_chromosome(400_000, rates, 1), reads_chromosome(200_000, rates, 2)
    model = KmerPoisson(4).fit([train], block=65_536)  # several blocks: k-mers across block edges count once
    fitted = model.log_rate.numpy()
    np.testing.assert_allclose(KmerPoisson(4).fit([train]).log_rate.numpy(), fitted)  # one block
    # the background (outside the 7.5% of bases in peaks, 8x) dominates: fitted rates track the planted ones
    assert np.corrcoef(fitted, np.log(rates))[0, 1] > 0.95
    assert model.log_mean_rate == pytest.approx(np.log(train.counts.mean()), abs=1e-3)
    x = torch.from_numpy(test.inputs(0, 1000, ModelConfig(inputs="dna"))[None])
    logits = model(x).logits
    assert logits.shape == (1, 1000)
    assert float(logits[0, 999]) == 0.0  # the 4-mer runs past the input: the mean rate
    config = TrainConfig(target="insertions", eval_burn_in=64)
    metrics = peak_count_metrics(model, model.head(), [test], ModelConfig(inputs="dna"), config)
    flat = KmerPoisson(4)
    flat.log_mean_rate = model.log_mean_rate
    flat.log_rate.fill_(model.log_mean_rate)  # the same rate everywhere: no sequence preference
    uniform = peak_count_metrics(flat, flat.head(), [test], ModelConfig(inputs="dna"), config)
    assert metrics["peaks"] == uniform["peaks"] == len(test.regions)
    assert metrics["profile_jsd_median"] < uniform["profile_jsd_median"] - 0.02
    assert metrics["count_pearson"] > 0.3  # the totals follow the windows' 4-mer composition


def test_kmer_poisson_needs_insertions():
    from gategenome.train.baselines import KmerPoisson

    chrom = reads_chromosome(5000, np.zeros(256), 0)
    with pytest.raises(ValueError, match="no insertion"):
        KmerPoisson(4).fit([chrom])
