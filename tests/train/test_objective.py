"""The training objective: the edge zone and the balanced gate penalty."""

import math

import numpy as np
import pytest
import torch

from gategenome.errors import ConfigError
from gategenome.model.config import ModelConfig
from gategenome.model.network import GateLSTM
from gategenome.train.config import TrainConfig
from gategenome.train.objective import edge_zone, gate_penalty_term, loss_terms
from gategenome.train.windows import Chromosome


def test_edge_zone_marks_the_bases_the_boundary_metric_marks():
    regions = np.array([[100, 180], [185, 400], [700, 800]])
    labels = np.zeros(1000, dtype=np.uint8)
    for start, end in regions:
        labels[start:end] = 1
    chrom = Chromosome("c", np.zeros((1000, 4), np.uint8), None, labels, np.ones(1000, bool), regions)
    zone = edge_zone(torch.from_numpy(labels[None].astype(np.float32)), 50)[0].numpy()
    assert np.array_equal(zone, chrom.boundary_mask(50))  # the 5 bp gap's two edges included
    assert zone[50] and not zone[49] and zone[449] and not zone[450] and not zone[300]


def test_gate_penalty_weighs_inside_and_outside_equally():
    y = torch.zeros(2, 100)
    y[0, 40:45] = 1  # 5 inside bases of 200
    forget = 1.0 - y  # forgets everywhere inside, nowhere outside
    scored = torch.ones_like(y)
    assert gate_penalty_term(forget, y, scored).item() == pytest.approx(0.5)
    assert gate_penalty_term(torch.full_like(y, 0.9), torch.zeros_like(y), scored).item() == pytest.approx(0.1)
    scored[0, 40:45] = 0  # the inside bases masked: only the outside side is left
    assert gate_penalty_term(forget, y, scored).item() == pytest.approx(0.0)


def test_gate_curriculum_starts_after_the_warm_epochs_and_ramps():
    from gategenome.train.config import TrainConfig
    from gategenome.train.objective import gate_scale

    config = TrainConfig(gate_start_epoch=3, gate_ramp_epochs=2)
    assert [gate_scale(epoch, config) for epoch in range(6)] == [0.0, 0.0, 0.0, 0.5, 1.0, 1.0]
    assert gate_scale(0, TrainConfig()) == 1.0


def test_scale_zero_leaves_the_per_base_loss_alone():
    from gategenome.model.config import ModelConfig
    from gategenome.model.network import GateLSTM
    from gategenome.train.config import TrainConfig
    from gategenome.train.objective import loss_terms

    torch.manual_seed(0)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4, num_layers=1))
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (2, 200)), 4).float()
    y = torch.zeros(2, 200)
    y[:, 80:120] = 1
    config = TrainConfig(gate_penalty=0.6, edge_weight=0.3)
    off = loss_terms(model, x, y, torch.ones_like(y), config, scale=0.0)
    on = loss_terms(model, x, y, torch.ones_like(y), config, scale=0.5)
    assert off.total.item() == pytest.approx(off.bce.item())
    assert on.total.item() == pytest.approx(on.bce.item() + 0.3 * on.penalty.item() + 0.15 * on.edge.item(), rel=1e-5)


def test_edge_loss_and_sharpness_are_refused_outside_their_choices():
    from gategenome.train.config import TrainConfig

    for removed in ("square", "linear", "bce"):
        with pytest.raises(ConfigError, match="edge_loss"):
            TrainConfig(edge_loss=removed)
    with pytest.raises(ConfigError, match="edge_sharpness"):
        TrainConfig(edge_loss="log", edge_sharpness=2.0)
    with pytest.raises(ConfigError, match="edge_sharpness"):
        TrainConfig(edge_loss="bce_units", edge_sharpness=0.5)


