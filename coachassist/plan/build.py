"""The planner's steps put together: order, candidates, choosing, packing, frame, sponsor.

Choosing (between candidates and packing) works in three passes, each format only kept when
the whole selection still packs (coachassist/plan/packing.py):

1. Coverage: the format that covers most of the not yet covered findings (weighted by
   severity: high 3, medium 2, low 1) first; ties: a suggested format before one found through
   ``addresses``, then the diagnosis's order (its strongest suggestion first), then the
   longer one (the seed programmes are built around long formats), then id. Repeated until
   no format covers anything new.
2. Depth: in turns, every finding gets a next format until ``FORMATS_PER_FINDING`` formats
   are planned for it (a format counts for the finding it was planned for).
3. Filling: while a planned session would stay without work, more formats for the findings.

A suggested format that is not planned is listed in ``left_out`` with its reason, and so is
every finding that no format in the plan works on, with what would change that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Literal

from coachassist.diagnosis import Diagnosis
from coachassist.intake.models import PlanEdits
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.plan.candidates import Candidate, Pool, gather, is_core
from coachassist.plan.fit import misfit
from coachassist.plan.frame import Frame, Framer, FrameRole
from coachassist.plan.leftout import (
    Scope,
    left_out,
    sponsor_formats,
    sponsor_left_out,
    suggestion_fits,
)
from coachassist.plan.models import (
    DEFAULT_MINUTES,
    DEFAULT_SESSIONS,
    LeftOut,
    Note,
    Plan,
    PlanConstraints,
    PlanItem,
    Reason,
    ReasonKind,
    Session,
)
from coachassist.plan.order import ordered, rank, weight
from coachassist.plan.packing import Bin, Packer, Piece

FORMATS_PER_FINDING = 2
Status = Literal["work", "maintenance", "no_data"]


def build_plan(
    kb: KnowledgeBase,
    diagnosis: Diagnosis,
    context: Mapping[str, Any],
    constraints: PlanConstraints | None = None,
    edits: PlanEdits | None = None,
    *,
    replan: bool = False,
) -> Plan:
    """The session plan; the same input always gives the same plan.

    With ``edits`` (the coach's plan from the intake) the coach's layout is the plan, as long
    as it was made for these limits and ``replan`` is false; otherwise a new plan is made
    around the formats the coach locked, without the formats the coach removed.
    """
    edits = edits or PlanEdits()
    given = constraints or PlanConstraints()
    c = given.model_copy(
        update={
            "sessions": given.sessions or edits.sessions,
            "minutes": given.minutes or edits.minutes,
        }
    ).resolve(context)
    made_for = PlanConstraints(sessions=edits.sessions, minutes=edits.minutes).resolve(context)
    use_layout = (
        bool(edits.layout)
        and not replan
        and (c.sessions, c.minutes) == (made_for.sessions, made_for.minutes)
    )
    sponsor = str(context.get("sponsor") or "").strip()
    return _Builder(kb, diagnosis, c, sponsor, edits).build(use_layout)


class _Builder:
    def __init__(
        self, kb: KnowledgeBase, dx: Diagnosis, c: PlanConstraints, sponsor: str, edits: PlanEdits
    ) -> None:
        self.kb, self.dx, self.c, self.sponsor, self.edits = kb, dx, c, sponsor, edits
        self.sessions: int = c.sessions or DEFAULT_SESSIONS
        self.minutes: int = c.minutes or DEFAULT_MINUTES
        self.notes: list[Note] = []
        self.findings = ordered(kb, dx)
        self.ids = [f.id for f in self.findings]
        self.level = {f.id: rank(kb, f)[0] for f in self.findings}
        self.pool: Pool = gather(kb, dx, self.findings, c, set(edits.removed))
        self.info = {x.fmt.id: x for x in self.pool.candidates}
        wanted: dict[FrameRole, bool] = {
            "opening": edits.opening != "none",
            "closing": edits.closing != "none",
        }
        self.framer = Framer(kb, c, wanted, self._locked_frame())
        self.scope = Scope(kb, dx, c, self.pool, self.findings, self.sessions, self.minutes)

    # the whole ---------------------------------------------------------------------------

    def build(self, use_layout: bool) -> Plan:
        if not self.findings and all(s.mean is None for s in self.dx.scores):
            return self._plan("no_data", [], [])
        status: Status = "work" if self.findings else "maintenance"
        if use_layout:
            return self._from_layout(status)
        sponsor_fmt = self._sponsor_format()
        own_sponsor = sponsor_fmt is not None and self.sessions >= 2
        count = 1 if status == "maintenance" else self.sessions - (1 if own_sponsor else 0)
        bins = [Bin(self.minutes) for _ in range(count)]
        if sponsor_fmt is not None and not own_sponsor and status == "work":
            bins[-1].sponsor = sponsor_fmt
        pinned = self._pin(bins)
        packer = Packer(bins, self.framer)
        if status == "maintenance":
            self.notes.append(Note(kind="maintenance"))
            chosen = self._maintenance(packer)
        else:
            chosen = self._choose(packer, pinned)
        parts = self._pack(packer, chosen) or [[] for _ in bins]
        sessions = [
            self._session(packer, b, [p.fmt for p in part])
            for b, part in enumerate(parts)
            if part or bins[b].has_work
        ]
        if own_sponsor and sponsor_fmt is not None:
            sponsor_bin = Packer([Bin(self.minutes, sponsor=sponsor_fmt)], self.framer)
            sessions.append(self._session(sponsor_bin, 0, []))
        sessions = [s.model_copy(update={"number": n}) for n, s in enumerate(sessions, 1)]
        left = left_out(self.scope, sessions, list_no_room=True) if status == "work" else []
        left += sponsor_left_out(self.scope, self.sponsor, sessions)
        if status == "work" and len(sessions) < self.sessions:
            kind = "fewer_left_out" if left else "fewer"
            self.notes.append(
                Note(kind=kind, values={"used": len(sessions), "planned": self.sessions})
            )
        return self._plan(status, sessions, left)

    # choosing ----------------------------------------------------------------------------

    def _choose(self, packer: Packer, pinned: set[str]) -> list[Candidate]:
        chosen: list[Candidate] = []
        tried: set[str] = set(pinned)

        def attempt(candidate: Candidate, planned_for: str) -> bool:
            """Keep the format (planned for that finding) when everything still packs."""
            tried.add(candidate.fmt.id)
            rest = [f for f in candidate.findings if f != planned_for]
            # planned for a finding no rule suggested it for: there because it addresses it
            kind: ReasonKind = (
                "suggested" if planned_for in candidate.suggested_for else "addresses"
            )
            candidate = replace(candidate, findings=[planned_for, *rest], kind=kind)
            if self._pack(packer, [*chosen, candidate]) is None:
                return False
            chosen.append(candidate)
            self.info[candidate.fmt.id] = candidate
            return True

        covered = {f for fid in pinned for f in self._serves(fid)}
        weights = {f.id: weight(f) for f in self.findings}
        for suggested_only in (True, False):  # 1. coverage
            while True:
                best = self._best_cover(tried, covered, weights, suggested_only)
                if best is None:
                    break
                serves = best.suggested_for if suggested_only else best.findings
                first = next(f for f in serves if f not in covered)
                if attempt(best, first):
                    covered.update(best.findings)
        for turn in range(FORMATS_PER_FINDING):  # 2. depth
            for finding in self.ids:
                if self._count(chosen, pinned, finding) > turn:
                    continue
                for candidate in self.pool.by_finding[finding]:
                    if candidate.fmt.id not in tried and attempt(candidate, finding):
                        break
        while self._empty_bins(packer, chosen):  # 3. filling
            progress = False
            for finding in self.ids:
                for candidate in self.pool.by_finding[finding]:
                    if candidate.fmt.id not in tried:
                        progress = attempt(candidate, finding) or progress
                        break
            if not progress and not any(
                x.fmt.id not in tried for xs in self.pool.by_finding.values() for x in xs
            ):
                break
        return chosen

    def _best_cover(
        self, tried: set[str], covered: set[str], weights: dict[str, int], suggested_only: bool
    ) -> Candidate | None:
        """The untried format covering most of what is not covered yet (first: counting only
        the findings a rule suggested it for; then any finding it addresses)."""
        options = []
        for x in self.pool.candidates:
            serves = x.suggested_for if suggested_only else x.findings
            gain = sum(weights[f] for f in serves if f not in covered)
            if gain > 0 and x.fmt.id not in tried:
                options.append((gain, x))
        if not options:
            return None
        return min(
            options,
            key=lambda o: (
                -o[0],
                o[1].kind != "suggested",
                o[1].order,
                -o[1].fmt.minutes,
                o[1].fmt.id,
            ),
        )[1]

    def _count(self, chosen: list[Candidate], pinned: set[str], finding: str) -> int:
        return sum(x.findings[0] == finding for x in chosen if x.findings) + sum(
            finding in self._serves(fid) for fid in pinned
        )

    def _empty_bins(self, packer: Packer, chosen: list[Candidate]) -> bool:
        parts = self._pack(packer, chosen)
        return parts is not None and any(
            not part and not packer.bins[b].has_work for b, part in enumerate(parts)
        )

    def _pack(self, packer: Packer, chosen: list[Candidate]) -> list[list[Piece]] | None:
        """Cut the chosen formats over the sessions: in the order they were chosen within a
        level, else shortest first within a level (formats of one level may swap places)."""
        pieces = self._pieces(chosen)
        parts = packer.pack(pieces)
        if parts is None:
            parts = packer.pack(sorted(pieces, key=lambda p: (p.level, p.fmt.minutes)))
        return parts

    def _pieces(self, chosen: list[Candidate]) -> list[Piece]:
        levels = [self.level[x.findings[0]] if x.findings else 0.0 for x in chosen]
        order = sorted(range(len(chosen)), key=lambda n: (levels[n], n))  # stable: chosen first
        return [Piece(chosen[n].fmt, levels[n]) for n in order]

    def _maintenance(self, packer: Packer) -> list[Candidate]:
        for fmt in sorted(self.kb.formats.values(), key=lambda f: f.id):
            if "maintenance" not in fmt.default_for or not is_core(fmt) or misfit(fmt, self.c):
                continue
            candidate = Candidate(fmt, "maintenance", [], [], 0)
            if packer.pack([Piece(fmt, 0.0)]) is not None:
                return [candidate]
        return []

    # frame, sponsor and locks ------------------------------------------------------------

    def _sponsor_format(self) -> Format | None:
        if not self.sponsor:
            return None
        for fmt in sponsor_formats(self.kb):
            if not misfit(fmt, self.c) and fmt.minutes <= self.minutes:
                return fmt
        return None

    def _locked(self, report: bool = True) -> list[tuple[int, Format]]:
        found = []
        for index, session in enumerate(self.edits.layout):
            for item in session.items:
                fmt = self.kb.formats.get(item.format)
                if item.locked and fmt is not None:
                    found.append((index, fmt))
                elif item.locked and report:
                    self.notes.append(Note(kind="unknown_in_edits", values={"format": item.format}))
        return found

    def _locked_frame(self) -> dict[FrameRole, Format]:
        chosen: dict[FrameRole, Format] = {}
        for _, fmt in self._locked(report=False):
            if fmt.role in ("opening", "closing") and fmt.recurring:
                chosen.setdefault(fmt.role, fmt)
        return chosen

    def _pin(self, bins: list[Bin]) -> set[str]:
        pinned: set[str] = set()
        for index, fmt in self._locked():
            if not is_core(fmt) or fmt.id in pinned:
                continue
            target = min(index, len(bins) - 1)
            day = self.edits.layout[index].minutes if index < len(self.edits.layout) else None
            if day and day >= fmt.minutes and index == target and not bins[target].pinned:
                bins[target].limit = max(bins[target].limit, day)  # the coach's day session
            candidates = [target, *(b for b in range(len(bins)) if b != target)]
            for b in candidates:
                if bins[b].fixed + fmt.minutes <= bins[b].limit:
                    bins[b].pinned.append(fmt)
                    pinned.add(fmt.id)
                    if b != index:
                        self.notes.append(
                            Note(kind="lock_moved", values={"format": fmt.id, "session": b + 1})
                        )
                    break
            else:
                self.notes.append(Note(kind="lock_dropped", values={"format": fmt.id}))
        return pinned

    # the coach's own layout --------------------------------------------------------------

    def _from_layout(self, status: Status) -> Plan:
        sessions = []
        for number, planned in enumerate(self.edits.layout, start=1):
            limit = planned.minutes or self.minutes
            items = []
            for entry in planned.items:
                fmt = self.kb.formats.get(entry.format)
                if fmt is None:
                    self.notes.append(
                        Note(kind="unknown_in_edits", values={"format": entry.format})
                    )
                    continue
                items.append(self._item(fmt, entry.locked))
            minutes = sum(i.minutes for i in items)
            if minutes > limit:
                over = {"session": number, "over": minutes - limit}
                self.notes.append(Note(kind="over_time", values=over))
            sessions.append(self._make_session(number, items, limit))
        self.notes.insert(0, Note(kind="edited"))
        left = left_out(self.scope, sessions, list_no_room=False) if status == "work" else []
        return self._plan(status, sessions, left, edited=True)

    # the result --------------------------------------------------------------------------

    def _session(self, packer: Packer, b: int, group: list[Format]) -> Session:
        bin_ = packer.bins[b]
        frame = packer.frame(b, group) or Frame(None, None)
        formats = [
            *([frame.opening] if frame.opening else []),
            *bin_.pinned,
            *group,
            *([bin_.sponsor] if bin_.sponsor else []),
            *([frame.closing] if frame.closing else []),
        ]
        pinned = {f.id for f in bin_.pinned}
        items = [self._item(f, f.id in pinned) for f in formats]
        return self._make_session(b + 1, items, bin_.limit)

    def _make_session(self, number: int, items: list[PlanItem], limit: int) -> Session:
        minutes = sum(i.minutes for i in items)
        focus = [i.reason.findings[0] for i in items if i.role == "core" and i.reason.findings]
        focus = sorted(
            dict.fromkeys(focus), key=lambda f: (self.level.get(f, 0.0), self.ids.index(f))
        )
        return Session(
            number=number,
            sponsor=any(i.reason.kind == "sponsor" for i in items),
            focus=focus,
            limit=limit,
            minutes=minutes,
            free=limit - minutes,
            items=items,
        )

    def _item(self, fmt: Format, locked: bool) -> PlanItem:
        return PlanItem(
            format=fmt.id,
            name=fmt.name,
            role=fmt.role,
            minutes=fmt.minutes,
            reason=self._reason(fmt),
            locked=locked,
            steps=len(fmt.steps),
        )

    def _reason(self, fmt: Format) -> Reason:
        if fmt.role in ("opening", "closing"):
            return Reason(kind=fmt.role)
        if "sponsor" in fmt.default_for:
            return Reason(kind="sponsor", sponsor=self.sponsor)
        candidate = self.info.get(fmt.id)
        if candidate is not None:
            return Reason(kind=candidate.kind, findings=candidate.findings, rules=candidate.rules)
        if not self.findings and "maintenance" in fmt.default_for:
            return Reason(kind="maintenance")
        return Reason(kind="coach", findings=self._serves(fmt.id))

    def _serves(self, format_id: str) -> list[str]:
        candidate = self.info.get(format_id)
        if candidate is not None:
            return candidate.findings
        fmt = self.kb.formats.get(format_id)
        return [f for f in self.ids if fmt is not None and f in fmt.addresses]

    def _plan(
        self, status: Status, sessions: list[Session], left: list[LeftOut], *, edited: bool = False
    ) -> Plan:
        return Plan(
            status=status,
            edited=edited,
            constraints=self.c,
            sessions=sessions,
            left_out=left,
            notes=[*self.notes] if status != "no_data" else [Note(kind="no_data")],
            suggestions=suggestion_fits(self.kb, self.dx, self.c),
        )
