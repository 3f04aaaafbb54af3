"""Collect answers on phones: the link, its QR code, a live count, start and stop.

Self-contained: ``app.push_screen(CollectScreen(kb, path))``; it dismisses with None when
closed, after stopping the server, so the caller can refresh the results. It shows how many
respondents started and finished, never who or what they answered. "Print codes" adds personal
one-time codes and writes them as a sheet to print and cut up (``<intake>-codes.html``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from coachassist.collect.runner import CollectServer, is_loopback, qr_text
from coachassist.collect.state import Counts
from coachassist.errors import UserError, describe
from coachassist.i18n import Lang, t
from coachassist.kb.loader import KnowledgeBase


class CollectScreen(Screen[None]):
    DEFAULT_CSS = """
    CollectScreen { align: center top; }
    CollectScreen #collect-body { width: 100%; height: 1fr; padding: 0 1; }
    CollectScreen #collect-title { text-style: bold; padding: 1 0 0 0; }
    CollectScreen #collect-link { padding: 1 0 0 0; }
    CollectScreen #collect-qr { width: auto; color: black; background: white; margin: 1 0; }
    CollectScreen #collect-counts { text-style: bold; }
    CollectScreen #collect-warning { color: $warning; }
    CollectScreen #collect-buttons { height: auto; padding: 1 0; }
    CollectScreen #collect-buttons Button { margin: 0 2 0 0; }
    CollectScreen #collect-ncodes { width: 10; margin: 0 1 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", show=False)]

    def __init__(
        self,
        kb: KnowledgeBase,
        path: Path,
        *,
        lang: Lang | None = None,
        host: str = "0.0.0.0",
        port: int = 0,
        autostart: bool = True,
    ) -> None:
        super().__init__()
        self.kb, self.path = kb, path
        self.host, self.port = host, port
        self.autostart = autostart
        self._lang = lang
        self.server: CollectServer | None = None
        self.start_error = ""

    @property
    def lang(self) -> Lang:
        lang: Lang = self._lang or getattr(self.app, "lang", "en") or "en"
        return lang

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="collect-body"):
            yield Static(self.tr("collect.screen.title"), id="collect-title")
            yield Static(self.tr("collect.screen.stopped"), id="collect-link", markup=False)
            yield Static("", id="collect-qr", markup=False)
            yield Static(self.count_text(Counts(0, 0)), id="collect-counts")
            yield Static("", id="collect-warning", markup=False)
            with Horizontal(id="collect-buttons"):
                yield Button(
                    self.tr("collect.screen.start"), id="collect-toggle", variant="primary"
                )
                yield Button(self.tr("collect.screen.close"), id="collect-close")
                yield Input(
                    "12",
                    placeholder=self.tr("collect.screen.codes_count"),
                    type="integer",
                    max_length=3,
                    id="collect-ncodes",
                )
                yield Button(self.tr("collect.screen.codes"), id="collect-codes")

    async def on_mount(self) -> None:
        self.query_one("#collect-qr").display = False
        self.query_one("#collect-warning").display = False
        if self._lang is None and hasattr(self.app, "lang"):  # follow the app's language
            self.watch(self.app, "lang", self.relabel, init=False)
        if self.autostart:
            await self.start()

    def relabel(self) -> None:
        """Every text in the language of the moment (the state stays as it is)."""
        running = self.server is not None and self.server.running
        self.query_one("#collect-title", Static).update(self.tr("collect.screen.title"))
        if running and self.server is not None:
            link = f"{self.tr('collect.screen.hint')}\n{self.server.url}"
            self.show_counts(self.server.counts())
        else:
            link = self.tr("collect.screen.stopped")
            self.show_counts(Counts(0, 0) if self.server is None else self.server.counts())
        self.query_one("#collect-link", Static).update(link)
        if not is_loopback(self.host):
            self.query_one("#collect-warning", Static).update(self.tr("collect.cli.lan_warning"))
        toggle = "collect.screen.stop" if running else "collect.screen.start"
        self.query_one("#collect-toggle", Button).label = self.tr(toggle)
        self.query_one("#collect-close", Button).label = self.tr("collect.screen.close")
        self.query_one("#collect-codes", Button).label = self.tr("collect.screen.codes")
        self.query_one("#collect-ncodes", Input).placeholder = self.tr("collect.screen.codes_count")

    def count_text(self, counts: Counts) -> str:
        started = self.tr("collect.screen.started", n=counts.started)
        return f"{started}    {self.tr('collect.screen.finished', n=counts.finished)}"

    def show_counts(self, counts: Counts) -> None:
        if not self.is_mounted:
            return
        self.query_one("#collect-counts", Static).update(self.count_text(counts))

    async def start(self) -> None:
        if self.server is not None and self.server.running:
            return
        link = self.query_one("#collect-link", Static)
        try:
            self.server = CollectServer(self.kb, self.path, host=self.host, port=self.port)
            url = await self.server.start()
        except (UserError, OSError) as error:
            self.server = None
            self.start_error = describe(error, self.lang)
            link.update(self.tr("collect.screen.failed", error=describe(error, self.lang)))
            return
        self.server.on_count(self.show_counts)
        self.show_counts(self.server.counts())
        link.update(f"{self.tr('collect.screen.hint')}\n{url}")
        qr = self.query_one("#collect-qr", Static)
        qr.update(qr_text(url))
        qr.display = True
        warning = self.query_one("#collect-warning", Static)
        warning.update("" if is_loopback(self.host) else self.tr("collect.cli.lan_warning"))
        warning.display = not is_loopback(self.host)
        self.query_one("#collect-toggle", Button).label = self.tr("collect.screen.stop")

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()
        self.query_one("#collect-link", Static).update(self.tr("collect.screen.stopped"))
        self.query_one("#collect-qr").display = False
        self.query_one("#collect-warning").display = False
        self.query_one("#collect-toggle", Button).label = self.tr("collect.screen.start")

    @on(Button.Pressed, "#collect-toggle")
    async def toggle(self) -> None:
        if self.server is not None and self.server.running:
            await self.stop()
        else:
            await self.start()

    @on(Button.Pressed, "#collect-codes")
    @on(Input.Submitted, "#collect-ncodes")
    def print_codes(self) -> None:
        """New personal codes, as a sheet to print and cut up: ``<intake>-codes.html``."""
        from coachassist.collect.codesheet import code_sheet_html
        from coachassist.intake.files import write_text_atomic

        text = self.query_one("#collect-ncodes", Input).value.strip()
        count = int(text) if text.isdigit() else 0
        if not 1 <= count <= 500:
            self.notify(self.tr("collect.screen.codes_bad"), severity="error")
            return
        if self.server is None:  # the intake could not be opened for collecting: shown above
            self.notify(
                self.tr("collect.screen.codes_failed", error=self.start_error), markup=False
            )
            return
        codes: list[str] = []
        path = self.path.with_name(f"{self.path.stem}-codes.html")
        try:
            codes = self.server.add_codes(count)
            write_text_atomic(path, code_sheet_html(codes, self.lang))
        except (UserError, OSError) as error:
            shown = (
                f"{describe(error, self.lang)}\n{' '.join(codes)}"
                if codes
                else describe(error, self.lang)
            )  # never lose a code
            self.notify(
                self.tr("collect.screen.codes_failed", error=shown),
                severity="error",
                timeout=60,
                markup=False,
            )
            return
        done = self.tr("collect.screen.codes_done", n=count, path=str(path))
        self.notify(done, timeout=15, markup=False)
        if self.app.is_web:
            self.app.deliver_text(path, save_filename=path.name, mime_type="text/html")

    @on(Button.Pressed, "#collect-close")
    async def action_close(self) -> None:
        await self.stop()
        self.dismiss(None)

    async def on_unmount(self) -> None:
        if self.server is not None:
            await self.server.stop()
