"""The suggestion table (rules/diagnosis/suggestions.toml): its rows become the rules they stand
for, behave exactly like the rules they replaced, and agree with the formats' ``addresses``."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from coachassist.engine import diagnose, engine_for
from coachassist.engine.cases import findings_of, run_all
from coachassist.intake.files import load_case
from coachassist.kb.loader import KnowledgeBase, load, load_with_problems
from coachassist.kb.models import Rule
from coachassist.kb.suggestions import row_of, row_rule

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "rules" / "diagnosis" / "suggestions.toml"
# the template-shaped suggest rules as they were before they became table rows
BEFORE = json.loads((Path(__file__).with_name("suggestion_rules_before.json")).read_text("utf-8"))
EXAMPLES = sorted((REPO / "examples").glob("*.toml"))


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="module")
def kb_before(kb: KnowledgeBase) -> KnowledgeBase:
    """The same knowledge base with the table rows replaced by the rules they once were."""
    old = replace(kb, rules=dict(kb.rules))
    for rule_id, data in BEFORE.items():
        old.rules[rule_id] = Rule.model_validate(data)
    return old


def test_every_row_is_the_rule_it_replaced(kb: KnowledgeBase) -> None:
    rows = tomllib.loads(TABLE.read_text("utf-8"))["suggestions"]
    assert sorted(row["id"] for row in rows) == sorted(BEFORE)
    for rule_id, data in BEFORE.items():
        assert kb.rules[rule_id] == Rule.model_validate(data), rule_id
        assert row_of(kb.rules[rule_id]) is not None


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_gets_the_same_suggestions(
    example: Path, kb: KnowledgeBase, kb_before: KnowledgeBase
) -> None:
    def suggested(base: KnowledgeBase) -> list[tuple[str, list[str], list[str], list[str]]]:
        intake = load_case(base, [example], None, lang="en")
        return [
            (s.format, s.answers, [e.rule for e in s.evidence], [e.because.en for e in s.evidence])
            for s in diagnose(base, intake).suggestions
        ]

    assert suggested(kb) == suggested(kb_before)


def test_every_case_concludes_the_same(kb: KnowledgeBase, kb_before: KnowledgeBase) -> None:
    now, _ = run_all(kb, engine_for(kb))
    before, _ = run_all(kb_before, engine_for(kb_before))
    assert [sorted(findings_of(kb, r.fired)) for r in now] == [
        sorted(findings_of(kb_before, r.fired)) for r in before
    ]


def test_table_and_addresses_agree(kb: KnowledgeBase) -> None:
    """The library's dysfunction filter finds every format the table suggests for a finding."""
    for row in tomllib.loads(TABLE.read_text("utf-8"))["suggestions"]:
        for fmt in row["formats"]:
            assert row["dysfunction"] in kb.formats[fmt].addresses, (row["id"], fmt)


def test_a_row_whose_format_lacks_the_finding_in_addresses_is_refused(tmp_path: Path) -> None:
    (tmp_path / "table.toml").write_text(
        '[[suggestions]]\nid = "my.suggest.trust"\ndysfunction = "absence_of_trust"\n'
        'settings = ["one_team"]\nformats = ["wicked_questions"]\n'
        'because = { nl = "omdat", en = "because" }\n',
        encoding="utf-8",
    )
    _, problems = load_with_problems([tmp_path])
    assert [str(p) for p in problems] == [
        f"{tmp_path}/table.toml:2: my.suggest.trust: suggests 'wicked_questions', whose "
        "'addresses' lack absence_of_trust; add them to the format so the library filter "
        "finds it for this finding too"
    ]


def test_a_misspelt_setting_gets_a_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "table.toml").write_text(
        '[[suggestions]]\nid = "my.suggest.trust"\ndysfunction = "absence_of_trust"\n'
        'settings = ["one-team"]\nformats = ["lifeline"]\nbecause = { nl = "omdat", en = "b" }\n',
        encoding="utf-8",
    )
    _, problems = load_with_problems([tmp_path])
    assert [p.render("nl") for p in problems] == [
        f"{tmp_path}/table.toml:4: my.suggest.trust: setting 1: 'one-team' is niet toegestaan "
        "(bedoel je 'one_team'?); kies uit: leadership_team, one_team, two_departments, "
        "whole_organisation"
    ]


def test_row_rule_writes_one_setting_with_equals_and_several_with_in(kb: KnowledgeBase) -> None:
    rule = kb.rules["suggest.trust.one-team"]
    assert rule.when == ["dysfunction.absence_of_trust", 'context.team_type == "one_team"']
    row = row_of(rule)
    assert row is not None and row_rule(row) == rule
