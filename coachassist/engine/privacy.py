"""Privacy, decided once: which figures of a team may be shown, and the facts the rules may see.

Threshold k (``min_group``): a figure is shown only when it rests on at least k people.
- The team counts the respondents who answered anything: a phone that tapped Start and left
  (an empty respondent) is nobody's answers and never helps a team reach k.
- The whole team below k: no figure, no rule runs, no finding; only how many more are needed.
- A scale or question answered by fewer than k people: withheld. A question's diff from its
  scale only with the scale shown too (with the question's mean it gives the scale's away).
- No combination of shown means may rest on fewer than k people: a scale's mean next to its
  questions' means gives away the answers of someone who skipped a question (or answered too
  few to count in the scale). The fewest question figures that close it are withheld, first
  questions no rule looks at (engine/differencing.py).
- Open answers to a question: only when at least k respondents were shown that question (a
  question shown only to the lead, by ``show_if``, would otherwise print the lead's own words),
  or, when only leads were shown it, with the lead's consent.
- Per-role means and the lead-vs-members gaps: only when every role that answered may be shown
  on its own (otherwise the team mean and the other roles' means would give a small role away).
  A role may be shown on its own when it has k people, or (the lead) when every lead agreed to
  have their answers shown as "the lead's view".

The rules run on the filtered facts only, so no finding or severity can rest on a withheld
figure, and no evidence can carry its value, its verdict or a threshold bounding it.
A self-scan (``min_group = 1``, the lead alone, who is also the only reader) shows everything.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from coachassist.engine.differencing import exposed_questions
from coachassist.engine.facts import Fact, FactTable
from coachassist.intake.models import Intake
from coachassist.kb.answers import is_shown
from coachassist.kb.conditions import Condition
from coachassist.kb.models import Questionnaire
from coachassist.scoring import TeamScores

SAFE_MIN_GROUP = 3  # below this a coach intake may not go to the client


def is_self_scan(intake: Intake) -> bool:
    """The lead alone scanning their own team (the app writes ``min_group = 1``): one person
    who answered, who is also the only reader. Two people's answers at k = 1 are not that."""
    answered = sum(1 for r in intake.responses if r.answers)
    return (
        intake.min_group == 1 and answered <= 1 and all(r.role == "lead" for r in intake.responses)
    )


@dataclass(frozen=True)
class Privacy:
    """What may be shown of one team, decided once (see the module docstring)."""

    k: int
    answered: int  # respondents with at least one answer
    self_scan: bool
    team_ok: bool  # the team has at least k respondents
    lead_view: bool  # the lead's answers may be shown separately (k leads, or consent)
    roles_ok: bool  # every role that answered may be shown on its own
    scales: frozenset[str]  # scales whose team figures may be shown
    items: frozenset[str]  # questions whose team figures may be shown
    gaps: frozenset[str]  # scales whose lead-vs-members gap and per-role means may be shown
    texts: frozenset[str]  # open questions whose answers may be shown
    # questions whose diff from their scale may be shown: question and scale both shown
    diffs: frozenset[str] = frozenset()

    @classmethod
    def decide(
        cls,
        intake: Intake,
        scores: TeamScores,
        k: int,
        scan: Questionnaire,
        ruled: Collection[str] = (),
    ) -> Privacy:
        """``ruled``: the questions some rule looks at (``ruled_questions``); when a question's
        figures must go to protect a few people, others go first (see engine/differencing.py)."""
        consented = {
            role: all(r.lead_view_consent for r in intake.responses if r.role == role)
            for role in scores.roles
        }

        self_scan = is_self_scan(intake)

        def role_ok(role: str, n: int) -> bool:
            """A role may be shown on its own with k people; a lone lead only by their own
            consent, whatever k (a threshold of 1 does not overrule the lead's no), or in
            their self-scan, where the lead is the only reader."""
            if role == "lead" and (consented.get(role, False) or self_scan):
                return True
            return n >= k and not (role == "lead" and n == 1)

        answered = sum(1 for r in intake.responses if r.answers)
        team_ok = answered >= k
        roles_ok = team_ok and all(role_ok(role, n) for role, n in scores.roles.items() if n)
        scales = frozenset(
            s for s, st in scores.scales.items() if team_ok and st.mean is not None and st.n >= k
        )
        gaps = frozenset(
            s
            for s in scores.gaps
            if roles_ok
            and s in scales
            and all(role_ok(role, n) for role, (n, _) in scores.scales[s].by_role.items())
        )
        leads = scores.roles.get("lead", 0)
        lead_view = team_ok and leads > 0 and role_ok("lead", leads)

        def text_ok(question_id: str) -> bool:
            question = next(q for q in scan.questions if q.id == question_id)
            seen = [
                r for r in intake.responses if r.answers and is_shown(question, r.answers, r.role)
            ]
            only_leads = bool(seen) and all(r.role == "lead" for r in seen)
            return team_ok and (len(seen) >= k or (only_leads and lead_view))

        items = frozenset(q for q, it in scores.items.items() if team_ok and it.n >= k)
        # complementary suppression: no question figure that would difference a scale's mean
        lead = {"lead"} if consented.get("lead") else set()
        items -= exposed_questions(scan, intake, k, scales, items, gaps, lead, ruled)
        return cls(
            k=k,
            answered=answered,
            self_scan=self_scan,
            team_ok=team_ok,
            lead_view=lead_view,
            roles_ok=roles_ok,
            scales=scales,
            items=items,
            gaps=gaps,
            texts=frozenset(q.id for q in scan.questions if q.type == "text" and text_ok(q.id)),
            diffs=frozenset(q.id for q in scan.questions if q.id in items and q.scale in scales),
        )

    @property
    def low_threshold(self) -> bool:
        """k below 3 on a coach intake: fine for the coach's eyes, never for the client."""
        return self.k < SAFE_MIN_GROUP and not self.self_scan

    def withheld(self, cond: Condition) -> bool:
        if cond.kind == "score":
            return cond.name not in self.scales
        if cond.kind == "item":
            hidden_diff = cond.stat == "diff" and cond.name not in self.diffs
            return cond.name not in self.items or hidden_diff
        if cond.kind == "gap":
            return cond.name not in self.gaps
        return False

    def visible_facts(self, table: FactTable) -> FactTable:
        """The facts the rules may look at: only what may be shown."""
        if not self.team_ok:
            return FactTable()
        shown = FactTable()
        for key, facts in table.facts.items():
            kind, _, name = key.partition(".")
            allowed = {"score": self.scales, "item": self.items, "gap": self.gaps}.get(kind)
            if allowed is None or name in allowed:
                shown.facts[key] = self.without_hidden_diff(kind, name, facts)
        return shown

    def without_hidden_diff(self, kind: str, name: str, facts: list[Fact]) -> list[Fact]:
        """A question's facts without its diff when its scale is withheld (the diff and the
        question's mean together would give the scale's mean away)."""
        if kind != "item" or name in self.diffs or not any("diff" in f for f in facts):
            return facts
        return [{k: v for k, v in f.items() if k != "diff"} for f in facts]
