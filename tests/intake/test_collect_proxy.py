"""Behind an HTTPS proxy: the coach's ``--public-url https://...`` makes every cookie ``Secure``,
puts the public address in the link and lets forms posted from it through. A request's own
``X-Forwarded-Proto`` header is never trusted: whoever sends a request chooses its headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coachassist.cli import main
from coachassist.collect.runner import CollectServer, public_base
from coachassist.kb.loader import KnowledgeBase

from .test_collect_cli import printed_at_start

PUBLIC = "https://scan.example.org"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def running(kb: KnowledgeBase, path: Path, public: str | None) -> CollectServer:
    server = CollectServer(kb, path, public_url=public)
    await server.start()
    return server


@pytest.fixture
async def behind_proxy(kb: KnowledgeBase, intake_path: Path) -> AsyncIterator[CollectServer]:
    server = await running(kb, intake_path, PUBLIC)
    try:
        yield server
    finally:
        await server.stop()


def local(server: CollectServer, path: str = "") -> str:
    """Where the proxy forwards to: the server itself, over plain HTTP."""
    return f"http://127.0.0.1:{server.port}/{server.collection.secrets.token}/{path}"


def cookies_of(response: aiohttp.ClientResponse) -> dict[str, SimpleCookie]:
    found = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        found.update({name: cookie for name in cookie})
    return found


async def intro_cookies(
    server: CollectServer, headers: dict[str, str] | None = None
) -> dict[str, SimpleCookie]:
    async with (
        aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http,
        http.get(local(server), headers=headers) as intro,
    ):
        return cookies_of(intro)


async def start_respondent(
    http: aiohttp.ClientSession, server: CollectServer, origin: str
) -> aiohttp.ClientResponse:
    """The intro page, then Start posted from ``origin``; the cookies sent by hand (a client's
    jar keeps Secure cookies for HTTPS, and the proxy's leg is plain HTTP)."""
    async with http.get(local(server)) as intro:
        page, cookies = await intro.text(), cookies_of(intro)
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
    sent = "; ".join(f"{name}={c[name].value}" for name, c in cookies.items())
    return await http.post(
        local(server, "start"),
        data={"csrf": csrf, "role": "member"},
        headers={"Cookie": sent, "Origin": origin},
        allow_redirects=False,
    )


async def test_every_cookie_is_secure_behind_an_https_proxy(behind_proxy) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        async with http.get(local(behind_proxy)) as intro:
            cookies = cookies_of(intro)
        assert set(cookies) == {"ca_csrf", "ca_lang"}
        # nginx forwards with Host 127.0.0.1:<port>: the public origin is still accepted
        async with await start_respondent(http, behind_proxy, PUBLIC) as started:
            assert started.status == 303, await started.text()
            cookies.update(cookies_of(started))
    assert "ca_respondent" in cookies
    for name, cookie in cookies.items():
        assert cookie[name]["secure"], name
        assert cookie[name]["httponly"] and cookie[name]["samesite"] == "Lax"
    assert behind_proxy.url == f"{PUBLIC}/{behind_proxy.collection.secrets.token}/"


async def test_a_post_from_another_site_is_still_refused(behind_proxy) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        for origin in ("https://evil.example.org", "http://scan.example.org"):
            async with await start_respondent(http, behind_proxy, origin) as started:
                assert started.status == 403, origin


async def test_a_forwarded_proto_header_alone_does_not_make_cookies_secure(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    server = await running(kb, intake_path, None)
    try:
        headers = {"X-Forwarded-Proto": "https", "Forwarded": "proto=https"}
        cookies = await intro_cookies(server, headers)
        assert cookies and not any(c[name]["secure"] for name, c in cookies.items())
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        await server.stop()


async def test_an_http_public_url_sets_the_link_but_not_secure(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    server = await running(kb, intake_path, "http://Scan.Example.org:8080/")
    try:
        assert server.url == f"http://scan.example.org:8080/{server.collection.secrets.token}/"
        cookies = await intro_cookies(server)
        assert cookies and not any(c[name]["secure"] for name, c in cookies.items())
    finally:
        await server.stop()


@pytest.mark.parametrize(
    "url",
    [
        "scan.example.org",  # no scheme
        "ftp://scan.example.org",
        "https://",
        "https://scan.example.org/team/",  # a path: the pages' links and cookies would miss it
        "https://scan.example.org/?x=1",
        "https://scan.example.org/#top",
        "https://user:secret@scan.example.org",
        "https://scan.example.org:99999",
        "https://scan.exa mple.org",
        "https://scan.example.org\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
    ],
)
def test_a_bad_public_url_is_a_one_line_error(url: str, intake_path: Path, capsys) -> None:
    assert main(["collect", str(intake_path), "--public-url", url, "--lang", "en"]) != 0
    error = capsys.readouterr().err
    assert error.startswith("coachassist: ") and error.count("\n") == 1, error
    assert "--public-url" in error and "https://" in error


@given(st.text(max_size=60))
def test_any_text_is_a_base_address_or_refused(text: str) -> None:
    base = public_base(text)
    assert base is None or re.fullmatch(r"https?://[a-z0-9.:\[\]-]+", base), base


def test_the_printed_link_is_the_public_one(intake_path: Path) -> None:
    public = ["--public-url", "https://Scan.Example.org/", "--lang", "en"]
    printed, _ = printed_at_start(str(intake_path), "--port", "0", *public)
    assert re.search(r"^Link for the team: https://scan\.example\.org/[\w-]{24}/$", printed, re.M)
