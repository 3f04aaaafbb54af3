"""Privacy, decided once, holds on every output (docs/privacy.md).

Property tests over random intakes run every output: ``diagnose`` text and JSON, the plan as
text and JSON, and the Markdown and HTML report for the client and for the coach.
(1) Swapping the answers of someone in a group below the threshold (a lone lead without
consent, two leads, two members) with someone in a larger group leaves every team figure the
same, so it must leave every output byte-identical. (2) With the whole team below the
threshold, no answer may change any output. (3) With a few people skipping questions, no
linear combination of the means an output shows rests on fewer than k people.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coachassist.cli import main
from coachassist.cli.diagnose import render_text
from coachassist.engine import diagnose
from coachassist.engine.whynot import lines as why_not_lines
from coachassist.engine.whynot import why_not
from coachassist.errors import UserError
from coachassist.intake.files import load_case
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.plan import PlanConstraints, build_plan
from coachassist.report import render
from coachassist.report.markdown import plan_markdown
from coachassist.report.plan_view import plan_view

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))
KB = load()
SCAN = KB.questionnaires["teamscan"]
LIKERT = [q.id for q in SCAN.questions if q.type == "likert"]
TEXTS = [q.id for q in SCAN.questions if q.type == "text"]
CONTEXTS = [load_case(KB, [path]).context for path in EXAMPLES]
# Each example runs the engine and renders eight outputs twice. No shrinking: a failing example
# is small already, and shrinking one through the engine took over five minutes.
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

likert = st.sampled_from([1, 2, 3, 4, 5, 1, 2, 4, 5, "dont_know", None])
free_text = st.sampled_from(["", "meer overleg", "<b>ZEBRA</b> `x`", "](javascript:alert(1))"])


@st.composite
def answers(draw) -> dict:
    values = draw(st.lists(likert, min_size=len(LIKERT), max_size=len(LIKERT)))
    result = {qid: v for qid, v in zip(LIKERT, values, strict=True) if v is not None}
    for qid in TEXTS:
        text = draw(free_text)
        if text:
            result[qid] = text
    return result


def intake_of(roles: list[str], all_answers: list[dict], context: dict, consent=False) -> Intake:
    return Intake(
        title="Team",
        context=context,
        responses=[
            Respondent(
                id=f"r{i}", role=role, answers=ans, lead_view_consent=consent and role == "lead"
            )
            for i, (role, ans) in enumerate(zip(roles, all_answers, strict=True))
        ],
    )


def outputs(intake: Intake, lang: str, min_group: int | None = None) -> dict[str, str]:
    """Every output a coach or client can see, as text."""
    dx = diagnose(KB, intake, min_group=min_group)
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    result = {
        "diagnose-text": render_text(dx, lang, KB),
        "diagnose-json": json.dumps(dx.to_json(), sort_keys=True, ensure_ascii=False),
        "plan-text": plan_markdown(plan_view(KB, dx, plan, lang), level=1),
        "plan-json": json.dumps(plan.to_json(), sort_keys=True, ensure_ascii=False),
    }
    for fmt in ("md", "html"):
        for audience in ("client", "coach"):
            result[f"{audience}-{fmt}"] = render(KB, intake, dx, plan, fmt, lang, audience)
    # diagnosis v2: strength, borderline, stability and builds-on are in the JSON and text above;
    # why-not (nearest rules, distances, the removing change) is an output of its own
    for dysfunction in WHY_NOT:
        answer = why_not(KB, intake, dysfunction, min_group=min_group)
        result[f"why-not-{dysfunction}"] = "\n".join(why_not_lines(answer, lang))
    return result


WHY_NOT = ("absence_of_trust", "strained_lead_relation", "perception_gap")


# (small role, its size, large role, its size)
SMALL_GROUPS = [("lead", 1, "member", 4), ("lead", 2, "member", 3), ("member", 2, "lead", 3)]


@PROPERTY
@given(
    shape=st.sampled_from(SMALL_GROUPS),
    extra=st.integers(0, 2),
    data=st.data(),
    context=st.sampled_from(CONTEXTS),
    lang=st.sampled_from(["nl", "en"]),
)
def test_swapping_a_small_groups_answers_changes_no_output(shape, extra, data, context, lang):
    small, n_small, large, n_large = shape
    roles = [small] * n_small + [large] * (n_large + extra)
    people = [data.draw(answers()) for _ in roles]
    i = data.draw(st.integers(0, n_small - 1), label="small")
    j = data.draw(st.integers(n_small, len(roles) - 1), label="large")
    swapped = list(people)
    swapped[i], swapped[j] = people[j], people[i]
    before = outputs(intake_of(roles, people, context), lang)
    after = outputs(intake_of(roles, swapped, context), lang)
    for name in before:
        assert before[name] == after[name], f"{name} reveals the small group"


@PROPERTY
@given(
    k=st.integers(3, 5),
    data=st.data(),
    context=st.sampled_from(CONTEXTS),
    lang=st.sampled_from(["nl", "en"]),
    consent=st.booleans(),
)
def test_with_the_team_below_k_no_answer_changes_any_output(k, data, context, lang, consent):
    size = data.draw(st.integers(1, k - 1), label="size")
    roles = [data.draw(st.sampled_from(["lead", "member"])) for _ in range(size)]
    people = [data.draw(answers()) for _ in roles]
    changed = [dict(p) for p in people]
    who = data.draw(st.integers(0, size - 1), label="who")
    question = data.draw(st.sampled_from(LIKERT + TEXTS), label="question")
    value = data.draw(likert if question in LIKERT else free_text, label="value")
    if value in (None, ""):
        changed[who].pop(question, None)
    else:
        changed[who][question] = value
    before = outputs(intake_of(roles, people, context, consent), lang, k)
    after = outputs(intake_of(roles, changed, context, consent), lang, k)
    for name in before:
        assert before[name] == after[name], f"{name} changes with one person's answer"
    dx = diagnose(KB, intake_of(roles, people, context, consent), min_group=k)
    assert dx.findings == [] and dx.privacy.needed == k - size


def test_team_below_k_says_how_many_more_are_needed(capsys):
    intake = intake_of(["lead", "member"], [{"trust_1": 1}, {"trust_1": 5}], CONTEXTS[0])
    text = outputs(intake, "en")
    for name in ("diagnose-text", "client-md", "coach-md"):
        assert "1 more respondent(s) needed" in text[name], name
    assert "lead_higher" not in text["diagnose-json"] and '"large"' not in text["diagnose-json"]


def uniform(value: int) -> dict:
    """Every statement answered so that each scale scores ``value`` after reverse scoring."""
    return {q.id: 6 - value if q.reverse else value for q in SCAN.questions if q.type == "likert"}


def test_the_lead_view_needs_consent():
    members = [uniform(4) for _ in range(4)]
    lead = uniform(1)
    roles = ["lead", "member", "member", "member", "member"]
    without = diagnose(KB, intake_of(roles, [lead, *members], CONTEXTS[0]))
    assert without.gaps == [] and all(not s.by_role for s in without.scores)
    assert not any(f.id.startswith("perception") for f in [*without.findings, *without.signals])
    agreed = diagnose(KB, intake_of(roles, [lead, *members], CONTEXTS[0], consent=True))
    assert agreed.privacy.lead_view and agreed.gaps
    assert all(g.direction == "lead_lower" and g.large for g in agreed.gaps)
    assert any(r.role == "lead" for s in agreed.scores for r in s.by_role)


def test_a_self_scan_shows_everything():
    lead = {q: 2 for q in LIKERT}
    intake = intake_of(["lead"], [lead], CONTEXTS[0]).model_copy(update={"min_group": 1})
    dx = diagnose(KB, intake)
    assert dx.privacy.self_scan and not dx.privacy.low_threshold
    assert all(s.mean is not None for s in dx.scores) and dx.findings
    assert "WARNING" not in render(KB, intake, dx, build_plan(KB, dx, intake.context), "md")


# --- the client report ------------------------------------------------------------------------

CONDITION_SYNTAX = re.compile(
    r"\b(score|item|gap|context|signal|dysfunction|respondents)\.[a-z_]+|[<>]=|==|!="
)


def observed_labels(intake: Intake, lang: str) -> list[str]:
    question = KB.context_questions()["observed"]
    chosen = intake.context.get("observed") or []
    return [o.label(lang) for o in question.options if o.value in chosen]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_client_report_has_no_rule_ids_conditions_or_private_observations(path):
    intake = load_case(KB, [path])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    for lang in ("nl", "en"):
        for fmt in ("md", "html"):
            text = render(KB, intake, dx, plan, fmt, lang, "client")
            # the HTML head holds CSS, not report text; Markdown escapes are not what one reads
            body = text.split("<body", 1)[-1].replace("\\", "")
            assert [rid for rid in KB.rules if rid in body] == []
            assert "(holds)" not in body and "(does not hold)" not in body
            assert "(klopt)" not in body and "(klopt niet)" not in body
            assert not CONDITION_SYNTAX.search(re.sub(r"<[^>]*>", "", body))
            for question in KB.context_questions().values():
                if question.private and intake.context.get(question.id):
                    assert _plain(question.text(lang)) not in _plain(text)
            assert "the coach saw" not in text and "de coach zag" not in text
            coach = render(KB, intake, dx, plan, fmt, lang, "coach").replace("\\", "")
            assert any(rid in coach for rid in KB.rules) == bool(dx.findings)
    shared = intake.model_copy(update={"share_observations": True})
    text = _plain(render(KB, shared, dx, plan, "md", "en", "client"))
    for label in observed_labels(intake, "en"):
        assert _plain(label) in text


def _plain(text: str) -> str:
    return text.replace("\\", "").replace("&#x27;", "'")


def test_sources_are_in_the_reports_language():
    intake = load_case(KB, [REPO / "examples" / "ketenoverleg_sociaal_domein.toml"])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    dutch = render(KB, intake, dx, plan, "md", "nl", "client")
    assert "Seed case" not in dutch and "described in our own words" not in dutch
    assert "Praktijkcasus" in dutch
    assert "Seed case" in render(KB, intake, dx, plan, "md", "en", "client")


def test_client_reasons_are_few_and_unique():
    intake = load_case(KB, [REPO / "examples" / "ketenoverleg_sociaal_domein.toml"])
    dx = diagnose(KB, intake)
    from coachassist.report.view import report_view

    view = report_view(KB, intake, dx, build_plan(KB, dx, intake.context), "en", "client")
    assert view.findings
    for finding in view.findings:
        assert 1 <= len(finding.reasons) <= 3
        assert len(set(finding.reasons)) == len(finding.reasons)
        assert finding.evidence == []
    assert view.signals == []


def test_diagnose_text_is_plain_language_and_deduplicated(capsys):
    code = main(["diagnose", str(REPO / "examples" / "ketenoverleg_sociaal_domein.toml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "= True" not in out and "['" not in out and " = " not in out
    reasons = [line for line in out.splitlines() if line.strip().startswith("- ")]
    findings = out.split("\n  [")[1:]
    for finding in findings:
        lines = [line for line in finding.splitlines() if line.strip().startswith("- ")]
        assert len(lines) == len(set(lines))
    # a reason a finding built on is told once; only a finding's own reason may return
    assert reasons and len(reasons) - len(set(reasons)) < len(findings)


def test_reverse_worded_statements_show_the_share_who_agreed():
    question = next(q for q in SCAN.questions if q.reverse)
    people = [{q: 3 for q in LIKERT} for _ in range(4)]
    for person, raw in zip(people, [5, 5, 4, 2], strict=True):
        person[question.id] = raw  # three of four agree with the statement as worded
    dx = diagnose(KB, intake_of(["member"] * 4, people, CONTEXTS[0]))
    from coachassist.engine.facts import build_facts
    from coachassist.scoring import score_team

    scores = score_team(SCAN, intake_of(["member"] * 4, people, CONTEXTS[0]))
    assert scores.items[question.id].agreed == 0.75
    for finding in [*dx.signals, *dx.findings]:
        for ev in finding.evidence:
            for cond in ev.conditions:
                if cond.text.startswith(f"item.{question.id}."):
                    assert cond.agreed == 0.75
    assert build_facts  # the rules still compare the reversed mean


# --- the command line -------------------------------------------------------------------------


def test_client_report_refuses_a_threshold_below_three(tmp_path, capsys):
    example = str(EXAMPLES[0])
    code = main(["report", example, "--min-group", "2"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--for coach" in err
    intake = load_case(KB, [EXAMPLES[0]])
    dx = diagnose(KB, intake, min_group=2)
    with pytest.raises(UserError):  # the app's export goes through the same check
        render(KB, intake, dx, build_plan(KB, dx, intake.context), "html", "nl", "client")
    code = main(["report", example, "--min-group", "1", "--for", "coach", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0 and out.index("WARNING: the threshold is 1") < out.index("\n## ")


def test_report_for_coach_and_shared_observations(capsys):
    example = str(REPO / "examples" / "ketenoverleg_sociaal_domein.toml")
    assert main(["report", example, "--for", "coach", "--lang", "en"]) == 0
    coach = capsys.readouterr().out
    assert "Conflicts are only discussed behind each other" in coach and ".toml:" in coach
    assert main(["report", example, "--lang", "en"]) == 0
    client = capsys.readouterr().out
    assert "Conflicts are only discussed behind each other" not in client
    assert main(["report", example, "--lang", "en", "--share-observations"]) == 0
    assert "Conflicts are only discussed behind each other" in capsys.readouterr().out


def test_the_same_response_file_twice_is_refused(tmp_path, capsys):
    response = tmp_path / "a.toml"
    response.write_text(
        'format = "coachassist-response/1"\nquestionnaire = "teamscan"\nversion = "1.0"\n'
        "[answers]\ntrust_1 = 3\n",
        encoding="utf-8",
    )
    link = tmp_path / "b.toml"
    link.symlink_to(response)
    for second in (response, link, tmp_path / "." / "a.toml"):
        code = main(["diagnose", str(response), str(second)])
        err = capsys.readouterr().err
        assert code == 2 and "the same file as" in err and len(err.strip().splitlines()) == 1


def test_a_response_file_carries_the_leads_consent(tmp_path):
    paths = []
    for i, (role, consent) in enumerate([("lead", "true"), *[("member", "false")] * 3]):
        path = tmp_path / f"r{i}.toml"
        path.write_text(
            'format = "coachassist-response/1"\nquestionnaire = "teamscan"\nversion = "1.0"\n'
            f'role = "{role}"\nlead_view_consent = {consent}\n[answers]\ntrust_1 = {2 + i}\n',
            encoding="utf-8",
        )
        paths.append(path)
    intake = load_case(KB, paths)
    assert [r.lead_view_consent for r in intake.responses] == [True, False, False, False]
    assert diagnose(KB, intake).privacy.lead_view


def test_consent_is_saved_and_old_files_mean_no_consent(tmp_path):
    from coachassist.intake.files import read_intake, save_intake

    intake = intake_of(["lead"], [{"trust_1": 3}], {}, consent=True)
    save_intake(tmp_path / "i.toml", intake)
    assert read_intake(tmp_path / "i.toml").responses[0].lead_view_consent
    old = Respondent.model_validate({"id": "x", "role": "lead"})
    assert old.lead_view_consent is False


def scan_with_open_question(folder: Path, qid: str, role: str, nl: str, en: str) -> KnowledgeBase:
    """The bundled knowledge base with a trainer's team scan that adds an open question shown
    only to ``role`` (``show_if``)."""
    scan = (REPO / "questionnaires" / "teamscan.toml").read_text("utf-8")
    extra = tomli_w.dumps(
        {
            "questions": [
                {
                    "id": qid,
                    "type": "text",
                    "show_if": [f'role == "{role}"'],
                    "text": {"nl": nl, "en": en},
                }
            ]
        }
    )
    (folder / "teamscan.toml").write_text(f"{scan}\n{extra}", encoding="utf-8")
    return load([folder])


def test_an_open_question_only_the_lead_sees_is_withheld_without_consent(tmp_path):
    """A trainer's question with ``show_if = role == "lead"`` is answered by the lead alone: its
    answers are the lead's own words, however many members answered the rest."""
    kb = scan_with_open_question(
        tmp_path,
        "lead_text",
        "lead",
        "Wat wil jij als teamleider veranderen?",
        "As the team lead, what do you want to change?",
    )
    secret = "ZQX the lead's own words"
    members = [Respondent(id=f"m{i}", answers={"trust_1": 4, "keep_text": "x"}) for i in range(4)]

    def intake(leads: int, consent: bool) -> Intake:
        lead = {"trust_1": 2, "lead_text": secret}
        return Intake(
            responses=[
                *(
                    Respondent(id=f"l{i}", role="lead", answers=lead, lead_view_consent=consent)
                    for i in range(leads)
                ),
                *members,
            ]
        )

    def seen(case: Intake) -> list[str]:
        dx = diagnose(kb, case)
        plan = build_plan(kb, dx, case.context, PlanConstraints())
        texts = [render_text(dx, "en", kb), json.dumps(dx.to_json(), ensure_ascii=False)]
        for fmt in ("md", "html"):
            for audience in ("client", "coach"):
                texts.append(render(kb, case, dx, plan, fmt, "en", audience))
        return [text for text in texts if "ZQX" in text]

    assert seen(intake(1, consent=False)) == []
    assert seen(intake(2, consent=False)) == []
    shown = len(seen(intake(3, consent=False)))  # k leads saw it: shown like any open answer
    assert shown >= 5 and len(seen(intake(1, consent=True))) == shown  # the lead agreed


