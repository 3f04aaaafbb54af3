"""An outsider holding coachassist's outputs tries to read what the privacy promises hide
(docs/privacy.md). Each test plays the attacker with only what an output shows.

- A finding one person's answers decide is withheld ("1 finding(s) rest on one person's
  answers"): no other finding, suggested format or why-not answer may rest on it or say that
  it holds, or the reader learns which finding it was and that one person carries it.
- ``compare`` does not call such a finding *gone* while its rules still hold.
- The lead without consent: nothing shows the lead's own answers, whatever the threshold.
- A page or a file that may be passed on (the overview, a comparison, CSV/JSONL rows) says so
  loudly when a figure on it may rest on one or two people (threshold below 3, self-scan).
- The swap and below-k attacks of test_privacy.py, on compare, the rows and the overview.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachassist.diagnosis import Diagnosis
from coachassist.engine import diagnose
from coachassist.engine.inference import reference
from coachassist.engine.pipeline import prepare
from coachassist.engine.soft import dysfunctions
from coachassist.engine.stability import exposes_one, missing_counts
from coachassist.engine.whynot import lines as why_not_lines
from coachassist.engine.whynot import why_not
from coachassist.i18n import Lang
from coachassist.intake.models import Intake
from coachassist.plan import PlanConstraints, build_plan
from coachassist.report import render
from tests.test_privacy import CONTEXTS, EXAMPLES, KB, LIKERT, PROPERTY, SCAN, intake_of, uniform

CONTEXT = {path.stem: context for path, context in zip(EXAMPLES, CONTEXTS, strict=True)}


def team(seed: int, size: int, base: int, context: str):
    """A team of one lead and members whose answers lie around ``base``: with three to five
    people, one person's answers often carry a finding on their own."""
    rng = random.Random(seed)
    roles = ["lead"] + ["member"] * (size - 1)
    people = [{q: max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for q in LIKERT} for _ in roles]
    return intake_of(roles, people, CONTEXT[context])


def one_person_findings(intake) -> set[str]:
    """What the engine withholds because one person's answers decide it (the attacker's
    target; only the test knows it)."""
    prepared = prepare(KB, intake)
    found = dysfunctions(KB.rules, reference(KB.rules, prepared.visible))
    found |= dysfunctions(KB.rules, prepared.lenient)
    missing = missing_counts(KB, SCAN, intake, prepared.privacy, sorted(found))
    return {fid for fid, n in missing.items() if exposes_one(n, prepared.privacy)}


def said_to_hold(dx: Diagnosis) -> set[str]:
    """The dysfunctions the Diagnosis (as ``diagnose --json`` writes it, and as every report
    renders it) says hold: shown findings, and any a reason or a suggestion tests."""
    data = dx.to_json()
    named = {f["id"] for f in data["findings"]} | {f["id"] for f in data.get("rejected", [])}
    for part in ("findings", "signals", "suggestions", "rejected"):
        for item in data.get(part, []):
            for evidence in item["evidence"]:
                for cond in evidence["conditions"]:
                    if cond["text"].startswith("dysfunction.") and cond["holds"]:
                        named.add(cond["text"].split(".", 1)[1])
    return named


# Found by the attack below: in each, a finding is withheld because one person decides it,
# and another finding's reason ("knowledge is not shared because the departments hold fixed
# images of each other") and a suggested format said the withheld one holds.
KNOWN = [(0, 3, 2, "ondersteunende_afdeling"), (7, 3, 2, "gezond_wijkteam")]


@pytest.mark.parametrize("case", KNOWN, ids=lambda c: f"seed{c[0]}")
def test_a_finding_withheld_for_one_person_is_named_nowhere(case):
    intake = team(*case)
    hidden = one_person_findings(intake)
    assert hidden, "the example must withhold a finding (else the attack proves nothing)"
    dx = diagnose(KB, intake)
    assert any("one person" in note.en for note in dx.notes)
    assert not hidden & said_to_hold(dx), "a reason or a format says the withheld finding holds"
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    coach = render(KB, intake, dx, plan, "md", "en", "coach")
    for fid in hidden:
        assert f"dysfunction.{fid}" not in coach
        text = "\n".join(why_not_lines(why_not(KB, intake, fid), "en"))
        assert "was concluded" not in text and "smallest change" not in text, text
        for other in KB.dysfunctions:  # nor does a why-not of another finding say it holds
            answer = why_not(KB, intake, other)
            for near in answer.nearest:
                for cond in near.conditions:
                    assert not (cond.text == f"dysfunction.{fid}" and cond.holds), other


