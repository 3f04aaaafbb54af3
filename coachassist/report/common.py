"""What both report formats say: labels, numbers and conditions in plain language.

Everything here returns plain text; the Markdown and HTML renderers escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coachassist.diagnosis import CheckedCondition, Diagnosis, Finding, ScaleScore
from coachassist.i18n import Lang, t
from coachassist.intake.models import Intake
from coachassist.kb import conditions
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Question, Questionnaire, Text

OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne", "in": "in"}
CONTEXT_SKIP = ("client_question",)  # shown on its own, as a quote


def number(value: float | int | None, lang: Lang, digits: int = 2) -> str:
    """A number the way a reader of ``lang`` writes it (3,40 in Dutch, 3.40 in English)."""
    if value is None:
        return "-"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def label(key: str, fallback: str, lang: Lang) -> str:
    """The message ``key``, or ``fallback`` when there is none (e.g. a role a trainer added)."""
    try:
        return t(key, lang)
    except KeyError:
        return fallback


def role_label(role: str, lang: Lang) -> str:
    return label(f"report.role.{role}", role, lang)


def scan_of(kb: KnowledgeBase, dx: Diagnosis) -> Questionnaire | None:
    return kb.questionnaires.get(dx.scan)


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    bands: list[tuple[float, float, str]]  # (from, to, label) lowest first


def scale_range(kb: KnowledgeBase, dx: Diagnosis, scale: str, lang: Lang) -> Range:
    """The answer range of a scale (from its likert anchors) and its interpretation bands."""
    qn = scan_of(kb, dx)
    low, high, bands = 1.0, 5.0, []
    if qn is not None:
        anchors = next(
            (qn.anchors.get(q.anchors or "") for q in qn.questions if q.scale == scale), None
        )
        if anchors is not None:
            low, high = float(anchors.min), float(anchors.max)
        spec = next((s for s in qn.scales if s.id == scale), None)
        start = low
        for band in spec.bands if spec else []:
            end = min(max(band.upto, low), high)
            bands.append((start, end, band.label(lang)))
            start = end
        if bands and start < high:
            bands.append((start, high, ""))
    return Range(low, high, bands)


def context_rows(kb: KnowledgeBase, intake: Intake, lang: Lang) -> list[tuple[str, str]]:
    """(question, answer) for every answered context question, in questionnaire order."""
    qn = kb.questionnaires.get(intake.context_questionnaire)
    questions = {q.id: q for q in qn.questions} if qn else {}
    order = list(questions) + sorted(set(intake.context) - set(questions))
    rows = []
    for qid in order:
        value = intake.context.get(qid)
        if qid in CONTEXT_SKIP or value in (None, "", []):
            continue
        question = questions.get(qid)
        rows.append((question.text(lang) if question else qid, answer_text(question, value, lang)))
    return rows


def answer_text(question: Question | None, value: Any, lang: Lang) -> str:
    """A context answer in words: option labels instead of option values."""
    options = {o.value: o.label(lang) for o in question.options} if question else {}
    if isinstance(value, list):
        return ", ".join(options.get(str(v), str(v)) for v in value)
    if isinstance(value, bool):
        return t(f"report.value.{str(value).lower()}", lang)
    if isinstance(value, int | float):
        return number(value, lang)
    return options.get(str(value), str(value))


def withheld_reason(dx: Diagnosis, lang: Lang) -> str:
    return " ".join(note(lang) for note in dx.notes) or t("report.cond.withheld_default", lang)


def severity_label(severity: str | None, lang: Lang) -> str:
    return t(f"report.severity.{severity}", lang) if severity else "-"


def describe(cond: CheckedCondition, kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> str:
    """A checked condition in words: subject, comparison, value, what was measured, verdict."""
    verdict = t("report.cond.holds" if cond.holds else "report.cond.fails", lang)
    if cond.withheld:  # the verdict would give the withheld value away
        verdict = ""
    try:
        parsed = conditions.parse(cond.text)
    except conditions.ConditionError:
        return f"{cond.text} ({_join(_measured(cond, None, dx, lang), verdict)})"
    question = kb.context_questions().get(parsed.name) if parsed.kind == "context" else None
    if parsed.op == "?":  # a signal or finding another rule concluded, or not
        return _subject(parsed, kb, dx, lang, concluded=cond.holds)
    subject = _subject(parsed, kb, dx, lang)
    if parsed.stat == "polarised":
        return f"{subject} ({_join(_measured(cond, question, dx, lang), verdict)})"
    if parsed.op == "has":  # listing every other choice adds nothing
        expected = _value(parsed.value, question, lang)
        return f"{subject} {t('report.op.has', lang)} '{expected}' ({verdict or '-'})"
    op = t(f"report.op.{OPS[parsed.op]}", lang)
    expected = _value(parsed.value, question, lang)
    return f"{subject} {op} {expected} ({_join(_measured(cond, question, dx, lang), verdict)})"


def _join(*parts: str) -> str:
    return "; ".join(part for part in parts if part)


def _measured(cond: CheckedCondition, question: Question | None, dx: Diagnosis, lang: Lang) -> str:
    if cond.withheld:
        return t("report.cond.withheld", lang, reason=withheld_reason(dx, lang))
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


def scale_name(dx: Diagnosis, scale: str, lang: Lang) -> str:
    found = [s for s in dx.scores if s.scale == scale]
    return found[0].name(lang) if found else scale


def score_cells(score: ScaleScore, lang: Lang) -> tuple[str, str, str, str]:
    """Mean, sd, rwg and band of a scale as text; withheld values say so."""
    if score.mean is None:
        withheld = t("report.scores.withheld", lang)
        return withheld, "-", "-", "-"
    band = score.band(lang) if score.band else "-"
    if score.polarised:
        band = f"{band}, {t('report.scores.polarised', lang)}"
    return (number(score.mean, lang), number(score.sd, lang), number(score.rwg, lang), band)


def show_by_role(dx: Diagnosis) -> bool:
    """Per-role means only when every role that answered is shown.

    With one role withheld (say a single lead), the team mean and the members' mean together
    would give away the withheld role's mean; so then no role is broken out at all.
    """
    shown = {r.role for s in dx.scores for r in s.by_role}
    answered = {role for role, n in dx.roles.items() if n > 0}
    return bool(shown) and answered <= shown and all(n >= dx.min_group for n in dx.roles.values())


def by_role(score: ScaleScore, lang: Lang) -> str:
    return "; ".join(
        f"{role_label(r.role, lang)} {number(r.mean, lang)} (n={r.n})" for r in score.by_role
    )


def finding_meta(finding: Finding, lang: Lang) -> str:
    """Severity and place in the pyramid, e.g. 'severity: high; level 2 of the pyramid'."""
    where = (
        t("report.findings.level", lang, level=finding.level)
        if finding.level
        else t("report.findings.outside", lang)
    )
    severity = t("report.findings.severity", lang, severity=severity_label(finding.severity, lang))
    return f"{severity}; {where}"


def text_of(value: Text | None, lang: Lang) -> str:
    return value(lang) if value else ""


def score_table(dx: Diagnosis, lang: Lang) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the score table; the per-role column only when it is safe."""
    keys = ("scale", "n", "mean", "sd", "rwg", "band")
    header = [t(f"report.scores.{key}", lang) for key in keys]
    roles = show_by_role(dx)
    if roles:
        header.append(t("report.scores.by_role", lang))
    rows = []
    for score in dx.scores:
        row = [score.name(lang), str(score.n), *score_cells(score, lang)]
        rows.append([*row, by_role(score, lang) or "-"] if roles else row)
    return header, rows


def show_gaps(dx: Diagnosis) -> bool:
    """No lead-versus-members table when the team itself is below the threshold: with one lead
    and one member, even the direction of a difference compares two people's answers."""
    return bool(dx.gaps) and dx.respondents >= dx.min_group


def gap_table(dx: Diagnosis, lang: Lang) -> tuple[list[str], list[list[str]]]:
    """Lead minus members per scale. A withheld gap shows its direction only (as the notes
    say), not whether it is large: that would tell more about a small group than allowed."""
    keys = ("report.scores.scale", "report.gaps.value", "report.gaps.direction")
    header = [t(key, lang) for key in keys]
    withheld = t("report.scores.withheld", lang)
    rows = []
    for gap in dx.gaps:
        direction = t(f"report.gaps.{gap.direction}", lang)
        if gap.value is not None and gap.large:
            direction += f"; {t('report.gaps.large', lang)}"
        value = number(gap.value, lang) if gap.value is not None else withheld
        rows.append([gap.name(lang), value, direction])
    return header, rows