def test_an_answer_to_a_question_someone_is_not_shown_is_never_listed(tmp_path):
    """Open answers are listed only from the people the question is shown to: the lead's answer
    to a members' question (a role changed after answering, or an edited file) would be the
    lead's own words among the members', though the lead did not agree to be shown."""
    kb = scan_with_open_question(
        tmp_path,
        "member_text",
        "member",
        "Wat wil jij als teamlid veranderen?",
        "As a team member, what do you want to change?",
    )
    members = [
        Respondent(id=f"m{i}", answers={"trust_1": 4, "member_text": f"member {i}"})
        for i in range(3)
    ]
    lead = Respondent(id="l", role="lead", answers={"trust_1": 2, "member_text": "ZQX lead"})
    dx = diagnose(kb, Intake(responses=[lead, *members]))
    assert dx.open_answers["member_text"] == ["member 0", "member 1", "member 2"]
    assert "ZQX" not in json.dumps(dx.to_json(), ensure_ascii=False)


@PROPERTY
@given(data=st.data(), context=st.sampled_from(CONTEXTS), empty=st.integers(1, 3))
def test_respondents_who_answered_nothing_never_help_reach_k(data, context, empty):
    """A phone that tapped Start and left is an empty respondent: two of those next to one real
    respondent are still one person's answers."""
    person = data.draw(answers())
    changed = dict(person)
    question = data.draw(st.sampled_from(LIKERT + TEXTS), label="question")
    value = data.draw(likert if question in LIKERT else free_text, label="value")
    if value in (None, ""):
        changed.pop(question, None)
    else:
        changed[question] = value
    roles = ["member"] * (1 + empty)
    before = outputs(intake_of(roles, [person] + [{}] * empty, context), "en")
    after = outputs(intake_of(roles, [changed] + [{}] * empty, context), "en")
    for name in before:
        assert before[name] == after[name], f"{name} changes with one person's answer"
    if person:
        dx = diagnose(KB, intake_of(roles, [person] + [{}] * empty, context))
        assert dx.findings == [] and dx.open_answers == {} and dx.privacy.needed == 2


