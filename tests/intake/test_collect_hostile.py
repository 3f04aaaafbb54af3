"""Hostile requests to the collection pages: each gets a clean 4xx, and the server keeps saving.

Raw bytes over a socket, because a well-behaved HTTP client cannot send most of these.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from coachassist.collect import runner
from coachassist.collect import server as server_module
from coachassist.collect.connections import ConnectionLimit, address_key
from coachassist.collect.runner import CollectServer
from coachassist.collect.server import SlowDown
from coachassist.intake.files import read_intake
from coachassist.kb.loader import KnowledgeBase

from .phone import Phone

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def server(kb: KnowledgeBase, intake_path: Path) -> AsyncIterator[CollectServer]:
    running = CollectServer(kb, intake_path, slowdown=SlowDown(free=1000))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def send(port: int, data: bytes) -> tuple[int, str]:
    """The reply's status and head (lower case)."""
    head, _ = await reply_to(port, data)
    return int(head.split()[1]), head


def request(path: str, cookies: str, body: bytes, content_type: str, extra: str = "") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
        f"Content-Type: {content_type}\r\n{extra}Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def part(name: str, value: bytes, headers: str = "") -> bytes:
    return (
        f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n{headers}\r\n'.encode()
        + value
        + b"\r\n"
    )


def path_of(server: CollectServer) -> str:
    return f"/{server.collection.secrets.token}/"


async def started_phone(server: CollectServer) -> tuple[Phone, str]:
    phone = Phone(server.url)
    await phone.start()
    cookies = "; ".join(f"{c.key}={c.value}" for c in phone.http.cookie_jar)
    return phone, cookies


def bodies(csrf: str) -> dict[str, tuple[bytes, str, str]]:
    """name -> (body, content type, extra headers): each one a browser would never send."""
    fields = f"csrf={csrf}&q=keep_text&answer=".encode()
    multipart = part("csrf", csrf.encode()) + part("q", b"keep_text")
    return {
        "likert superscript digit": (f"csrf={csrf}&q=trust_1&answer=%C2%B2".encode(), FORM, ""),
        "likert double minus": (f"csrf={csrf}&q=trust_1&answer=--1".encode(), FORM, ""),
        "lone surrogate by charset": (fields + b"%5Cud800", FORM + "; charset=unicode_escape", ""),
        "unknown charset": (fields + b"x", FORM + "; charset=nope", ""),
        "multipart without boundary": (b"xx", "multipart/form-data", ""),
        "multipart garbage": (b"--b\r\nfoo\r\n\r\n--b--", "multipart/form-data; boundary=b", ""),
        "multipart invalid utf-8": (
            multipart + part("answer", b"\xff\xfe") + b"--b--\r\n",
            "multipart/form-data; boundary=b",
            "",
        ),
        "multipart lone surrogate": (
            multipart
            + part("answer", b"\\ud800", "Content-Type: text/plain; charset=unicode_escape\r\n")
            + b"--b--\r\n",
            "multipart/form-data; boundary=b",
            "",
        ),
        "broken gzip": (b"\x1f\x8b garbage", FORM, "Content-Encoding: gzip\r\n"),
    }


