"""The one evidence renderer: why a finding was concluded, in plain language, deduplicated.

Every output that explains a finding (``diagnose`` text, both reports, and the app) reads it
here. Conditions become sentences ("Constructive conflict: team mean is below 2.6 (measured:
2.38)"), never condition syntax; a reverse-worded question shows the share of people who agreed
with the statement as worded. Reasons with the same text are merged. What a reason rests on a
private coach observation is marked, so the client report can leave it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from coachassist.diagnosis import CheckedCondition, Diagnosis, Evidence, Finding
from coachassist.i18n import Lang, t
from coachassist.kb import conditions
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Question
from coachassist.report.common import answer_text, number, scale_name

OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne", "in": "in"}
Verdict = Literal["holds", "fails", "withheld"]
MAX_CLIENT_REASONS = 3


@dataclass(frozen=True)
class ConditionLine:
    """One condition of a rule, in words, and whether it held."""

    text: str  # the condition in words, with what was measured
    verdict: Verdict


@dataclass
class Reason:
    """One reason a finding rests on: the rules that give it and their conditions."""

    text: str  # the rule's "because", in the reader's language
    rules: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # file:line of each rule
    conditions: list[ConditionLine] = field(default_factory=list)
    private: bool = False  # rests on a coach observation that is not shared
    own: bool = False  # one of its rules concluded the finding itself (not a signal it built on)


def reasons(
    evidence: list[Evidence],
    kb: KnowledgeBase,
    dx: Diagnosis,
    lang: Lang,
    *,
    skip: str = "",
    concludes: str = "",
) -> list[Reason]:
    """The evidence as reasons, merged by text; ``skip`` drops a reason that only repeats the
    finding's own name (a signal's name is its concluding rule's "because"); ``concludes`` (a
    fact key like ``dysfunction.fear_of_conflict``) marks the reasons that concluded it."""
    private = private_rules(kb, dx)
    merged: dict[str, Reason] = {}
    for ev in evidence:
        text = ev.because(lang)
        reason = merged.setdefault(text, Reason(text=text))
        if ev.rule not in reason.rules:
            reason.rules.append(ev.rule)
            reason.sources += [ev.source] if ev.source else []
        for cond in ev.conditions:
            line = condition_line(cond, kb, dx, lang)
            if line not in reason.conditions:
                reason.conditions.append(line)
        reason.private = reason.private or ev.rule in private
        rule = kb.rules.get(ev.rule)
        reason.own = reason.own or bool(rule and concludes and rule.then.fact_key == concludes)
    return [r for r in merged.values() if not (skip and r.text == skip and not r.conditions)]


def client_reasons(
    finding: Finding, kb: KnowledgeBase, dx: Diagnosis, lang: Lang, *, shared: bool
) -> list[str]:
    """One to three reasons for people: the finding's own rules first (they concluded it), then
    what they built on; no rule ids, no conditions; private observations only when shared."""
    found = [
        r.text
        for r in reasons(finding.evidence, kb, dx, lang)
        if (shared or not r.private) and r.text != finding.name(lang)
    ]
    if not found:
        return [t("report.findings.from_intake", lang)]
    return found[:MAX_CLIENT_REASONS]


def private_rules(kb: KnowledgeBase, dx: Diagnosis) -> set[str]:
    """Rules whose conclusion rests on a private coach observation, directly or via a signal
    or finding that only private observations concluded."""
    private_q = {q.id for q in kb.context_questions().values() if q.private}
    conclusions = [*dx.signals, *dx.findings]
    evidence = {ev.rule: ev for f in conclusions for ev in f.evidence}
    for suggestion in dx.suggestions:
        evidence.update({ev.rule: ev for ev in suggestion.evidence})
    private: set[str] = set()
    private_facts: set[str] = set()
    while True:
        for rid, ev in evidence.items():
            for cond in ev.conditions:
                parsed = _parse(cond.text)
                if parsed is None or not cond.holds:
                    continue
                if (parsed.kind == "context" and parsed.name in private_q) or (
                    parsed.key in private_facts
                ):
                    private.add(rid)
        found = {
            f"{f.kind}.{f.id}"
            for f in conclusions
            if all(ev.rule in private for ev in f.evidence if _concludes(kb, ev.rule, f))
        }
        if found <= private_facts:
            return private
        private_facts |= found


def _concludes(kb: KnowledgeBase, rule: str, finding: Finding) -> bool:
    found = kb.rules.get(rule)
    return found is not None and found.then.fact_key == f"{finding.kind}.{finding.id}"


def _parse(text: str) -> conditions.Condition | None:
    try:
        return conditions.parse(text)
    except conditions.ConditionError:
        return None


def verdict(cond: CheckedCondition) -> Verdict:
    return "withheld" if cond.withheld else "holds" if cond.holds else "fails"


def condition_line(
    cond: CheckedCondition, kb: KnowledgeBase, dx: Diagnosis, lang: Lang
) -> ConditionLine:
    return ConditionLine(describe(cond, kb, dx, lang), verdict(cond))


def describe(cond: CheckedCondition, kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> str:
    """A checked condition in words: subject, comparison, value, what was measured.

    A withheld condition names its subject only: no threshold, no verdict, no value."""
    parsed = _parse(cond.text)
    if parsed is None:  # never from a validated knowledge base
        return t("report.cond.unreadable", lang)
    question = kb.context_questions().get(parsed.name) if parsed.kind == "context" else None
    if parsed.op == "?":  # a signal or finding another rule concluded, or not
        return _subject(parsed, kb, dx, lang, concluded=cond.holds)
    subject = _subject(parsed, kb, dx, lang)
    if cond.withheld:
        key = "withheld_question" if parsed.kind == "item" else "withheld_subject"
        return t(f"report.cond.{key}", lang, subject=subject)
    if cond.agreed is not None:
        scan_q = kb.scan_questions().get(parsed.name)
        statement = scan_q.text(lang) if scan_q else parsed.name
        share = f"{round(cond.agreed * 100)}%"
        return t("report.cond.agreed", lang, statement=statement, share=share)
    if parsed.stat == "polarised":
        return subject
    if parsed.op == "has":
        return f"{subject} {t('report.op.has', lang)} '{_value(parsed.value, question, lang)}'"
    op = t(f"report.op.{OPS[parsed.op]}", lang)
    expected = _value(parsed.value, question, lang)
    measured = _measured(cond, question, lang)
    return f"{subject} {op} {expected} ({measured})"


def _measured(cond: CheckedCondition, question: Question | None, lang: Lang) -> str:
    if cond.actual is None:
        return t("report.cond.missing", lang)
    return t("report.cond.measured", lang, value=_value(cond.actual, question, lang))


def _value(value: Any, question: Question | None, lang: Lang) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(_value(v, question, lang) for v in value)
    if isinstance(value, bool):
        return t(f"report.value.{str(value).lower()}", lang)
    if isinstance(value, float):
        return number(value, lang)
    return answer_text(question, value, lang)


def _subject(
    parsed: conditions.Condition,
    kb: KnowledgeBase,
    dx: Diagnosis,
    lang: Lang,
    *,
    concluded: bool = True,
) -> str:
    kind, name, stat = parsed.kind, parsed.name, parsed.stat
    if kind == "score":
        return t(f"report.subject.score.{stat}", lang, scale=scale_name(dx, name, lang))
    if kind == "gap":
        return t("report.subject.gap", lang, scale=scale_name(dx, name, lang))
    if kind == "item":
        question = kb.scan_questions().get(name)
        text = question.text(lang) if question else name
        return t(f"report.subject.item.{stat}", lang, question=text)
    if kind == "context":
        question = kb.context_questions().get(name)
        return t("report.subject.context", lang, question=question.text(lang) if question else name)
    if kind == "respondents":
        return t(f"report.subject.respondents.{stat}", lang)
    if kind in ("signal", "dysfunction"):
        found = [f for f in [*dx.signals, *dx.findings] if f.id == name]
        known = kb.dysfunctions.get(name)
        text = found[0].name(lang) if found else known.name(lang) if known else name
        return t(f"report.subject.{kind}{'' if concluded else '_not'}", lang, name=text)
    return parsed.text
