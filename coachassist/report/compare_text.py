"""A comparison of two scans as plain text lines, for ``coachassist compare`` and the app.

Reasons are rule-level and read from the Comparison only: "Trust and psychological safety:
team mean 2.40 -> 3.10: 'is below 2.50' no longer holds".
"""

from __future__ import annotations

from coachassist.compare import Comparison, ConditionChange, FindingChange, ScaleChange
from coachassist.i18n import Lang, t
from coachassist.kb import conditions
from coachassist.kb.loader import KnowledgeBase
from coachassist.report.common import number
from coachassist.report.evidence import OPS, _subject, _value


def comparison_lines(
    cmp: Comparison, kb: KnowledgeBase, lang: Lang, earlier: str, later: str
) -> list[str]:
    title = t(
        "compare.title",
        lang,
        earlier=earlier,
        later=later,
        n1=cmp.earlier_respondents,
        n2=cmp.later_respondents,
    )
    lines = [title, "", t("compare.scales", lang)]
    if cmp.low_threshold:
        lines[:0] = [f"!!! {t('anonymity.low_threshold', lang, k=cmp.low_k)}", ""]
    lines += [scale_line(change, lang) for change in cmp.scales]
    lines += ["  " + t("compare.method", lang), "", t("compare.findings", lang)]
    if not cmp.teams_shown:
        lines.append("  " + t("compare.teams_withheld", lang, k=cmp.later.min_group))
    elif not cmp.findings:
        lines.append("  " + t("compare.no_finding_changes", lang))
    for finding in cmp.findings:
        lines += finding_lines(finding, cmp, kb, lang)
    return lines


def signed(value: float, lang: Lang) -> str:
    return ("+" if value >= 0 else "-") + number(abs(value), lang)


def scale_line(change: ScaleChange, lang: Lang) -> str:
    name = f"  {change.name(lang):<44}"
    verdict = t(f"compare.verdict.{change.verdict}", lang)
    if change.change is None or change.low is None or change.high is None:
        return f"{name} {verdict}"
    interval = f"[{signed(change.low, lang)}, {signed(change.high, lang)}]"
    return (
        f"{name} {number(change.earlier, lang)} -> {number(change.later, lang)}  "
        f"{signed(change.change, lang)} {interval}  {verdict}"
    )


def finding_lines(
    finding: FindingChange, cmp: Comparison, kb: KnowledgeBase, lang: Lang
) -> list[str]:
    severity = " -> ".join(
        t(f"severity.{s}", lang) for s in (finding.earlier, finding.later) if s is not None
    )
    lines = [f"  [{t(f'compare.change.{finding.change}', lang)}] {finding.name(lang)} ({severity})"]
    for rule in finding.rules:
        changed = [c for c in rule.conditions if c.held != c.holds]
        shown = changed or [c for c in rule.conditions if c.holds or c.held]
        indent = "      " + "    " * rule.depth
        lines.append(f"{indent}- {rule.because(lang)} [{rule.rule}]")
        lines += [f"{indent}    {condition_text(c, cmp, kb, lang)}" for c in shown]
    return lines


def condition_text(change: ConditionChange, cmp: Comparison, kb: KnowledgeBase, lang: Lang) -> str:
    parsed = conditions.parse(change.text)
    subject = _subject(parsed, kb, cmp.later, lang)
    if parsed.op == "?":  # a signal or finding: concluded or not, in each scan
        before = _shown(change.earlier, lang, True)
        return f"{subject}: {before} -> {_shown(change.later, lang, True)}"
    if parsed.op == "has" or parsed.stat == "polarised":
        test = subject
        subject = ""
    else:
        test = f"{t(f'report.op.{OPS[parsed.op]}', lang)} {_value(parsed.value, None, lang)}"
    state = "now" if change.holds and not change.held else "still" if change.holds else "no_longer"
    return t(
        f"compare.cond.{state}",
        lang,
        subject=subject,
        earlier=_shown(_figure(parsed, change.earlier), lang, False),
        later=_shown(_figure(parsed, change.later), lang, False),
        test=test,
    ).strip()


def _figure(parsed: conditions.Condition, value: object) -> object:
    """A mean of 4 reads as 4.00, like every other mean."""
    numeric = parsed.kind in ("score", "item", "gap") and parsed.stat != "n"
    return float(value) if numeric and type(value) is int else value


def _shown(value: object, lang: Lang, presence: bool) -> str:
    if presence:  # a signal or finding: concluded or not
        return t(f"report.value.{str(value is not None).lower()}", lang)
    if value is None:
        return t("compare.cond.unknown", lang)
    return _value(value, None, lang)
