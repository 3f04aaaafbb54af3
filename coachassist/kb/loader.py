"""Read knowledge-base folders into one validated ``KnowledgeBase``.

The bundled folders come first; each ``--kb DIR`` a trainer passes is a later layer that may add
items and override earlier ones by id. Within one layer an id may occur only once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from coachassist.kb.models import (
    FILE_KINDS,
    KIND_KEYS,
    Case,
    Dysfunction,
    Format,
    Model,
    Question,
    Questionnaire,
    Rule,
)
from coachassist.kb.problems import KnowledgeBaseError, Problem, locate
from coachassist.kb.suggestions import row_rule
from coachassist.safefile import KB_FILE_CAP, FileRefused, read_bytes

PACKAGE_DIR = Path(__file__).resolve().parent.parent
_TOML_POSITION = re.compile(
    r" \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)"
)


def bundled_dirs() -> list[Path]:
    """The bundled ``questionnaires/`` and ``rules/``: inside a wheel, or beside a checkout."""
    installed = PACKAGE_DIR / "_bundled"
    root = installed if installed.is_dir() else PACKAGE_DIR.parent
    return [root / "questionnaires", root / "rules"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item was read: file, line, and the folder layer it came from."""

    path: Path
    line: int | None
    layer: int = 0  # 0: the first folder set read (the bundled one, unless left out)


@dataclass(frozen=True, slots=True)
class Override:
    """An item of a later folder that replaces one of an earlier folder with the same id."""

    kind: str
    id: str
    replaced: Origin
    by: Origin
    dropped: tuple[str, ...]  # fields the replaced item set and the replacement leaves out


