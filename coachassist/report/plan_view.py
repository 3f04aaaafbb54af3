"""The session plan in words, in one language: what both renderers and ``coachassist plan`` show."""

from __future__ import annotations

from dataclasses import dataclass, field

from coachassist.diagnosis import Diagnosis
from coachassist.i18n import Lang, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan, PlanItem
from coachassist.report.plan_text import (
    left_out_text,
    note_text,
    reason_text,
    serves_text,
    setting_label,
)


@dataclass
class RowView:
    title: str
    cells: list[str]  # format, minutes, what it is for (the overview table)
    why: str
    purpose: str = ""
    steps: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    source: str = ""
    see_before: str = ""  # a recurring format whose steps were shown in an earlier session


@dataclass
class SessionView:
    title: str
    lines: list[str]
    rows: list[RowView]
    sponsor: bool


@dataclass
class PlanView:
    heading: str
    constraints: str
    messages: list[str]
    sessions: list[SessionView]
    columns: list[str]
    left_out_heading: str
    left_out_intro: str
    left_out_columns: list[str]
    left_out: list[list[str]]
    no_sessions: str
    purpose: str
    materials: str
    source: str


def plan_view(
    kb: KnowledgeBase, dx: Diagnosis, plan: Plan, lang: Lang, *, audience: str = "coach"
) -> PlanView:
    """The plan in words. The client gets it in short: why each format is there without rule
    ids, its purpose and source, but not the coach's steps and materials."""
    c = plan.constraints
    unknown = t("plan.unknown", lang)
    setting = setting_label(kb, c.setting, lang) if c.setting else unknown
    names = {f.id: f.name(lang) for f in [*dx.findings, *dx.signals]}
    shown: dict[str, int] = {}
    sessions = []
    for session in plan.sessions:
        key = "plan.session_sponsor" if session.sponsor else "plan.session"
        lines = []
        if session.focus:
            focus = ", ".join(names.get(f, f) for f in session.focus)
            lines.append(t("plan.focus", lang, findings=focus))
        if session.limit != c.minutes:
            lines.append(t("plan.day_session", lang, minutes=session.limit))
        lines.append(t("plan.minutes_used", lang, minutes=session.minutes, free=session.free))
        rows = [
            _row(kb, dx, item, session.number, shown, lang, audience == "coach")
            for item in session.items
        ]
        sessions.append(
            SessionView(t(key, lang, number=session.number), lines, rows, session.sponsor)
        )
    left_out = [
        [
            item.name(lang)
            if item.format
            else t("plan.left_out.finding", lang, name=item.name(lang)),
            ", ".join(names.get(f, f) for f in item.findings) or "-",
            left_out_text(kb, item, lang),
        ]
        for item in plan.left_out
    ]
    return PlanView(
        heading=t("plan.heading", lang),
        constraints=t(
            "plan.constraints",
            lang,
            sessions=c.sessions,
            minutes=c.minutes,
            size=c.group_size if c.group_size is not None else unknown,
            setting=setting,
        ),
        messages=[note_text(note, lang) for note in plan.notes],
        sessions=sessions,
        columns=[t(f"plan.col.{k}", lang) for k in ("format", "minutes", "for")],
        left_out_heading=t("plan.left_out.heading", lang),
        left_out_intro=t("plan.left_out.intro", lang),
        left_out_columns=[t(f"plan.col.{k}", lang) for k in ("format", "for", "reason")],
        left_out=left_out,
        no_sessions=t("plan.no_sessions", lang),
        purpose=t("plan.purpose", lang),
        materials=t("plan.materials", lang),
        source=t("plan.source", lang),
    )


def _row(
    kb: KnowledgeBase,
    dx: Diagnosis,
    item: PlanItem,
    number: int,
    shown: dict[str, int],
    lang: Lang,
    coach: bool,
) -> RowView:
    role = t(f"plan.role.{item.role}", lang)
    title = f"{item.name(lang)} ({item.minutes} min, {role})"
    why = reason_text(dx, item, lang, coach=coach)
    serves = serves_text(dx, item, lang)
    row = RowView(title=title, cells=[item.name(lang), str(item.minutes), serves], why=why)
    fmt = kb.formats.get(item.format)
    if fmt is None:
        return row
    if item.format in shown:
        row.see_before = t("plan.see_before", lang, number=shown[item.format])
        return row
    shown[item.format] = number
    row.purpose = fmt.purpose(lang)
    if coach:
        row.steps = [step(lang) for step in fmt.steps]
        row.materials = [m(lang) for m in fmt.materials]
    source = fmt.source_text(lang) if fmt.source_text else fmt.source
    row.source = source + (f" ({fmt.licence})" if fmt.licence else "")
    return row
