"""The bundled format library: size, and that every format can be found by the diagnosis or
says why it is only in the library."""

from __future__ import annotations

import pytest

from coachassist.kb.loader import KnowledgeBase, load

GAP_FILES = (
    "safety_and_lead_feedback.toml",
    "camps_and_perspectives.toml",
    "roles_and_priorities.toml",
    "practising_disagreement.toml",
    "openers_energizers_closers.toml",
    "follow_up_and_review.toml",
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def test_the_library_has_at_least_100_formats(kb):
    assert len(kb.formats) >= 100


def test_every_core_format_is_suggested_or_says_why_not(kb):
    suggested = {fmt for rule in kb.rules.values() for fmt in rule.then.suggest}
    lost = [
        f.id
        for f in kb.formats.values()
        if f.role == "core" and f.id not in suggested and f.library_only is None
    ]
    assert lost == []


def test_every_gap_format_is_suggested_by_a_rule_a_case_fires_or_is_library_only(kb):
    suggesting = {}
    for rule in kb.rules.values():
        for fmt in rule.then.suggest:
            suggesting.setdefault(fmt, set()).add(rule.id)
    expected = {f for case in kb.cases.values() for f in case.expect.present}
    new = [f for f in kb.formats.values() if kb.origin("format", f.id).path.name in GAP_FILES]
    assert len(new) >= 46
    for fmt in new:
        assert fmt.source.strip() and fmt.licence.strip(), fmt.id
        if fmt.library_only is None:
            assert fmt.id in suggesting, f"{fmt.id}: no rule suggests it"
            assert f"format.{fmt.id}" in expected, f"{fmt.id}: no case expects it"
        else:
            assert fmt.addresses == [] or fmt.role != "core", fmt.id
            assert fmt.library_only.nl.strip() and fmt.library_only.en.strip()


def test_the_issue_gaps_are_filled(kb):
    """At least a few formats for each gap the library had (issue 17)."""
    per_dysfunction = {
        d: sum(d in f.addresses for f in kb.formats.values()) for d in kb.dysfunctions
    }
    assert per_dysfunction["strained_lead_relation"] >= 10
    assert per_dysfunction["stereotyping_between_departments"] >= 10
    short = [f for f in kb.formats.values() if f.minutes <= 15 and f.role != "core"]
    assert len(short) >= 8  # openers and closers that fit a 90-minute session
    energizers = [f for f in kb.formats.values() if "energizer" in f.purpose.en.lower()]
    assert len(energizers) >= 3
