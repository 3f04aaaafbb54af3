"""``coachassist serve``'s token check with hostile headers: a refusal, never a 500."""

from __future__ import annotations

from types import SimpleNamespace

from coachassist.cli.serve_guard import COOKIE, CoachOnlyServer


def test_a_cookie_or_token_with_invalid_utf8_is_refused_not_a_crash() -> None:
    server = CoachOnlyServer("true", token="a" * 32)
    # aiohttp decodes header bytes that are not UTF-8 with surrogateescape: "\udcff"
    for query, cookies, allowed in (
        ({}, {COOKIE: "\udcff\udcfe"}, False),
        ({"token": "é\udcff"}, {}, False),
        ({}, {COOKIE: "a" * 32}, True),
        ({"token": "a" * 32}, {}, True),
    ):
        request = SimpleNamespace(query=query, cookies=cookies)
        assert server.allowed(request) is allowed  # type: ignore[arg-type]
