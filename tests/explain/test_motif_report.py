"""Motif matching to JASPAR and the HTML report."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest

from gategenome.explain.jaspar import Match, jaspar_motifs, match_motifs
from gategenome.explain.motifs import Motif, motif_span, trim_bounds
from gategenome.explain.report import write_motif_report, write_motif_table


def _ppm(consensus: str, purity: float = 0.91) -> np.ndarray:
    ppm = np.full((len(consensus), 4), (1.0 - purity) / 3.0)
    for i, base in enumerate(consensus):
        ppm[i, "ACGT".index(base)] = purity
    return ppm


@pytest.mark.slow
def test_planted_yeast_sites_match_their_factors_in_jaspar():
    references = jaspar_motifs("JASPAR2024", "fungi")
    assert len(references) > 100 and {"REB1", "RAP1", "ABF1"} <= {r.name.upper() for r in references}
    queries = [_ppm("TTACCCGG"), _ppm("ACACCCATACATT"), _ppm("GCGTATCGATTACGG")]
    matches = match_motifs(queries, references, top=5)
    names = [[m.name.upper() for m in found] for found in matches]
    assert "REB1" in names[0] or "NSI1" in names[0][:1]  # Nsi1 binds the Reb1 site
    assert "RAP1" in names[1]
    assert all(found[0].qvalue < 0.05 for found in matches[:2])
    assert all(found[i].pvalue <= found[i + 1].pvalue for found in matches for i in range(len(found) - 1))


def test_trimming_keeps_the_informative_core_with_a_margin():
    cwm = np.zeros((20, 4))
    cwm[8:12, 0] = 1.0
    cwm[3, 1] = 0.1  # below 30% of the largest column: trimmed away
    assert trim_bounds(cwm) == (6, 14)


def test_modisco_reads_the_bases_before_a_last_summit_or_around_a_middle_one():
    assert motif_span(200, 60) == (140, 200) and motif_span(200, 60, 199) == (140, 200)  # drops: summit last
    assert motif_span(400, 100, 200) == (150, 250)  # counts: centred on the summit
    assert motif_span(400, 100, 10) == (0, 100) and motif_span(400, 500, 200) == (0, 400)  # shifted, clipped


class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images += [value for name, value in attrs if name == "src"]


def test_report_embeds_a_logo_and_a_position_histogram_per_motif(tmp_path):
    motif = Motif("pos_1", 1, _ppm("TTACCCGG") - 0.25, _ppm("TTACCCGG"), 42, np.array([-30.0, -20.0, -25.0]), 0.5)
    matches = [[Match("MA0363.3", "REB1", 1e-6, 1e-4, 700.0, "+")]]
    write_motif_report(tmp_path / "motifs.html", [motif], matches, {"drops explained": 3}, 200)
    page = (tmp_path / "motifs.html").read_text()
    images = _Images()
    images.feed(page)
    assert len(images.images) == 2 and all(src.startswith("data:image/png;base64,") for src in images.images)
    assert "REB1" in page and "TTACCCGG" in page and "median -25" in page
    write_motif_table(tmp_path / "motifs.tsv", [motif], matches)
    row = (tmp_path / "motifs.tsv").read_text().splitlines()[1].split("\t")
    assert row[:3] == ["pos_1", "42", "TTACCCGG"] and row[5] == "REB1"


def test_the_report_of_counts_says_which_part_was_explained(tmp_path):
    motif = Motif("pos_1", 1, _ppm("TTACCCGG") - 0.25, _ppm("TTACCCGG"), 42, np.array([-5.0, 20.0, 3.0]), 0.5)
    for part, title in (("main", "What raises the predicted insertions"), ("bias", "What Tn5 prefers")):
        write_motif_report(tmp_path / "motifs.html", [motif], [[]], {"peaks explained": 3}, 100, f"counts:{part}", 50)
        page = (tmp_path / "motifs.html").read_text()
        assert title in page and "What closes the forget gate" not in page and "median +3" in page
    write_motif_report(tmp_path / "motifs.html", [], [], {"peaks explained": 0}, 100, "counts:main", 50)
    assert "No peaks to explain" in (tmp_path / "motifs.html").read_text()


def test_modisco_is_not_asked_for_motifs_when_no_window_contributes_negatively(monkeypatch):
    import modiscolite.tfmodisco

    from gategenome.explain.motifs import find_motifs, windows_take_both_signs
    from gategenome.explain.settings import MotifSettings

    one_hot = np.zeros((3, 60, 4), dtype=np.float32)
    one_hot[..., 0] = 1.0
    hypothetical = np.zeros_like(one_hot)
    hypothetical[:, 20:28, 0] = 1.0  # a planted site, nothing against it: its seqlet threshold cannot be fitted
    assert not windows_take_both_signs(one_hot, hypothetical, 20)
    monkeypatch.setattr(modiscolite.tfmodisco, "TFMoDISco", lambda *a, **k: pytest.fail("modisco was run"))
    assert find_motifs(one_hot, hypothetical, MotifSettings(window=60)) == []
    hypothetical[:, 40:45, 0] = -1.0
    assert windows_take_both_signs(one_hot, hypothetical, 20)