def test_two_leads_at_threshold_one_are_not_a_self_scan():
    """``min_group = 1`` with only leads used to count as a self-scan whatever their number:
    two leads' answers then went into a client report with no warning."""
    leads = [{q: 2 for q in LIKERT}, {q: 4 for q in LIKERT}]
    intake = intake_of(["lead", "lead"], leads, CONTEXTS[0]).model_copy(update={"min_group": 1})
    dx = diagnose(KB, intake)
    assert not dx.privacy.self_scan and dx.privacy.low_threshold
    with pytest.raises(UserError):
        render(KB, intake, dx, build_plan(KB, dx, intake.context), "md", "en", "client")


def test_stability_labels_do_not_reveal_a_small_group():
    """Regression: two members (below k) and five leads; one member's answers alone carry a
    finding ("rests on one or two people"). Moving those answers to a lead changes no output:
    who is left out in the stability re-check never depends on the role."""
    import random

    rng = random.Random(3)  # answers where one member's alone carry a finding (checked below)
    roles = ["member"] * 2 + ["lead"] * 5
    people = [{q: rng.choice([3, 4, 4, 5]) for q in LIKERT} for _ in roles]
    people[0] = {q: rng.choice([1, 1, 2]) for q in LIKERT}
    swapped = list(people)
    swapped[0], swapped[4] = people[4], people[0]
    dx = diagnose(KB, intake_of(roles, people, {}))
    assert any(f.stability == "few" for f in dx.findings)
    before = outputs(intake_of(roles, people, {}), "en")
    after = outputs(intake_of(roles, swapped, {}), "en")
    for name in before:
        assert before[name] == after[name], f"{name} reveals the small group"


