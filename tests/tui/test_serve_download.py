"""``coachassist serve``: a report saved in the browser is downloaded, as the browser sees it.

A real ``serve`` process and the browser's side of textual-serve over HTTP and its websocket:
open the recent intake, go to the results, save the client report, then the plan's session
sheet, and fetch the downloads the app announces. The intake's name has an accent, a space, a
semicolon and quotes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import aiohttp
import pytest

from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.tui.export import download_name

from .test_processes import free_port, serving

EXAMPLE = Path(__file__).parents[2] / "examples" / "ketenoverleg_sociaal_domein.toml"
NAME = 'Team Zoë; "noord".toml'


@contextlib.contextmanager
def serving_token(port: int, home: Path) -> Iterator[str]:
    """``coachassist serve`` on ``port``; yields its token."""
    env = {**os.environ, "TERM": "xterm-256color", "COACHASSIST_HOME": str(home)}
    with serving(env, port, "--lang", "en") as proc:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip().rsplit("token=", 1)[-1]


class Browser:
    """The page's websocket: keys in, the terminal's output and announcements out."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.seen, self.announced = ws, "", []

    async def until(self, marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.seen:
            message = await asyncio.wait_for(self.ws.receive(), deadline - time.monotonic())
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += message.data.decode("utf-8", "replace")
            elif message.type == aiohttp.WSMsgType.TEXT:
                self.announced.append(json.loads(message.data))
                self.seen += message.data
            else:
                raise AssertionError(f"the websocket closed: {message.type}")

    async def press(self, keys: str, then: str) -> None:
        self.seen = ""
        await self.ws.send_json(["stdin", keys])
        await self.until(then)


async def until_up(http: aiohttp.ClientSession, url: str) -> None:
    for _ in range(300):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(url) as response:
                assert response.status == 200
                return
        await asyncio.sleep(0.1)
    raise AssertionError("serve did not answer")


async def test_the_report_and_sheet_saved_in_the_browser_are_downloaded(
    tmp_path: Path, private_home: Path
) -> None:
    intake = tmp_path / NAME
    shutil.copy(EXAMPLE, intake)
    IntakeProgress.open(load(), intake).remember()  # on the start screen's recent list
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving_token(port, private_home) as token:
        async with aiohttp.ClientSession(cookies={"coachassist_serve": token}) as http:
            await until_up(http, f"{base}/")
            async with http.ws_connect(f"{base}/ws?width=100&height=30") as ws:
                browser = Browser(ws)
                await browser.until("Recently opened")
                await browser.press("\t\r", then="Next respondent")  # the newest recent intake
                await browser.press("3", then="Findings")  # finished: the results
                await browser.press("e", then="client")  # save the report ...
                await browser.press("1", then="deliver_file_start")  # ... for the client
                (kind, key), *_ = browser.announced
                assert kind == "deliver_file_start"
                async with (
                    aiohttp.ClientSession() as stranger,  # it needs the token too
                    stranger.get(f"{base}/download/{key}") as refused,
                ):
                    assert refused.status == 403
                # the page fetches it while it is open (closing the tab cancels the download)
                async with http.get(f"{base}/download/{key}") as download:
                    assert download.status == 200
                    body = await download.read()
                    headers = download.headers
                await browser.press("p", then="Session plan")  # on to the plan ...
                await browser.press("d", then="deliver_file_start")  # ... its session sheet
                (kind, key), *_ = browser.announced[1:]
                async with http.get(f"{base}/download/{key}") as download:
                    sheet = await download.read()
                    sheet_name = download.headers["Content-Disposition"]
    written = tmp_path / 'Team Zoë; "noord"-report-client.html'
    assert body == written.read_bytes()  # the very file saved next to the intake
    assert b"<!DOCTYPE html>" in body and b"Ketenoverleg" in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    disposition = Message()
    disposition["Content-Disposition"] = headers["Content-Disposition"]
    assert disposition.get_content_disposition() == "attachment"
    assert disposition.get_filename() == "Team-Zoe-noord-report-client.html"
    assert sheet == (tmp_path / 'Team Zoë; "noord"-session-1.html').read_bytes()
    assert sheet_name == "attachment; filename=Team-Zoe-noord-session-1.html"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("team-report-client.html", "team-report-client.html"),
        ('Team Zoë; "noord"-codes.html', "Team-Zoe-noord-codes.html"),
        ("../../etc/passwd.html", "etc-passwd.html"),
        ("Ω\r\nSet-Cookie: x=1.html", "Set-Cookie-x-1.html"),
        ("ΩΩΩ.html", "coachassist.html"),
        (".html", "coachassist.html"),
    ],
)
def test_a_download_name_is_a_plain_ascii_token(name: str, expected: str) -> None:
    assert download_name(name) == expected
