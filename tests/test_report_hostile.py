"""Hostile text from users and trainers stays text in every report (Markdown and HTML, client
and coach): ids, names, becauses, answers with backtick fences, raw HTML and javascript links."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from coachassist.diagnosis import CheckedCondition, Evidence, Gap, RoleMean
from coachassist.intake.models import Intake
from coachassist.kb.loader import load
from coachassist.kb.models import Text
from coachassist.plan import PlanConstraints, build_plan
from coachassist.report import render
from coachassist.report.markdown import esc, fence
from tests.plan_fixtures import diagnosis, finding

KB = load()
HOSTILE = [
    "````\n<script>alert(1)</script>\n````",
    "[click](javascript:alert(1))",
    "x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<!-- comment --> <b>raw</b> &amp; &lt;",
    "# heading\n## another\n---\n| a | b |",
    "`` ` ``` `````",
    "* list\n1. numbered\n> quote",
    "\\` escaped backslash \\",
]
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "nav", "ol", "ul", "li",
    "a", "section", "h1", "h2", "h3", "h4", "p", "figure", "figcaption", "blockquote", "table",
    "thead", "tbody", "tr", "th", "td", "svg", "text", "rect", "path", "article", "span",
    "strong", "div", "footer",
}  # fmt: skip


def hostile_report(evil: str):
    t_evil = Text(nl=evil, en=evil)
    item = finding(KB, "absence_of_trust", "high")
    cond = CheckedCondition(text="score.trust.mean < 3.0", actual=2.5, holds=True)
    item = item.model_copy(
        update={
            "name": t_evil,
            "explanation": t_evil,
            "evidence": [Evidence(rule=evil, because=t_evil, conditions=[cond], source=evil)],
        }
    )
    dx = diagnosis([item], open_answers={"keep_text": [evil, "ok"]}, notes=[t_evil])
    scores = [
        s.model_copy(
            update={
                "name": t_evil,
                "band": t_evil,
                "by_role": [RoleMean(role=evil, n=3, mean=3.0)],
            }
        )
        for s in dx.scores
    ]
    gap = Gap(scale="trust", name=t_evil, direction="lead_higher", value=1.5, large=True)
    dx = dx.model_copy(update={"scores": scores, "gaps": [gap], "roles": {evil: 3, "member": 4}})
    intake = Intake(
        title=evil,
        created=evil,
        context={"client_question": evil, "sponsor": evil, "tried_before": evil},
    )
    return intake, dx, build_plan(KB, dx, intake.context, PlanConstraints())


def _markdown_safe(text: str, evil: str) -> None:
    tokens = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        tokens += [token, *(token.children or [])]
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    assert not [t for t in tokens if t.type in ("link_open", "image")]
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "text"  # the chart, never broken out of
    assert " ".join(evil.split()) in fences[0].content
    assert len([t for t in tokens if t.type == "heading_open" and t.tag == "h1"]) == 1


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs |= {name for name, _ in attrs}


def _html_safe(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS, parser.tags - ALLOWED_TAGS
    assert not {a for a in parser.attrs if a.startswith("on")}
    assert 'href="javascript' not in page and "<script" not in page and "<img" not in page


@pytest.mark.parametrize("evil", HOSTILE)
@pytest.mark.parametrize("audience", ["client", "coach"])
def test_hostile_text_stays_text(evil, audience):
    intake, dx, plan = hostile_report(evil)
    for lang in ("nl", "en"):
        _markdown_safe(render(KB, intake, dx, plan, "md", lang, audience), evil)
        _html_safe(render(KB, intake, dx, plan, "html", lang, audience))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("`~<>[]()!*_#|\\&-+=.1 \n\taA:/\"'"), max_size=40))
def test_fence_and_escape_survive_any_text(content):
    md = MarkdownIt("commonmark")
    tokens = md.parse(fence(content))
    assert [t.type for t in tokens] == ["fence"] and tokens[0].content == content + "\n"
    inline = md.parse(esc(content))
    flat = [c for t in inline for c in (t.children or [])]
    assert not [t for t in flat if t.type in ("html_inline", "link_open", "image", "code_inline")]
    blocks = {"html_block", "heading_open", "bullet_list_open", "ordered_list_open", "hr"}
    blocks |= {"blockquote_open", "fence", "code_block", "table_open"}
    assert [t.type for t in inline if t.type in blocks] == []
