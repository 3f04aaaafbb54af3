"""Start and stop a collection server inside the running asyncio loop; its URL, counts, QR code.

Used by ``coachassist collect`` and by the app's collect screen::

    server = CollectServer(kb, intake_path, host="0.0.0.0")
    url = await server.start()
    server.on_count(lambda counts: ...)   # after every saved answer: started/finished only
    print(qr_text(url))
    await server.stop()
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import segno
from aiohttp import web

from coachassist.collect.connections import ConnectionLimit
from coachassist.collect.server import SlowDown, build_app
from coachassist.collect.state import Collection, Counts
from coachassist.errors import UserError
from coachassist.i18n import Message, os_reason
from coachassist.kb.loader import KnowledgeBase

IDLE_SECONDS = 15.0  # a connection without a complete request for this long is closed


class _NoTracebacks(logging.Filter):
    """aiohttp logs a malformed request (a bad request line, a broken body) with a traceback and
    the raw bytes; that is the sender's fault, answered with 400, and nothing for the coach."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


HTTP_LOG = logging.getLogger("coachassist.collect.http")
HTTP_LOG.addFilter(_NoTracebacks())


class CollectServer:
    def __init__(
        self,
        kb: KnowledgeBase,
        path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        slowdown: SlowDown | None = None,
        limit: ConnectionLimit | None = None,
    ) -> None:
        self.collection = Collection(kb, path)
        self.host, self.port = host, port
        self.slowdown = slowdown
        self.limit = limit or ConnectionLimit()
        self._runner: web.AppRunner | None = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> str:
        """Listen and return the link for respondents (``port=0`` picks a free port)."""
        if self._runner is not None:
            return self.url
        runner = web.AppRunner(
            build_app(self.collection, self.slowdown),
            access_log=None,
            handle_signals=False,
            logger=HTTP_LOG,
            keepalive_timeout=IDLE_SECONDS,  # aiohttp's default keeps an idle socket an hour
        )
        await runner.setup()
        assert runner.server is not None  # made by setup()
        self.limit.install(runner.server)
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise UserError(
                Message(
                    "collect.cannot_listen", host=self.host, port=self.port, reason=os_reason(error)
                )
            ) from None
        if runner.addresses:  # the bound socket tells which port port=0 chose
            self.port = runner.addresses[0][1]
        self._runner = runner
        return self.url

    async def stop(self) -> None:
        """Stop listening. Every acknowledged answer is already on disk."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://{url_host(self.host)}:{self.port}/{self.collection.secrets.token}/"

    @property
    def local_only(self) -> bool:
        return is_loopback(self.host)

    def counts(self) -> Counts:
        return self.collection.counts()

    def on_count(self, callback: Callable[[Counts], None]) -> None:
        """Call ``callback`` (in the server's loop) after every flush that saved answers."""
        self.collection.listeners.append(callback)

    def add_codes(self, count: int) -> list[str]:
        return self.collection.secrets.add_codes(count)


class BackgroundServer:
    """A ``CollectServer`` on its own event loop in a daemon thread, for synchronous callers."""

    def __init__(self, server: CollectServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self, timeout: float = 30) -> str:
        self.thread.start()
        return asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(timeout)

    def stop(self, timeout: float = 30) -> None:
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(timeout)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout)
        self.loop.close()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """The address to put in a link: the LAN address when listening on every interface."""
    if host in ("0.0.0.0", "::", ""):
        return lan_address()
    return f"[{host}]" if ":" in host else host


def lan_address() -> str:
    """This computer's address on the local network (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def qr_text(url: str) -> str:
    """The QR code of ``url`` in half-block characters: dark modules drawn, two rows per line.

    Show it dark-on-light (e.g. black text on a white background) so phones can scan it.
    """
    code = segno.make(url, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    glyph = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}
    return "\n".join(
        "".join(glyph[bool(a), bool(b)] for a, b in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    )