# --- differencing: a scale's mean next to its questions' means --------------------------------
# A scale's mean averages each counted person's own mean; a question's mean averages everyone
# who answered it. With everyone answering every question the two say the same; one person who
# skipped a question (or answered too few to count) makes them differ by that person's answers.

TRUST = [q.id for q in SCAN.questions if q.scale == "trust"]
PROBE_RULE = """[[rules]]
id = "probe.trust-items"
when = [{conditions}]
then = {{ signal = "probe_trust_items" }}
because = {{ nl = "proef", en = "probe" }}
"""


def probe_kb(tmp_path: Path) -> Path:
    """A trainer's rule that always fires and so shows every trust question's mean and n."""
    folder = tmp_path / "kb"
    folder.mkdir()
    conditions = ", ".join(f'"item.{q}.{stat} >= 0"' for q in TRUST for stat in ("mean", "n"))
    (folder / "probe.toml").write_text(PROBE_RULE.format(conditions=conditions))
    return folder


def shown_figures(shown: dict) -> tuple[int, float, dict[str, tuple[int, float]]] | None:
    """What ``diagnose --json`` shows of trust: its n and mean, and each question's n and mean;
    None when any of them is withheld."""
    trust = next(s for s in shown["scores"] if s["scale"] == "trust")
    seen: dict[str, float] = {}
    for finding in shown["signals"]:
        for evidence in finding["evidence"]:
            for cond in evidence["conditions"]:
                if cond["text"].startswith("item.") and cond["actual"] is not None:
                    seen[cond["text"].split(" ")[0]] = cond["actual"]
    items = {q: (seen.get(f"item.{q}.n"), seen.get(f"item.{q}.mean")) for q in TRUST}
    if trust["mean"] is None or any(None in pair for pair in items.values()):
        return None
    return trust["n"], trust["mean"], items  # type: ignore[return-value]


