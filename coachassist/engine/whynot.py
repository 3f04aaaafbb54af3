"""Why (not) a finding: the nearest rules that could conclude a dysfunction, and for a finding
that was concluded the smallest change in one score that would remove it.

Everything runs in plain Python (``inference.reference``) on the facts the rules may see
(``Privacy.visible_facts``): a withheld figure is never shown, measured or searched over; a
condition on it names its subject only.

Distance of a condition that does not hold, in points on the scale it compares (for a mean:
how much it would have to drop or rise; for a gap: how much it would have to grow). A signal or
dysfunction condition costs the distance of the nearest rule concluding it; an intake answer or
a flag that does not hold costs 1 (it needs a different answer, not a different score).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from coachassist.engine.facts import FactTable
from coachassist.engine.inference import reference
from coachassist.engine.pipeline import conclude_withholding, prepare, without_findings
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import conclusions
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message, t
from coachassist.intake.models import Intake
from coachassist.kb.conditions import Condition, holds
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Rule, Text

NOT_A_SCORE = 1.0  # cost of a condition that needs another intake answer or flag
MAX_CHANGE = 4.0  # a 1..5 scale cannot move further
STEP = 0.01


@dataclass(frozen=True)
class Distance:
    text: str
    actual: object  # None when withheld or missing
    withheld: bool
    holds: bool
    distance: float | None  # None: unknown (withheld)


@dataclass(frozen=True)
class NearRule:
    rule: str
    because: Text
    severity: str
    conditions: list[Distance]
    total: float | None  # None: rests on a withheld figure


@dataclass(frozen=True)
class Removal:
    subject: str  # e.g. "score.trust.mean"
    current: float
    needed: float  # the value at which the rules stop concluding the finding


@dataclass
class WhyNot:
    dysfunction: str
    name: Text
    concluded: bool
    team_shown: bool = True
    one_person: bool = False  # withheld: one particular person's answers decide it
    nearest: list[NearRule] = field(default_factory=list)
    removal: Removal | None = None


def _numeric_distance(cond: Condition, actual: float) -> float:
    threshold = float(cond.value)  # type: ignore[arg-type]
    if cond.op in ("<", "<="):
        gap = actual - threshold + (STEP if cond.op == "<" else 0.0)
    else:
        gap = threshold - actual + (STEP if cond.op == ">" else 0.0)
    return round(max(gap, 0.0), 2)


class _Measure:
    def __init__(
        self,
        rules: Mapping[str, Rule],
        table: FactTable,
        privacy: Privacy,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.rules, self.table, self.privacy = rules, table, privacy
        self.hidden = hidden  # findings withheld because one person decides them
        self.by_key: dict[str, list[Rule]] = {}
        for rule in rules.values():
            if rule.then.fact_key:
                self.by_key.setdefault(rule.then.fact_key, []).append(rule)
        self.memo: dict[str, float | None] = {}

    def condition(self, cond: Condition, depth: int) -> Distance:
        withheld = self.privacy.withheld(cond) or (
            cond.kind == "dysfunction" and cond.name in self.hidden
        )
        actual = None if withheld else self.table.value(cond)
        ok = not withheld and holds(cond, actual)
        distance: float | None
        if ok:
            distance = 0.0
        elif withheld:
            distance = None
        elif cond.kind in ("signal", "dysfunction"):
            distance = self.conclusion(cond.key, depth + 1)
        elif (
            cond.op in ("<", "<=", ">", ">=")
            and isinstance(actual, int | float)
            and not isinstance(actual, bool)
        ):
            distance = _numeric_distance(cond, float(actual))
        else:
            distance = NOT_A_SCORE
        return Distance(cond.text, actual, withheld, ok, distance)

    def conclusion(self, key: str, depth: int) -> float | None:
        if key in self.memo:
            return self.memo[key]
        if depth > 6:
            return None
        self.memo[key] = None  # guards against cycles while measuring
        totals = [self.rule(r, depth)[1] for r in self.by_key.get(key, [])]
        known = [t for t in totals if t is not None]
        self.memo[key] = min(known) if known else None
        return self.memo[key]

    def rule(self, rule: Rule, depth: int) -> tuple[list[Distance], float | None]:
        every = [self.condition(c, depth) for c in rule.conditions]
        alternatives = [self.condition(c, depth) for c in rule.any_conditions]
        parts = [d.distance for d in every]
        if alternatives:
            known = [d.distance for d in alternatives if d.distance is not None]
            parts.append(min(known) if known else None)
        total = None if None in parts else round(sum(p for p in parts if p is not None), 2)
        return every + alternatives, total


def _concluded(rules: Mapping[str, Rule], visible: FactTable) -> FactTable:
    table = FactTable(copy.deepcopy(visible.facts))
    conclusions(rules, table)
    return table


def _removal(
    rules: Mapping[str, Rule], visible: FactTable, key: str, chain_keys: set[str]
) -> Removal | None:
    """The single score whose smallest healthier change makes the rules stop concluding ``key``."""
    best: Removal | None = None
    for fact_key in sorted(chain_keys):
        kind = fact_key.split(".", 1)[0]
        facts = visible.facts.get(fact_key)
        if kind not in ("score", "item", "gap") or not facts:
            continue
        stat = "value" if kind == "gap" else "mean"
        current = facts[0].get(stat)
        if not isinstance(current, int | float) or isinstance(current, bool):
            continue

        def gone(change: float, fact_key: str = fact_key, stat: str = stat) -> bool:
            table = FactTable(copy.deepcopy(visible.facts))
            fact = table.facts[fact_key][0]
            if stat == "value":  # a gap shrinks towards 0
                size = max(abs(fact[stat]) - change, 0.0)
                fact[stat] = size if fact[stat] >= 0 else -size
            else:
                fact[stat] = fact[stat] + change
                if isinstance(fact.get("diff"), int | float):  # its scale held still
                    fact["diff"] = fact["diff"] + change
            conclusions(rules, table)
            return key not in table.facts

        if not gone(MAX_CHANGE):
            continue
        low, high = 0.0, MAX_CHANGE
        while high - low > STEP / 2:
            middle = (low + high) / 2
            low, high = (low, middle) if gone(middle) else (middle, high)
        if best is None or high < abs(best.needed - best.current):
            if stat == "value":  # the gap's size, rounded down to where it is gone
                size = math.floor(max(abs(current) - high, 0.0) * 100) / 100
                needed = size if current >= 0 else -size
            else:  # the mean, rounded up to where it is gone
                needed = math.ceil((current + high) * 100 - 1e-9) / 100
            best = Removal(f"{fact_key}.{stat}", float(current), needed)
    return best


def why_not(
    kb: KnowledgeBase, intake: Intake, dysfunction: str, *, min_group: int | None = None
) -> WhyNot:
    if dysfunction not in kb.dysfunctions:
        known = ", ".join(sorted(kb.dysfunctions))
        raise UserError(Message("whynot.unknown", id=repr(dysfunction), known=known))
    team = prepare(kb, intake, min_group)
    privacy = team.privacy
    visible = FactTable(copy.deepcopy(team.visible.facts))  # ``reference`` below adds to team
    key = f"dysfunction.{dysfunction}"
    result = WhyNot(dysfunction, kb.dysfunctions[dysfunction].name, concluded=False)
    if not privacy.team_ok:
        result.team_shown = False
        return result  # nothing may be shown, not even how far a rule is from holding
    # the findings one person decides are withheld: the rules measured here are those the
    # shown Diagnosis rests on, and a condition on such a finding names its subject only
    hidden = conclude_withholding(kb, team, reference(kb.rules, team.visible))[2].findings
    if dysfunction in hidden:
        result.one_person = True
        return result
    rules = without_findings(kb, hidden).rules if hidden else kb.rules
    concluded = _concluded(rules, visible)
    result.concluded = key in concluded.facts
    measure = _Measure(rules, concluded, privacy, hidden)
    near = []
    for rule in measure.by_key.get(key, []):
        conditions, total = measure.rule(rule, 0)
        near.append(NearRule(rule.id, rule.because, rule.then.severity or "", conditions, total))
    near.sort(key=lambda r: (r.total is None, r.total or 0.0, r.rule))
    result.nearest = near[:3]
    if result.concluded:
        chain: set[str] = set()
        todo = [key]
        while todo:
            for rule in measure.by_key.get(todo.pop(), []):
                for cond in [*rule.conditions, *rule.any_conditions]:
                    if cond.kind in ("signal", "dysfunction"):
                        if cond.key not in chain and cond.key in concluded.facts:
                            chain.add(cond.key)
                            todo.append(cond.key)
                    else:
                        chain.add(cond.key)
        result.removal = _removal(rules, visible, key, chain)
    return result


def lines(result: WhyNot, lang: Lang) -> list[str]:
    """The answer as plain text lines (the CLI prints them, the app shows them)."""
    if not result.team_shown:
        return [t("whynot.team_hidden", lang)]
    if result.one_person:
        return [t("whynot.one_person", lang, name=result.name(lang))]
    head = "whynot.concluded" if result.concluded else "whynot.not_concluded"
    out = [t(head, lang, name=result.name(lang))]
    for near in result.nearest:
        total = (
            t("whynot.total_unknown", lang)
            if near.total is None
            else t("whynot.total", lang, total=f"{near.total:.2f}")
        )
        severity = t(f"severity.{near.severity}", lang) if near.severity else ""
        out.append(f"  {near.rule} [{severity}] - {total}")
        out.append(f"    {near.because(lang)}")
        for cond in near.conditions:
            if cond.withheld:
                out.append(f"      {cond.text}: {t('whynot.withheld', lang)}")
                continue
            verdict = (
                t("whynot.holds", lang)
                if cond.holds
                else t("whynot.short", lang, distance=f"{cond.distance:.2f}")
                if cond.distance is not None
                else ""
            )
            measured = (
                t("whynot.measured", lang, actual=_shown(cond.actual))
                if cond.actual is not None and not isinstance(cond.actual, bool)
                else ""
            )
            out.append(f"      {cond.text}: {', '.join(p for p in (measured, verdict) if p)}")
    if result.concluded:
        removal = result.removal
        out.append(
            t(
                "whynot.removal",
                lang,
                subject=removal.subject,
                current=f"{removal.current:.2f}",
                needed=f"{removal.needed:.2f}",
            )
            if removal
            else t("whynot.no_removal", lang)
        )
    return out


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
