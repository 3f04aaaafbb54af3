"""Complementary suppression: the question figures that would let a scale's mean be differenced.

A scale's mean S is the mean of the counted people's own means (each over the questions they
answered, at least ``min_answers``); a question's mean A_i is over everyone who answered it.
Every shown mean is a sum over people divided by a count that is shown too: n * S, n_i * A_i and
each role's sum on the scale (``by_role``, the gap). Combined, such sums can rest on fewer than
k people: with m questions, n * S - (1/m) * sum_i n_i * A_i is zero when everyone answered
every question, but when one person skipped a question it is that person's own answers,
weighted (one "don't know" gives their scale mean away), and someone who answered too few
questions to count is in the question means only, so their answers fall out of it as well.

The audit, per shown scale: group the people who answered any of its questions by what the
shown sums can tell apart (the questions they answered, whether they count, and their role
when per-role means are shown). Every shown sum treats the people of one group alike, so any
combination of them is zero or nonzero on a whole group at once. A combination resting on a
set P of groups exists exactly when rank(all sums) > rank(the sums with P's answers left out):
that many independent combinations vanish outside P. It is a leak when P holds fewer than k
people, unless the only such combination is a consented lead's own mean (the lead's view).
Only answers appear in these sums, so this is exact for every mean and diff that can be shown,
whoever the reader knows to have skipped what.

When the audit finds a leak, questions of that scale are withheld (mean, sd, n, agreed and
diff) until it finds none. Any set the audit accepts is safe, so the choice is what costs
least: the fewest questions some rule looks at (a question no rule looks at shows nowhere, so
withholding it changes no output), then the fewest questions, preferring those that let the
difference be formed (a counted person skipped them, an uncounted person answered them).
Withholding every question of the scale always suffices: the scale's sum and its per-role sums
each rest on k people (or on a consenting lead).

The spreads are not sums of answers and do not reopen it: a question's variance (its sd, or
what the scale's rwg carries of it) stays the same when every answer to that question moves by
the same amount, so it says nothing of the question's sum that the difference needs, and a
scale's sd holds every counted person's products of their own answers, which no shown figure
cancels. A withheld question's figures go as a whole (its sd and share agreeing with its mean).
Not covered, here or by any threshold: whole answers can narrow things down (k people who all
gave the same answer have each given it away).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from coachassist.intake.models import Intake
from coachassist.kb.models import Questionnaire, Rule

MAX_TRIES = 128  # sets of questions tried before every question of the scale is withheld
MAX_SUSPECTS = 256  # sets of fewer than k people checked before a leak is assumed


def ruled_questions(rules: Iterable[Rule]) -> frozenset[str]:
    """The questions some rule's condition looks at (the only way a question's figures show)."""
    return frozenset(
        cond.name
        for rule in rules
        for cond in [*rule.conditions, *rule.any_conditions]
        if cond.kind == "item"
    )


@dataclass(frozen=True)
class Group:
    """People the shown sums cannot tell apart on one scale."""

    role: str  # "" when no per-role figure of the scale is shown
    answered: frozenset[str]
    counted: bool  # has at least ``min_answers`` answers: in the scale's mean


def exposed_questions(
    scan: Questionnaire,
    intake: Intake,
    k: int,
    scales: Collection[str],
    items: Collection[str],
    per_role: Collection[str],
    consented: Collection[str],
    ruled: Collection[str] = (),
) -> frozenset[str]:
    """The questions among ``items`` to withhold so that no combination of the shown means of
    ``scales`` (per role too, for ``per_role``) and ``items`` rests on fewer than k people.
    ``consented``: roles whose own mean is shown by their consent (the lead's view);
    ``ruled``: questions some rule looks at, withheld only when others do not suffice."""
    hidden: set[str] = set()
    for scale in scan.scales:
        qids = [q.id for q in scan.questions if q.scale == scale.id and q.type == "likert"]
        shown = [q for q in qids if q in items]
        if scale.id not in scales or not shown:
            continue
        groups = _groups(scan, intake, qids, scale.min_answers, scale.id in per_role)
        if all(g.counted and len(g.answered) == len(qids) for g in groups):
            continue  # everyone answered everything: the scale's sum is the questions' sums
        canonical = tuple(sorted(groups.items(), key=lambda item: _order(item[0])))
        hidden |= _withheld(
            canonical,
            k,
            frozenset(consented),
            tuple(shown),
            tuple(qids),
            frozenset(q for q in qids if q in ruled),
        )
    return frozenset(hidden)


def _order(group: Group) -> tuple[str, tuple[str, ...], bool]:
    return group.role, tuple(sorted(group.answered)), group.counted


@lru_cache(maxsize=4096)
def _withheld(
    groups: tuple[tuple[Group, int], ...],
    k: int,
    consented: frozenset[str],
    shown: tuple[str, ...],
    qids: tuple[str, ...],
    ruled: frozenset[str],
) -> frozenset[str]:
    """The audit's choice for one scale: a pure function of who answered what (as groups), so
    the many teams whose skipped answers fall alike (one person skipping one question) share
    it; in a batch most scales with a skipped answer are decided by a lookup."""
    by_group = dict(groups)
    audit = _Audit(by_group, consented, k)
    return frozenset(_fewest(audit, list(shown), list(qids), by_group, ruled))


def _groups(
    scan: Questionnaire, intake: Intake, qids: list[str], min_answers: int, by_role: bool
) -> dict[Group, int]:
    groups: dict[Group, int] = {}
    for person in intake.responses:
        answers = person.answers
        # a number, as the scores count it (scoring._values): never bool, "don't know" or text
        answered = frozenset(qid for qid in qids if type(answers.get(qid)) in (int, float))
        if answered:
            group = Group(person.role if by_role else "", answered, len(answered) >= min_answers)
            groups[group] = groups.get(group, 0) + 1
    return groups


def _fewest(
    audit: _Audit,
    shown: list[str],
    qids: list[str],
    groups: dict[Group, int],
    ruled: Collection[str],
) -> set[str]:
    """The cheapest of ``shown`` to withhold for the audit to pass (none when it passes);
    all of them when no set tried passes."""
    if not audit.leaks(shown):
        return set()
    everything = frozenset(qids)
    forming: set[str] = set()
    for group in groups:
        forming |= (everything - group.answered) if group.counted else group.answered
    answers = {q: sum(n for g, n in groups.items() if q in g.answered) for q in shown}
    order = sorted(shown, key=lambda q: (q not in forming, answers[q], qids.index(q)))
    for tries, withheld in enumerate(_cheapest_first(order, ruled)):
        if tries >= MAX_TRIES:
            break
        if not audit.leaks([q for q in shown if q not in withheld]):
            return set(withheld)
    return set(shown)


def _cheapest_first(order: list[str], ruled: Collection[str]) -> Iterator[tuple[str, ...]]:
    """Proper subsets of ``order`` to withhold, fewest questions a rule looks at first, then
    fewest questions, then in ``order``."""
    free = [q for q in order if q not in ruled]
    costly = [q for q in order if q in ruled]
    for cost in range(len(costly) + 1):
        for size in range(cost, len(order)):
            for paid in combinations(costly, cost):
                for rest in combinations(free, size - cost):
                    if rest or paid:
                        yield (*rest, *paid)


class _Audit:
    """Whether a scale's sum, its per-role sums and some of its questions' sums, all shown,
    combine into one that rests on fewer than k people (see the module docstring).

    Columns are compared as vectors over the shown sums: a combination vanishes on a column
    vector for every group holding it, so it can rest on a set P of groups only by vanishing
    on every vector some group outside P holds. Only vectors held by fewer than k people in
    all ("fragile") can be left to P, so the sets P tried are the holders of some fragile
    vectors together (and with a consenting lead). Too many such sets: assume a leak."""

    def __init__(self, groups: dict[Group, int], consented: Collection[str], k: int) -> None:
        self.groups = groups
        self.k = k
        self.roles = sorted({g.role for g in groups if g.counted and g.role})
        self.consented = frozenset(g for g in groups if g.counted and g.role in consented)

    def leaks(self, shown: list[str]) -> bool:
        holders: dict[tuple[int, ...], frozenset[Group]] = {}
        for group in self.groups:
            for column in self._columns(group, shown):
                holders[column] = holders.get(column, frozenset()) | {group}
        total = _rank(holders)
        suspects = self._suspects([h for h in holders.values() if self._people(h) < self.k])
        if suspects is None:
            return True
        for suspect in suspects:
            rest = _rank(v for v, held in holders.items() if not held <= suspect)
            allowed = 1 if self.consented and self.consented <= suspect else 0
            if total - rest > allowed:
                return True
        return False

    def _people(self, groups: frozenset[Group]) -> int:
        return sum(self.groups[g] for g in groups)

    def _suspects(self, fragile: list[frozenset[Group]]) -> set[frozenset[Group]] | None:
        """Every union of fragile vectors' holders with fewer than k people (and each with the
        consenting lead added, if still fewer); None when there are more than MAX_SUSPECTS."""
        found: set[frozenset[Group]] = set()
        todo = [(0, frozenset[Group]())]
        while todo:
            start, chosen = todo.pop()
            for i in range(start, len(fragile)):
                union = chosen | fragile[i]
                if self._people(union) < self.k and union not in found:
                    found.add(union)
                    if len(found) > MAX_SUSPECTS:
                        return None
                    todo.append((i + 1, union))
        with_lead = {p | self.consented for p in found}
        return found | {p for p in with_lead if self._people(p) < self.k}

    def _columns(self, group: Group, shown: list[str]) -> set[tuple[int, ...]]:
        """The group's answers as columns over the shown sums (the questions', the scale's and
        each role's); a column scaled by the group's number of answers, which keeps the rank."""
        size = len(group.answered) if group.counted else 1
        scale = 1 if group.counted else 0
        roles = tuple(scale if group.role == r else 0 for r in self.roles)
        return {
            (*(size if q == qid else 0 for q in shown), scale, *roles) for qid in group.answered
        }


def _rank(columns: Iterable[tuple[int, ...]]) -> int:
    """The rank of integer vectors over the rationals, by exact integer elimination (no
    rounding can hide a leak)."""
    basis: list[tuple[int, list[int]]] = []  # (pivot, row zero at every earlier pivot)
    for column in columns:
        vector = list(column)
        for pivot, row in basis:
            if vector[pivot]:
                keep, drop = row[pivot], vector[pivot]
                vector = [keep * a - drop * b for a, b in zip(vector, row, strict=True)]
                common = math.gcd(*vector)
                if common > 1:
                    vector = [a // common for a in vector]
        lead = next((i for i, a in enumerate(vector) if a), None)
        if lead is not None:
            basis.append((lead, vector))
    return len(basis)
