"""The coach's changes to the plan, as pure functions on ``PlanEdits`` (saved in the intake).

A format longer than the plan's sessions (a knowledge day) that the coach adds makes its
session a day session (``PlannedSession.minutes``) as long as the format.

Every change starts from the plan the coach sees: without a saved layout, the planner's plan
becomes the layout first (``layout_of``). A format the coach swaps in, adds or moves is locked
at once, so re-planning keeps it; a removed core format is never planned again. The app and the
CLI save the result through the intake store's locked merge (coachassist/intake/store.py).
"""

from __future__ import annotations

from coachassist.errors import UserError
from coachassist.i18n import Message
from coachassist.intake.models import PlanEdits, PlannedFormat, PlannedSession
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.plan.candidates import is_core
from coachassist.plan.fit import misfit
from coachassist.plan.models import Plan, PlanConstraints


def layout_of(plan: Plan, edits: PlanEdits | None) -> PlanEdits:
    """The plan as the coach's layout, for the limits it was made for."""
    edits = edits or PlanEdits()
    c = plan.constraints
    layout = [
        PlannedSession(
            items=[PlannedFormat(format=i.format, locked=i.locked) for i in session.items],
            minutes=session.limit if session.limit != c.minutes else None,
        )
        for session in plan.sessions
    ]
    return edits.model_copy(update={"layout": layout, "sessions": c.sessions, "minutes": c.minutes})


def _items(edits: PlanEdits, session: int) -> list[PlannedFormat]:
    if not 0 <= session < len(edits.layout):
        raise UserError(Message("plan.edit.no_session", number=session + 1))
    return list(edits.layout[session].items)


def _with(
    edits: PlanEdits, session: int, items: list[PlannedFormat], minutes: int | None = None
) -> PlanEdits:
    layout = list(edits.layout)
    layout[session] = PlannedSession(items=items, minutes=minutes or layout[session].minutes)
    return edits.model_copy(update={"layout": layout})


def _day(
    kb: KnowledgeBase, edits: PlanEdits, session: int, format_id: str, items: list[PlannedFormat]
) -> int | None:
    """A format longer than the session makes it a day session, as long as everything in it
    (at most 480 minutes; beyond that the plan says the session runs over)."""
    fmt = kb.formats.get(format_id)
    limit = edits.layout[session].minutes or edits.minutes or 0
    if fmt is None or not limit or fmt.minutes <= limit:
        return None
    total = sum(kb.formats[i.format].minutes for i in items if i.format in kb.formats)
    return min(max(total, fmt.minutes), 480)


def _check(items: list[PlannedFormat], index: int) -> None:
    if not 0 <= index < len(items):
        raise UserError(Message("plan.edit.no_format", number=index + 1))


def swap(
    edits: PlanEdits, session: int, index: int, format_id: str, kb: KnowledgeBase | None = None
) -> PlanEdits:
    items = _items(edits, session)
    _check(items, index)
    items[index] = PlannedFormat(format=format_id, locked=True)
    removed = [f for f in edits.removed if f != format_id]
    day = _day(kb, edits, session, format_id, items) if kb is not None else None
    return _with(edits, session, items, day).model_copy(update={"removed": removed})


def add(kb: KnowledgeBase, edits: PlanEdits, session: int, format_id: str) -> PlanEdits:
    """Add a format to a session: after its other work, before the closing."""
    if format_id not in kb.formats:
        raise UserError(Message("plan.edit.unknown_format", id=repr(format_id)))
    items = _items(edits, session)
    closing = [n for n, i in enumerate(items) if _role(kb, i.format) == "closing"]
    at = closing[0] if closing else len(items)
    items.insert(at, PlannedFormat(format=format_id, locked=True))
    removed = [f for f in edits.removed if f != format_id]
    day = _day(kb, edits, session, format_id, items)
    return _with(edits, session, items, day).model_copy(update={"removed": removed})


def remove(kb: KnowledgeBase, edits: PlanEdits, session: int, index: int) -> PlanEdits:
    items = _items(edits, session)
    _check(items, index)
    gone = items.pop(index)
    fmt = kb.formats.get(gone.format)
    removed = list(edits.removed)
    if fmt is not None and is_core(fmt) and gone.format not in removed:
        removed.append(gone.format)
    return _with(edits, session, items).model_copy(update={"removed": removed})


def move(edits: PlanEdits, session: int, index: int, step: int) -> tuple[PlanEdits, int, int]:
    """Move a format one place up (-1) or down (+1); past the edge of a session it goes to the
    end of the previous or the start of the next one. Returns the edits and its new place."""
    items = _items(edits, session)
    _check(items, index)
    entry = items.pop(index).model_copy(update={"locked": True})
    target = index + step
    if 0 <= target <= len(items):
        items.insert(target, entry)
        return _with(edits, session, items), session, target
    other = session + (1 if step > 0 else -1)
    if not 0 <= other < len(edits.layout):
        items.insert(index, entry)
        return _with(edits, session, items), session, index
    edits = _with(edits, session, items)
    others = _items(edits, other)
    place = len(others) if step < 0 else 0
    others.insert(place, entry)
    return _with(edits, other, others), other, place


def toggle_lock(edits: PlanEdits, session: int, index: int) -> PlanEdits:
    items = _items(edits, session)
    _check(items, index)
    items[index] = items[index].model_copy(update={"locked": not items[index].locked})
    return _with(edits, session, items)


def set_limits(edits: PlanEdits, sessions: int, minutes: int) -> PlanEdits:
    """New limits: the next plan is made anew around the locked formats."""
    PlanConstraints(sessions=sessions, minutes=minutes)  # validates the ranges
    return edits.model_copy(update={"sessions": sessions, "minutes": minutes})


def alternatives(kb: KnowledgeBase, plan: Plan, session: int, index: int) -> list[Format]:
    """Formats that could take this one's place: the same role, working on the same finding
    (core formats), suiting the team, and not in the plan yet (recurring ones may return)."""
    item = plan.sessions[session].items[index]
    used = {i.format for s in plan.sessions for i in s.items}
    finding = item.reason.findings[0] if item.reason.findings else None
    found = []
    for fmt in sorted(kb.formats.values(), key=lambda f: (f.minutes, f.id)):
        if fmt.id == item.format or fmt.role != item.role or misfit(fmt, plan.constraints):
            continue
        if fmt.id in used and not fmt.recurring:
            continue
        if item.role == "core" and finding is not None and finding not in fmt.addresses:
            continue
        found.append(fmt)
    return found


def _role(kb: KnowledgeBase, format_id: str) -> str | None:
    fmt = kb.formats.get(format_id)
    return fmt.role if fmt else None