def difference(n: int, mean: float, items: dict[str, tuple[int, float]]) -> float:
    """The attacker's formula: n * S - (1 / m) * sum of n_i * A_i over the scale's m questions."""
    return n * mean - sum(n_i * a_i for n_i, a_i in items.values()) / len(items)


def healthy_with(tmp_path: Path, who: str, answers: dict) -> Path:
    """The healthy example with some of one respondent's trust answers replaced."""
    text = (REPO / "examples" / "gezond_wijkteam.toml").read_text()
    head, _, rest = text.partition(f'id = "{who}"\n')
    own, sep, tail = rest.partition("[[responses]]")
    for qid, value in answers.items():
        own = re.sub(rf"^{qid} = .*$", f"{qid} = {value}", own, flags=re.M)
    path = tmp_path / "team.toml"
    path.write_text(head + f'id = "{who}"\n' + own + sep + tail)
    return path


def attack(path: Path, kb: Path, capsys) -> tuple[int, float, dict] | None:
    capsys.readouterr()
    assert main(["diagnose", str(path), "--kb", str(kb), "--json"]) == 0
    return shown_figures(json.loads(capsys.readouterr().out))


def test_one_dont_know_does_not_give_that_persons_scale_mean_away(tmp_path, capsys):
    # r02 (trust 4, 3->3, 4, 2->4, 4 after reverse scoring) says "don't know" on trust_3: the
    # difference is (1/4 - 1/5) * (4 + 3 + 4 + 4), so r02's own trust mean is 5 * difference
    path = healthy_with(tmp_path, "r02", {"trust_3": '"dont_know"'})
    figures = attack(path, probe_kb(tmp_path), capsys)
    assert figures is None, f"r02's trust mean recovered: {5 * difference(*figures):.2f}"
    assert next(s for s in diagnose(KB, load_case(KB, [path])).scores if s.scale == "trust").mean


