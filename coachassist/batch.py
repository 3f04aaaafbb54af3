"""Many teams in one process: which files, diagnosing each, and one row per team and scale.

A file that cannot be read or diagnosed does not stop the others: its result carries the
one-line error. Results are yielded one at a time, so memory stays flat over any number of
teams. What a row shows comes from each team's Diagnosis only: a withheld figure is empty
(``None``) and ``withheld`` says why.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachassist.diagnosis import Diagnosis
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message, t
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase

if TYPE_CHECKING:
    from coachassist.engine.inference import Engine
    from coachassist.engine.pipeline import Prepared

COLUMNS = (
    "team",
    "file",
    "scan",
    "respondents",
    "scale",
    "n",
    "mean",
    "sd",
    "rwg",
    "band",
    "withheld",
    "findings",
    "min_group",
)
_GLOB = set("*?[")


def expand(args: Sequence[Path]) -> list[Path]:
    """Files as given, every ``*.toml`` under a folder (no hidden ones), and glob patterns;
    sorted within each argument, each file once. A pattern that matches nothing is an error."""
    found: list[Path] = []
    for arg in args:
        text = str(arg)
        if arg.is_dir():
            found += sorted(
                p
                for p in arg.rglob("*.toml")
                if not any(part.startswith(".") for part in p.relative_to(arg).parts)
            )
        elif _GLOB & set(text) and not arg.exists():
            matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
            if not matches:
                raise UserError(Message("file.no_match", pattern=text))
            found += [p for p in matches if p.is_file()]
        else:
            found.append(arg)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


@dataclass
class TeamResult:
    path: Path
    intake: Intake | None = None
    diagnosis: Diagnosis | None = None
    error: UserError | None = None  # rendered in the reader's language by whoever shows it

    @property
    def team(self) -> str:
        return (self.intake.title if self.intake else "") or self.path.stem


def read_team(kb: KnowledgeBase, path: Path) -> Intake:
    """One intake file, read and checked against the knowledge base (UserError otherwise)."""
    from coachassist.intake.files import read_intake, validate_intake

    intake = read_intake(path)
    validate_intake(kb, intake, path)  # notes (an older compatible version) are not errors
    return intake


CHUNK = 16  # teams per request to the engine worker


def diagnose_many(
    kb: KnowledgeBase, paths: Iterable[Path], *, min_group: int | None = None
) -> Iterator[TeamResult]:
    """Each file's TeamResult, in order. The engine worker evaluates one chunk of teams while
    this process reads and prepares the next and finishes the one before: the two processes
    work at the same time, and the results are what ``diagnose`` gives each team alone."""
    from coachassist.engine.pipeline import engine_for

    try:
        engine = engine_for(kb)
    except UserError as error:  # a knowledge base the engine refuses: every team says so
        for path in paths:
            yield TeamResult(path, error=error)
        return
    sent: _Sent | None = None
    chunk: list[TeamResult | _Ready] = []
    for path in paths:
        chunk.append(_prepared(kb, path, min_group))
        if len(chunk) == CHUNK:
            done = sent.results() if sent else []  # wait for the worker, give it the next chunk
            sent, chunk = _Sent.send(kb, engine, chunk), []
            yield from done
    done = sent.results() if sent else []
    last = _Sent.send(kb, engine, chunk) if chunk else None
    yield from done
    if last:
        yield from last.results()


@dataclass
class _Ready:
    path: Path
    team: Prepared


def _prepared(kb: KnowledgeBase, path: Path, min_group: int | None) -> TeamResult | _Ready:
    from coachassist.engine.pipeline import prepare

    try:
        return _Ready(path, prepare(kb, read_team(kb, path), min_group))
    except UserError as error:
        return TeamResult(path, error=error)


@dataclass
class _Sent:
    """A chunk of teams whose facts are with the engine worker."""

    kb: KnowledgeBase
    chunk: list[TeamResult | _Ready]
    outcomes: Callable[[], Sequence[list[str] | UserError]]

    @classmethod
    def send(cls, kb: KnowledgeBase, engine: Engine, chunk: list[TeamResult | _Ready]) -> _Sent:
        ruled = [c.team.visible for c in chunk if isinstance(c, _Ready) and c.team.privacy.team_ok]
        return cls(kb, chunk, engine.submit(ruled))

    def results(self) -> list[TeamResult]:
        from coachassist.engine.pipeline import conclude

        answers = iter(self.outcomes())
        done = []
        for item in self.chunk:
            if isinstance(item, TeamResult):
                done.append(item)
                continue
            team = item.team
            fired = next(answers) if team.privacy.team_ok else []
            if isinstance(fired, UserError):  # the engine failed on this team
                done.append(TeamResult(item.path, error=fired))
                continue
            try:
                done.append(TeamResult(item.path, team.intake, conclude(self.kb, team, fired)[0]))
            except UserError as error:
                done.append(TeamResult(item.path, error=error))
        return done


def rows(result: TeamResult, lang: Lang) -> list[dict[str, Any]]:
    """One row per scale of the team (the COLUMNS); findings as ``id:severity`` per team."""
    dx = result.diagnosis
    if dx is None:
        return []
    findings = [f"{f.id}:{f.severity}" for f in dx.findings]
    base = {"team": result.team, "file": str(result.path), "scan": dx.scan}
    out = []
    for score in dx.scores:
        out.append(
            {
                **base,
                "respondents": dx.respondents,
                "scale": score.scale,
                "n": score.n,
                "mean": score.mean,
                "sd": score.sd,
                "rwg": score.rwg,
                "band": score.band(lang) if score.band else None,
                "withheld": withheld_reason(dx, score.n, score.mean, lang),
                "findings": findings,
                "min_group": dx.min_group,
            }
        )
    return out


def few_people(result: TeamResult) -> bool:
    """The team's figures may rest on fewer than three people: its threshold is below 3, or
    it is a lead's self-scan (the lead's own answers, for the lead's eyes)."""
    dx = result.diagnosis
    return dx is not None and (dx.privacy.low_threshold or dx.privacy.self_scan)


def withheld_reason(dx: Diagnosis, n: int | None, mean: float | None, lang: Lang) -> str | None:
    if not dx.privacy.team_shown:
        return t("batch.withheld.team", lang, more=dx.privacy.needed)
    if mean is not None:
        return None
    if not n:
        return t("batch.withheld.no_answers", lang)
    return t("batch.withheld.scale", lang, k=dx.min_group)


def csv_cell(value: Any) -> str:
    """A CSV cell; a text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