@PROPERTY
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(3, 5),
    base=st.sampled_from([2, 3, 4]),
    context=st.sampled_from(sorted(CONTEXT)),
)
def test_no_output_says_a_finding_withheld_for_one_person_holds(seed, size, base, context):
    intake = team(seed, size, base, context)
    hidden = one_person_findings(intake)
    dx = diagnose(KB, intake)
    assert not hidden & said_to_hold(dx)
    assert not hidden & {f.id for f in dx.findings}
    plan = json.dumps(build_plan(KB, dx, intake.context, PlanConstraints()).to_json())
    for fid in hidden:
        assert f'"{fid}"' not in plan


@pytest.mark.parametrize("k", [1, 2, 3])
def test_the_lead_who_said_no_is_not_shown_at_a_low_threshold(k):
    """The lead was asked and said no; a threshold of 1 chosen by the coach does not overrule
    that: no gap, no direction, no lead's view, no perception-gap finding."""
    roles = ["lead", "member", "member", "member"]
    intake = intake_of(roles, [uniform(1), uniform(4), uniform(4), uniform(4)], CONTEXTS[0])
    dx = diagnose(KB, intake, min_group=k)
    data = json.dumps(dx.to_json())
    assert dx.gaps == [] and not dx.privacy.lead_view
    assert "lead_lower" not in data and "lead_higher" not in data
    assert not any(f.id == "perception_gap" for f in dx.findings)


def test_compare_does_not_give_away_a_finding_withheld_in_the_later_scan():
    """The earlier scan shows a finding; in the later scan one person's answers decide it, so
    the later Diagnosis withholds it. ``compare`` called it *gone* while every condition of the
    rule concluding it still held ("yes -> yes"): not gone, withheld, and a signal the later
    Diagnosis withholds was shown as concluded."""
    from coachassist.compare import compare, diagnose_scan

    later = team(*KNOWN[0])
    hidden = one_person_findings(later)
    earlier = team(0, 6, 2, KNOWN[0][3])
    scans = diagnose_scan(KB, earlier), diagnose_scan(KB, later)
    assert hidden <= {f.id for f in scans[0].diagnosis.findings}  # shown before: an attack
    result = compare(KB, *scans).to_json()
    withheld_signals = {f"signal.{s.id}" for s in scans[0].diagnosis.signals} - {
        f"signal.{s.id}" for s in scans[1].diagnosis.signals
    }
    for change in result["findings"]:
        for rule in change["rules"]:
            for cond in rule["conditions"]:
                assert not (cond["text"] in withheld_signals and cond["holds"]), cond
        if change["change"] == "disappeared":  # gone: some rule of its own no longer holds
            own = [r for r in change["rules"] if r["depth"] == 0]
            assert not any(all(c["holds"] for c in r["conditions"]) for r in own), change["id"]
    gone = {c["id"]: c["change"] for c in result["findings"]}
    assert all(gone[fid] == "not_measured" for fid in hidden)  # "withheld in the later scan"


def test_an_overview_warns_when_a_teams_figures_rest_on_fewer_than_three(tmp_path, capsys):
    """The client report of a team whose intake says ``min_group = 2`` is refused, and a lead's
    self-scan is for the lead's eyes; an overview across teams showed both teams' means (two
    people's, and the lead's own) under a legend that says empty cells are "too few people",
    with no warning: a page the reader takes for k = 3."""
    from coachassist.cli import main

    save_three_teams(tmp_path)
    for lang in ("en", "nl"):
        assert main(["overview", str(tmp_path), "--lang", lang]) == 0
        page = capsys.readouterr().out
        assert "1.50" in page or "1,50" in page  # the two people's mean is on the page
        body = page.split("<body>", 1)[1]
        warning = body[: body.index("<table")]
        assert "Two" in warning and "Alone" in warning and "Five" not in warning, warning
    assert main(["overview", str(tmp_path / "five.toml"), "--lang", "en"]) == 0
    assert 'class="warning"' not in capsys.readouterr().out


