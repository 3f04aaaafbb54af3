"""Problems found in knowledge-base files, each pointing at a file, line and item id."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int | None
    item: str  # the id of the item at fault, or "-" for the file as a whole
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        item = f"{self.item}: " if self.item and self.item != "-" else ""  # "-": the whole file
        return f"{where}: {item}{self.message}"


class KnowledgeBaseError(Exception):
    """Raised when the knowledge base has problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems


def locate(
    text: str, item_id: str | None, field: str | Sequence[str] | None = None, *, nth: int = 1
) -> int | None:
    """The 1-based line where ``id = "item_id"`` is declared (its ``nth`` declaration, for
    duplicates), or of the first of ``field`` (a key, or keys to try in turn) found after it."""
    lines = text.splitlines()
    start = 0
    if item_id:
        pattern = re.compile(rf"""^\s*id\s*=\s*["']{re.escape(item_id)}["']""")
        found = [number for number, line in enumerate(lines) if pattern.match(line)]
        if not found:
            return None
        start = found[min(nth, len(found)) - 1]
    next_item = re.compile(r"^\s*id\s*=")
    for name in [field] if isinstance(field, str) else field or ():
        # the key alone, dotted (name.en = ...) or as a table header ([rules.then])
        key = re.compile(rf"^\s*(\[+\s*)?([\w-]+\s*\.\s*)*{re.escape(name)}\s*(=|\]|\.)")
        for number in range(start, len(lines)):
            if number > start and item_id and next_item.match(lines[number]):
                break
            if key.match(lines[number]):
                return number + 1
    return start + 1 if item_id else None
