"""The plan's reasons in words: the planner gives kinds and numbers, this writes the sentences.

Every view of the plan (reports, ``coachassist plan``, its JSON, the app, the facilitation
sheet) takes its texts from here, in Dutch or English (keys ``plan.*`` in messages/report.toml).
"""

from __future__ import annotations

from typing import Any

from coachassist.diagnosis import Diagnosis
from coachassist.i18n import LANGS, Lang, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Text
from coachassist.plan import LeftOut, Note, Plan, PlanConstraints, PlanItem, SuggestionFit
from coachassist.plan.fit import misfit


def finding_names(dx: Diagnosis, lang: Lang) -> dict[str, str]:
    return {f.id: f.name(lang) for f in [*dx.findings, *dx.signals]}


def setting_label(kb: KnowledgeBase, setting: str, lang: Lang) -> str:
    question = kb.context_questions().get("team_type")
    labels: dict[str, Text] = {o.value: o.label for o in question.options} if question else {}
    return labels[setting](lang) if setting in labels else setting


def reason_text(dx: Diagnosis, item: PlanItem, lang: Lang, *, coach: bool = True) -> str:
    """Why the item is in the plan; the client's version names no rules."""
    reason = item.reason
    names = finding_names(dx, lang)
    findings = ", ".join(names.get(f, f) for f in reason.findings) or "-"
    if reason.kind in ("suggested", "addresses"):
        if not coach:
            return t(f"plan.why.{reason.kind}", lang, findings=findings)
        rules = ", ".join(reason.rules) or "-"
        return t(f"plan.reason.{reason.kind}", lang, findings=findings, rules=rules)
    if reason.kind == "coach":
        if reason.findings:
            return t("plan.reason.coach_for", lang, findings=findings)
        return t("plan.reason.coach", lang)
    if reason.kind == "sponsor":
        return t("plan.reason.sponsor", lang, sponsor=reason.sponsor or "-")
    return t(f"plan.reason.{reason.kind}", lang)


def serves_text(dx: Diagnosis, item: PlanItem, lang: Lang) -> str:
    if item.reason.findings:
        names = finding_names(dx, lang)
        return ", ".join(names.get(f, f) for f in item.reason.findings)
    return t(f"plan.for.{item.reason.kind}", lang)


def left_out_text(kb: KnowledgeBase, entry: LeftOut, lang: Lang) -> str:
    """Why it is not in the plan, and what would change that."""
    values = _values(kb, entry.values, lang)
    if entry.reason == "no_room" and entry.format is None:
        why = t("plan.left_out.no_room_finding", lang, **values)
    elif entry.reason == "setting":
        why = t("plan.left_out.setting", lang, **values)
    elif entry.reason == "unknown_format":
        why = t("plan.left_out.unknown_format", lang, format=entry.format or "-")
    else:
        why = t(f"plan.left_out.{entry.reason}", lang, **values)
    if entry.fix == "none":
        return why
    return f"{why} {t(f'plan.fix.{entry.fix}', lang, **values)}"


def note_text(note: Note, lang: Lang) -> str:
    return t(f"plan.message.{note.kind}", lang, **{k: str(v) for k, v in note.values.items()})


def mark_text(kb: KnowledgeBase, fit: SuggestionFit, lang: Lang) -> str:
    """The mark on a suggested format that does not suit this team ('' when it does)."""
    if fit.misfit is None or fit.misfit == "no_room":
        return ""
    return t(f"plan.mark.{fit.misfit}", lang, **_values(kb, fit.values, lang))


def format_mark(kb: KnowledgeBase, format_id: str, c: PlanConstraints, lang: Lang) -> str:
    """The mark for any format (a suggestion, a library entry) that does not suit this team."""
    fmt = kb.formats.get(format_id)
    problem = misfit(fmt, c) if fmt is not None else None
    if fmt is None or problem is None:
        return ""
    return t(f"plan.mark.{problem.kind}", lang, **_values(kb, problem.values, lang))


def _values(kb: KnowledgeBase, values: dict[str, Any], lang: Lang) -> dict[str, str]:
    out = {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in values.items()}
    if "setting" in values:
        out["setting"] = setting_label(kb, str(values["setting"]), lang)
    if isinstance(values.get("settings"), list):
        out["settings"] = ", ".join(setting_label(kb, s, lang) for s in values["settings"])
    for key in ("sessions", "minutes", "format_minutes", "session_minutes", "min", "max", "size"):
        out.setdefault(key, "-")
    return out


def plan_json(kb: KnowledgeBase, dx: Diagnosis, plan: Plan) -> dict:
    """The plan's JSON (docs/plan-and-report.md) with every reason also in words."""
    data = plan.to_json()

    def both(make: Any) -> dict[str, str]:
        return {lang: make(lang) for lang in LANGS}

    for session, shown in zip(plan.sessions, data["sessions"], strict=True):
        for item, out in zip(session.items, shown["items"], strict=True):
            out["reason"]["text"] = both(lambda lang, i=item: reason_text(dx, i, lang))
    for entry, out in zip(plan.left_out, data["left_out"], strict=True):
        out["text"] = both(lambda lang, e=entry: left_out_text(kb, e, lang))
    for note, out in zip(plan.notes, data["notes"], strict=True):
        out["text"] = both(lambda lang, n=note: note_text(n, lang))
    for fit, out in zip(plan.suggestions, data["suggestions"], strict=True):
        out["mark"] = both(lambda lang, f=fit: mark_text(kb, f, lang))
    return data
