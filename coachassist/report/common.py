"""What both report formats say: labels, numbers and conditions in plain language.

Everything here returns plain text; the Markdown and HTML renderers escape it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coachassist.diagnosis import Diagnosis, Finding, ScaleScore
from coachassist.i18n import Lang, t
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Question, Questionnaire, Text

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
    """A scale's answer range and its bands, for drawing a score."""

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


def context_rows(
    kb: KnowledgeBase, intake: Intake, lang: Lang, *, private: bool = True
) -> list[tuple[str, str]]:
    """(question, answer) for every answered context question, in questionnaire order;
    the coach's private observations only with ``private``."""
    qn = kb.questionnaires.get(intake.context_questionnaire)
    questions = {q.id: q for q in qn.questions} if qn else {}
    order = list(questions) + sorted(set(intake.context) - set(questions))
    rows = []
    for qid in order:
        value = intake.context.get(qid)
        if qid in CONTEXT_SKIP or value in (None, "", []):
            continue
        question = questions.get(qid)
        if question is not None and question.private and not private:
            continue
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


def severity_label(severity: str | None, lang: Lang) -> str:
    return t(f"report.severity.{severity}", lang) if severity else "-"


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
    """Header and rows of the score table; the per-role column when the diagnosis has one."""
    keys = ("scale", "n", "mean", "sd", "rwg", "band")
    header = [t(f"report.scores.{key}", lang) for key in keys]
    roles = any(score.by_role for score in dx.scores)
    if roles:
        header.append(t("report.scores.by_role", lang))
    rows = []
    for score in dx.scores:
        n = "-" if score.n is None else str(score.n)
        row = [score.name(lang), n, *score_cells(score, lang)]
        rows.append([*row, by_role(score, lang) or "-"] if roles else row)
    return header, rows


def gap_table(dx: Diagnosis, lang: Lang) -> tuple[list[str], list[list[str]]]:
    """Lead minus members per scale: the diagnosis holds a gap only when it may be shown."""
    keys = ("report.scores.scale", "report.gaps.value", "report.gaps.direction")
    header = [t(key, lang) for key in keys]
    rows = []
    for gap in dx.gaps:
        direction = t(f"report.gaps.{gap.direction}", lang)
        if gap.large:
            direction += f"; {t('report.gaps.large', lang)}"
        rows.append([gap.name(lang), number(gap.value, lang), direction])
    return header, rows
