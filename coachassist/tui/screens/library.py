"""The format library: full-text search (coachassist.library, the same search as
``coachassist formats``), filters by dysfunction, phase, setting, duration and group size, and
the labels of the highlighted format explained below the list."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SETTINGS
from coachassist.library import PHASES, FormatLibrary, labels
from coachassist.tui.render import clean, format_meta, plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar

DURATIONS = (15, 30, 45, 60, 90, 120, 180)


class LibraryScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    LibraryScreen {
        #search { margin: 1 1 0 1; }
        #filters { layout: grid; grid-size: 3 2; grid-gutter: 0 1; height: 2; margin: 1 1 0 1; }
        #filters Select { width: 1fr; }
        #filters #group { width: 12; }
        #formats { height: 1fr; margin: 1 1 0 1; }
        #labels { padding: 0 1; height: auto; max-height: 4; text-wrap: nowrap; text-overflow: ellipsis; }
        #count { padding: 0 1; color: $text-muted; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "#search"

    def __init__(self, kb: KnowledgeBase, library: FormatLibrary | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.library = library or FormatLibrary(kb)
        self.query_text = ""
        self.filters: dict[str, str | int] = {}
        self.group_text = ""

    def compose(self) -> ComposeResult:
        kb = self.kb
        yield TitleBar(self.tr("tui.library.heading", n=len(kb.formats)))
        yield Input(
            self.query_text, placeholder=self.tr("tui.library.search"), id="search", compact=True
        )
        dysfunctions = sorted(kb.dysfunctions.values(), key=lambda d: (d.level or 9, d.id))
        with Horizontal(id="filters"):
            yield self.select("dysfunction", [(d.name(self.lang), d.id) for d in dysfunctions])
            yield self.select("phase", [(self.tr(f"library.phase.{p}"), p) for p in PHASES])
            yield self.select("setting", [(self.tr(f"tui.setting.{s}"), s) for s in SETTINGS])
            yield self.select(
                "minutes", [(self.tr("tui.library.at_most", n=m), m) for m in DURATIONS]
            )
            yield Input(
                self.group_text,
                placeholder=self.tr("tui.library.group"),
                type="integer",
                id="group",
                compact=True,
            )
        yield OptionList(id="formats")
        yield Static("", id="labels")
        yield Static("", id="count")
        yield Footer()

    def select(self, name: str, options: list[tuple[str, str | int]]) -> Select[str | int]:
        """A filter; labels are plain text (a trainer's names may hold brackets)."""
        value = self.filters.get(name, Select.NULL)
        labels = [(Text(plain(label)), key) for label, key in options]
        return Select(
            labels, prompt=self.tr(f"tui.library.all_{name}"), value=value, id=name, compact=True
        )

    def on_mount(self) -> None:
        self.refill()

    def after_relang(self) -> None:
        self.refill()
        self.query_one("#search").focus()

    def refill(self) -> None:
        kb, lang = self.kb, self.lang
        group = int(self.group_text) if self.group_text.strip().isdigit() else None
        dysfunction, setting = self.filters.get("dysfunction"), self.filters.get("setting")
        phase, minutes = self.filters.get("phase"), self.filters.get("minutes")
        hits = self.library.find(
            self.query_text,
            lang,
            dysfunction=dysfunction if isinstance(dysfunction, str) else None,
            phase=next((p for p in PHASES if p == phase), None),
            setting=setting if isinstance(setting, str) else None,
            max_minutes=minutes if isinstance(minutes, int) else None,
            group=group,
        )
        listing = self.query_one("#formats", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(
                clean(
                    Text.assemble(
                        (hit.format.name(lang), "bold"),
                        ("  " + format_meta(hit.format, lang, self.tr), "dim"),
                        (self.found_in(hit.fields), "italic dim"),
                    )
                ),
                id=hit.format.id,
            )
            for hit in hits
        )
        if hits:
            listing.highlighted = 0
        self.explain(hits[0].format.id if hits else None)
        self.query_one("#count", Static).update(
            self.tr("tui.library.count", n=len(hits), total=len(kb.formats))
        )

    def found_in(self, fields: tuple[str, ...]) -> str:
        """Where the words were found, when not in the name (a step, the materials, ...)."""
        if not fields or "name" in fields:
            return ""
        where = ", ".join(self.tr(f"tui.library.field_{field}") for field in fields)
        return "  " + self.tr("tui.library.found_in", fields=where)

    def explain(self, format_id: str | None) -> None:
        """The highlighted format's labels with what they mean, and why it is library-only:
        a line each (cut with "…"; the format's own screen has them in full)."""
        fmt = self.kb.formats.get(format_id or "")
        text = Text(no_wrap=True, overflow="ellipsis")
        if fmt is not None:
            for item in labels(fmt, self.lang):
                text.append(f" {item.text} ", "bold reverse")
                text.append(f" {item.explanation}\n", "dim")
            if fmt.library_only is not None:
                text.append(self.tr("library.card.why_library_only") + ": ", "bold")
                text.append(fmt.library_only(self.lang))
        text.rstrip()
        self.query_one("#labels", Static).update(clean(text))

    @on(OptionList.OptionHighlighted, "#formats")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.explain(event.option.id)

    @on(Input.Changed, "#search")
    def searched(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refill()

    @on(Input.Changed, "#group")
    def grouped(self, event: Input.Changed) -> None:
        self.group_text = event.value
        self.refill()

    @on(Select.Changed)
    def filtered(self, event: Select.Changed) -> None:
        name = event.select.id or ""
        if isinstance(event.value, str | int):
            self.filters[name] = event.value
        else:  # Select.NULL: no filter
            self.filters.pop(name, None)
        self.refill()

    @on(Input.Submitted)
    def to_list(self) -> None:
        self.query_one("#formats").focus()

    @on(OptionList.OptionSelected, "#formats")
    def open_format(self, event: OptionList.OptionSelected) -> None:
        from coachassist.tui.screens.format_detail import FormatScreen

        fmt = self.kb.formats.get(event.option.id or "")
        if fmt is not None:
            self.app.push_screen(FormatScreen(self.kb, fmt))
