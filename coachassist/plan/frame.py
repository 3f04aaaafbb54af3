"""Step 4: the frame of each session: an opening and a closing that scale with the session.

- A session of ``SHORT`` minutes or more opens and closes with the formats marked
  ``default_for = ["opening"]`` / ``["closing"]`` (the seed's check-in and follow-through
  actions); a shorter session with the shortest recurring opening and closing: a short round.
- No opening where a core format has its own check-in (``own_checkin = true``).
- A format as long as the session takes the whole session: the frame gives way (the opening
  first, then the closing), never the format.
- The coach may switch the opening or the closing off (``PlanEdits.opening = "none"``).
Only recurring formats frame sessions, so the same one may return every session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.plan.fit import misfit
from coachassist.plan.models import PlanConstraints

SHORT = 120  # minutes: below this a session gets a short round instead of the full frame
FrameRole = Literal["opening", "closing"]


@dataclass(frozen=True)
class Frame:
    opening: Format | None
    closing: Format | None

    @property
    def minutes(self) -> int:
        return sum(f.minutes for f in (self.opening, self.closing) if f is not None)


class Framer:
    """Chooses frames for one plan (the choice depends only on role and session length)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        c: PlanConstraints,
        wanted: dict[FrameRole, bool],
        chosen: dict[FrameRole, Format] | None = None,
    ) -> None:
        self.kb, self.c, self.wanted = kb, c, wanted
        self.chosen = chosen or {}  # the coach locked this opening or closing: it is used
        self._cache: dict[tuple[FrameRole, int], Format | None] = {}

    def choose(self, role: FrameRole, limit: int) -> Format | None:
        if (role, limit) not in self._cache:
            self._cache[role, limit] = self._choose(role, limit)
        return self._cache[role, limit]

    def _choose(self, role: FrameRole, limit: int) -> Format | None:
        if not self.wanted[role]:
            return None
        if role in self.chosen:
            return self.chosen[role] if self.chosen[role].minutes < limit else None
        fits = [
            f
            for f in self.kb.formats.values()
            if f.role == role and f.recurring and f.minutes < limit and not misfit(f, self.c)
        ]
        if limit >= SHORT:
            key = lambda f: (role not in f.default_for, f.minutes, f.id)  # noqa: E731
        else:
            key = lambda f: (f.minutes, role not in f.default_for, f.id)  # noqa: E731
        return min(fits, key=key, default=None)

    def frame(
        self, limit: int, core: list[Format], fixed: int = 0, squeeze: bool | None = None
    ) -> Frame | None:
        """The frame for a session of ``limit`` minutes around ``core`` (plus ``fixed`` minutes
        of the sponsor part); None when the work does not fit. The frame gives way only to a
        single format that takes the whole session (or where ``squeeze`` says so: the coach's
        locked formats)."""
        work = sum(f.minutes for f in core) + fixed
        if work > limit:
            return None
        opening = None if any(f.own_checkin for f in core) else self.choose("opening", limit)
        closing = self.choose("closing", limit)
        full = Frame(opening, closing)
        if work + full.minutes <= limit:
            return full
        if squeeze is None:
            squeeze = len(core) + (1 if fixed else 0) <= 1
        if not squeeze:
            return None  # only a format that takes the whole session pushes the frame aside
        for smaller in (Frame(None, closing), Frame(None, None)):
            if work + smaller.minutes <= limit:
                return smaller
        return None  # pragma: no cover - Frame(None, None) always fits here
