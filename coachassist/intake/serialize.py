"""Intake TOML text and merge snapshots, made fast for large intakes by reusing unchanged parts.

With 100 respondents of 47 answers, dumping the whole intake with tomli-w takes ~10 ms and a
deep copy several more, on every write. A writer that changes one respondent at a time keeps
the text and a private copy of every respondent, and redoes only the ones that changed. The
text is tomli-w's own, per respondent, in the form tomli-w picks for the whole array (inline
tables when every respondent fits on a line, else ``[[responses]]`` tables); a test checks that
the result is exactly what ``tomli_w.dumps`` writes for the whole intake.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import tomli_w

try:  # tomli-w's own table writer, to write one respondent as it writes it in a whole file
    from tomli_w._writer import Context, gen_table_chunks
except ImportError:  # pragma: no cover - a tomli-w without it: whole-file dumps only
    gen_table_chunks = None  # type: ignore[assignment]

from coachassist.intake.models import Answers, Intake, Respondent

_HEAD = "responses = [\n"
_EMPTY = "\nresponses = []\n"


def intake_text(intake: Intake) -> str:
    """The whole intake as TOML, the plain way."""
    return tomli_w.dumps(intake.model_dump(mode="json", exclude_none=True))


def copy_answers(answers: Answers) -> Answers:
    return {k: list(v) if isinstance(v, list) else v for k, v in answers.items()}


def _table(data: dict[str, Any]) -> str | None:
    if gen_table_chunks is None:
        return None
    try:
        context = Context(False, 4)
        return "".join(gen_table_chunks(data, context, name="responses", inside_aot=True))
    except TypeError:  # pragma: no cover - its internals changed
        return None


def _fields(respondent: Respondent) -> tuple[Any, ...]:
    return tuple(getattr(respondent, name) for name in Respondent.model_fields)


def _copy_respondent(respondent: Respondent) -> Respondent:
    fields = {name: copy.copy(getattr(respondent, name)) for name in Respondent.model_fields}
    fields["answers"] = copy_answers(respondent.answers)
    return Respondent.model_construct(**fields)


@dataclass(frozen=True)
class _Part:
    """One respondent: a private copy, and its text as an inline table and as a ``[[table]]``."""

    copy: Respondent
    inline: str | None  # None: too long for an inline table (tomli-w then uses [[responses]])
    table: str | None  # None: tomli-w's writer internals are not available


class Renderer:
    """Remembers, per respondent id, a private copy and its TOML text, to reuse when unchanged."""

    def __init__(self) -> None:
        self._parts: dict[str, _Part] = {}

    def _part(self, respondent: Respondent) -> _Part:
        cached = self._parts.get(respondent.id)
        if cached is not None and _fields(cached.copy) == _fields(respondent):
            return cached
        own = _copy_respondent(respondent)
        data = own.model_dump(mode="json", exclude_none=True)
        dumped = tomli_w.dumps({"responses": [data]})
        inline = dumped.startswith(_HEAD) and dumped.endswith("\n]\n")
        part = _Part(own, dumped[len(_HEAD) : -len("]\n")] if inline else None, _table(data))
        self._parts[respondent.id] = part
        return part

    def snapshot(self, intake: Intake) -> Intake:
        """A private copy of ``intake`` (not validated: it is only compared against)."""
        fields = {name: getattr(intake, name) for name in Intake.model_fields}
        fields["context"] = copy_answers(intake.context)
        fields["decisions"] = dict(intake.decisions) if intake.decisions is not None else None
        fields["responses"] = [self._part(r).copy for r in intake.responses]
        self._forget(intake)
        return Intake.model_construct(**fields)

    def text(self, intake: Intake) -> str:
        """The intake as TOML: parses back to exactly what ``intake_text`` gives."""
        parts = [self._part(r) for r in intake.responses]
        self._forget(intake)
        data = intake.model_dump(mode="json", exclude_none=True, exclude={"responses"})
        if parts and all(p.inline is not None for p in parts):  # tomli-w: an inline array
            head = tomli_w.dumps({**data, "responses": []})  # arrays come before tables
            lines = "".join(p.inline for p in parts)  # type: ignore[misc]
            # a basic string never holds a raw newline, so this can only be the key's own line
            return head.replace(_EMPTY, "\n" + _HEAD + lines + "]\n", 1)
        if parts and all(p.table is not None for p in parts):  # tomli-w: [[responses]] tables
            return tomli_w.dumps(data) + "".join("\n" + p.table for p in parts)  # type: ignore[operator]
        return intake_text(intake)

    def _forget(self, intake: Intake) -> None:
        if len(self._parts) > len(intake.responses):
            ids = {r.id for r in intake.responses}
            for rid in [rid for rid in self._parts if rid not in ids]:
                del self._parts[rid]
