"""The session plan: which formats go into which session, in the order the pyramid asks.

How the planner decides (docs/plan-and-report.md explains it for coaches):

1. Findings are worked on bottom-up: pyramid level 1 (trust) before 2 (conflict) before 3
   (commitment), 4 (accountability), 5 (results). A finding outside the pyramid rests on the
   highest pyramid level whose dysfunction shares one of its scales (``missing_shared_norms``
   measures commitment, so it comes right after level 3); with no shared scale it rests on
   trust and comes right after level 1. Ties: higher severity first, then id.
2. Per finding, the formats the diagnosis suggested for it come first (they carry the rules).
   When fewer than ``FORMATS_PER_FINDING`` of those fit, formats whose ``addresses`` name the
   finding fill up. Within each group: formats serving more of the team's findings first, then
   shorter, then by id. Only core formats count; opening and closing formats frame sessions.
3. Formats that do not suit the setting or the group size, or that are longer than a session
   leaves after its opening and closing, are filtered out first. Then placement is breadth
   first: every finding its first format that fits, then one more per finding in turns, each
   in the first session with room that keeps the order of step 1 across sessions. In the first
   round a new pyramid level starts a fresh session while enough sessions are left for the
   levels to come. What the rules suggested but does not fit is listed in ``left_out``.
4. Every session opens with an opening format (``checkin_wish`` preferred) and closes with a
   closing format (``follow_up_actions`` preferred). A format appears once unless it is
   ``recurring``. When the context names a sponsor, the last planned session is the sponsor
   session (``sponsor_themes_flipover``); with a single session it ends that session.
5. No findings: one short maintenance session (``MAINTENANCE_FORMATS``) and a message saying so.
   No scores at all (too few answers): no sessions, and a message saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coachassist.diagnosis import Diagnosis, Finding
from coachassist.i18n import t
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SETTINGS, SEVERITY_RANK, Format, Setting, Text

SCHEMA = "coachassist-plan/1"
DEFAULT_SESSIONS = 3
DEFAULT_MINUTES = 180
FORMATS_PER_FINDING = 2
OPENING = "checkin_wish"
CLOSING = "follow_up_actions"
SPONSOR = "sponsor_themes_flipover"
MAINTENANCE_FORMATS = ("start_stop_continue", "appreciative_interviews", "what_so_what_now_what")

ReasonKind = Literal["suggested", "addresses", "opening", "closing", "sponsor", "maintenance"]
LeftOutKind = Literal["no_room", "too_long", "group_size", "setting", "unknown_format", "no_format"]
Rank = tuple[float, int, str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanConstraints(_Model):
    """What the coach allows; ``None`` means: take it from the intake context."""

    sessions: Annotated[int, Field(ge=1, le=12)] | None = None
    minutes: Annotated[int, Field(ge=30, le=480)] | None = None
    group_size: Annotated[int, Field(ge=1)] | None = None
    setting: Setting | None = None

    def resolve(self, context: Mapping[str, Any]) -> PlanConstraints:
        """Fill gaps from the context: planned_sessions, session_minutes, team_size, team_type."""
        setting = context.get("team_type")
        return PlanConstraints(
            sessions=self.sessions
            or _number(context.get("planned_sessions"), 1, 12)
            or DEFAULT_SESSIONS,
            minutes=self.minutes
            or _number(context.get("session_minutes"), 30, 480)
            or DEFAULT_MINUTES,
            group_size=self.group_size or _number(context.get("team_size"), 1, 100_000),
            setting=self.setting or (setting if setting in SETTINGS else None),
        )


class Reason(_Model):
    kind: ReasonKind
    findings: list[str] = []  # the findings this item works on
    rules: list[str] = []  # the rules that suggested it or concluded those findings
    text: Text


class PlanItem(_Model):
    format: str
    name: Text
    role: Literal["opening", "core", "closing"]
    minutes: int
    reason: Reason


class Session(_Model):
    number: int
    sponsor: bool  # the session with the sponsor
    focus: list[str]  # finding ids worked on, in pyramid order
    minutes: int  # planned minutes, never more than the constraint
    free: int  # minutes left for discussion and breaks
    items: list[PlanItem]


class LeftOut(_Model):
    format: str | None  # None: a finding for which no format could be planned
    name: Text
    findings: list[str]
    reason: LeftOutKind
    text: Text


class Plan(_Model):
    schema_: str = SCHEMA
    status: Literal["work", "maintenance", "no_data"]
    constraints: PlanConstraints  # as resolved against the context
    sessions: list[Session]
    left_out: list[LeftOut]
    messages: list[Text]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_json(self) -> dict:
        data = self.model_dump(mode="json")
        return {"schema": data.pop("schema_"), **data}


def build_plan(
    kb: KnowledgeBase,
    diagnosis: Diagnosis,
    context: Mapping[str, Any],
    constraints: PlanConstraints | None = None,
) -> Plan:
    """The session plan for this diagnosis; the same input always gives the same plan."""
    c = (constraints or PlanConstraints()).resolve(context)
    return _Planner(kb, diagnosis, c, str(context.get("sponsor") or "").strip()).build()


# --- internals ------------------------------------------------------------------------------


@dataclass
class _Item:
    fmt: Format
    kind: ReasonKind
    rank: Rank
    findings: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    optional: bool = False  # an extra format placed only when room is left; never reported


@dataclass
class _Slot:
    capacity: int
    frame: list[_Item] = field(default_factory=list)  # opening, sponsor, closing
    core: list[_Item] = field(default_factory=list)

    @property
    def free(self) -> int:
        return self.capacity - sum(item.fmt.minutes for item in self.core)


class _Planner:
    def __init__(self, kb: KnowledgeBase, dx: Diagnosis, c: PlanConstraints, sponsor: str) -> None:
        self.kb, self.dx, self.c, self.sponsor = kb, dx, c, sponsor
        self.sessions: int = c.sessions or DEFAULT_SESSIONS
        self.minutes: int = c.minutes or DEFAULT_MINUTES
        self.used: set[str] = set()
        self.left: dict[str, LeftOut] = {}
        self.messages: list[Text] = []

    def build(self) -> Plan:
        findings = sorted(self.dx.findings, key=self._rank)
        if not findings and all(s.mean is None for s in self.dx.scores):
            self.messages.append(_msg("plan.message.no_data"))
            return self._plan("no_data", [])
        status: Literal["work", "maintenance"] = "work" if findings else "maintenance"
        own_sponsor_session = bool(self.sponsor) and self.sessions >= 2
        work = self.sessions - 1 if own_sponsor_session else self.sessions
        if status == "maintenance":
            work = 1
        shared = bool(self.sponsor) and not own_sponsor_session
        slots = [self._frame(shared and i == work - 1) for i in range(work)]
        room = max(slot.capacity for slot in slots)
        if status == "maintenance":
            self.messages.append(_msg("plan.message.maintenance"))
            self._maintenance(slots[0])
        else:
            wanted = self._demand(findings, room)
            self._schedule(slots, findings, wanted)
            self._unplanned_findings(findings, slots)
        kept = [s for s in slots if s.core or any(i.kind == "sponsor" for i in s.frame)]
        if own_sponsor_session:
            closing = self._frame(True)
            kept += [closing] if any(i.kind == "sponsor" for i in closing.frame) else []
        self.used = {item.fmt.id for slot in kept for item in [*slot.frame, *slot.core]}
        self._unused_frame_suggestions(findings)
        if status == "work" and len(kept) < self.sessions:
            key = "plan.message.fewer_left_out" if self.left else "plan.message.fewer"
            self.messages.append(_msg(key, used=len(kept), planned=self.sessions))
        return self._plan(status, kept)

    # ranking -------------------------------------------------------------------------------

    def _rank(self, finding: Finding) -> Rank:
        severity = -SEVERITY_RANK.get(finding.severity or "", 0)
        if finding.level is not None:
            return (float(finding.level), severity, finding.id)
        dysfunction = self.kb.dysfunctions.get(finding.id)
        scales = set(dysfunction.scales) if dysfunction else set()
        levels = [
            d.level
            for d in self.kb.dysfunctions.values()
            if d.level is not None and scales & set(d.scales)
        ]
        return (max(levels, default=1) + 0.5, severity, finding.id)

    def _concluding_rules(self, finding: Finding) -> list[str]:
        """The rules that concluded the finding itself (not the signals they built on)."""
        rules = _unique([e.rule for e in finding.evidence])
        own = [r for r in rules if r in self.kb.rules and self.kb.rules[r].then.dysfunction]
        return own or rules

    # filters -------------------------------------------------------------------------------

    def _misfit(self, fmt: Format, room: int) -> tuple[LeftOutKind, Text] | None:
        setting, size = self.c.setting, self.c.group_size
        if setting and setting not in fmt.settings:
            suits = _join([self._setting(s) for s in fmt.settings])
            text = _msg("plan.left_out.setting", setting=self._setting(setting), settings=suits)
            return "setting", text
        if size is not None and not fmt.group_min <= size <= fmt.group_max:
            text = _msg("plan.left_out.group_size", min=fmt.group_min, max=fmt.group_max, size=size)
            return "group_size", text
        if fmt.minutes > room:
            text = _msg(
                "plan.left_out.too_long",
                format_minutes=fmt.minutes,
                minutes=self.minutes,
                free=max(room, 0),
            )
            return "too_long", text
        return None

    def _setting(self, setting: str) -> Text:
        question = self.kb.context_questions().get("team_type")
        for option in question.options if question else []:
            if option.value == setting:
                return option.label
        return Text(nl=setting, en=setting)

    # session frames ------------------------------------------------------------------------

    def _frame(self, with_sponsor: bool) -> _Slot:
        """A session with its opening, closing (and sponsor part); capacity is what is left."""
        closing = self._pick("closing", CLOSING, self.minutes)
        opening = self._pick("opening", OPENING, self.minutes - _minutes(closing))
        budget = self.minutes - _minutes(closing) - _minutes(opening)
        sponsor = self._sponsor(budget) if with_sponsor else None
        frame = [item for item in (opening, sponsor, closing) if item is not None]
        return _Slot(capacity=self.minutes - sum(i.fmt.minutes for i in frame), frame=frame)

    def _pick(
        self, role: Literal["opening", "closing"], preferred: str, budget: int
    ) -> _Item | None:
        suggested = [s.format for s in self.dx.suggestions]
        candidates = sorted(
            (f for f in self.kb.formats.values() if f.role == role),
            key=lambda f: (f.id not in suggested, f.id != preferred, not f.recurring, f.id),
        )
        for fmt in candidates:
            if (fmt.recurring or fmt.id not in self.used) and not self._misfit(fmt, budget):
                self.used.add(fmt.id)
                return _Item(fmt, role, _FRAME_RANK)
        return None

    def _sponsor(self, budget: int) -> _Item | None:
        fmt = self.kb.formats.get(SPONSOR)
        if fmt is None:
            text = _msg("plan.left_out.unknown_format", format=SPONSOR)
            self._leave(SPONSOR, Text(nl=SPONSOR, en=SPONSOR), [], "unknown_format", text)
            return None
        misfit = self._misfit(fmt, budget)
        if misfit:
            self._leave(fmt.id, fmt.name, [], *misfit)
            return None
        self.used.add(fmt.id)
        return _Item(fmt, "sponsor", _FRAME_RANK)

    # demand --------------------------------------------------------------------------------

    def _demand(self, findings: list[Finding], room: int) -> list[list[_Item]]:
        """Per finding (pyramid order) the formats that serve it, suggested ones first.

        A format serving several findings is one item, in each of their lists; its rank is that
        of the lowest finding it serves. Formats that cannot fit at all are left out here.
        """
        chosen: dict[str, _Item] = {}
        wanted: list[list[_Item]] = []
        ids = {f.id for f in findings}

        def value(serves: list[str], minutes: int, format_id: str) -> tuple[int, int, str]:
            return (-len(ids.intersection(serves)), minutes, format_id)

        suggestions = sorted(
            self.dx.suggestions, key=lambda s: value(s.answers, s.minutes, s.format)
        )
        addressing = sorted(
            (f for f in self.kb.formats.values() if f.role == "core"),
            key=lambda f: value(f.addresses, f.minutes, f.id),
        )
        for finding in findings:
            rank, own_rules = self._rank(finding), self._concluding_rules(finding)
            items: list[_Item] = []
            wanted.append(items)
            for suggestion in suggestions:
                if finding.id not in suggestion.answers:
                    continue
                rules = _unique([e.rule for e in suggestion.evidence] + own_rules)
                fmt = self.kb.formats.get(suggestion.format)
                if fmt is None:
                    text = _msg("plan.left_out.unknown_format", format=suggestion.format)
                    self._leave(
                        suggestion.format, suggestion.name, [finding.id], "unknown_format", text
                    )
                elif fmt.role != "core":
                    continue
                elif fmt.id in chosen:
                    _attach(chosen[fmt.id], finding.id, rules, "suggested")
                    items.append(chosen[fmt.id])
                elif misfit := self._misfit(fmt, room):
                    self._leave(fmt.id, fmt.name, [finding.id], *misfit)
                else:
                    chosen[fmt.id] = _Item(fmt, "suggested", rank, [finding.id], rules)
                    items.append(chosen[fmt.id])
            first_misfit: tuple[LeftOutKind, Text] | None = None
            for fmt in addressing:
                if len(items) >= FORMATS_PER_FINDING:
                    break
                if finding.id not in fmt.addresses:
                    continue
                if fmt.id in chosen:
                    _attach(chosen[fmt.id], finding.id, own_rules, "addresses")
                    items.append(chosen[fmt.id])
                elif misfit := self._misfit(fmt, room):
                    first_misfit = first_misfit or misfit
                else:
                    item = _Item(fmt, "addresses", rank, [finding.id], own_rules, bool(items))
                    chosen[fmt.id] = item
                    items.append(item)
            if not items and not self._left_for(finding.id):
                kind, text = first_misfit or ("no_format", _msg("plan.left_out.no_format"))
                self._leave(None, finding.name, [finding.id], kind, text)
        return wanted

    # placement -----------------------------------------------------------------------------

    def _schedule(
        self, slots: list[_Slot], findings: list[Finding], wanted: list[list[_Item]]
    ) -> None:
        """Breadth first: every finding its first format that fits, then more in turns.

        In the first round a new pyramid level starts a fresh session while there are enough
        sessions left for the levels still to come (a preference: when that leaves no room,
        any session that keeps the order will do).
        """
        levels = [self._rank(f)[0] for f in findings]
        placed: set[int] = set()
        tried: set[int] = set()
        floor, previous = 0, None
        for index, (finding, items) in enumerate(zip(findings, wanted, strict=True)):
            level = levels[index]
            if level != previous:
                previous = level
                last = max((i for i, s in enumerate(slots) if s.core), default=-1)
                if last >= 0 and len(slots) - 1 - last >= len(set(levels[index:])):
                    floor = last + 1
            if any(id(item) in placed for item in items):
                continue
            for item in items:
                if id(item) in tried:
                    continue
                tried.add(id(item))
                if self._place_for(slots, item, finding, floor):
                    placed.add(id(item))
                    break
        for optional in (False, True):
            while True:
                turn = [
                    (
                        f,
                        next(
                            (i for i in items if id(i) not in tried and i.optional == optional),
                            None,
                        ),
                    )
                    for f, items in zip(findings, wanted, strict=True)
                ]
                if not any(item for _, item in turn):
                    break
                for finding, turn_item in turn:
                    if turn_item is not None and id(turn_item) not in tried:  # shared by two
                        tried.add(id(turn_item))
                        if self._place_for(slots, turn_item, finding, 0):
                            placed.add(id(turn_item))
        text = _msg("plan.left_out.no_room", sessions=self.sessions, minutes=self.minutes)
        for items in wanted:
            for item in items:
                if id(item) not in placed and not item.optional:
                    self._leave(item.fmt.id, item.fmt.name, item.findings, "no_room", text)

    def _place_for(self, slots: list[_Slot], item: _Item, finding: Finding, floor: int) -> bool:
        """Place a format where its first finding asks; failing that, where ``finding`` asks.

        A format that serves a trust finding and an accountability finding may, when there is
        no room left among the trust work, still go in with the accountability work; it then
        counts as accountability work (that finding comes first in its reason).
        """
        for start in dict.fromkeys((floor, 0)):
            if _place(slots, item, start):
                return True
        rank = self._rank(finding)
        if rank[0] <= item.rank[0] or not _place(slots, item, 0, rank):
            return False
        item.rank = rank
        item.findings.remove(finding.id)
        item.findings.insert(0, finding.id)
        return True

    def _maintenance(self, slot: _Slot) -> None:
        for format_id in MAINTENANCE_FORMATS:
            fmt = self.kb.formats.get(format_id)
            if fmt and fmt.role == "core" and not self._misfit(fmt, slot.free):
                slot.core.append(_Item(fmt, "maintenance", _FRAME_RANK))
                self.used.add(fmt.id)
                return

    def _unplanned_findings(self, findings: list[Finding], slots: list[_Slot]) -> None:
        planned = {f for slot in slots for item in slot.core for f in item.findings}
        for finding in findings:
            if finding.id not in planned and not self._left_for(finding.id):
                text = _msg("plan.left_out.no_room", sessions=self.sessions, minutes=self.minutes)
                self._leave(None, finding.name, [finding.id], "no_room", text)

    def _unused_frame_suggestions(self, findings: list[Finding]) -> None:
        """A suggested opening or closing format that no session could use is left out too."""
        ids = {f.id for f in findings}
        for suggestion in self.dx.suggestions:
            fmt = self.kb.formats.get(suggestion.format)
            wanted = [f for f in suggestion.answers if f in ids]
            if fmt is None or fmt.role == "core" or fmt.id in self.used or not wanted:
                continue
            misfit = self._misfit(fmt, self.minutes)
            text = _msg("plan.left_out.no_room", sessions=self.sessions, minutes=self.minutes)
            self._leave(fmt.id, fmt.name, wanted, *(misfit or ("no_room", text)))

    # bookkeeping ---------------------------------------------------------------------------

    def _leave(
        self,
        format_id: str | None,
        name: Text,
        findings: list[str],
        kind: LeftOutKind,
        text: Text,
    ) -> None:
        """Record what is left out; a format is listed once, with every finding it was for."""
        key = f"format:{format_id}" if format_id else f"finding:{findings[0]}"
        known = self.left.get(key)
        merged = _unique([*(known.findings if known else []), *findings])
        entry = LeftOut(format=format_id, name=name, findings=merged, reason=kind, text=text)
        self.left[key] = known.model_copy(update={"findings": merged}) if known else entry

    def _left_for(self, finding_id: str) -> bool:
        return any(finding_id in entry.findings for entry in self.left.values())

    def _plan(self, status: Literal["work", "maintenance", "no_data"], slots: list[_Slot]) -> Plan:
        sessions = [self._session(n, slot) for n, slot in enumerate(slots, start=1)]
        left_out = [e for e in self.left.values() if e.format is None or e.format not in self.used]
        return Plan(
            status=status,
            constraints=self.c,
            sessions=sessions,
            left_out=left_out,
            messages=self.messages,
        )

    def _session(self, number: int, slot: _Slot) -> Session:
        core = sorted(slot.core, key=lambda item: item.rank)
        frame = {item.kind: item for item in slot.frame}
        ordered = [
            *(frame[k] for k in ("opening",) if k in frame),
            *core,
            *(frame[k] for k in ("sponsor", "closing") if k in frame),
        ]
        items = [self._item(item) for item in ordered]
        minutes = sum(item.minutes for item in items)
        return Session(
            number=number,
            sponsor="sponsor" in frame,
            focus=_unique([f for item in core for f in item.findings]),
            minutes=minutes,
            free=self.minutes - minutes,
            items=items,
        )

    def _item(self, item: _Item) -> PlanItem:
        reason = Reason(
            kind=item.kind, findings=item.findings, rules=item.rules, text=self._reason(item)
        )
        return PlanItem(
            format=item.fmt.id,
            name=item.fmt.name,
            role=item.fmt.role,
            minutes=item.fmt.minutes,
            reason=reason,
        )

    def _reason(self, item: _Item) -> Text:
        if item.kind in ("suggested", "addresses"):
            names = _join([self._finding_name(f) for f in item.findings])
            rules = ", ".join(item.rules) or "-"
            return _msg(f"plan.reason.{item.kind}", findings=names, rules=rules)
        if item.kind == "sponsor":
            return _msg("plan.reason.sponsor", sponsor=self.sponsor)
        return _msg(f"plan.reason.{item.kind}")

    def _finding_name(self, finding_id: str) -> Text:
        for finding in self.dx.findings:
            if finding.id == finding_id:
                return finding.name
        return Text(nl=finding_id, en=finding_id)


_FRAME_RANK: Rank = (0.0, 0, "")


def _place(slots: list[_Slot], item: _Item, floor: int, rank: Rank | None = None) -> bool:
    """Put the item in the first session from ``floor`` that has room and keeps pyramid order."""
    level = (rank or item.rank)[0]
    for index in range(floor, len(slots)):
        before = all(x.rank[0] <= level for s in slots[:index] for x in s.core)
        after = all(x.rank[0] >= level for s in slots[index + 1 :] for x in s.core)
        if before and after and slots[index].free >= item.fmt.minutes:
            slots[index].core.append(item)
            return True
    return False


def _attach(item: _Item, finding_id: str, rules: list[str], kind: ReasonKind) -> None:
    if finding_id not in item.findings:
        item.findings.append(finding_id)
    item.rules = _unique([*item.rules, *rules])
    if kind == "suggested":
        item.kind = "suggested"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _minutes(item: _Item | None) -> int:
    return item.fmt.minutes if item else 0


def _number(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if low <= value <= high else None


def _join(texts: list[Text]) -> Text:
    unique = list(dict.fromkeys(texts))
    if not unique:
        return Text(nl="-", en="-")
    return Text(nl=", ".join(x.nl for x in unique), en=", ".join(x.en for x in unique))


def _msg(key: str, **values: object) -> Text:
    """A message in both languages; Text values are filled in per language."""

    def fill(lang: Literal["nl", "en"]) -> str:
        return t(key, lang, **{k: v(lang) if isinstance(v, Text) else v for k, v in values.items()})

    return Text(nl=fill("nl"), en=fill("en"))
