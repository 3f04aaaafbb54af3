"""Intake TOML text and merge snapshots, made fast for large intakes by reusing unchanged parts.

With 100 respondents of 47 answers, dumping the whole intake with tomli-w takes ~10 ms and a
deep copy several more, on every write. A writer that changes one respondent at a time keeps
the text and a private copy of every respondent, and redoes only the ones that changed. The
text is tomli-w's own, per respondent; when a respondent cannot be written as an inline table
(tomli-w then switches the whole array to ``[[responses]]`` tables), the whole intake is dumped
the plain way.
"""

from __future__ import annotations

import copy
from typing import Any

import tomli_w

from coachassist.intake.models import Answers, Intake, Respondent

_HEAD = "responses = [\n"
_EMPTY = "\nresponses = []\n"


def intake_text(intake: Intake) -> str:
    """The whole intake as TOML, the plain way."""
    return tomli_w.dumps(intake.model_dump(mode="json", exclude_none=True))


def copy_answers(answers: Answers) -> Answers:
    return {k: list(v) if isinstance(v, list) else v for k, v in answers.items()}


def _fields(respondent: Respondent) -> tuple[Any, ...]:
    return tuple(getattr(respondent, name) for name in Respondent.model_fields)


def _copy_respondent(respondent: Respondent) -> Respondent:
    fields = {name: copy.copy(getattr(respondent, name)) for name in Respondent.model_fields}
    fields["answers"] = copy_answers(respondent.answers)
    return Respondent.model_construct(**fields)


class Renderer:
    """Remembers, per respondent id, a private copy and its TOML text, to reuse when unchanged."""

    def __init__(self) -> None:
        self._parts: dict[str, tuple[Respondent, str | None]] = {}

    def _part(self, respondent: Respondent) -> tuple[Respondent, str | None]:
        cached = self._parts.get(respondent.id)
        if cached is not None and _fields(cached[0]) == _fields(respondent):
            return cached
        own = _copy_respondent(respondent)
        dumped = tomli_w.dumps({"responses": [own.model_dump(mode="json", exclude_none=True)]})
        inline = dumped.startswith(_HEAD) and dumped.endswith("\n]\n")
        part = (own, dumped[len(_HEAD) : -len("]\n")] if inline else None)
        self._parts[respondent.id] = part
        return part

    def snapshot(self, intake: Intake) -> Intake:
        """A private copy of ``intake`` (not validated: it is only compared against)."""
        fields = {name: getattr(intake, name) for name in Intake.model_fields}
        fields["context"] = copy_answers(intake.context)
        fields["responses"] = [self._part(r)[0] for r in intake.responses]
        self._forget(intake)
        return Intake.model_construct(**fields)

    def text(self, intake: Intake) -> str:
        """The intake as TOML: parses back to exactly what ``intake_text`` gives."""
        parts = [self._part(r)[1] for r in intake.responses]
        self._forget(intake)
        if not parts or any(p is None for p in parts):
            return intake_text(intake)
        data = intake.model_dump(mode="json", exclude_none=True, exclude={"responses"})
        head = tomli_w.dumps({**data, "responses": []})  # arrays come before tables
        # a basic string never holds a raw newline, so this can only be the key's own line
        return head.replace(_EMPTY, "\n" + _HEAD + "".join(parts) + "]\n", 1)  # type: ignore[arg-type]

    def _forget(self, intake: Intake) -> None:
        if len(self._parts) > len(intake.responses):
            ids = {r.id for r in intake.responses}
            for rid in [rid for rid in self._parts if rid not in ids]:
                del self._parts[rid]
