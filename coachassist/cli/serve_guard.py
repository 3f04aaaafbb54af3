"""``coachassist serve`` for the coach only: loopback addresses and a printed one-time token.

textual-serve has no login: anyone who reaches it gets the whole app, with the recent list of
every team's intake. So ``serve`` listens on loopback only, and the page and its websocket need
a token that is printed in the coach's terminal (``/?token=...``; the browser then keeps it in
an HttpOnly cookie). Respondents use ``coachassist collect`` instead, which shows only the scan.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web
from textual_serve.server import Server

COOKIE = "coachassist_serve"
OPEN_PREFIXES = ("/static/",)  # textual-serve's own scripts, fonts and styles: nothing private


class CoachOnlyServer(Server):
    """textual-serve's server, with every page except its static files behind a token."""

    def __init__(self, command: str, *, token: str | None = None, **kwargs: object) -> None:
        super().__init__(command, **kwargs)  # type: ignore[arg-type]
        self.token = token or secrets.token_urlsafe(24)

    @property
    def link(self) -> str:
        return f"{self.public_url}/?token={self.token}"

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    def allowed(self, request: web.Request) -> bool:
        for sent in (request.query.get("token", ""), request.cookies.get(COOKIE, "")):
            # isascii first: a header with invalid UTF-8 arrives with surrogates, which
            # encode() refused with a 500 and a traceback in the coach's terminal
            if sent and sent.isascii() and hmac.compare_digest(sent, self.token):
                return True
        return False

    @web.middleware
    async def guard(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path.startswith(OPEN_PREFIXES):
            return await handler(request)
        if not self.allowed(request):
            return web.Response(status=403, text="403: open the link printed in the terminal")
        response = await handler(request)
        if "token" in request.query and request.path == "/":
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        response.headers["Referrer-Policy"] = "no-referrer"
        return response
