"""Warnings of ``coachassist check``: things that load fine but are probably not meant.

- overrides (see ``overrides.py``);
- thresholds on the same subject that nearly meet but leave a gap (neither rule fires) or
  overlap (both fire), e.g. ``mean < 2.5`` next to ``mean > 2.5``;

and, as an error (``licence_problems``, called by the loader), a format's licence label that does
not match what its source publishes (``licences.toml``).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from coachassist.kb import wording
from coachassist.kb.conditions import Condition
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.overrides import override_notices
from coachassist.kb.problems import Problem
from coachassist.kb.suggestions import named_settings

NEAR = 0.25  # boundaries this close are meant to meet
LICENCES = Path(__file__).with_name("licences.toml")


def notices(kb: KnowledgeBase) -> list[Problem]:
    return [*override_notices(kb), *threshold_notices(kb), *setting_notices(kb)]


def setting_notices(kb: KnowledgeBase) -> list[Problem]:
    """A format suggested for a team type its own ``settings`` leave out: the planner would
    drop it there, so the suggestion and the plan disagree. (A rule that names no team type
    holds in every setting; the results and the plan mark a format that does not suit.)"""
    notices = []
    own = kb.own_ids()  # the bundled rules: tests/kb/test_suggestion_settings.py
    for rule in kb.rules.values():
        if rule.id not in own:
            continue
        for fmt_id in rule.then.suggest:
            fmt = kb.formats.get(fmt_id)
            missing = [s for s in named_settings(rule) or [] if fmt and s not in fmt.settings]
            if missing:
                said = wording.both(
                    "kbcheck.suggestion_setting", format=fmt_id, settings=", ".join(missing)
                )
                origin = kb.origin("rule", rule.id)
                path = origin.path if origin else Path("?")
                line = origin.line if origin else None
                notices.append(Problem(path, line, rule.id, said["en"], said["nl"]))
    return notices


@dataclass(frozen=True, slots=True)
class Interval:
    rule: str
    low: float
    low_in: bool  # whether ``low`` itself belongs to the interval
    high: float
    high_in: bool


def _intervals(rule_id: str, conds: list[Condition]) -> dict[str, Interval]:
    """Per numeric subject (``score.trust.mean``), the interval a rule's ``when`` allows."""
    found: dict[str, Interval] = {}
    for cond in conds:
        if cond.op not in ("<", "<=", ">", ">=") or isinstance(cond.value, bool | tuple | str):
            continue
        subject = f"{cond.key}.{cond.stat}" if cond.stat not in ("", "value") else cond.key
        value = float(cond.value)  # type: ignore[arg-type]
        old = found.get(subject, Interval(rule_id, -math.inf, False, math.inf, False))
        if cond.op in ("<", "<=") and value <= old.high:
            old = Interval(rule_id, old.low, old.low_in, value, cond.op == "<=")
        if cond.op in (">", ">=") and value >= old.low:
            old = Interval(rule_id, value, cond.op == ">=", old.high, old.high_in)
        found[subject] = old
    return found


def threshold_notices(kb: KnowledgeBase) -> list[Problem]:
    by_subject: dict[str, list[Interval]] = {}
    for rule in kb.rules.values():
        for subject, interval in _intervals(rule.id, rule.conditions).items():
            by_subject.setdefault(subject, []).append(interval)
    notices = []
    own = kb.own_ids()  # the bundled rules are reviewed by their maintainers
    for subject, intervals in sorted(by_subject.items()):
        uppers = [i for i in intervals if math.isfinite(i.high)]
        lowers = [i for i in intervals if math.isfinite(i.low)]
        for below in uppers:
            for above in lowers:
                if below.rule == above.rule or not {below.rule, above.rule} & own:
                    continue
                problem = _meeting(kb, subject, below, above)
                if problem:
                    notices.append(problem)
    return notices


def _meeting(kb: KnowledgeBase, subject: str, below: Interval, above: Interval) -> Problem | None:
    """A notice when ``below``'s upper bound and ``above``'s lower bound nearly meet."""
    distance = above.low - below.high
    if abs(distance) > NEAR or above.high <= below.high or above.low <= below.low:
        return None
    tiled = distance == 0 and below.high_in != above.low_in
    if tiled:
        return None
    if distance > 0 or (distance == 0 and not below.high_in and not above.low_in):
        key = "kbcheck.threshold_gap"
    else:
        key = "kbcheck.threshold_overlap"
    low, high = sorted((below.high, above.low))
    said = wording.both(
        key,
        subject=subject,
        low=f"{low:g}",
        high=f"{high:g}",
        rule_low=below.rule,
        rule_high=above.rule,
    )
    origin = kb.origin("rule", above.rule)
    path = origin.path if origin else Path("?")
    return Problem(path, origin.line if origin else None, above.rule, said["en"], said["nl"])


@cache
def known_licences() -> list[dict[str, str]]:
    with LICENCES.open("rb") as fh:
        return list(tomllib.load(fh)["sources"])


def licence_problems(kb: KnowledgeBase) -> list[Problem]:
    """A format whose source names a publisher in ``licences.toml`` must carry its licence."""
    problems = []
    for fmt in kb.formats.values():
        for known in known_licences():
            if known["name"].lower() in fmt.source.lower() and known["licence"] not in fmt.licence:
                said = wording.both(
                    "kbcheck.licence_mismatch",
                    licence=fmt.licence,
                    source=known["name"],
                    expected=known["licence"],
                )
                origin = kb.origin("format", fmt.id)
                path = origin.path if origin else Path("?")
                line = origin.line if origin else None
                problems.append(Problem(path, line, fmt.id, said["en"], said["nl"]))
    return problems