# --- compare, CSV/JSONL and the overview: the outputs the property tests in test_privacy.py
# --- do not run. The same two attacks: swap a small group's answers; change an answer of a
# --- team below k. Two scans of one team, as ``compare`` and ``overview`` read them.


def scan_outputs(
    earlier: Intake, later: Intake, lang: Lang, k: int | None = None
) -> dict[str, str]:
    from pathlib import Path

    from coachassist.batch import TeamResult, rows
    from coachassist.compare import compare, diagnose_scan, scale_changes
    from coachassist.report.compare_text import comparison_lines
    from coachassist.report.overview import OverviewTeam, overview_html

    scans = diagnose_scan(KB, earlier, k), diagnose_scan(KB, later, k)
    result = compare(KB, *scans)
    trend = {c.scale: c for c in scale_changes(KB, *scans)}
    teams = [TeamResult(Path(f"{i}.toml"), s.intake, s.diagnosis) for i, s in enumerate(scans)]
    return {
        "compare": "\n".join(comparison_lines(result, KB, lang, "a", "b")),
        "compare-json": json.dumps(result.to_json(), sort_keys=True, ensure_ascii=False),
        "rows": json.dumps([rows(team, lang) for team in teams], ensure_ascii=False),
        "overview": overview_html(KB, [OverviewTeam(teams[1], trend)], [], lang),
    }


likert = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 4, 5, "dont_know"])


@st.composite
def answers(draw) -> dict:
    values = draw(st.lists(likert, min_size=len(LIKERT), max_size=len(LIKERT)))
    return dict(zip(LIKERT, values, strict=True))


SMALL_GROUPS = [("lead", 1, "member", 4), ("lead", 2, "member", 3), ("member", 2, "lead", 3)]


@PROPERTY
@given(
    shape=st.sampled_from(SMALL_GROUPS),
    data=st.data(),
    context=st.sampled_from(CONTEXTS),
    lang=st.sampled_from(["nl", "en"]),
    which=st.sampled_from([0, 1]),
)
def test_swapping_a_small_groups_answers_changes_no_comparison_row_or_overview(
    shape, data, context, lang, which
):
    small, n_small, large, n_large = shape
    roles = [small] * n_small + [large] * n_large
    scans = [[data.draw(answers()) for _ in roles] for _ in range(2)]
    i = data.draw(st.integers(0, n_small - 1), label="small")
    j = data.draw(st.integers(n_small, len(roles) - 1), label="large")
    swapped = [list(scans[0]), list(scans[1])]
    swapped[which][i], swapped[which][j] = scans[which][j], scans[which][i]
    before = scan_outputs(
        intake_of(roles, scans[0], context), intake_of(roles, scans[1], context), lang
    )
    after = scan_outputs(
        intake_of(roles, swapped[0], context), intake_of(roles, swapped[1], context), lang
    )
    for name in before:
        assert before[name] == after[name], f"{name} reveals the small group"


@PROPERTY
@given(
    data=st.data(),
    context=st.sampled_from(CONTEXTS),
    lang=st.sampled_from(["nl", "en"]),
    small_first=st.booleans(),
)
def test_a_scan_below_k_changes_no_comparison_row_or_overview(data, context, lang, small_first):
    size = data.draw(st.integers(1, 2), label="size")
    roles = [data.draw(st.sampled_from(["lead", "member"])) for _ in range(size)]
    people = [data.draw(answers()) for _ in roles]
    changed = [dict(p) for p in people]
    who = data.draw(st.integers(0, size - 1), label="who")
    changed[who][data.draw(st.sampled_from(LIKERT))] = data.draw(likert, label="value")
    full = intake_of(["lead"] + ["member"] * 4, [data.draw(answers()) for _ in range(5)], context)

    def outputs_with(small: Intake) -> dict[str, str]:
        return scan_outputs(small, full, lang) if small_first else scan_outputs(full, small, lang)

    before = outputs_with(intake_of(roles, people, context))
    after = outputs_with(intake_of(roles, changed, context))
    for name in before:
        assert before[name] == after[name], f"{name} changes with one person's answer"