@pytest.mark.parametrize("name", list(bodies("x")))
async def test_a_malformed_answer_is_400_and_later_answers_are_still_saved(
    server: CollectServer, intake_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    phone, cookies = await started_phone(server)
    async with phone:
        body, content_type, extra = bodies(phone.csrf)[name]
        status, head = await send(
            server.port, request(path_of(server) + "q", cookies, body, content_type, extra)
        )
        assert status == 400, name
        assert "content-security-policy" in head and "no-store" in head
        # the same phone (and so every phone sharing the next write) can still save
        assert await phone.saved("trust_1", 4)
    answers = read_intake(intake_path).responses[0].answers
    assert answers == {"trust_1": 4}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_non_ascii_and_raw_byte_cookies_are_ignored(server: CollectServer) -> None:
    token = server.collection.secrets.token
    for cookie in (
        "ca_respondent=w-1.\u00e9\u00e9".encode(),
        b"ca_csrf=\xff\xfe; ca_respondent=w-1.\xff",
    ):
        for path in ("q", ""):
            status, head = await send(
                server.port,
                f"GET /{token}/{path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
                + b"Cookie: "
                + cookie
                + b"\r\nAccept-Language: \xff\xfe\r\n\r\n",
            )
            assert status in (200, 303) and "content-security-policy" in head


# --- many or slow connections ---------------------------------------------------------------


async def page_from(port: int, path: str, source: str = "127.0.0.1") -> bytes:
    """GET ``path`` from a given source address; b"" when the server closed the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 10)
    except ConnectionError:
        return b""
    finally:
        writer.close()


async def limited(kb: KnowledgeBase, intake_path: Path, **bounds: int) -> CollectServer:
    running = CollectServer(kb, intake_path, limit=ConnectionLimit(**bounds, loopback_free=False))
    await running.start()
    return running


def test_addresses_are_grouped_per_device() -> None:
    assert address_key(("192.168.1.20", 5000)) == "192.168.1.20"
    assert address_key(("::ffff:192.168.1.20", 5000, 0, 0)) == "192.168.1.20"
    assert address_key(("2001:db8::1", 1, 0, 0)) == address_key(("2001:db8::ff:2", 1, 0, 0))
    assert address_key(None) == "None"


async def test_one_address_cannot_hold_every_connection(kb, intake_path) -> None:
    server = await limited(kb, intake_path, per_address=5, total=50)
    idle = []
    try:
        for _ in range(5):
            idle.append(await asyncio.open_connection("127.0.0.1", server.port))
        await asyncio.sleep(0.1)
        assert await page_from(server.port, path_of(server)) == b""  # the sixth is closed
        other = await page_from(server.port, path_of(server), source="127.0.0.2")
        assert other.startswith(b"HTTP/1.1 200")  # another phone still gets its page
        for _, writer in idle:
            writer.close()
        await asyncio.sleep(0.1)
        assert (await page_from(server.port, path_of(server))).startswith(b"HTTP/1.1 200")
    finally:
        await server.stop()


async def test_the_total_number_of_connections_is_bounded(kb, intake_path) -> None:
    server = await limited(kb, intake_path, per_address=100, total=4)
    idle = []
    try:
        for _ in range(4):
            idle.append(await asyncio.open_connection("127.0.0.1", server.port))
        await asyncio.sleep(0.1)
        assert await page_from(server.port, path_of(server), source="127.0.0.3") == b""
    finally:
        for _, writer in idle:
            writer.close()
        await server.stop()


async def test_idle_and_slow_connections_are_closed(kb, intake_path, monkeypatch) -> None:
    monkeypatch.setattr(runner, "IDLE_SECONDS", 0.3)
    monkeypatch.setattr(server_module, "BODY_SECONDS", 0.3)
    server = CollectServer(kb, intake_path)
    await server.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finishes its request
        assert await asyncio.wait_for(reader.read(), 5) == b""
        writer.close()
        phone, cookies = await started_phone(server)
        async with phone:
            head = request(path_of(server) + "q", cookies, b"", FORM).replace(
                b"Content-Length: 0", b"Content-Length: 500"
            )
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(head + f"csrf={phone.csrf}&q=trust_1".encode())  # and then nothing
            reply = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            writer.close()
            assert reply.startswith(b"HTTP/1.1 400")  # without waiting for the rest
    finally:
        await server.stop()


async def test_a_script_cannot_add_respondents_without_end(
    server, intake_path, monkeypatch
) -> None:
    monkeypatch.setattr(server_module, "MAX_RESPONDENTS", 3)
    for _ in range(3):
        async with Phone(server.url) as phone:
            await phone.start()
            assert phone.question == "trust_1"
    async with Phone(server.url) as late:
        await late.start()
        assert late.status == 503 and "no new respondents" in late.page
    assert len(read_intake(intake_path).responses) == 3


def test_the_slowdown_counts_an_ipv6_device_by_its_prefix() -> None:
    """One phone can pick any address of its /64: counting per address gave every new one
    fresh free guesses."""
    slowdown = SlowDown(free=2, step=0.25)
    delays = [slowdown.miss(f"2001:db8:1:2::{n:x}") for n in range(1, 5)]
    assert delays[:2] == [0.0, 0.0] and delays[2] > 0 and delays[3] > delays[2]
    assert slowdown.miss("2001:db8:1:3::1") == 0.0  # another network is someone else


# --- requests aiohttp itself refuses before any page sees them --------------------------------

MALFORMED = {
    "not http": b"GARBAGE\r\n\r\n",
    "bad method": b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad version": b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    "oversized header": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"SECRETX" * 3000 + b"\r\n\r\n",
    "too many headers": b"GET / HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"X-%d: 1\r\n" % i for i in range(200))
    + b"\r\n",
    "oversized url": b"GET /" + b"SECRETX" * 2000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad header bytes": b"GET / HTTP/1.1\r\nHost: x\r\nSECRET\x00X: 1\r\n\r\n",
    "header without colon": b"GET / HTTP/1.1\r\nHost: x\r\nSECRETX\r\n\r\n",
    "bad content-length": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: SECRETX\r\n\r\n",
    "two content-lengths": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
    b"Content-Length: 2\r\n\r\nab",
    "bad chunk": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nSECRETX\r\n",
    "bare line feeds": b"GET /SECRETX HTTP/1.1\nHost: x\n\n",
    "binary": bytes(range(256)) + b"SECRETX",
}


async def reply_to(port: int, data: bytes) -> tuple[str, bytes]:
    """The raw reply (the server closes the connection after it): head (lower case), body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        reply = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.decode("latin-1").lower(), body


@pytest.mark.parametrize("name", list(MALFORMED))
async def test_a_malformed_request_gets_a_bare_hardened_400(
    server: CollectServer, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    head, body = await reply_to(server.port, MALFORMED[name])
    assert head.split("\r\n")[0].endswith(" 400 bad request"), head
    assert body == b"400: Bad Request"  # nothing of what was sent, no parser message
    for header in (
        "content-security-policy: default-src 'none'",
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "referrer-policy: no-referrer",
        "cache-control: no-store",
    ):
        assert header in head, (name, header)
    assert "aiohttp" not in head and "python" not in head  # no software or version
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # and the server still serves
    status, _ = await send(
        server.port,
        f"GET {path_of(server)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
    )
    assert status == 200


async def test_no_page_names_the_server_software(server: CollectServer) -> None:
    for path in (path_of(server), path_of(server) + "style.css", "/nothing"):
        _, head = await send(
            server.port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        assert "aiohttp" not in head and "python" not in head, path


async def test_a_body_that_breaks_after_the_headers_shows_nothing(
    server: CollectServer, intake_path: Path
) -> None:
    phone, cookies = await started_phone(server)
    async with phone:
        for broken in (b"SECRETX\r\n", b"5\r\nab", b"\xff" * 10):
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            head = request(
                path_of(server) + "q", cookies, b"", FORM, "Transfer-Encoding: chunked\r\n"
            )
            writer.write(head.replace(b"Content-Length: 0\r\n", b""))
            await writer.drain()
            writer.write(broken)
            writer.write_eof()
            reply = await asyncio.wait_for(reader.read(), 10)
            writer.close()
            # closed without an answer, or (bytes in one packet) the bare 400
            assert reply == b"" or reply.endswith(b"\r\n\r\n400: Bad Request"), reply
            assert b"SECRETX" not in reply and b"aiohttp" not in reply
        assert await phone.saved("trust_1", 4)
    assert read_intake(intake_path).responses[0].answers == {"trust_1": 4}
