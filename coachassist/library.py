"""The format library: full-text search, filters and label explanations (no Textual).

Search looks through every text of a format in Dutch and English at once: name, purpose,
steps, materials, the names of the dysfunctions it addresses, source and `library_only`.
Words are compared accent- and case-insensitively after light suffix stripping, so
"conflicten" finds "conflict" and "energizers" finds "energizer"; a word also matches the
start of a longer word ("veilig" finds "veiligheidsmeting") and, from five letters on, the
inside of a compound ("conflict" finds "teamconflict"). Every query word must match.
Results are ranked by where the words occur (name before purpose before steps), with a
little extra for a word that occurs in several fields.

The app and the CLI call the same functions: ``FormatLibrary(kb).find(query, lang, ...)``,
``filter_formats(...)`` and ``labels(fmt, lang)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from coachassist.i18n import Lang, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.kb.names import PHASES, Phase

MAX_QUERY = 200  # characters; a longer query is cut, never an error

# Field weights: a word in the name says more about a format than the same word in a step.
WEIGHTS: dict[str, float] = {
    "name": 6.0,
    "id": 4.0,
    "addresses": 3.0,
    "purpose": 3.0,
    "materials": 1.5,
    "steps": 1.5,
    "source": 1.0,
    "library_only": 1.0,
}
EXACT, PREFIX, INSIDE = 1.0, 0.45, 0.3
BREADTH = 0.25  # share of a word's other matching fields added to its best field
# Dutch and English endings, longest first; a stem keeps at least three letters.
_SUFFIXES = sorted(
    {"ingen", "heden", "heid", "tjes", "jes", "tje", "ings", "ing", "ers", "ies", "es", "en"}
    | {"er", "ed", "ly", "je", "s", "e"},
    key=len,
    reverse=True,
)
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case without accents: "Ideeën" -> "ideeen"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(normalise(text))]


@dataclass(frozen=True)
class Hit:
    """One format found, with its score and the fields the query words were found in."""

    format: Format
    score: float
    fields: tuple[str, ...]


class _Field:
    __slots__ = ("joined", "words")

    def __init__(self, texts: Iterable[str]) -> None:
        found = [s for text in texts for s in stems(text)]
        self.words = set(found)
        self.joined = " " + " ".join(sorted(self.words)) + " "

    def quality(self, query_stem: str) -> float:
        if query_stem in self.words:
            return EXACT
        if f" {query_stem}" in self.joined:
            return PREFIX
        if len(query_stem) >= 5 and query_stem in self.joined:
            return INSIDE
        return 0.0


def _both(texts) -> list[str]:
    return [text(lang) for text in texts for lang in ("nl", "en")]


class FormatLibrary:
    """A search index over the formats of one knowledge base; build once, search often."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._index: dict[str, dict[str, _Field]] = {}
        for fmt in kb.formats.values():
            dysfunctions = [kb.dysfunctions[d].name for d in fmt.addresses if d in kb.dysfunctions]
            self._index[fmt.id] = {
                "name": _Field(_both([fmt.name])),
                "id": _Field([fmt.id.replace("_", " ")]),
                "addresses": _Field([*_both(dysfunctions), *fmt.addresses]),
                "purpose": _Field(_both([fmt.purpose])),
                "materials": _Field(_both(fmt.materials)),
                "steps": _Field(_both(fmt.steps)),
                "source": _Field([fmt.source, fmt.licence]),
                "library_only": _Field(_both([fmt.library_only] if fmt.library_only else [])),
            }

    def search(self, query: str, formats: Iterable[Format] | None = None) -> list[Hit]:
        """Formats matching every word of ``query``, best first; all formats when it is empty."""
        words = list(dict.fromkeys(stems(query[:MAX_QUERY])))
        pool = list(self.kb.formats.values() if formats is None else formats)
        if not words:
            return [Hit(fmt, 0.0, ()) for fmt in pool]
        hits = []
        for fmt in pool:
            fields = self._index.get(fmt.id)
            if fields is None:
                continue
            score, where = 0.0, set[str]()
            for word in words:
                values = [WEIGHTS[name] * field.quality(word) for name, field in fields.items()]
                if not any(values):
                    break
                where.update(name for name, value in zip(fields, values, strict=True) if value)
                best = max(values)
                score += best + BREADTH * (sum(values) - best)
            else:
                hits.append(Hit(fmt, round(score, 3), tuple(n for n in WEIGHTS if n in where)))
        return sorted(hits, key=lambda h: (-h.score, h.format.id))

    def find(
        self,
        query: str = "",
        lang: Lang = "en",
        *,
        dysfunction: str | None = None,
        phase: Phase | None = None,
        setting: str | None = None,
        max_minutes: int | None = None,
        group: int | None = None,
    ) -> list[Hit]:
        """Search within the filtered formats. Without a query: the filtered formats by name."""
        chosen = filter_formats(
            self.kb.formats.values(),
            dysfunction=dysfunction,
            phase=phase,
            setting=setting,
            max_minutes=max_minutes,
            group=group,
        )
        hits = self.search(query, chosen)
        if not any(h.score for h in hits):
            hits.sort(key=lambda h: normalise(h.format.name(lang)))
        return hits


def filter_formats(
    formats: Iterable[Format],
    *,
    dysfunction: str | None = None,
    phase: Phase | None = None,
    setting: str | None = None,
    max_minutes: int | None = None,
    group: int | None = None,
) -> list[Format]:
    """The formats that pass every filter given (None: no filter), in the order given.

    dysfunction: the format addresses it; phase: its role (opening, core, closing); setting:
    it fits that kind of team; max_minutes: it takes at most that long; group: a group of that
    size fits between its group_min and group_max.
    """
    return [
        fmt
        for fmt in formats
        if (dysfunction is None or dysfunction in fmt.addresses)
        and (phase is None or fmt.role == phase)
        and (setting is None or setting in fmt.settings)
        and (max_minutes is None or fmt.minutes <= max_minutes)
        and (group is None or fmt.group_min <= group <= fmt.group_max)
    ]


@dataclass(frozen=True)
class Label:
    """A short tag shown with a format, and the sentence that explains it."""

    key: str  # opening, core, closing, recurring, library_only
    text: str
    explanation: str


LABEL_KEYS: tuple[str, ...] = (*PHASES, "recurring", "library_only")


def label(key: str, lang: Lang) -> Label:
    return Label(key, t(f"library.label.{key}", lang), t(f"library.explain.{key}", lang))


def labels(fmt: Format, lang: Lang) -> list[Label]:
    """The labels of a format (its phase, and recurring / library-only when they apply)."""
    keys: list[str] = [fmt.role]
    if fmt.recurring:
        keys.append("recurring")
    if fmt.library_only is not None:
        keys.append("library_only")
    return [label(key, lang) for key in keys]
