"""Step 3: packing the chosen formats into sessions, in the order of the work.

The chosen formats form one sequence in pyramid order; the sessions take consecutive parts of
it, so the order of the work holds across sessions by construction. Among all ways to cut
the sequence, the planner takes the one that (in this order of importance) leaves the fewest
sessions without work, mixes the fewest pyramid levels within a session (a new level starts a
fresh session where the number of sessions allows), leaves empty sessions at the end rather
than in between, and spreads the minutes most evenly. A dynamic programme over (formats used,
sessions filled) finds that cut exactly; it also answers "does this still fit?" while the
formats are chosen.

A session fits its part when the formats plus the session's frame (coachassist/plan/frame.py)
stay within its minutes; a single format as long as the session pushes the frame aside.
Locked formats and the sponsor part are fixed in their session and take its minutes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coachassist.kb.models import Format
from coachassist.plan.frame import Frame, Framer

Cost = tuple[int, int, int, int]
_INFINITE: Cost = (10**9, 0, 0, 0)


@dataclass
class Bin:
    """One session to fill: its length and what is fixed in it already."""

    limit: int
    pinned: list[Format] = field(default_factory=list)  # locked core formats, in their order
    sponsor: Format | None = None  # the sponsor part ends this session

    @property
    def fixed(self) -> int:
        return sum(f.minutes for f in self.pinned) + (self.sponsor.minutes if self.sponsor else 0)

    @property
    def has_work(self) -> bool:
        return bool(self.pinned or self.sponsor)


@dataclass(frozen=True)
class Piece:
    fmt: Format
    level: float  # pyramid place of the finding it is planned for


class Packer:
    def __init__(self, bins: list[Bin], framer: Framer) -> None:
        self.bins, self.framer = bins, framer

    def frame(self, b: int, group: list[Format]) -> Frame | None:
        bin_ = self.bins[b]
        core = [*bin_.pinned, *group]
        fixed = bin_.sponsor.minutes if bin_.sponsor else 0
        squeeze = len(group) + (1 if fixed else 0) <= 1  # locked formats may squeeze the frame
        return self.framer.frame(bin_.limit, core, fixed, squeeze)

    def pack(self, pieces: list[Piece]) -> list[list[Piece]] | None:
        """The best cut of ``pieces`` (already in the order of the work) over the sessions, or
        None when they do not fit."""
        n, m = len(pieces), len(self.bins)
        best: list[list[Cost]] = [[_INFINITE] * (m + 1) for _ in range(n + 1)]
        cut: list[list[int]] = [[-1] * (m + 1) for _ in range(n + 1)]
        best[0][0] = (0, 0, 0, 0)
        for b in range(m):
            for i in range(n + 1):
                if best[i][b] == _INFINITE:
                    continue
                for j in range(i, n + 1):
                    cost = self._cost(b, pieces[i:j])
                    if cost is None:
                        if j > i:
                            break  # longer parts only get longer
                        continue
                    total = _add(best[i][b], cost)
                    if total < best[j][b + 1]:
                        best[j][b + 1], cut[j][b + 1] = total, i
        if best[n][m] == _INFINITE:
            return None
        parts: list[list[Piece]] = []
        j = n
        for b in range(m, 0, -1):
            i = cut[j][b]
            parts.append(pieces[i:j])
            j = i
        return parts[::-1]

    def _cost(self, b: int, part: list[Piece]) -> Cost | None:
        bin_ = self.bins[b]
        formats = [p.fmt for p in part]
        if sum(f.minutes for f in formats) + bin_.fixed > bin_.limit:
            return None
        frame = self.frame(b, formats)
        if frame is None:
            return None
        free = bin_.limit - bin_.fixed - frame.minutes - sum(f.minutes for f in formats)
        if not part and not bin_.has_work:
            return (1, 0, len(self.bins) - b, free * free)
        levels = len({p.level for p in part})
        return (0, max(levels - 1, 0), 0, free * free)


def _add(a: Cost, b: Cost) -> Cost:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])