def test_answering_too_few_to_count_does_not_give_that_answer_away(tmp_path, capsys):
    # r03 answers trust_1 only (2 of 3 needed answers short): r03 is in trust_1's mean but not
    # in the scale's, and the difference is -(1/5) * r03's answer
    dont_know = {q: '"dont_know"' for q in TRUST[1:]}
    path = healthy_with(tmp_path, "r03", {"trust_1": 2, **dont_know})
    figures = attack(path, probe_kb(tmp_path), capsys)
    assert figures is None, f"r03's answer to trust_1 recovered: {-5 * difference(*figures):.2f}"
    assert next(s for s in diagnose(KB, load_case(KB, [path])).scores if s.scale == "trust").mean


def test_the_attack_is_real_on_the_unfiltered_figures(tmp_path):
    """The same formula on every figure scored (nothing withheld) does recover the answers, so
    the two tests above fail exactly when an output shows all of them."""
    from coachassist.scoring import score_team

    cases = [("r02", {"trust_3": '"dont_know"'}, 5, 3.75), ("r03", {"trust_1": 2}, -5, 2.0)]
    cases[1][1].update({q: '"dont_know"' for q in TRUST[1:]})
    for who, answers, factor, truth in cases:
        scores = score_team(SCAN, load_case(KB, [healthy_with(tmp_path, who, answers)]))
        trust = scores.scales["trust"]
        items = {q: (scores.items[q].n, scores.items[q].mean) for q in TRUST}
        assert trust.mean is not None
        assert round(factor * difference(trust.n, trust.mean, items) * 4) / 4 == truth


# The attacker in general: any linear combination of the shown means (scale, per role, per
# question, given with their n), knowing who answered what. A combination resting on a set P
# of people exists when rank(shown sums) > rank(shown sums without P's answers); it must never
# exist for fewer than k people, except a consenting lead's own mean (the lead's view).

SKIPPABLE = TRUST + [q.id for q in SCAN.questions if q.scale == "conflict"]


@pytest.fixture(scope="module")
def every_item_kb(tmp_path_factory):
    """The bundled rules plus, per question, a rule that always fires and shows its mean and n."""
    folder = tmp_path_factory.mktemp("kb")
    rules = "".join(
        PROBE_RULE.replace("trust-items", q)
        .replace("trust_items", q)
        .format(conditions=f'"item.{q}.mean >= 0", "item.{q}.n >= 0"')
        for q in LIKERT
    )
    (folder / "probe.toml").write_text(rules)
    return ShortRepr(load([folder]))


class ShortRepr:
    """A knowledge base that Hypothesis prints as one word when an example fails."""

    def __init__(self, kb) -> None:
        self.kb = kb

    def __repr__(self) -> str:
        return "<bundled rules + a rule per question>"