def test_bce_units_is_each_units_cross_entropy_and_pulls_a_unit_saturated_near_one():
    from gategenome.model.config import ModelConfig
    from gategenome.model.gates import forget_gates, layer_tensors
    from gategenome.model.network import GateLSTM
    from gategenome.train.config import TrainConfig
    from gategenome.train.objective import edge_zone, loss_terms

    torch.manual_seed(4)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4, num_layers=1, forget_bias=0.0))
    with torch.no_grad():
        model.lstm_layers[0].bias_hh_l0[4] = 12.0  # unit 0's forget gate saturated near 1
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (1, 400)), 4).float()
    y = torch.zeros(1, 400)
    y[:, 150:300] = 1
    config = TrainConfig(edge_weight=1.0, gate_penalty=1.0, edge_loss="bce_units", edge_sharpness=2.0)
    terms = loss_terms(model, x, y, torch.ones_like(y), config)
    out = model(x)
    units = forget_gates(model.lstm_layers[0], *layer_tensors(out, 0))[0].double()  # (L, H)
    near = edge_zone(y, 50)[0]
    soft_closed = torch.sigmoid(torch.logit(1.0 - units) / 2.0)
    expected = (-2.0 * torch.log(soft_closed[near])).mean(dim=1).mean()
    assert terms.edge.item() == pytest.approx(expected.item(), rel=1e-4)
    # the pull on the saturated unit's bias: through the mean gate it vanishes, per unit it does not
    terms.edge.backward()
    per_unit = model.lstm_layers[0].bias_hh_l0.grad[4].abs().item()
    model.zero_grad()
    mean_gate = loss_terms(model, x, y, torch.ones_like(y), TrainConfig(edge_weight=1.0, gate_penalty=1.0))
    mean_gate.edge.backward()
    assert per_unit > 0.1
    assert per_unit > 1000 * model.lstm_layers[0].bias_hh_l0.grad[4].abs().item()


def test_insertion_terms_match_a_hand_computation():
    from gategenome.train.objective import insertion_terms

    log_rate = torch.tensor([[0.0, math.log(2.0), math.log(3.0), 0.0]])
    counts = torch.tensor([[1.0, 0.0, 2.0, 5.0]])
    weight = torch.tensor([[1.0, 1.0, 1.0, 0.0]])  # the last base is masked: its 5 insertions do not count
    profile, count = insertion_terms(log_rate, counts, weight)
    # p = (1, 2, 3) / 6 over the scored bases; -(1 log(1/6) + 2 log(3/6)) per insertion (3 of them)
    assert profile.item() == pytest.approx(-(math.log(1 / 6) + 2 * math.log(3 / 6)) / 3, rel=1e-6)
    # predicted total 6, observed 3: (log 7 - log 4)^2
    assert count.item() == pytest.approx((math.log(7.0) - math.log(4.0)) ** 2, rel=1e-6)


def test_insertion_terms_ignore_a_fully_masked_window():
    from gategenome.train.objective import insertion_terms

    log_rate = torch.zeros(2, 3, requires_grad=True)
    counts = torch.tensor([[1.0, 1.0, 0.0], [9.0, 9.0, 9.0]])
    weight = torch.tensor([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    profile, count = insertion_terms(log_rate, counts, weight)
    (profile + count).backward()
    assert profile.item() == pytest.approx(math.log(3.0), rel=1e-6)
    assert count.item() == pytest.approx((math.log(3.0) - math.log(4.0)) ** 2, rel=1e-6)
    assert torch.isfinite(log_rate.grad).all() and (log_rate.grad[1] == 0).all()


def test_gate_terms_of_target_insertions_take_edges_from_the_predicted_rate():
    from gategenome.train.objective import rate_labels

    logits = torch.full((1, 200), math.log(0.5))
    logits[0, 80:120] = math.log(20.0)  # 40 bases at 20x the mean rate
    labels = rate_labels(logits, flank=5, fold=4.0)
    inside = torch.nonzero(labels[0]).squeeze(1)
    # the 11-base mean passes 4x once 2 of its bases are at 20x: (2 * 20 + 9 * 0.5) / 11 = 4.05
    assert inside.min() == 76 and inside.max() == 123 and len(inside) == 48
    assert rate_labels(logits, flank=5, fold=30.0).sum() == 0  # nowhere 30x the mean
    config = TrainConfig(target="insertions", gate_penalty=1.0, edge_weight=1.0, edge_flank=5)
    model = GateLSTM(ModelConfig(inputs="dna", hidden_size=4, num_layers=1))
    x = torch.zeros(2, 64, 4)
    x[:, :, 0] = 1.0
    y = torch.ones(2, 64)  # region labels: never read with target insertions
    terms = loss_terms(model, x, y, torch.ones(2, 64), config, counts=torch.ones(2, 64), offset=torch.zeros(2, 64))
    assert terms.profile is not None and torch.isfinite(terms.total)
    again = loss_terms(model, x, 1.0 - y, torch.ones(2, 64), config, counts=torch.ones(2, 64),
                       offset=torch.zeros(2, 64))
    assert again.total.item() == terms.total.item()
