"""Rules in plain language, for ``coachassist explain`` and the rulebook.

``score.trust.mean < 2.6`` reads "the team's mean on Trust is below 2.6"; a context condition
names the intake question and the chosen option's label; a signal its reason.
"""

from __future__ import annotations

from coachassist.i18n import Lang, t
from coachassist.kb.conditions import Condition
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Rule, Then

_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne", "in": "in"}


def condition(cond: Condition, kb: KnowledgeBase, lang: Lang) -> str:
    if cond.kind == "signal":
        reasons = [r.because(lang) for r in kb.rules.values() if r.then.signal == cond.name]
        return t("plain.signal", lang, id=cond.name, reason=reasons[0] if reasons else "?")
    if cond.kind == "dysfunction":
        found = kb.dysfunctions.get(cond.name)
        return t("plain.dysfunction", lang, name=found.name(lang) if found else cond.name)
    subject = _subject(cond, kb, lang)
    if cond.stat == "polarised":
        return subject
    op = t(f"plain.op.{_OPS.get(cond.op, 'has')}", lang)
    return f"{subject} {op} {_value(cond, kb, lang)}"


def _subject(cond: Condition, kb: KnowledgeBase, lang: Lang) -> str:
    if cond.kind in ("score", "gap"):
        scale = next(
            (
                s.name(lang)
                for q in kb.questionnaires.values()
                for s in q.scales
                if s.id == cond.name
            ),
            cond.name,
        )
        if cond.kind == "gap":
            return t("plain.gap", lang, name=scale)
        if cond.stat == "polarised":
            return t("plain.polarised", lang, name=scale)
        return t(f"plain.stat.{cond.stat}", lang, name=scale)
    if cond.kind == "item":
        question = kb.scan_questions().get(cond.name)
        key = "plain.item_diff" if cond.stat == "diff" else "plain.item"
        return t(key, lang, name=question.text(lang) if question else cond.name)
    if cond.kind == "context":
        question = kb.context_questions().get(cond.name)
        return t("plain.context", lang, name=question.text(lang) if question else cond.name)
    return t("plain.respondents", lang, stat=cond.stat)


def _value(cond: Condition, kb: KnowledgeBase, lang: Lang) -> str:
    values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
    question = kb.context_questions().get(cond.name) if cond.kind == "context" else None
    labels = {o.value: o.label(lang) for o in question.options} if question else {}
    shown = [f"'{labels[v]}'" if v in labels else f"{v}" for v in values]
    return ", ".join(shown)


def conclusion(then: Then, kb: KnowledgeBase, lang: Lang) -> str:
    if then.signal:
        return t("plain.then.signal", lang, id=then.signal)
    if then.dysfunction:
        found = kb.dysfunctions.get(then.dysfunction)
        name = found.name(lang) if found else then.dysfunction
        severity = t(f"severity.{then.severity}", lang)
        return t("plain.then.dysfunction", lang, name=name, severity=severity)
    names = [kb.formats[f].name(lang) if f in kb.formats else f for f in then.suggest]
    return t("plain.then.suggest", lang, formats=", ".join(names))


def rule_lines(rule: Rule, kb: KnowledgeBase, lang: Lang) -> list[str]:
    """The rule as a few lines of text: conditions (with the written form), conclusion, reason."""
    lines = [t("plain.all_of", lang)]
    lines += [f"  - {condition(c, kb, lang)}   [{c.text}]" for c in rule.conditions]
    if rule.any_conditions:
        lines.append(t("plain.any_of", lang))
        lines += [f"  - {condition(c, kb, lang)}   [{c.text}]" for c in rule.any_conditions]
    lines.append(conclusion(rule.then, kb, lang))
    lines.append(t("plain.because", lang, because=rule.because(lang)))
    return lines


def leads_to(rule: Rule, kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    """The formats a rule leads to (its own suggestions, or those of rules building on its
    conclusion, followed through signals), and the rules that build on it directly."""
    formats: list[str] = list(rule.then.suggest)
    builders: list[str] = []
    first = rule.then.fact_key
    todo = [first] if first else []
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        for other in kb.rules.values():
            if key in {c.key for c in [*other.conditions, *other.any_conditions]}:
                if key == first:
                    builders.append(other.id)
                formats += [f for f in other.then.suggest if f not in formats]
                if other.then.fact_key:
                    todo.append(other.then.fact_key)
    return formats, sorted(set(builders))
