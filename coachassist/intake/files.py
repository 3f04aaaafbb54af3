"""Reading, validating and atomically writing intake and response files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from itertools import count
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from coachassist import atomic
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message
from coachassist.intake import fasttoml
from coachassist.intake.models import Intake, Respondent, Response
from coachassist.intake.versions import check_version
from coachassist.kb.answers import Answers, answers_problem
from coachassist.kb.loader import KnowledgeBase, read_toml
from coachassist.safefile import INTAKE_FILE_CAP

_CONTEXT = object()  # for _model: validate a plain table of context answers


@cache
def _context_answers() -> TypeAdapter[Answers]:
    """Built on first use: a diagnosis without ``--context`` never needs it."""
    return TypeAdapter(Answers)


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write TOML so that a crash leaves either the old or the new file, never half of one."""
    import tomli_w  # only writers need it

    atomic.write_atomic(path, tomli_w.dumps(data), make_folder=True)


def write_text_atomic(path: Path, text: str) -> None:
    """Write text so that a crash leaves the old file or the new one, never half of one."""
    atomic.write_atomic(path, text)


def save_intake(path: Path, intake: Intake) -> None:
    """Write a whole intake as is (a new file). Updates go through ``intake.store``."""
    write_atomic(path, intake.model_dump(mode="json", exclude_none=True))


def _read(path: Path) -> dict[str, Any]:
    data, _, problem = read_toml(path, cap=INTAKE_FILE_CAP, fast=fasttoml.loads)
    if problem:
        raise UserError(problem)
    assert data is not None
    return data


def _model(path: Path, model: Any, data: Any) -> Any:
    """Validate ``data`` against a model, or a table of context answers against ``_CONTEXT``;
    UserError on the first problem."""
    try:
        if model is _CONTEXT:
            return _context_answers().validate_python(data)
        return model.model_validate(data)
    except ValidationError as exc:
        from coachassist.intake.invalid import invalid  # only when a file is refused

        error = exc.errors(include_url=False)[0]
        loc = ["context", *error["loc"]] if model is _CONTEXT else list(error["loc"])
        more = Message("intake.more", count=exc.error_count() - 1) if exc.error_count() > 1 else ""
        answer = _answer_at(loc, data)
        if answer:
            raise UserError(
                Message(
                    "intake.invalid.at",
                    path=path,
                    where=answer,
                    problem=_not_an_answer(error["input"]),
                    more=more,
                )
            ) from None
        where: Message | str = ".".join(str(p) for p in loc) or Message("intake.where.file")
        if len(loc) > 2 and loc[0] == "responses" and isinstance(loc[1], int):
            field = ".".join(str(p) for p in loc[2:])
            where = Message("intake.where.in", first=_respondent(data, loc[1]), then=field)
        raise UserError(
            Message("intake.invalid.at", path=path, where=where, problem=invalid(error), more=more)
        ) from None


def _answer_at(loc: list[Any], data: Any) -> Message | None:
    """``respondent r01: question 'trust_1'`` when an error lies inside one answer."""
    if len(loc) > 2 and loc[0] in ("answers", "context"):
        return Message("intake.where.question", id=repr(loc[1]))
    if len(loc) > 4 and loc[0] == "responses" and loc[2] == "answers":
        question = Message("intake.where.question", id=repr(loc[3]))
        return Message("intake.where.in", first=_respondent(data, loc[1]), then=question)
    return None


def _respondent(data: Any, index: int) -> Message:
    """``respondent r01``, or ``respondent number 3`` when its id is itself missing or bad."""
    try:
        rid = data["responses"][index]["id"]
    except (KeyError, IndexError, TypeError):
        rid = None
    if isinstance(rid, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,32}", rid):
        return Message("intake.where.respondent", id=rid)
    return Message("intake.where.respondent_number", number=index + 1)


def _not_an_answer(value: Any) -> Message:
    if isinstance(value, bool):
        return Message("answer.bool", value=str(value).lower())
    return Message("answer.not_an_answer", value=repr(value))


def read_intake(path: Path) -> Intake:
    """Read an intake file without checking it against a questionnaire."""
    data = _read(path)
    if data.get("format") != "coachassist-intake/1":
        raise UserError(Message("intake.not_intake", path=path))
    return _model(path, Intake, data)


def read_response(path: Path) -> Response:
    data = _read(path)
    if data.get("format") != "coachassist-response/1":
        raise UserError(Message("intake.not_response", path=path))
    return _model(path, Response, data)


