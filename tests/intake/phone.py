"""A simulated respondent's phone: an HTTP client with its own cookies that answers pages."""

from __future__ import annotations

import re
from html import unescape

import aiohttp

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
QID = re.compile(r'name="q" value="([^"]+)"')


class Phone:
    def __init__(self, url: str, lang: str = "en") -> None:
        self.url = url
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # browsers keep cookies of an IP address
            headers={"Accept-Language": lang},
        )
        self.csrf = ""
        self.page = ""
        self.status = 0

    async def __aenter__(self) -> Phone:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()

    async def get(self, path: str = "") -> str:
        async with self.http.get(self.url + path) as response:
            self.status, self.page = response.status, await response.text()
        if found := CSRF.search(self.page):
            self.csrf = unescape(found.group(1))
        return self.page

    async def post(self, path: str, follow: bool = True, **fields: object) -> str:
        data = {"csrf": self.csrf, **{k: str(v) for k, v in fields.items()}}
        async with self.http.post(self.url + path, data=data, allow_redirects=follow) as response:
            self.status, self.page = response.status, await response.text()
        if found := CSRF.search(self.page):
            self.csrf = unescape(found.group(1))
        return self.page

    async def start(self, role: str = "member", **fields: object) -> str:
        await self.get("lead" if role == "lead" else "")
        return await self.post("start", role=role, **fields)

    @property
    def question(self) -> str | None:
        found = QID.search(self.page)
        return found.group(1) if found else None

    async def answer(self, value: object) -> str:
        return await self.post("q", q=self.question, answer=value)

    async def saved(self, qid: str, value: object) -> bool:
        """Post one answer; True only when the server acknowledged it (303 to the next page)."""
        await self.post("q", follow=False, q=qid, answer=value)
        return self.status == 303
