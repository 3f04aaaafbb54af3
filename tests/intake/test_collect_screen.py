"""The app's collect screen: link, QR code, and a live count that rises as phones answer."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.widgets import Static

from coachassist.kb.loader import KnowledgeBase
from coachassist.tui.screens.collect import CollectScreen

from .phone import Phone


class Host(App[None]):
    def __init__(self, screen: CollectScreen) -> None:
        super().__init__()
        self.collect = screen
        self.closed = False

    def on_mount(self) -> None:
        self.push_screen(self.collect, lambda _: setattr(self, "closed", True))


def text(screen: CollectScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_the_count_rises_when_a_response_arrives(kb: KnowledgeBase, intake_path: Path):
    screen = CollectScreen(kb, intake_path, lang="en", host="127.0.0.1")
    app = Host(screen)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        assert screen.server is not None and screen.server.running
        url = screen.server.url
        assert url in text(screen, "#collect-link")
        assert "█" in text(screen, "#collect-qr")
        assert "Started: 0" in text(screen, "#collect-counts")
        async with Phone(url) as phone:
            await phone.start()
            await pilot.pause()
            assert "Started: 1" in text(screen, "#collect-counts")
            assert "Finished: 0" in text(screen, "#collect-counts")
            await phone.get("q?q=change_text")
            await phone.answer("ok")
        await pilot.pause()
        assert "Finished: 1" in text(screen, "#collect-counts")
        await pilot.click("#collect-toggle")  # stop
        await pilot.pause()
        assert not screen.server.running
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed
