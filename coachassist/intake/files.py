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
from coachassist.i18n import Lang
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
        raise UserError(str(problem))
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
        error = exc.errors(include_url=False)[0]
        loc = ["context", *error["loc"]] if model is _CONTEXT else list(error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        answer = _answer_at(loc, data)
        if answer:
            raise UserError(f"{path}: {answer}: {_not_an_answer(error['input'])}{more}") from None
        where = ".".join(str(p) for p in loc) or "file"
        if len(loc) > 2 and loc[0] == "responses" and isinstance(loc[1], int):
            where = f"{_respondent(data, loc[1])}: " + ".".join(str(p) for p in loc[2:])
        raise UserError(f"{path}: {where}: {error['msg']}{more}") from None


def _answer_at(loc: list[Any], data: Any) -> str | None:
    """``respondent r01: question 'trust_1'`` when an error lies inside one answer."""
    if len(loc) > 2 and loc[0] in ("answers", "context"):
        return f"question {loc[1]!r}"
    if len(loc) > 4 and loc[0] == "responses" and loc[2] == "answers":
        return f"{_respondent(data, loc[1])}: question {loc[3]!r}"
    return None


def _respondent(data: Any, index: int) -> str:
    """``respondent r01``, or ``respondent number 3`` when its id is itself missing or bad."""
    try:
        rid = data["responses"][index]["id"]
    except (KeyError, IndexError, TypeError):
        rid = None
    if isinstance(rid, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,32}", rid):
        return f"respondent {rid}"
    return f"respondent number {index + 1}"


def _not_an_answer(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} is not an answer; true/false is never an answer here"
    return f"{value!r} is not an answer; give a number, a text or a list of texts"


def read_intake(path: Path) -> Intake:
    """Read an intake file without checking it against a questionnaire."""
    data = _read(path)
    if data.get("format") != "coachassist-intake/1":
        raise UserError(f'{path}: not an intake file (expected format = "coachassist-intake/1")')
    return _model(path, Intake, data)


def read_response(path: Path) -> Response:
    data = _read(path)
    if data.get("format") != "coachassist-response/1":
        raise UserError(f'{path}: not a response file (expected format = "coachassist-response/1")')
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
        raise UserError("give an intake file or one or more response files")
    intake: Intake | None = None
    intake_path: Path | None = None
    responses: list[tuple[Path, Response]] = []
    files = _DistinctFiles()
    for path in paths:
        data = _read(path)
        files.add(path, data)
        if data.get("format") == "coachassist-intake/1":
            if intake is not None:
                raise UserError(f"{path}: only one intake file per diagnosis")
            intake, intake_path = _model(path, Intake, data), path
        elif data.get("format") == "coachassist-response/1":
            responses.append((path, _model(path, Response, data)))
        else:
            raise UserError(
                f"{path}: neither an intake nor a response file "
                '(format must be "coachassist-intake/1" or "coachassist-response/1")'
            )
    intake = intake or Intake(scan=responses[0][1].questionnaire)
    notes: list[str] = []
    for path, response in responses:
        if response.questionnaire != intake.scan:
            raise UserError(
                f"{path}: answers questionnaire {response.questionnaire!r}, "
                f"but this case uses {intake.scan!r}"
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
            raise UserError(
                f"{path}: the same file as {self._by_inode[inode]}; "
                "give each file once, so that no respondent is counted twice"
            )
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
        if digest in self._by_content:
            raise UserError(
                f"{path}: the same content as {self._by_content[digest]}; a copy would count "
                "one respondent twice. If two people really gave identical answers, put them "
                "in one intake file as two respondents"
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
        raise UserError(f"{path}: unknown questionnaire {intake.scan!r}; known: {known}")
    note = check_version(path, scan.id, intake.scan_version, scan.version, lang)
    counted = Counter(r.id for r in intake.responses)
    for respondent in intake.responses:
        where = f"{path}: respondent {respondent.id}"
        if counted[respondent.id] > 1:
            raise UserError(
                f"{where}: appears {counted[respondent.id]} times; each respondent is counted "
                "once, so give each their own id or remove the copy"
            )
        if respondent.role not in scan.roles:
            raise UserError(f"{where}: unknown role {respondent.role!r}; use one of {scan.roles}")
        problem = answers_problem(scan, respondent.answers, respondent.role)
        if problem:
            raise UserError(f"{where}: {problem}")
    _check_context(kb, intake.context_questionnaire, intake.context, path)
    return [note] if note else []


def _check_context(kb: KnowledgeBase, questionnaire: str, context: Answers, path: Path) -> None:
    if not context:
        return
    ctx = kb.questionnaires.get(questionnaire)
    if ctx is None:
        raise UserError(f"{path}: unknown context questionnaire {questionnaire!r}")
    problem = answers_problem(ctx, context, None, require=False)
    if problem:
        raise UserError(f"{path}: context: {problem}")
