"""Team scores on hand-worked examples (numbers worked out on paper in the comments)."""

from __future__ import annotations

import pytest

from coachassist.scoring import rwg_j, score_team
from tests.engine.conftest import intake_of


def test_reverse_scoring_means_sd_gap_and_agreement(two_item_scan):
    intake = intake_of(
        ("member", {"a": 4, "b": 2}),  # b reversed: 6 - 2 = 4 -> person score 4
        ("member", {"a": 4, "b": 2}),  # 4
        ("lead", {"a": 5, "b": 1}),  # 5
        ("member", {"a": 3, "b": "dont_know"}),  # don't know is not scored -> 3
    )
    scores = score_team(two_item_scan, intake)
    s = scores.scales["s"]
    assert s.n == 4
    assert s.mean == pytest.approx(4.0)
    assert s.sd == pytest.approx(0.8165, abs=1e-4)  # sqrt(2/3)
    # item variances: a [4,4,5,3] -> 2/3; b reversed [4,4,5] -> 1/3; mean 0.5 over expected 2
    # rwg(2) = 2 * 0.75 / (2 * 0.75 + 0.25) = 0.8571
    assert s.rwg == pytest.approx(0.8571, abs=1e-4)
    assert s.by_role == {"lead": (1, 5.0), "member": (3, pytest.approx(3.6667, abs=1e-4))}
    assert scores.gaps["s"] == pytest.approx(1.3333, abs=1e-4)
    assert scores.items["b"].n == 3 and scores.items["b"].mean == pytest.approx(4.3333, abs=1e-4)
    assert not s.polarised


def test_polarised_team_with_an_average_mean(two_item_scan):
    rows = [("member", {"a": v, "b": 6 - v}) for v in (1, 1, 5, 5, 3)]
    s = score_team(two_item_scan, intake_of(*rows)).scales["s"]
    assert s.mean == pytest.approx(3.0)
    assert s.polarised
    assert s.rwg == 0.0  # observed variance (4.0) exceeds the random-answer variance (2.0)


def test_min_answers_and_missing_answers(two_item_scan):
    scan = two_item_scan.model_copy(
        update={"scales": [two_item_scan.scales[0].model_copy(update={"min_answers": 2})]}
    )
    scores = score_team(scan, intake_of(("member", {"a": 4}), ("member", {"a": 2, "b": 2})))
    assert scores.scales["s"].n == 1  # the first respondent answered only one of two items
    assert scores.scales["s"].mean == pytest.approx(3.0)


def test_rwg_perfect_agreement_and_too_few_answers():
    assert rwg_j([[3, 3, 3], [4, 4, 4]], 5) == 1.0
    assert rwg_j([[3], [4]], 5) is None
