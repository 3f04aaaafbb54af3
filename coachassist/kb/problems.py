"""Problems found in knowledge-base files, each pointing at a file, line and item id."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a knowledge-base file: where, which item, what to fix."""

    path: Path
    line: int | None
    item: str  # the id of the item at fault, or "-" for the file as a whole
    message: str
    nl: str | None = None  # the message in Dutch, where one is written (``render("nl")``)
    refused: bool = False  # the whole knowledge base is refused (beyond the engine's capacity)

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str = "en") -> str:
        """``file:line: id: message`` in ``lang`` (English where no Dutch text exists)."""
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        item = f"{self.item}: " if self.item and self.item != "-" else ""  # "-": the whole file
        message = self.message
        if lang == "nl":
            from coachassist.kb.wording import dutch

            message = self.nl or dutch(self.message)
        return f"{where}: {item}{message}"


class KnowledgeBaseError(Exception):
    """Raised when the knowledge base has problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems

    @property
    def refusal(self) -> Problem | None:
        """The problem that refuses the knowledge base as a whole (too large for the engine):
        one line and exit 2, as for other refused input; item problems exit 1."""
        return next((p for p in self.problems if p.refused), None)


def locate(
    text: str, item_id: str | None, field: str | Sequence[str] | None = None, *, nth: int = 1
) -> int | None:
    """The 1-based line where ``id = "item_id"`` is declared (its ``nth`` declaration, for
    duplicates), or of the first of ``field`` (a key, or keys to try in turn) found after it.

    Each text is indexed once (``LineIndex``), so locating every problem of a file with
    thousands of items costs one pass over the file plus a binary search per problem."""
    return line_index(text).locate(item_id, field, nth=nth)


@lru_cache(maxsize=4)
def line_index(text: str) -> LineIndex:
    """The index of a file's text; the loader passes the same ``str`` for every item of a file,
    so after the first call the cache hit is a cheap lookup."""
    return LineIndex(text)


_ID_LINE = re.compile(r"""^\s*id\s*=\s*["'](?P<rest>.*)""")
_ITEM_START = re.compile(r"^\s*id\s*=")
# a key alone, dotted (name.en = ...) or as a table header ([rules.then]): every part of the
# dotted path, each followed by "=", "]" or "."
_KEY_PATH = re.compile(r"^\s*(?:\[+\s*)?(?P<path>[\w-]+(?:\s*\.\s*[\w-]+)*)\s*(?P<end>[=\].])?")
_DOT = re.compile(r"\s*\.\s*")


class LineIndex:
    """Where ids are declared and where each key occurs, from one pass over a file's lines."""

    def __init__(self, text: str) -> None:
        self.ids: dict[str, list[int]] = defaultdict(list)  # id -> lines declaring it
        self.id_values: list[tuple[int, str]] = []  # (line, text after the opening quote)
        self.item_starts: list[int] = []  # every line starting with `id =`
        self.keys: dict[str, list[int]] = defaultdict(list)  # key -> lines naming it
        for number, line in enumerate(text.splitlines()):
            if _ITEM_START.match(line):
                self.item_starts.append(number)
                found = _ID_LINE.match(line)
                if found:
                    rest = found["rest"]
                    self.id_values.append((number, rest))
                    quote = min((i for i in (rest.find('"'), rest.find("'")) if i >= 0), default=-1)
                    if quote >= 0:
                        self.ids[rest[:quote]].append(number)
            path = _KEY_PATH.match(line)
            if path:
                parts = _DOT.split(path["path"])
                named = parts if path["end"] else parts[:-1]
                for part in dict.fromkeys(named):
                    self.keys[part].append(number)

    def declarations(self, item_id: str) -> list[int]:
        if '"' not in item_id and "'" not in item_id:
            return self.ids.get(item_id, [])
        # an id holding a quote cannot be told apart by the first quote: check each id line
        return [
            n
            for n, rest in self.id_values
            if rest.startswith(item_id) and rest[len(item_id) : len(item_id) + 1] in ('"', "'")
        ]

    def locate(
        self, item_id: str | None, field: str | Sequence[str] | None = None, *, nth: int = 1
    ) -> int | None:
        start, end = 0, None
        if item_id:
            found = self.declarations(item_id)
            if not found:
                return None
            start = found[min(nth, len(found)) - 1]
            following = bisect_right(self.item_starts, start)
            end = self.item_starts[following] if following < len(self.item_starts) else None
        for name in [field] if isinstance(field, str) else field or ():
            lines = self.keys.get(name, [])
            first = bisect_left(lines, start)
            if first < len(lines) and (end is None or lines[first] < end):
                return lines[first] + 1
        return start + 1 if item_id else None