def person_rank(rows: list[dict[tuple[int, str], Fraction]], left_out: set[int]) -> int:
    """Rank of the shown sums over the answers of everyone not in ``left_out``."""
    columns = {key for row in rows for key in row if key[0] not in left_out}
    basis: list[tuple[tuple[int, str], dict]] = []
    for row in rows:
        vector = {key: row.get(key, Fraction(0)) for key in columns}
        for pivot, reduced in basis:
            if vector[pivot]:
                factor = vector[pivot]
                vector = {key: v - factor * reduced[key] for key, v in vector.items()}
        pivot = next((key for key in sorted(vector) if vector[key]), None)
        if pivot is not None:
            basis.append((pivot, {key: v / vector[pivot] for key, v in vector.items()}))
    return len(basis)


def mean_row(answered: list[set[str]], counted: list[bool]) -> dict[tuple[int, str], Fraction]:
    """The sum of the counted people's own means, over their answers."""
    return {
        (p, q): Fraction(1, len(answered[p]))
        for p, own in enumerate(answered)
        if counted[p]
        for q in own
    }


def linear_leaks(shown: dict, intake: Intake, k: int, items_shown: set[str]) -> list[str]:
    """Each scale and set of fewer than k people on whom a combination of shown means rests."""
    from itertools import combinations

    from coachassist.scoring import item_value

    found = []
    people = range(len(intake.responses))
    for scale in SCAN.scales:
        qids = [q for q in SCAN.questions if q.scale == scale.id]
        answered = [
            {q.id for q in qids if item_value(SCAN, q, r.answers.get(q.id)) is not None}
            for r in intake.responses
        ]
        counted = [len(a) >= scale.min_answers for a in answered]

        score = next(s for s in shown["scores"] if s["scale"] == scale.id)
        rows = [mean_row(answered, counted)] if score["mean"] is not None else []
        roles = [r["role"] for r in score["by_role"]]
        for role in roles:
            mine = [counted[p] and intake.responses[p].role == role for p in people]
            rows.append(mean_row(answered, mine))
        rows += [
            {(p, q.id): Fraction(1) for p in people if q.id in answered[p]}
            for q in qids
            if q.id in items_shown
        ]
        if not rows:
            continue
        total = person_rank(rows, set())
        consented = {p for p in people if counted[p] and intake.responses[p].role == "lead"}
        consented = consented if shown["privacy"]["lead_view"] and "lead" in roles else set()
        for size in range(1, min(k, len(intake.responses) + 1)):
            for suspect in combinations(people, size):
                allowed = 1 if consented and consented <= set(suspect) else 0
                if total - person_rank(rows, set(suspect)) > allowed:
                    found.append(f"{scale.id}: people {suspect}")
    return found


def items_in(shown: dict) -> set[str]:
    """The questions whose mean an output's evidence shows."""
    return {
        cond["text"].split(".")[1]
        for finding in [*shown["signals"], *shown["findings"]]
        for evidence in finding["evidence"]
        for cond in evidence["conditions"]
        if cond["text"].startswith("item.") and cond["actual"] is not None
    }


@st.composite
def a_few_skips(draw) -> tuple[list[str], list[dict]]:
    """A team (a lead and 2 to 6 members) where a few people skip a few trust or conflict
    questions ("don't know" or no answer), some of them too many to count in the scale."""
    size = draw(st.integers(3, 7), label="size")
    roles = ["lead"] + ["member"] * (size - 1)
    people = []
    for _ in roles:
        values = draw(st.lists(st.integers(1, 5), min_size=len(LIKERT), max_size=len(LIKERT)))
        person: dict = dict(zip(LIKERT, values, strict=True))
        skips = draw(st.one_of(st.just([]), st.lists(st.sampled_from(SKIPPABLE), max_size=4)))
        for qid in skips:
            if draw(st.booleans()):
                person[qid] = "dont_know"
            else:
                person.pop(qid, None)
        people.append(person)
    return roles, people


@PROPERTY
@given(team=a_few_skips(), k=st.integers(2, 4), consent=st.booleans())
def test_no_combination_of_shown_means_rests_on_fewer_than_k_people(
    every_item_kb, team, k, consent
):
    roles, people = team
    kb = every_item_kb.kb
    intake = intake_of(roles, people, CONTEXTS[0], consent)
    dx = diagnose(kb, intake, min_group=k)
    shown = dx.to_json()
    items = items_in(shown)
    assert items == set(dx_items(kb, intake, k)), "an item shown is not in the JSON"
    for dysfunction in WHY_NOT:
        answer = why_not(kb, intake, dysfunction, min_group=k)
        for near in answer.nearest:
            for cond in near.conditions:
                if cond.text.startswith("item.") and cond.actual is not None:
                    assert cond.text.split(".")[1] in items, "why-not shows a withheld item"
    assert linear_leaks(shown, intake, k, items) == []