@dataclass
class KnowledgeBase:
    """Every validated item of the knowledge base by id, and where each was read."""

    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    dysfunctions: dict[str, Dysfunction] = field(default_factory=dict)
    formats: dict[str, Format] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    overrides: list[Override] = field(default_factory=list)
    bundled: bool = True  # whether layer 0 is the bundled knowledge base
    _memo: dict[str, tuple[tuple[Questionnaire, ...], Mapping[str, Question]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def origin(self, kind: str, item_id: str) -> Origin | None:
        return self.origins.get((kind, item_id))

    def own_ids(self) -> set[str]:
        """Ids of items from the trainer's own folders (``--kb``), not the bundled ones."""
        first = 1 if self.bundled else 0
        return {item for (_, item), origin in self.origins.items() if origin.layer >= first}

    def by_purpose(self, purpose: str) -> list[Questionnaire]:
        return [q for q in self.questionnaires.values() if q.purpose == purpose]

    def scan_questions(self) -> Mapping[str, Question]:
        return self._questions("scan")

    def context_questions(self) -> Mapping[str, Question]:
        return self._questions("context")

    def _questions(self, purpose: str) -> Mapping[str, Question]:
        """The questions of every questionnaire for ``purpose`` by id; computed once for the
        questionnaires held now (they are frozen; replacing one computes it afresh). The memo
        holds those questionnaires, so no id() it compares can be reused by a new one."""
        held = tuple(self.questionnaires.values())
        cached = self._memo.get(purpose)
        if (
            cached is None
            or len(cached[0]) != len(held)
            or any(a is not b for a, b in zip(cached[0], held, strict=True))
        ):
            found = {q.id: q for qn in self.by_purpose(purpose) for q in qn.questions}
            cached = self._memo[purpose] = (held, MappingProxyType(found))
        return cached[1]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_memo": {}}  # computed afresh in another process

    def scale_ids(self) -> set[str]:
        return {s.id for qn in self.by_purpose("scan") for s in qn.scales}

    def counts(self) -> dict[str, int]:
        return {
            "questionnaires": len(self.questionnaires),
            "scales": sum(len(q.scales) for q in self.questionnaires.values()),
            "questions": sum(len(q.questions) for q in self.questionnaires.values()),
            "dysfunctions": len(self.dysfunctions),
            "formats": len(self.formats),
            "rules": len(self.rules),
            "cases": len(self.cases),
        }


def load(extra_dirs: Sequence[Path] = (), *, bundled: bool = True) -> KnowledgeBase:
    """Load and validate; raises KnowledgeBaseError listing every problem."""
    kb, problems = load_with_problems(extra_dirs, bundled=bundled)
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def load_with_problems(
    extra_dirs: Sequence[Path] = (), *, bundled: bool = True
) -> tuple[KnowledgeBase, list[Problem]]:
    from coachassist.kb.lint import licence_problems
    from coachassist.kb.overrides import override_problems
    from coachassist.kb.validate import cross_check

    kb = KnowledgeBase(bundled=bundled)
    problems: list[Problem] = []
    layers: list[list[Path]] = [bundled_dirs()] if bundled else []
    layers += [[Path(d)] for d in extra_dirs]
    for number, layer in enumerate(layers):
        _load_layer(layer, kb, problems, number)
    if not problems:
        problems += cross_check(kb)
        problems += override_problems(kb) + licence_problems(kb)
    return kb, problems


def _load_layer(
    dirs: Iterable[Path], kb: KnowledgeBase, problems: list[Problem], layer: int = 0
) -> None:
    seen: set[tuple[str, str]] = set()
    for folder in dirs:
        if not folder.is_dir():
            problems.append(
                Problem(folder, None, "-", "not a folder; pass a folder of .toml files")
            )
            continue
        for path in sorted(folder.rglob("*.toml")):
            if not _hidden(path.relative_to(folder)):
                _load_file(path, folder, kb, problems, seen, layer)


def _hidden(relative: Path) -> bool:
    """Dot files and folders (``.taplo.toml``, ``.git/``, editor lock files) are not read."""
    return any(part.startswith(".") for part in relative.parts)


def _load_file(
    path: Path,
    folder: Path,
    kb: KnowledgeBase,
    problems: list[Problem],
    seen: set[tuple[str, str]],
    layer: int = 0,
) -> None:
    data, text, problem = read_toml(path, root=folder)
    if problem:
        problems.append(problem)
        return
    assert data is not None
    kinds = [KIND_KEYS[key] for key in data if key in KIND_KEYS]
    if len(kinds) != 1:
        found = ", ".join(kinds) or "none"
        problems.append(
            Problem(
                path,
                None,
                "-",
                f"cannot tell what kind of file this is (found: {found}); a file holds exactly "
                "one of: questions (a questionnaire), dysfunctions, formats, rules, cases",
            )
        )
        return
    kind = kinds[0]
    model = FILE_KINDS[kind]
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(path, text, data, exc, model))
        return
    in_file: Counter[tuple[str, str]] = Counter()
    for item_kind, item in _items(kind, parsed):
        key = (item_kind, item.id)  # type: ignore[attr-defined]
        in_file[key] += 1
        line = locate(text, item.id, nth=in_file[key])  # type: ignore[attr-defined]
        if key in seen:
            problems.append(
                Problem(path, line, item.id, f"duplicate {item_kind} id; ids must be unique")  # type: ignore[attr-defined]
            )
            continue
        seen.add(key)
        items = getattr(kb, _PLURAL[item_kind])
        origin = Origin(path, line, layer)
        previous = kb.origins.get(key)
        if previous is not None and previous.layer != layer:
            old = items[item.id]  # type: ignore[attr-defined]
            dropped = tuple(sorted(old.model_fields_set - item.model_fields_set))
            kb.overrides.append(Override(item_kind, item.id, previous, origin, dropped))  # type: ignore[attr-defined]
        items[item.id] = item  # type: ignore[attr-defined]
        kb.origins[key] = origin


_PLURAL = {
    "questionnaire": "questionnaires",
    "dysfunction": "dysfunctions",
    "format": "formats",
    "rule": "rules",
    "case": "cases",
}


def _items(kind: str, parsed: Model) -> list[tuple[str, Model]]:
    if kind == "questionnaire":
        return [("questionnaire", parsed)]
    if kind == "suggestion":  # each row of the suggestion table is a rule
        return [("rule", row_rule(row)) for row in parsed.suggestions]  # type: ignore[attr-defined]
    return [(kind, item) for item in getattr(parsed, _PLURAL[kind])]


def read_toml(
    path: Path,
    *,
    cap: int = KB_FILE_CAP,
    root: Path | None = None,
    fast: Callable[[str], dict[str, Any] | None] | None = None,
) -> tuple[dict[str, Any] | None, str, Problem | None]:
    """Read a TOML file of at most ``cap`` bytes (inside ``root``, if given); any unreadable
    file becomes one Problem, never an exception. ``fast`` may read a plain file first
    (None: leave it to tomllib)."""
    try:
        raw = read_bytes(path, cap, root)
    except FileRefused as refused:
        return None, "", Problem(path, None, "-", str(refused.reason), refused.reason.render("nl"))
    if b"\x00" in raw:
        return None, "", Problem(path, None, "-", "binary file, not TOML text; remove it")
    try:
        text = raw.decode("utf-8-sig")  # tolerate the byte-order mark some Windows editors add
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        return None, "", Problem(path, bad_line, "-", "not UTF-8 text; save the file as UTF-8")
    if not text.strip():
        return None, text, Problem(path, None, "-", "empty file; add content or remove it")
    data = fast(text) if fast else None
    if data is not None:
        return data, text, None
    import tomllib  # only here: a knowledge base from the cache, a plain intake never need it

    try:
        return tomllib.loads(text), text, None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11/3.12 only put the position in the message: "... (at line 3, column 5)"
        found = _TOML_POSITION.search(str(exc))
        line: int | None = getattr(exc, "lineno", None)
        column: int | str | None = getattr(exc, "colno", None)
        if found:  # "at end of document": the last line
            line = int(found["line"]) if found["line"] else max(1, len(text.splitlines()))
            column = found["column"] or column
        message = _TOML_POSITION.sub("", str(exc))
        if column is None:
            return None, text, Problem(path, line, "-", f"not valid TOML: {message}")
        from coachassist.kb import wording  # the words for problems: only when there are some

        said = wording.both("kbcheck.toml_error", column=column, error=message)
        return None, text, Problem(path, line, "-", said["en"], said["nl"])
    except RecursionError:
        return None, text, Problem(path, None, "-", "not valid TOML: nested too deeply")


def pydantic_problems(
    path: Path, text: str, data: dict[str, Any], exc: ValidationError, model: type[Model]
) -> list[Problem]:
    """Turn pydantic's errors into one plain-language Problem each, naming the item's id and
    line, the field as the trainer wrote it (items counted from 1), in Dutch and English."""
    from coachassist.kb import wording  # the words for problems: only when there are some

    problems = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        item_id, field_path = _owner(data, loc)
        fields = [p for p in reversed(field_path) if isinstance(p, str)]  # innermost first
        line = locate(text, item_id if item_id != "-" else None, fields)
        said = wording.explain(error, model)
        en, nl = (
            f"{wording.where(field_path, lang) or 'file'}: {said[lang]}" for lang in ("en", "nl")
        )
        problems.append(Problem(path, line, item_id, en, nl))
    return problems


def _owner(data: dict[str, Any], loc: list[Any]) -> tuple[str, list[Any]]:
    """The id of the innermost item (table with an ``id``) on the error's path, and the rest."""
    item_id, rest, node = _shown_id(data) or "-", list(loc), data
    for index, part in enumerate(loc):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        shown = _shown_id(node)
        if shown:
            item_id, rest = shown, loc[index + 1 :]
    return item_id, rest


def _shown_id(node: Any) -> str | None:
    """The ``id`` of a table, if it can stand in a one-line problem (even when invalid)."""
    value = node.get("id") if isinstance(node, dict) else None
    return value if isinstance(value, str) and re.fullmatch(r"\S{1,100}", value) else None
