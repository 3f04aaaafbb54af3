"""coachassist compare: a real improvement is reported, noise is not, small groups get no figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coachassist.cli import main
from coachassist.compare import compare, diagnose_scan, interval
from coachassist.diagnosis import ScaleScore
from coachassist.intake.files import load_case
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Text
from tests.scale.teams import write_team


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def _scan(kb: KnowledgeBase, path: Path, min_group: int | None = None):
    return diagnose_scan(kb, load_case(kb, [path]), min_group)


def _by_scale(result) -> dict:
    return {c.scale: c for c in result.scales}


def test_a_known_improvement_is_reported_with_its_rule_reason(kb, tmp_path, capsys):
    before = write_team(tmp_path / "t1.toml", kb, n=8, level={"trust": 2.0}, seed=1)
    after = write_team(
        tmp_path / "t2.toml", kb, n=8, level={"trust": 4.0}, seed=2, earlier=["t1.toml"]
    )
    result = compare(kb, _scan(kb, before), _scan(kb, after))
    trust = _by_scale(result)["trust"]
    assert trust.verdict == "improved" and trust.low > 0 and trust.change > 1.5
    gone = {f.id: f for f in result.findings}["absence_of_trust"]
    assert gone.change == "disappeared"
    assert main(["compare", str(after), "--lang", "en"]) == 0  # the earlier scan from the file
    out = capsys.readouterr().out
    assert "Absence of trust" in out and "[gone]" in out
    assert (
        "Trust and psychological safety: team mean 2.00 -> 4.00: 'is at most 2.50' no longer holds"
        in out
    )
    assert "Revised plan for the remaining sessions" in out


def test_a_change_within_noise_is_not_called_an_improvement(kb, tmp_path):
    # two draws of the same team (same level, different answers): any change is noise
    a = write_team(tmp_path / "a.toml", kb, n=8, level=3.0, spread=2, seed=3)
    b = write_team(tmp_path / "b.toml", kb, n=8, level=3.0, spread=2, seed=4)
    result = compare(kb, _scan(kb, a), _scan(kb, b))
    verdicts = [c.verdict for c in result.scales]
    assert verdicts.count("within_noise") >= 8, verdicts
    for change in result.scales:
        if change.verdict == "within_noise":
            assert change.low <= 0 <= change.high


def _score(mean: float, sd: float, n: int) -> ScaleScore:
    return ScaleScore(
        scale="trust",
        name=Text(nl="V", en="T"),
        n=n,
        mean=mean,
        sd=sd,
        rwg=None,
        polarised=False,
        band=None,
    )


def test_the_same_small_shift_is_noise_for_few_people():
    # a mean shift of 0.3 with a spread of about 1 point: noise for 4 people each
    few = interval(_score(3.0, 0.82, 4), _score(3.3, 0.74, 4))
    assert few is not None and few[0] < 0 < few[1]
    # the same shift with 40 people and a small spread is a real change
    many = interval(_score(3.0, 0.3, 40), _score(3.3, 0.3, 40))
    assert many is not None and many[0] > 0


def test_the_interval_reveals_nothing_beyond_the_shown_figures():
    # later scans [1, 4, 4] and [2, 2, 5]: the same mean (3.0), sd (1.7321) and n (3). An
    # interval from the person scores (a bootstrap) told them apart, and with them each score.
    earlier = _score(2.5, 0.5, 5)
    assert interval(earlier, _score(3.0, 1.7321, 3)) == interval(earlier, _score(3.0, 1.7321, 3))
    assert interval(earlier, _score(3.0, 1.7321, 1)) is None


def test_below_threshold_groups_get_no_figure(kb, tmp_path, capsys):
    small = write_team(tmp_path / "small.toml", kb, n=2, level=2.0, seed=5)
    big = write_team(tmp_path / "big.toml", kb, n=9, level=4.0, seed=6)
    result = compare(kb, _scan(kb, small), _scan(kb, big))
    assert not result.teams_shown and result.findings == []
    for change in result.scales:
        assert change.verdict == "withheld"
        assert change.earlier is None and change.change is None and change.low is None
    assert main(["compare", str(small), str(big), "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(s["change"] is None and s["earlier"] is None for s in data["scales"])
    # the answers of the small group never change the output
    write_team(tmp_path / "small.toml", kb, n=2, level=4.5, seed=7)
    assert main(["compare", str(small), str(big), "--json", "--lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_a_pulse_compares_scale_by_scale(kb, tmp_path):
    full = write_team(tmp_path / "full.toml", kb, n=8, level={"trust": 2.0}, seed=8)
    pulse = write_team(
        tmp_path / "pulse.toml", kb, n=8, level={"trust": 4.0}, seed=9, scan="teampulse"
    )
    result = compare(kb, _scan(kb, full), _scan(kb, pulse))
    assert _by_scale(result)["trust"].verdict == "improved"
    assert len(result.scales) == 9
    kinds = {f.change for f in result.findings}
    assert "disappeared" in kinds or "not_measured" in kinds


def test_an_earlier_path_outside_the_folder_is_refused(kb, tmp_path, capsys):
    later = write_team(tmp_path / "later.toml", kb, n=5, seed=10)
    text = later.read_text(encoding="utf-8").replace(
        'format = "coachassist-intake/1"',
        'format = "coachassist-intake/1"\nearlier = ["../x.toml"]',
    )
    later.write_text(text, encoding="utf-8")
    assert main(["compare", str(later), "--lang", "en"]) == 2
    assert "earlier" in capsys.readouterr().err


def test_no_earlier_scan_is_a_clear_error(kb, tmp_path, capsys):
    later = write_team(tmp_path / "later.toml", kb, n=5, seed=11)
    assert main(["compare", str(later), "--lang", "en"]) == 2
    assert "names no earlier scan" in capsys.readouterr().err
