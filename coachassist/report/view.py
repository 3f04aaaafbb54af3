"""The report as one view model: everything both writers show, in words, for one audience.

``report_view`` reads the Diagnosis (privacy already decided there) and the plan; the Markdown
and HTML writers only lay the view out and escape it. The audience decides the amount of detail,
never what privacy allows:

- client: the team and the question (the coach's private observations only when shared), scores
  with a chart, findings in plain language with one to three reasons, the plan in short, open
  answers, and what was withheld and why. No rule ids, no conditions.
- coach: all of that plus the evidence trail (rule ids, file:line, each condition and what was
  measured), the findings the coach rejected with the reason (the client report leaves them
  out, as the plan does) and the full plan with steps and materials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from coachassist import __version__
from coachassist.diagnosis import Diagnosis, Finding
from coachassist.errors import UserError
from coachassist.i18n import Lang, t
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan
from coachassist.report.common import (
    Range,
    context_rows,
    finding_meta,
    gap_table,
    role_label,
    scale_range,
    score_table,
)
from coachassist.report.evidence import ConditionLine, client_reasons, reasons
from coachassist.report.finding_tags import decision_text, finding_tags
from coachassist.report.plan_view import PlanView, plan_view

Audience = Literal["client", "coach"]
AUDIENCES: tuple[Audience, ...] = ("client", "coach")
SECTIONS = ("context", "respondents", "scores", "findings", "plan", "open", "notes")


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class ChartRow:
    name: str
    mean: float | None  # None: withheld
    sd: float | None
    polarised: bool
    range: Range


@dataclass(frozen=True)
class EvidenceView:
    text: str  # the reason
    rules: str  # "rules a, b (file.toml:12, file.toml:30)"
    conditions: list[ConditionLine]


@dataclass(frozen=True)
class FindingView:
    kind: str  # signal | dysfunction
    name: str
    severity: str | None
    meta: str  # severity and place in the pyramid
    explanation: str
    reasons: list[str]  # client: one to three plain reasons
    evidence: list[EvidenceView] = field(default_factory=list)  # coach: the full trail


@dataclass
class ReportView:
    lang: Lang
    audience: Audience
    title: str
    meta: list[str]
    banners: list[str]  # shown loudly at the top (e.g. a threshold below 3)
    section_titles: dict[str, str]
    contents: str
    question_label: str
    question: str
    context: Table | None
    context_none: str
    respondents: str
    roles: Table
    anonymity: str
    scores_intro: str
    chart_title: str
    chart: list[ChartRow]
    scores: Table | None
    score_notes: list[str]
    scores_none: str
    gaps_heading: str
    gaps: Table | None
    findings: list[FindingView]
    findings_none: str
    why: str
    signals_heading: str
    signals_intro: str
    signals: list[FindingView]
    rejected_heading: str
    rejected_intro: str
    rejected: list[FindingView]  # coach: findings the coach rejected, each with the reason
    verdicts: dict[str, str]  # holds / fails -> word after a condition; withheld: none
    plan: PlanView
    open_intro: str
    open_none: str
    open: list[tuple[str, list[str]]]
    withheld: list[str]
    withheld_none: str
    footer: str


def report_view(
    kb: KnowledgeBase,
    intake: Intake,
    dx: Diagnosis,
    plan: Plan,
    lang: Lang,
    audience: Audience = "client",
) -> ReportView:
    if audience == "client" and dx.privacy.low_threshold:  # every path: CLI, app, library
        raise UserError(t("report.refused_low_threshold", lang, k=dx.min_group))
    coach = audience == "coach"
    shared = coach or intake.share_observations
    title = intake.title.strip() or t("report.untitled", lang)
    meta = [t("report.made_by", lang, version=__version__, scan=dx.scan)]
    if intake.created:
        meta.append(t("report.created", lang, date=intake.created))
    meta.append(t(f"report.audience.{audience}", lang))
    rows = context_rows(kb, intake, lang, private=shared)
    context_header = [t("report.context.question", lang), t("report.context.answer", lang)]
    score_header, score_rows = score_table(dx, lang)
    notes = [t("report.scores.rwg_note", lang)]
    if any(s.polarised for s in dx.scores):
        notes.append(t("report.scores.polarised_note", lang))
    gap_header, gap_rows = gap_table(dx, lang)
    questions = kb.scan_questions()

    def finding(f: Finding) -> FindingView:
        evidence = []
        if coach:
            evidence = [
                EvidenceView(r.text, _rules(r.rules, r.sources, lang), r.conditions)
                for r in reasons(f.evidence, kb, dx, lang)
            ]
        return FindingView(
            kind=f.kind,
            name=f.name(lang),
            severity=f.severity,
            meta=_meta(f, lang, coach) if f.kind == "dysfunction" else "",
            explanation=f.explanation(lang) if f.explanation else "",
            reasons=[] if coach else client_reasons(f, kb, dx, lang, shared=shared),
            evidence=evidence,
        )

    return ReportView(
        lang=lang,
        audience=audience,
        title=f"{t('report.title', lang)}: {title}",
        meta=meta,
        banners=[t("anonymity.low_threshold", lang, k=dx.min_group)]
        if dx.privacy.low_threshold
        else [],
        section_titles={key: _section_title(key, lang) for key in SECTIONS},
        contents=t("report.contents", lang),
        question_label=t("report.context.client_question", lang),
        question=str(intake.context.get("client_question") or "").strip(),
        context=Table(context_header, [list(r) for r in rows]) if rows else None,
        context_none=t("report.context.none", lang),
        respondents=t("report.respondents.count", lang, n=dx.respondents),
        roles=Table(
            [t("report.respondents.role", lang), t("report.respondents.number", lang)],
            [[role_label(role, lang), str(n)] for role, n in sorted(dx.roles.items())],
        ),
        anonymity=t("report.respondents.anonymity", lang, k=dx.min_group),
        scores_intro=t("report.scores.intro", lang),
        chart_title=t("report.scores.chart", lang),
        chart=[
            ChartRow(s.name(lang), s.mean, s.sd, s.polarised, scale_range(kb, dx, s.scale, lang))
            for s in dx.scores
        ],
        scores=Table(score_header, score_rows) if dx.privacy.team_shown and dx.scores else None,
        score_notes=notes,
        scores_none=t(
            "report.scores.none" if dx.privacy.team_shown else "report.scores.none_yet",
            lang,
            more=dx.privacy.needed,
        ),
        gaps_heading=t("report.gaps.heading", lang),
        gaps=Table(gap_header, gap_rows) if gap_rows else None,
        findings=[finding(f) for f in dx.findings],
        findings_none=t(
            "report.findings.none" if dx.privacy.team_shown else "anonymity.more_needed",
            lang,
            more=dx.privacy.needed,
            k=dx.min_group,
        ),
        why=t("report.findings.evidence", lang),
        signals_heading=t("report.findings.signals", lang),
        signals_intro=t("report.findings.signals_intro", lang),
        signals=[finding(s) for s in dx.signals] if coach else [],
        rejected_heading=t("report.findings.rejected", lang),
        rejected_intro=t("report.findings.rejected_intro", lang),
        rejected=[finding(f) for f in dx.rejected] if coach else [],
        verdicts={"holds": t("report.cond.holds", lang), "fails": t("report.cond.fails", lang)},
        plan=plan_view(kb, dx, plan, lang, audience=audience),
        open_intro=t("report.open.intro", lang),
        open_none=t("report.open.none", lang),
        open=[
            (questions[qid].text(lang) if qid in questions else qid, answers)
            for qid, answers in dx.open_answers.items()
            if answers
        ],
        withheld=[note(lang) for note in dx.notes],
        withheld_none=t("report.notes.none", lang),
        footer=t(f"report.footer.{audience}", lang),
    )


def _section_title(key: str, lang: Lang) -> str:
    return t("plan.heading", lang) if key == "plan" else t(f"report.section.{key}", lang)


def _rules(rules: list[str], sources: list[str], lang: Lang) -> str:
    where = f"; {', '.join(sources)}" if sources else ""
    return t("report.findings.rule", lang, rule=", ".join(rules)) + where


def _meta(f: Finding, lang: Lang, coach: bool) -> str:
    """Severity and pyramid place; for the coach also strength, borderline, stability and the
    coach's own decision (docs/engine.md)."""
    meta = finding_meta(f, lang)
    if not coach:
        return meta
    extra = [finding_tags(f, lang, severity=False), decision_text(f, lang)]
    return " · ".join(part for part in [meta, *extra] if part)