def load_case(
    kb: KnowledgeBase,
    paths: Sequence[Path],
    context_path: Path | None = None,
    *,
    lang: Lang = "en",
    warn: Callable[[str], None] | None = None,
) -> Intake:
    """One intake from an intake file and/or response files, validated against the KB.

    Each respondent is counted once: the same file twice (by any path) and two response files
    with the same content are refused. Notes (a compatible older version) go to ``warn``,
    by default to stderr."""
    if not paths:
        raise UserError(Message("intake.no_files"))
    intake: Intake | None = None
    intake_path: Path | None = None
    responses: list[tuple[Path, Response]] = []
    files = _DistinctFiles()
    for path in paths:
        data = _read(path)
        files.add(path, data)
        if data.get("format") == "coachassist-intake/1":
            if intake is not None:
                raise UserError(Message("intake.one_intake", path=path))
            intake, intake_path = _model(path, Intake, data), path
        elif data.get("format") == "coachassist-response/1":
            responses.append((path, _model(path, Response, data)))
        else:
            raise UserError(Message("intake.neither", path=path))
    intake = intake or Intake(scan=responses[0][1].questionnaire)
    notes: list[str] = []
    for path, response in responses:
        if response.questionnaire != intake.scan:
            raise UserError(
                Message(
                    "intake.other_questionnaire",
                    path=path,
                    answers=repr(response.questionnaire),
                    uses=repr(intake.scan),
                )
            )
        notes += _response_version(kb, path, response, lang)
    taken = {r.id for r in intake.responses}
    ids = (f"f{n:02d}" for n in count(1) if f"f{n:02d}" not in taken)
    extra = [
        Respondent(
            id=next(ids),
            role=r.role,
            lang=r.lang,
            lead_view_consent=r.lead_view_consent,
            answers=r.answers,
        )
        for _, r in responses
    ]
    if context_path is not None:
        data = _read(context_path)  # an intake file, or a plain table of context answers
        is_intake = data.get("format") == "coachassist-intake/1"
        context = (
            _model(context_path, Intake, data).context
            if is_intake
            else _model(context_path, _CONTEXT, data)
        )
        _check_context(kb, intake.context_questionnaire, context, context_path)
        intake = intake.model_copy(update={"context": {**intake.context, **context}})
    intake = intake.model_copy(update={"responses": [*intake.responses, *extra]})
    notes += validate_intake(kb, intake, intake_path or paths[0], lang=lang)
    for note in notes:
        (warn or _to_stderr)(note)
    return intake


def _to_stderr(note: str) -> None:
    print(f"coachassist: {note}", file=sys.stderr)


def _response_version(kb: KnowledgeBase, path: Path, response: Response, lang: Lang) -> list[str]:
    scan = kb.questionnaires.get(response.questionnaire)
    if scan is None:
        return []  # validate_intake names the unknown questionnaire
    note = check_version(path, scan.id, response.version, scan.version, lang)
    return [note] if note else []


class _DistinctFiles:
    """Refuses a file given twice: the same file by another path or symlink, or a copy."""

    def __init__(self) -> None:
        self._by_inode: dict[tuple[int, int], Path] = {}
        self._by_content: dict[str, Path] = {}

    def add(self, path: Path, data: dict[str, Any]) -> None:
        try:
            st = os.stat(path)
            inode: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except OSError:
            inode = None
        if inode in self._by_inode:
            raise UserError(Message("intake.same_file", path=path, other=self._by_inode[inode]))
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        if digest in self._by_content:
            raise UserError(
                Message("intake.same_content", path=path, other=self._by_content[digest])
            )
        if inode is not None:
            self._by_inode[inode] = path
        self._by_content[digest] = path


def validate_intake(
    kb: KnowledgeBase, intake: Intake, path: Path, *, lang: Lang = "en"
) -> list[str]:
    """Raise UserError naming file, respondent and question for the first bad answer.

    Returns notes a coach should see but can live with (a compatible questionnaire version)."""
    scan = kb.questionnaires.get(intake.scan)
    if scan is None or scan.purpose != "scan":
        known = ", ".join(q.id for q in kb.by_purpose("scan"))
        raise UserError(
            Message("intake.unknown_questionnaire", path=path, id=repr(intake.scan), known=known)
        )
    note = check_version(path, scan.id, intake.scan_version, scan.version, lang)
    counted = Counter(r.id for r in intake.responses)
    for respondent in intake.responses:
        where = Message("intake.where.respondent_in", path=path, id=respondent.id)
        if counted[respondent.id] > 1:
            raise UserError(
                Message("intake.respondent_twice", where=where, count=counted[respondent.id])
            )
        if respondent.role not in scan.roles:
            raise UserError(
                Message(
                    "intake.unknown_role", where=where, role=repr(respondent.role), roles=scan.roles
                )
            )
        problem = answers_problem(scan, respondent.answers, respondent.role)
        if problem:
            raise UserError(Message("intake.where.in", first=where, then=problem))
    _check_context(kb, intake.context_questionnaire, intake.context, path)
    return [note] if note else []


def _check_context(kb: KnowledgeBase, questionnaire: str, context: Answers, path: Path) -> None:
    if not context:
        return
    ctx = kb.questionnaires.get(questionnaire)
    if ctx is None:
        raise UserError(Message("intake.unknown_context", path=path, id=repr(questionnaire)))
    problem = answers_problem(ctx, context, None, require=False)
    if problem:
        raise UserError(Message("intake.context_problem", path=path, problem=problem))
