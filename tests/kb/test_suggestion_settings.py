"""A format is never suggested for a team type outside its ``settings``: a rule or table row that
names team types (``context.team_type``) may suggest a format only for types the format lists.
``check`` warns about a trainer's own rules; the bundled ones are held to it here. (A rule that
names none holds in every setting; the results and the plan mark or leave out a format that
does not suit the team, with the reason.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Rule
from coachassist.kb.suggestions import named_settings


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def test_no_bundled_rule_suggests_a_format_outside_its_settings(kb: KnowledgeBase) -> None:
    named = {rid: named_settings(rule) for rid, rule in kb.rules.items() if rule.then.suggest}
    assert sum(s is not None for s in named.values()) > 50  # the table rows and more
    outside = [
        (rid, fmt, setting)
        for rid, settings in named.items()
        for fmt in kb.rules[rid].then.suggest
        for setting in settings or []
        if setting not in kb.formats[fmt].settings
    ]
    assert outside == []


def test_an_overloaded_lead_gets_the_matrix_only_where_it_works(kb: KnowledgeBase) -> None:
    rules = [
        rule
        for rule in kb.rules.values()
        if "urgent_important_matrix" in rule.then.suggest
        and "dysfunction.overloaded_lead" in rule.when
    ]
    assert [named_settings(rule) for rule in rules] == [["leadership_team", "one_team"]]
    others = kb.rules["suggest.roles.overloaded-lead"]
    assert "two_departments" in (named_settings(others) or [])
    assert "urgent_important_matrix" not in others.then.suggest


def test_named_settings_reads_equals_in_and_not_equals(kb: KnowledgeBase) -> None:
    rule = kb.rules["suggest.trust.one-team"]
    assert named_settings(rule) == ["one_team"]

    def when(*conditions: str) -> Rule:
        return Rule.model_validate({**rule.model_dump(), "when": list(conditions)})

    trust = "dysfunction.absence_of_trust"
    other = when(trust, 'context.team_type != "one_team"')
    assert named_settings(other) == ["leadership_team", "two_departments", "whole_organisation"]
    both = when(
        trust,
        'context.team_type in ["one_team", "two_departments"]',
        'context.team_type != "one_team"',
    )
    assert named_settings(both) == ["two_departments"]
    assert named_settings(when(trust)) is None


def test_check_warns_for_every_team_type_a_rule_names_outside_the_formats(
    cli, tmp_path: Path
) -> None:
    rule = (
        '[[rules]]\nid = "my.suggest.overload"\n'
        'when = ["dysfunction.overloaded_lead", \'context.team_type != "one_team"\']\n'
        'then = { suggest = ["urgent_important_matrix"] }\n'
        'because = { nl = "omdat", en = "because" }\n'
    )
    (tmp_path / "r.toml").write_text(rule, encoding="utf-8")
    code, out, _ = cli("check", "--kb", tmp_path, "--lang", "en")
    assert code == 0  # a warning: the planner leaves the format out there
    assert out.splitlines()[0] == (
        f"{tmp_path}/r.toml:2: my.suggest.overload: warning: suggests 'urgent_important_matrix' "
        "for two_departments, whole_organisation, but the format's 'settings' lack it, so the "
        "planner leaves it out there; add the setting to the format or drop it here"
    )
