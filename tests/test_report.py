"""The shareable report and the `plan` / `report` commands, as a reader or a coach meets them."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from markdown_it import MarkdownIt

from coachassist.cli import main
from coachassist.diagnosis import CheckedCondition, Evidence
from coachassist.engine import diagnose
from coachassist.i18n import t
from coachassist.intake.files import load_case
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import load
from coachassist.kb.models import Text
from coachassist.plan import PlanConstraints, build_plan
from coachassist.report import render
from coachassist.report.plan_text import left_out_text
from coachassist.scoring import score_team
from tests.plan_fixtures import diagnosis, finding, suggestion

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))
KB = load()
HOSTILE_TITLE = "<script>alert(1)</script> # not a heading | pipe"
HOSTILE_QUESTION = (
    "Line one\n- not a list\n1. not a list\n<img src=x onerror=alert(1)> [link](http://x)"
)
HOSTILE_ANSWER = "<b>bold</b> *stars* `code` & more"
SECTIONS_EN = [
    "The team and the question",
    "Who took part",
    "Scores per scale",
    "Findings",
    "Session plan",
    "Open answers",
    "Notes",
]


def hostile_case(lang: str = "en") -> tuple[Intake, object, object]:
    """A hand-built diagnosis with hostile free text everywhere a user can type."""
    intake = Intake(
        title=HOSTILE_TITLE,
        context={
            "team_type": "leadership_team",
            "team_size": 8,
            "client_question": HOSTILE_QUESTION,
            "sponsor": "the <director>",
        },
    )
    trust = finding(KB, "absence_of_trust", "high")
    withheld = CheckedCondition(text="gap.trust >= 1.0", actual=None, withheld=True, holds=False)
    trust = trust.model_copy(
        update={
            "evidence": [
                *trust.evidence,
                Evidence(
                    rule="trust.gap", because=Text(nl="kloof", en="gap"), conditions=[withheld]
                ),
            ]
        }
    )
    dx = diagnosis(
        [trust, finding(KB, "fear_of_conflict")],
        [suggestion(KB, "three_assumptions", "absence_of_trust")],
        open_answers={
            "keep_text": [HOSTILE_ANSWER, "- dash first"],
            "change_text": ["1. numbered"],
        },
        notes=[
            Text(
                nl="Leidinggevende: groep van 1 is kleiner dan 3.",
                en="Lead: group of 1 is below 3.",
            )
        ],
    )
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    return intake, dx, plan


def tokens_of(markdown: str, *, tables: bool = False) -> list:
    md = MarkdownIt("commonmark")
    if tables:
        md.enable("table")
    flat = []
    for token in md.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def heading_texts(tokens: list, tag: str) -> list[str]:
    """The plain text of each heading (escapes resolved), as a reader sees it."""
    inline = [
        tokens[i + 1]
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag == tag
    ]
    return ["".join(c.content for c in tok.children if c.type == "text") for tok in inline]


# --- Markdown ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_markdown_is_commonmark_and_no_raw_html_leaks(lang):
    intake, dx, plan = hostile_case()
    text = render(KB, intake, dx, plan, "md", lang)
    tokens = tokens_of(text)
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    assert not [t for t in tokens if t.type == "link_open"], "user text became a link"
    assert len(heading_texts(tokens, "h1")) == 1
    assert heading_texts(tokens, "h1")[0].endswith(": " + HOSTILE_TITLE)
    # the hostile title and answers come back as the very same plain text
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script>" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;b&gt;bold&lt;/b&gt; *stars* `code` &amp; more" in rendered


def test_markdown_structure_sections_and_tables():
    intake, dx, plan = hostile_case()
    text = render(KB, intake, dx, plan, "md", "en")
    tokens = tokens_of(text, tables=True)
    assert heading_texts(tokens, "h2") == SECTIONS_EN
    assert sum(t.type == "table_open" for t in tokens) >= 4  # context, roles, scores, a session
    lists = [t for t in tokens if t.type == "bullet_list_open"]
    assert lists, "open answers and evidence are lists"
    assert sum(t.type == "fence" for t in tokens) == 1  # the text bar chart
    # a list item that starts with "- " or "1. " stays one item of text
    assert "- dash first" in MarkdownIt("commonmark").render(text).replace("\\", "")
    assert "<li>- dash first</li>" in MarkdownIt("commonmark").render(text)
    assert "<li>1. numbered</li>" in MarkdownIt("commonmark").render(text)


def test_markdown_text_chart_shows_mean_and_spread():
    intake, dx, plan = hostile_case()
    text = render(KB, intake, dx, plan, "md", "en")
    chart = text.split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert len(chart) == len(dx.scores)
    # mean 3.0 on 1..5 is half of the 24-cell bar
    assert all("|████████████            |" in line for line in chart)
    assert all(line.rstrip().endswith("3.00 ± 0.80") for line in chart)


def test_withheld_conditions_name_no_threshold_and_no_verdict():
    intake, dx, plan = hostile_case()
    for fmt in ("md", "html"):
        text = render(KB, intake, dx, plan, fmt, "en", "coach")
        assert "Lead: group of 1 is below 3." in text  # the note says why
        said = "trust: lead minus members: not shown, the group is too small"
        line = next(line for line in text.splitlines() if said in line)
        assert "1.0" not in line and "1.00" not in line  # no threshold bounding the lead
        after = line.split(said, 1)[1][:40]
        assert "hold" not in after  # no verdict on a withheld condition
        if fmt == "html":
            marks = re.findall(r'<li class="(\w+)">[^<]*lead minus members: not shown', text)
            assert marks == ["withheld"]


def test_every_planned_format_is_in_the_report_with_all_its_steps():
    intake, dx, plan = hostile_case()
    for fmt in ("md", "html"):
        text = render(KB, intake, dx, plan, fmt, "nl", "coach")
        for session in plan.sessions:
            for item in session.items:
                assert item.name.nl.replace("'", "&#x27;") in text or item.name.nl in text
        first = plan.sessions[0].items[1].format
        for step in KB.formats[first].steps:
            plain = step.nl if fmt == "md" else step.nl.replace("'", "&#x27;")
            assert _loose(plain) in _loose(text)
    if len(plan.sessions) > 1:
        assert "Stappen: zie sessie 1." in render(KB, intake, dx, plan, "md", "nl", "coach")


def _loose(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(text.split()))


# --- HTML -------------------------------------------------------------------------------------


class _Checker(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "img", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v and not v.startswith("#")]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in ("src", "href") and v and not v.startswith("#")]

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_html_is_one_self_contained_printable_file(lang):
    intake, dx, plan = hostile_case()
    page = render(KB, intake, dx, plan, "html", lang)
    checker = _Checker()
    checker.feed(page)
    assert not checker.problems and not checker.stack
    assert checker.urls == [], "no external (or any) resources"
    lowered = page.lower()
    for banned in ("<script", "<link", "@import", "url(", "<iframe", "<img", "@font-face"):
        assert banned not in lowered
    assert "content-security-policy" in lowered and "default-src 'none'" in page
    assert "@page { size: A4" in page and "@media print" in page
    assert f'<html lang="{lang}">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert page.count("<section id=") == 7


def test_html_chart_has_a_bar_and_a_spread_line_per_scale():
    intake, dx, plan = hostile_case()
    page = render(KB, intake, dx, plan, "html", "en")
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    start, end = map(float, re.search(r'<path d="M([\d.]+) [\d.]+H([\d.]+)"', svg).groups())
    bars = re.findall(rf'<rect x="{start:g}" y="[\d.]+" width="([\d.]+)" height="12"', svg)
    assert len(bars) == len(dx.scores)
    plot = end - start
    assert all(abs(float(w) - plot / 2) < 0.2 for w in bars)  # mean 3 on 1..5
    assert svg.count('stroke-width="1.5"') == len(dx.scores)  # one spread line each
    withheld = diagnosis([], mean=None)
    plan = build_plan(KB, withheld, {}, PlanConstraints())
    page = render(KB, intake, withheld, plan, "html", "en")
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert svg.count(">withheld<") == len(withheld.scores)
    assert 'height="12"' not in svg


# --- anonymity, end to end with the engine ---------------------------------------------------


def teamscan_answers(value: int, lead_value: int | None = None) -> dict:
    scan = KB.questionnaires["teamscan"]
    answers = {}
    for q in scan.questions:
        if q.type == "likert":
            raw = lead_value if lead_value is not None else value
            answers[q.id] = 6 - raw if q.reverse else raw
    return answers


def test_a_single_lead_stays_anonymous_in_both_formats():
    members = [
        Respondent(id=f"m{i}", role="member", answers={**teamscan_answers(v), "keep_text": "ok"})
        for i, v in enumerate([4, 4, 5, 3])
    ]
    lead_answers = teamscan_answers(2)
    lead_answers["trust_1"] = 1
    lead = Respondent(id="l1", role="lead", answers=lead_answers)
    intake = Intake(
        title="Anon",
        context={"team_type": "one_team", "team_size": 5, "client_question": "q"},
        responses=[*members, lead],
    )
    dx = diagnose(KB, intake)
    alone = score_team(
        KB.questionnaires["teamscan"], intake.model_copy(update={"responses": [lead]})
    )
    lead_means = {s: v.mean for s, v in alone.scales.items() if v.mean is not None}
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    for fmt in ("md", "html"):
        for lang in ("nl", "en"):
            text = render(KB, intake, dx, plan, fmt, lang)
            for mean in lead_means.values():
                shown = f"{mean:.2f}".replace(".", "," if lang == "nl" else ".")
                assert f"Leidinggevende {shown}" not in text and f"Team lead {shown}" not in text
            # no per-role column at all: members' mean and team mean would give the lead away
            assert "By role" not in text and "Per rol" not in text
            assert dx.gaps == []  # not even a direction without the lead's consent
            for direction in ("lead_higher", "lead_lower"):
                assert t(f"report.gaps.{direction}", lang) not in text
            assert "-2.0" not in text and "−2" not in text


def test_too_few_respondents_hides_scores_and_open_answers():
    people = [
        Respondent(id="a", answers={**teamscan_answers(4), "keep_text": "ZEBRA-KEEP-41"}),
        Respondent(
            id="b", role="lead", answers={**teamscan_answers(2), "change_text": "ZEBRA-CHANGE-42"}
        ),
    ]
    intake = Intake(
        title="Tiny",
        context={"team_type": "one_team", "team_size": 2, "client_question": "q"},
        responses=people,
    )
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    for fmt in ("md", "html"):
        for lang in ("nl", "en"):
            text = render(KB, intake, dx, plan, fmt, lang)
            assert "ZEBRA" not in text
            assert "3.00" not in text and "3,00" not in text  # the team mean of 4 and 2
            # one lead and one member: even the direction of their difference is not shown
            for direction in ("lead_higher", "lead_lower"):
                assert t(f"report.gaps.{direction}", lang) not in text
            assert t("anonymity.more_needed", lang, more=1, k=3) in text
    assert dx.findings == [] and dx.signals == [] and dx.suggestions == []


# --- the bundled examples, end to end ----------------------------------------------------------


def expected_rank(kb, dysfunction: str) -> float:
    """The documented order: pyramid level; outside it, the level it rests on plus a half."""
    item = kb.dysfunctions[dysfunction]
    if item.level is not None:
        return float(item.level)
    levels = [
        d.level for d in kb.dysfunctions.values() if d.level and set(d.scales) & set(item.scales)
    ]
    return max(levels, default=1) + 0.5


def test_there_are_example_intakes():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_plan_in_pyramid_order_within_limits(path):
    intake = load_case(KB, [path])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context, PlanConstraints())
    c = plan.constraints
    ranks = [
        expected_rank(KB, item.reason.findings[0])
        for session in plan.sessions
        for item in session.items
        if item.reason.findings
    ]
    assert ranks == sorted(ranks)
    assert len(plan.sessions) <= c.sessions
    seen: set[str] = set()
    for session in plan.sessions:
        assert session.minutes <= c.minutes
        for item in session.items:
            fmt = KB.formats[item.format]
            assert fmt.group_min <= c.group_size <= fmt.group_max
            assert c.setting in fmt.settings
            assert fmt.recurring or item.format not in seen
            seen.add(item.format)
    sponsor = bool(str(intake.context.get("sponsor") or "").strip())
    has_session = any(s.sponsor for s in plan.sessions)
    left = any(e.format == "sponsor_themes_flipover" for e in plan.left_out)
    assert has_session == (sponsor and not left)
    assert not has_session or plan.sessions[-1].sponsor
    for fmt in ("md", "html"):
        text = render(KB, intake, dx, plan, fmt, "en")
        for entry in plan.left_out:
            words = left_out_text(KB, entry, "en")
            assert words.replace("'", "&#x27;") in text or words in text


# --- the commands -----------------------------------------------------------------------------


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_command_prints_json_and_text(capsys):
    example = str(EXAMPLES[0])
    code, out, err = run_cli(
        capsys, "plan", example, "--json", "--sessions", "2", "--minutes", "90"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["schema"] == "coachassist-plan/2"
    assert data["constraints"]["sessions"] == 2 and data["constraints"]["minutes"] == 90
    assert all(s["minutes"] <= 90 for s in data["sessions"])
    code, out, _ = run_cli(capsys, "plan", example, "--lang", "nl")
    assert code == 0 and out.startswith("# Sessieplan")


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "{example}", "--sessions", "0"],
        ["plan", "{example}", "--minutes", "1000"],
        ["report", "{missing}"],
        ["report", "{example}", "-o", "{missing_dir}/report.html"],
        ["plan", "{not_intake}"],
    ],
)
def test_bad_input_is_one_clear_line(capsys, tmp_path, args):
    not_intake = tmp_path / "x.toml"
    not_intake.write_text('format = "something-else"\n', encoding="utf-8")
    values = {
        "example": str(EXAMPLES[0]),
        "missing": str(tmp_path / "nope.toml"),
        "missing_dir": str(tmp_path / "no" / "such"),
        "not_intake": str(not_intake),
    }
    code, out, err = run_cli(capsys, *[a.format(**values) for a in args])
    assert code == 2
    assert err.startswith("coachassist: ") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""


def test_report_writes_the_file_atomically(capsys, tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    code, out, err = run_cli(
        capsys, "report", str(EXAMPLES[0]), "--format", "html", "-o", str(target), "--lang", "en"
    )
    assert code == 0 and out == "", err
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left behind
    code, out, _ = run_cli(capsys, "report", str(EXAMPLES[0]))
    assert code == 0 and out.startswith("# ")
