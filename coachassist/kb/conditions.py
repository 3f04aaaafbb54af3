"""The condition language of rule files and questionnaire ``show_if`` clauses.

A condition is one line of text a trainer can read, parsed here into a small
structure and never executed as Python::

    score.trust.mean < 3.0          a team score of a scale (mean, sd, rwg, n)
    score.conflict.polarised        a flag: true when present and true
    gap.trust >= 1.0                team lead's mean minus the members' mean
    item.trust_3.mean <= 2          the team mean of one question (mean, sd, n, diff)
    item.trust_3.diff <= -0.5       the question's mean minus its own scale's mean
    context.team_type == "two_departments"
    context.observed has "behind_backs"   a multiple-choice answer contains a value
    context.team_size >= 12
    answer.q7 in ["a", "b"]          an answer of the same respondent (show_if only)
    role == "lead"                   the respondent's role (show_if only)
    respondents.n >= 3               how many people answered
    signal.low_trust                 a signal concluded by another rule
    dysfunction.absence_of_trust     a dysfunction concluded by another rule

A condition on a value that is missing (not answered, group too small) is false.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal["<", "<=", ">", ">=", "==", "!=", "in", "has", "?"]
Value = float | int | str | bool | tuple[float | int | str, ...] | None

SCORE_STATS = ("mean", "sd", "rwg", "n", "polarised")
ITEM_STATS = ("mean", "sd", "n", "diff")
RESPONDENT_STATS = ("n", "members", "leads")
FLAG_STATS = ("polarised",)
# Numbers a rule compares (thresholds and facts): |x| below NUMBER_LIMIT, at most DECIMALS
# decimals, written plainly: keeps every number out of exponent form, which durable-rules'
# parser cannot read (see docs/engine.md, "Limits").
NUMBER_LIMIT = 1_000_000
DECIMALS = 4
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

_SUBJECT = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*"
_PATTERN = re.compile(
    rf"^\s*(?P<subject>{_SUBJECT})\s*"
    r"(?:(?P<op><=|>=|==|!=|<|>|\bnot in\b|\bin\b|\bhas\b)\s*(?P<value>.+?))?\s*$"
)


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Condition:
    """One parsed condition: ``kind`` names the fact family, ``name`` the item in it."""

    text: str
    kind: str  # score, item, gap, context, answer, role, respondents, signal, dysfunction
    name: str  # scale, question, signal or dysfunction id; "" for role/respondents
    stat: str  # field compared: mean, sd, value, n, ...; "" for presence tests
    op: Op
    value: Value

    @property
    def key(self) -> str:
        """The fact key this condition looks at, e.g. ``score.trust``."""
        return f"{self.kind}.{self.name}" if self.name else self.kind

    @property
    def is_presence(self) -> bool:
        return self.op == "?"


def parse(text: str) -> Condition:
    """Parse one condition line; raises ConditionError with a fix-it message."""
    match = _PATTERN.match(text)
    hint = _operator_hint(text)
    if hint or not match:
        raise ConditionError(
            f"cannot read condition {text!r}: "
            + (hint or "write it as 'subject op value', e.g. 'score.trust.mean < 3.0'")
        )
    assert match is not None
    parts = match["subject"].split(".")
    op_text, value_text = match["op"], match["value"]
    kind = parts[0]
    if kind in ("signal", "dysfunction"):
        if len(parts) != 2 or op_text:
            raise ConditionError(
                f"{text!r}: a {kind} condition is just '{kind}.<id>' (it holds when concluded)"
            )
        return Condition(text, kind, parts[1], "", "?", None)
    kind, name, stat = _subject(text, parts)
    if op_text is None:
        if stat not in FLAG_STATS:
            raise ConditionError(
                f"{text!r}: missing comparison; add an operator and a value, "
                f"e.g. '{match['subject']} >= 3'"
            )
        return Condition(text, kind, name, stat, "==", True)
    if op_text == "not in":
        raise ConditionError(
            f"{text!r}: 'not in' is not supported; list the allowed values with 'in'"
        )
    op = op_text
    value = _value(text, value_text)
    _check_types(text, kind, stat, op, value)
    return Condition(text, kind, name, stat, op, value)  # type: ignore[arg-type]


# operators trainers write from habit, and the one the condition language has instead
_WRONG_OPERATORS = {
    "=>": ">=",
    "=<": "<=",
    "≥": ">=",
    "≤": "<=",
    "<>": "!=",
    "≠": "!=",
    "=": "==",
    "!": "!=",
}


def _operator_hint(text: str) -> str:
    """``'=>' is not an operator; write '>='`` for the first wrong operator in ``text``
    (outside quoted values), else ``""``."""
    unquoted = re.sub(r'"[^"]*"|\'[^\']*\'', '""', text)
    found = re.search(r"=>|=<|<>|≥|≤|≠|(?<![<>=!])=(?!=)|!(?!=)", unquoted)
    if not found:
        return ""
    wrong = found.group()
    return f"'{wrong}' is not an operator; write '{_WRONG_OPERATORS[wrong]}'"


def _subject(text: str, parts: list[str]) -> tuple[str, str, str]:
    kind = parts[0]
    shapes = {
        "score": (3, SCORE_STATS, "score.<scale>.<" + "|".join(SCORE_STATS) + ">"),
        "item": (3, ITEM_STATS, "item.<question>.<" + "|".join(ITEM_STATS) + ">"),
        "gap": (2, (), "gap.<scale>"),
        "context": (2, (), "context.<question>"),
        "answer": (2, (), "answer.<question>"),
        "role": (1, (), "role"),
        "respondents": (2, RESPONDENT_STATS, "respondents.<" + "|".join(RESPONDENT_STATS) + ">"),
    }
    if kind not in shapes:
        known = ", ".join([*shapes, "signal", "dysfunction"])
        raise ConditionError(f"{text!r}: unknown subject {kind!r}; use one of: {known}")
    length, stats, shape = shapes[kind]
    if len(parts) != length:
        raise ConditionError(f"{text!r}: write the subject as {shape}")
    if kind == "respondents":
        if parts[1] not in stats:
            raise ConditionError(f"{text!r}: write the subject as {shape}")
        return kind, "", parts[1]
    if kind == "role":
        return kind, "", "value"
    if stats and parts[2] not in stats:
        raise ConditionError(f"{text!r}: unknown statistic {parts[2]!r}; write {shape}")
    return kind, parts[1], parts[2] if stats else "value"


def _value(text: str, raw: str) -> Value:
    raw = raw.strip()
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].strip()
        items = [_scalar(text, part) for part in _split_list(inner)] if inner else []
        if not items:
            raise ConditionError(f"{text!r}: the list after 'in' is empty")
        if any(isinstance(item, bool) for item in items):
            raise ConditionError(f"{text!r}: a list holds numbers or quoted texts, not true/false")
        return tuple(items)
    return _scalar(text, raw)


def _split_list(inner: str) -> list[str]:
    return [part for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^,\s][^,]*', inner)]


def _scalar(text: str, raw: str) -> float | int | str | bool:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    if raw in ("true", "false"):
        return raw == "true"
    if not _PLAIN_NUMBER.fullmatch(raw):
        raise ConditionError(
            f'{text!r}: cannot read value {raw!r}; quote texts ("two_departments") '
            "and write numbers plainly with digits 0-9 (3.5, -1, 12)"
        )
    number = float(raw)
    if not math.isfinite(number) or abs(number) >= NUMBER_LIMIT:
        raise ConditionError(
            f"{text!r}: number {raw!r} is out of range (keep it below {NUMBER_LIMIT:,})"
        )
    return int(raw) if "." not in raw else round(number, DECIMALS)


def _check_types(text: str, kind: str, stat: str, op: str, value: Value) -> None:
    numeric_ops = ("<", "<=", ">", ">=")
    if op in numeric_ops and not _is_number(value):
        raise ConditionError(f"{text!r}: '{op}' compares numbers; give a number after it")
    if op == "in" and not isinstance(value, tuple):
        raise ConditionError(f'{text!r}: \'in\' needs a list, e.g. in ["a", "b"]')
    if op != "in" and isinstance(value, tuple):
        raise ConditionError(f"{text!r}: a list only goes with 'in'")
    if op == "has" and kind not in ("context", "answer"):
        raise ConditionError(f"{text!r}: 'has' only tests multiple-choice answers")
    if stat in FLAG_STATS and (op not in ("==", "!=") or not isinstance(value, bool)):
        raise ConditionError(
            f"{text!r}: {stat!r} is true or false; write it alone, or compare it with "
            "== true / == false"
        )
    numeric = _is_number(value) or (isinstance(value, tuple) and all(map(_is_number, value)))
    if kind in ("score", "item", "gap", "respondents") and stat not in FLAG_STATS and not numeric:
        raise ConditionError(f"{text!r}: a {kind} is a number; compare it with a number")


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def holds(cond: Condition, actual: object) -> bool:
    """Plain-Python meaning of a condition for the value it looks at (None = missing)."""
    if cond.op == "?":
        return actual is not None
    if actual is None:
        return False
    if cond.op == "has":
        return isinstance(actual, list | tuple) and cond.value in actual
    if isinstance(actual, list | tuple):
        return False
    if isinstance(actual, bool) != isinstance(cond.value, bool) and cond.op in ("==", "!="):
        return False
    try:
        match cond.op:
            case "<":
                return actual < cond.value  # type: ignore[operator]
            case "<=":
                return actual <= cond.value  # type: ignore[operator]
            case ">":
                return actual > cond.value  # type: ignore[operator]
            case ">=":
                return actual >= cond.value  # type: ignore[operator]
            case "==":
                return actual == cond.value
            case "!=":
                return actual != cond.value
            case "in":
                return actual in cond.value  # type: ignore[operator]
    except TypeError:
        return False
    return False
