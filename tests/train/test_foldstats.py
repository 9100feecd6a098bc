"""Held-out metrics streamed segment by segment equal the same metrics of whole arrays."""

import numpy as np
import pytest

from gategenome.core.encode import one_hot
from gategenome.core.stats import auroc, ranking_metrics
from gategenome.train.foldstats import FoldStatistics
from gategenome.train.holdout import sample_segments
from gategenome.train.windows import Chromosome


def chromosome(length, regions, rng, name="chrT", blacklist=()):
    labels = np.zeros(length, np.uint8)
    for start, end in regions:
        labels[start:end] = 1
    mask = np.ones(length, bool)
    for start, end in blacklist:
        mask[start:end] = False
    sequence = bytes(rng.choice(list(b"ACGT"), length))
    return Chromosome(name, one_hot(sequence, np.uint8), None, labels, mask, np.array(regions).reshape(-1, 2))


def whole_array_reference(chromosomes, logits, forgets, flank=50, profile_flank=300):
    """The metrics computed on whole concatenated arrays, from their definitions."""
    score = np.concatenate([lg[c.mask] for c, lg in zip(chromosomes, logits)])
    label = np.concatenate([c.labels[c.mask] for c in chromosomes])
    sums = {"inside": [0.0, 0], "outside": [0.0, 0], "boundary": [0.0, 0]}
    gate_scores, near_labels = [], []
    offsets = np.arange(-profile_flank, profile_flank)
    profile = {"entering": np.zeros(2 * profile_flank), "leaving": np.zeros(2 * profile_flank)}
    edges = {"entering": 0, "leaving": 0}
    for chrom, forget in zip(chromosomes, forgets):
        near = chrom.boundary_mask(flank) & chrom.mask
        for name, where in (("inside", (chrom.labels == 1) & ~near & chrom.mask),
                            ("outside", (chrom.labels == 0) & ~near & chrom.mask), ("boundary", near)):
            sums[name][0] += forget[where].astype(np.float64).sum()
            sums[name][1] += where.sum()
        gate_scores.append(1.0 - forget[chrom.mask])
        near_labels.append(near[chrom.mask])
        for start, end in chrom.regions:
            for kind, positions in (("entering", start + offsets), ("leaving", end - 1 - offsets)):
                if positions.min() >= 0 and positions.max() < len(chrom) and chrom.mask[positions].all():
                    profile[kind] += forget[positions]
                    edges[kind] += 1
    wide = score.astype(np.float64)
    return {
        "rounded": ranking_metrics(score.astype(np.float16), label),
        "exact": ranking_metrics(score, label),
        "bce": float((np.logaddexp(0.0, wide) - label * wide).mean()),
        "gates": {name: total / count for name, (total, count) in sums.items()},
        "boundary_auroc": auroc(np.concatenate(gate_scores), np.concatenate(near_labels)),
        "profile": {kind: (profile[kind] / max(1, edges[kind])).round(5).tolist() for kind in profile},
        "edges": edges,
    }


@pytest.mark.parametrize("segment", [257, 4096])
def test_streamed_fold_metrics_equal_whole_array_metrics(segment):
    rng = np.random.default_rng(3)
    chromosomes = [
        chromosome(20_000, [(250, 900), (5_000, 5_400), (9_990, 12_000), (19_800, 20_000)], rng, "chrA",
                   blacklist=[(12_500, 13_000)]),
        chromosome(7_500, [(0, 200), (3_000, 3_100), (3_050, 3_500)], rng, "chrB"),
    ]
    logits = [(rng.normal(size=len(c)) + 1.5 * c.labels).astype(np.float32) for c in chromosomes]
    forgets = [rng.uniform(0.2, 1.0, size=len(c)).astype(np.float32) for c in chromosomes]
    stats = FoldStatistics(with_gates=True)
    for chrom, logit, forget in zip(chromosomes, logits, forgets):
        for start in range(0, len(chrom), segment):
            end = min(len(chrom), start + segment)
            stats.add(chrom, start, end, logit[start:end], forget[start:end])
    result, reference = stats.result(), whole_array_reference(chromosomes, logits, forgets)
    assert result["auroc"] == pytest.approx(reference["rounded"]["auroc"], abs=1e-12)
    assert result["auprc"] == pytest.approx(reference["rounded"]["auprc"], abs=1e-12)
    assert result["auroc"] == pytest.approx(reference["exact"]["auroc"], abs=2e-3)
    assert result["bce"] == pytest.approx(reference["bce"], rel=1e-9)
    assert result["bases"] == sum(int(c.mask.sum()) for c in chromosomes)
    for name, value in reference["gates"].items():
        assert result["forget"][name] == pytest.approx(value, rel=1e-9)
    assert result["forget"]["boundary_auroc"] == pytest.approx(reference["boundary_auroc"], abs=2e-3)
    assert result["forget"]["profile"]["edges"] == reference["edges"] and reference["edges"]["entering"] >= 3
    for kind in ("entering", "leaving"):
        np.testing.assert_allclose(result["forget"]["profile"][kind], reference["profile"][kind], atol=1e-5)


def test_validation_sample_is_fixed_and_about_the_size_asked():
    lengths = [1_000_000, 300_000, 50_000]
    everything = sample_segments(lengths, 16384)
    assert [len(s) for s in everything] == [62, 19, 4]
    sample = sample_segments(lengths, 16384, max_bases=200_000, seed=1)
    assert sum(map(len, sample)) == 13 and sample == sample_segments(lengths, 16384, max_bases=200_000, seed=1)
    assert all(set(part) <= set(whole) and part == sorted(part) for part, whole in zip(sample, everything))
    assert sample != sample_segments(lengths, 16384, max_bases=200_000, seed=2)
    assert sample_segments(lengths, 16384, max_bases=10**7) == everything