def test_a_comparison_with_a_scan_below_three_warns(tmp_path, capsys):
    """The earlier scan had two people and ``min_group = 2``; the later one five people at the
    default threshold. ``compare`` printed the two people's mean ("1.50 -> 3.00") and the
    overview's trend arrow its change, with no warning that a figure rests on two people."""
    from coachassist.cli import main
    from coachassist.intake.files import save_intake

    two = intake_of(["member", "member"], [uniform(1), uniform(2)], CONTEXTS[0])
    five = intake_of(["lead"] + ["member"] * 4, [uniform(3)] * 5, CONTEXTS[0])
    save_intake(tmp_path / "t1.toml", two.model_copy(update={"min_group": 2}))
    save_intake(
        tmp_path / "t2.toml", five.model_copy(update={"title": "Later", "earlier": ["t1.toml"]})
    )
    assert main(["compare", str(tmp_path / "t2.toml"), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "1.50 -> 3.00" in text  # the attack: the two people's mean
    assert text.startswith("!!! WARNING: the threshold is 2, below 3."), text[:200]
    assert main(["compare", str(tmp_path / "t2.toml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["low_threshold"] is True
    assert main(["overview", str(tmp_path), "--lang", "en"]) == 0
    page = capsys.readouterr().out.split("<body>", 1)[1]
    assert "+1.50" in page and "Later" in page[: page.index("<table")]
    assert main(["compare", str(tmp_path / "t2.toml"), "--min-group", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["low_threshold"] is False


def test_csv_rows_say_the_threshold_and_warn_when_it_is_below_three(tmp_path, capsys):
    """``diagnose FOLDER --csv`` gave a two-person team's means (its intake says
    ``min_group = 2``) and a lead's self-scan next to the other teams', with nothing in the
    rows or on the terminal saying they may rest on one or two people."""
    import csv
    import io

    from coachassist.cli import main

    save_three_teams(tmp_path)
    assert main(["diagnose", str(tmp_path), "--csv", "--lang", "en"]) == 0
    captured = capsys.readouterr()
    table = list(csv.DictReader(io.StringIO(captured.out)))
    k = {row["team"]: row["min_group"] for row in table}
    assert k == {"Five": "3", "Two": "2", "Alone": "1"}
    assert {row["mean"] for row in table if row["team"] == "Two"} == {"1.5"}  # the attack
    warnings = [line for line in captured.err.splitlines() if "WARNING" in line]
    assert len(warnings) == 2 and "Two" in warnings[1] and "Alone" in warnings[0], warnings
    assert main(["diagnose", str(tmp_path), "--jsonl", "--min-group", "3"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["min_group"] for line in lines} == {3}


@PROPERTY
@given(
    seed=st.integers(0, 10**6),
    size=st.integers(3, 5),
    context=st.sampled_from(sorted(CONTEXT)),
    skipped=st.lists(st.sampled_from(LIKERT), max_size=4),
)
def test_withholding_a_finding_changes_no_figure_shown(seed, size, context, skipped):
    """The rules run again without a withheld finding's rules; the figures shown stay those the
    team's privacy decision chose (the differencing audit reads which questions rules look at,
    and fewer rules look at fewer questions)."""
    from coachassist.engine import diagnose_with_facts

    intake = team(seed, size, 2, context)
    for question in skipped:  # one person's "don't know": the differencing audit's case
        intake.responses[0].answers[question] = "dont_know"
    first = prepare(KB, intake)
    dx, facts = diagnose_with_facts(KB, intake)
    figures = ("score.", "item.", "gap.")
    assert {k for k in facts.facts if k.startswith(figures)} == {
        k for k in first.visible.facts if k.startswith(figures)
    }
    assert {s.scale for s in dx.scores if s.mean is not None} == set(first.privacy.scales)


def save_three_teams(folder: Path) -> None:
    """Five people at k = 3; two people at ``min_group = 2``; a lead's self-scan."""
    from coachassist.intake.files import save_intake

    five = intake_of(["lead"] + ["member"] * 4, [uniform(3)] * 5, CONTEXTS[0])
    two = intake_of(["member", "member"], [uniform(1), uniform(2)], CONTEXTS[0])
    alone = intake_of(["lead"], [uniform(2)], CONTEXTS[0])
    save_intake(folder / "five.toml", five.model_copy(update={"title": "Five"}))
    save_intake(folder / "two.toml", two.model_copy(update={"title": "Two", "min_group": 2}))
    save_intake(folder / "self.toml", alone.model_copy(update={"title": "Alone", "min_group": 1}))