def dx_items(kb, intake: Intake, k: int) -> frozenset[str]:
    from coachassist.engine.pipeline import prepare

    return prepare(kb, intake, k).privacy.items


def test_the_general_attacker_finds_the_leak_in_unfiltered_figures(tmp_path):
    """The check above is not vacuous: with every question shown (as before the fix), one
    "don't know" on trust is a combination resting on one person."""
    intake = load_case(KB, [healthy_with(tmp_path, "r02", {"trust_3": '"dont_know"'})])
    shown = diagnose(KB, intake).to_json()
    assert linear_leaks(shown, intake, 3, set(LIKERT))[:1] == ["trust: people (1,)"]
    assert linear_leaks(shown, intake, 3, set(LIKERT) - {"trust_3"}) == []


def withheld_trust_items(intake: Intake, k: int = 3) -> set[str]:
    from coachassist.engine.pipeline import prepare

    return set(TRUST) - prepare(KB, intake, k).privacy.items


def test_skipped_by_fewer_than_k_withholds_the_skipped_question_only(tmp_path):
    intake = load_case(KB, [healthy_with(tmp_path, "r02", {"trust_3": '"dont_know"'})])
    assert withheld_trust_items(intake) == {"trust_3"}
    # r02's other scales and the trust scale itself are shown as before
    dx = diagnose(KB, intake)
    assert all(s.mean is not None for s in dx.scores)


def test_the_same_question_skipped_by_k_people_withholds_nothing(tmp_path):
    path = healthy_with(tmp_path, "r02", {"trust_3": '"dont_know"'})
    intake = load_case(KB, [path])
    for person in intake.responses[2:4]:
        person.answers["trust_3"] = "dont_know"
    assert withheld_trust_items(intake) == set()  # the difference rests on 3 people


def test_fewer_than_k_who_answered_everything_are_protected_too():
    # two members skip trust_5, one lead answers everything: trust_5 (2 answers) is withheld
    # for its n, and the scale mean minus the other four questions' means would be the lead's
    # own answers, so one more question goes
    people = [uniform(4), uniform(2), uniform(3)]
    for person in people[1:]:
        del person["trust_5"]
    intake = intake_of(["lead", "member", "member"], people, CONTEXTS[0])
    hidden = withheld_trust_items(intake)
    assert "trust_5" in hidden and len(hidden) == 2


def test_a_self_scan_with_a_dont_know_still_shows_every_question():
    lead = {q: 2 for q in LIKERT} | {"trust_3": "dont_know"}
    intake = intake_of(["lead"], [lead], CONTEXTS[0]).model_copy(update={"min_group": 1})
    assert withheld_trust_items(intake, 1) == {"trust_3"}  # unanswered, nothing to show
    from coachassist.engine.pipeline import prepare

    assert {"trust_1", "trust_2", "trust_4", "trust_5"} <= prepare(KB, intake, 1).privacy.items


def test_a_withheld_question_says_why_in_the_coach_report(tmp_path):
    # a rule looks at every trust question, so one of them must go: the one r02 skipped
    folder = tmp_path / "kb"
    folder.mkdir()
    looked_at = ", ".join(f'"item.{q}.mean <= 9"' for q in TRUST)
    (folder / "probe.toml").write_text(
        PROBE_RULE.replace("when = [{conditions}]", 'when = ["score.trust.n >= 0"]\n{any}').format(
            any=f'when_any = [{looked_at}, "score.trust.mean >= 0"]'
        )
    )
    kb = load([folder])
    intake = load_case(kb, [healthy_with(tmp_path, "r02", {"trust_3": '"dont_know"'})])
    dx = diagnose(kb, intake)
    plan = build_plan(kb, dx, intake.context)
    said = {
        "en": "would give away the answers of the few who skipped a question",
        "nl": "zou ze de antwoorden verraden van de enkelen die een vraag oversloegen",
    }
    for lang, words in said.items():
        text = render(kb, intake, dx, plan, "md", lang, "coach")
        line = next(line for line in text.splitlines() if words in line)
        assert "9" not in line and "4.5" not in line  # no threshold, no value


def test_a_question_no_rule_looks_at_goes_first(tmp_path):
    """r02 skips "careful what I say" (trust_4), which a rule looks at: withholding any one
    trust question closes the difference, so one no rule looks at goes and nothing any output
    shows changes."""
    intake = load_case(KB, [healthy_with(tmp_path, "r02", {"trust_4": '"dont_know"'})])
    assert withheld_trust_items(intake) == {"trust_1"}
