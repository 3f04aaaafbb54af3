"""The respondents' web pages: aiohttp + jinja2, server-rendered, no scripts, one intake.

Every page lives under ``/<token>/``; any other path is a bare 404 (no listing, no files are
served from disk, so there is nothing to traverse). A browser is bound to its own respondent
by a signed cookie; it can only ever see that respondent's answers. Forms carry a CSRF token
that must match a cookie, and a POST from another origin is refused. Repeated 404s and wrong
codes from one address are answered more and more slowly.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from aiohttp import web

from coachassist.collect.connections import address_key
from coachassist.collect.state import Collection
from coachassist.errors import UserError
from coachassist.i18n import Lang, t
from coachassist.intake.models import Answer
from coachassist.kb.answers import DONT_KNOW, answer_problem
from coachassist.kb.models import Question

log = logging.getLogger(__name__)
MAX_REQUEST = 32 * 1024  # bytes; an answer page posts well under 16 kB
MAX_TEXT = 2000  # characters of a free-text answer
BODY_SECONDS = 10.0  # a form body must arrive within this time (no slow-body connection hogs)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
LIKERT_SHAPE = re.compile(r"-?[0-9]{1,3}")
SECONDS_PER_QUESTION = 12
# New respondents per link: far above a team, far below what makes the intake unwieldy
# (each start is a respondent in the file; a script could otherwise add them without end)
MAX_RESPONDENTS = 2000
COOKIE_DAYS = 60
RESPONDENT, CSRF, LANG = "ca_respondent", "ca_csrf", "ca_lang"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the link token must never leak to another site
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Server": "coachassist",  # not aiohttp's own, which names its version and Python's
}


def bare(status: int) -> web.Response:
    """``404: Not Found``: a status in words and nothing else (headers added by the caller)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # not a status Python knows by name
        phrase = "Error"
    return web.Response(status=status, text=f"{status}: {phrase}")


def hardened(response: web.StreamResponse, path: str) -> web.StreamResponse:
    """The headers every response carries; only the style sheet and icon may be cached."""
    response.headers.update(SECURITY_HEADERS)
    if not path.endswith(("/style.css", "/icon.svg")):
        response.headers["Cache-Control"] = "no-store"
    return response


class SlowDown:
    """After ``free`` misses from one address within ``window`` s, delay its next answers."""

    def __init__(self, free: int = 10, step: float = 0.25, cap: float = 5.0, window: float = 600):
        self.free, self.step, self.cap, self.window = free, step, cap, window
        self.misses: dict[str, tuple[int, float]] = {}

    def miss(self, who: str) -> float:
        """Count a miss; returns how long to wait before answering it. An IPv6 address counts
        by its /64, from which one device may use any address."""
        who = address_key(who)
        now = time.monotonic()
        count, since = self.misses.get(who, (0, now))
        if now - since > self.window:
            count, since = 0, now
        if len(self.misses) > 10_000:  # bounded memory under a flood of addresses
            self.misses.clear()
        self.misses[who] = (count + 1, since)
        over = count + 1 - self.free
        return 0.0 if over <= 0 else min(self.step * 2 ** (over - 1), self.cap)


def _template_env() -> jinja2.Environment:
    folder = resources.files("coachassist.collect") / "templates"
    templates = {p.name: p.read_text("utf-8") for p in folder.iterdir() if p.name.endswith(".html")}
    return jinja2.Environment(
        loader=jinja2.DictLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def build_app(
    collection: Collection, slowdown: SlowDown | None = None, *, public: str | None = None
) -> web.Application:
    """The aiohttp application for one collection; ``public`` is the address a proxy serves it
    at (``https://scan.example.org``, from the coach: runner.public_base)."""
    pages = Pages(collection, slowdown or SlowDown(), public)
    app = web.Application(client_max_size=MAX_REQUEST, middlewares=[pages.guard])
    base = f"/{collection.secrets.token}/"
    app.router.add_get(base.rstrip("/"), pages.to_intro)
    app.router.add_get(base, pages.intro)
    app.router.add_get(base + "lead", pages.intro_lead)
    app.router.add_post(base + "start", pages.start)
    app.router.add_get(base + "q", pages.question)
    app.router.add_post(base + "q", pages.answer)
    app.router.add_get(base + "done", pages.done)
    app.router.add_get(base + "style.css", pages.style)
    app.router.add_get(base + "icon.svg", pages.icon)
    return app


class Pages:
    def __init__(self, collection: Collection, slowdown: SlowDown, public: str | None) -> None:
        self.c = collection
        self.slowdown = slowdown
        # Served over HTTPS by a proxy: only the coach's public address says so. A request's
        # X-Forwarded-Proto is chosen by whoever sends it, and aiohttp ignores it too.
        self.public = public
        self.https = bool(public and public.startswith("https://"))
        self.base = f"/{collection.secrets.token}/"
        self.env = _template_env()
        package = resources.files("coachassist.collect")
        self.css = (package / "style.css").read_bytes()
        self.svg = (package / "icon.svg").read_bytes()

    # --- every request ------------------------------------------------------------------------

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            response = await self.not_found(request)
        except web.HTTPException as error:
            response = bare(error.status)
        except Exception:  # a bug: log it for the coach, show the phone nothing of it
            log.exception("collect: %s %s failed", request.method, request.path)
            response = bare(500)
        return hardened(response, request.path)

    async def not_found(self, request: web.Request) -> web.Response:
        delay = self.slowdown.miss(request.remote or "?")
        if delay:
            await asyncio.sleep(delay)
        return bare(404)

    def lang(self, request: web.Request) -> Lang:
        """A switch link (?lang=) first, then the choice kept in a cookie, then the browser's."""
        for chosen in (request.query.get("lang"), request.cookies.get(LANG)):
            if chosen in ("nl", "en"):
                return chosen  # type: ignore[return-value]
        for part in request.headers.get("Accept-Language", "").split(","):
            tag = part.split(";")[0].strip().lower()
            if tag.startswith("nl"):
                return "nl"
            if tag.startswith("en"):
                return "en"
        return "nl"

    def respondent(self, request: web.Request) -> str | None:
        """The respondent this browser owns, from its signed cookie; None if none or forged."""
        value = request.cookies.get(RESPONDENT, "")
        rid, _, signature = value.partition(".")
        if not rid or not _same(signature, self.c.secrets.sign("rid:" + rid)):
            return None
        return rid if rid in self.c.respondents else None

    def render(
        self, request: web.Request, name: str, status: int = 200, **values: Any
    ) -> web.Response:
        lang = self.lang(request)
        other = "en" if lang == "nl" else "nl"
        csrf = request.cookies.get(CSRF, "")
        if not TOKEN_SHAPE.fullmatch(csrf):  # none yet, or not one this server made
            csrf = secrets.token_urlsafe(24)
        query = {k: v for k, v in request.query.items() if k == "q"}
        switch = request.path + "?" + urlencode({**query, "lang": other})
        html = self.env.get_template(name).render(
            lang=lang,
            other_lang=other,
            tr=lambda key, **kw: t(key, lang, **kw),
            title=self.c.scan.title(lang),
            base=self.base,
            csrf=csrf,
            switch_url=switch,
            **values,
        )
        response = web.Response(status=status, text=html, content_type="text/html")
        self._cookie(request, response, CSRF, csrf)
        self._cookie(request, response, LANG, lang)
        return response

    def _cookie(self, request: web.Request, response: web.StreamResponse, name: str, value: str):
        response.set_cookie(
            name,
            value,
            path=self.base,
            max_age=COOKIE_DAYS * 86400,
            httponly=True,
            samesite="Lax",
            secure=self.https or request.secure,
        )

    async def form(self, request: web.Request) -> Any:
        """The posted form, after the CSRF and origin checks (raises 403 otherwise)."""
        origin = request.headers.get("Origin")
        same = origin == self.public or urlsplit(origin or "").netloc == request.host
        if origin and origin != "null" and not same:  # a proxy may forward its own Host
            raise web.HTTPForbidden()
        data = await _read_form(request)
        sent, expected = str(data.get("csrf", "")), request.cookies.get(CSRF, "")
        if not TOKEN_SHAPE.fullmatch(expected) or not _same(sent, expected):
            raise web.HTTPForbidden()
        return data

    def redirect(self, request: web.Request, where: str) -> web.Response:
        return web.Response(status=303, headers={"Location": self.base + where})

    # --- pages --------------------------------------------------------------------------------

    async def to_intro(self, request: web.Request) -> web.StreamResponse:
        return self.redirect(request, "")

    async def style(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.css, content_type="text/css")

    async def icon(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.svg, content_type="image/svg+xml")

    async def intro(
        self, request: web.Request, role: str = "member", problem: str = "", status: int = 200
    ) -> web.StreamResponse:
        visible = len(self.c.scan.questions)
        return self.render(
            request,
            "intro.html",
            status=status,
            role=role,
            has_lead="lead" in self.c.scan.roles,
            resuming=self.respondent(request) is not None,
            uses_codes=self.c.uses_codes,
            min_group=self.c.min_group,
            questions=visible,
            minutes=max(1, round(visible * SECONDS_PER_QUESTION / 60)),
            problem=problem,
        )

    async def intro_lead(self, request: web.Request) -> web.StreamResponse:
        if "lead" not in self.c.scan.roles:
            raise web.HTTPNotFound()
        return await self.intro(request, "lead")

    async def start(self, request: web.Request) -> web.StreamResponse:
        data = await self.form(request)
        lang = self.lang(request)
        role = str(data.get("role", ""))
        if role not in self.c.scan.roles:
            role = self.c.scan.roles[0]
        owned = self.respondent(request)
        if owned is not None:  # one respondent per device: continue it
            return self.redirect(request, "q")
        if len(self.c.respondents) >= MAX_RESPONDENTS:
            return await self.intro(request, role, t("collect.error.full", lang), status=503)
        if self.c.uses_codes:
            owner = self.c.code_owner(str(data.get("code", "")))
            if owner is None or owner:
                if owner is None:
                    await asyncio.sleep(self.slowdown.miss(request.remote or "?"))
                key = "collect.code.wrong" if owner is None else "collect.code.used"
                return await self.intro(request, role, t(key, lang), status=400)
        try:
            consent = role == "lead" and data.get("lead_view_consent") == "yes"  # else: no
            rid = await self.c.start(role, lang, str(data.get("code", "")) or None, consent)
        except (OSError, UserError):
            return await self.intro(request, role, t("collect.error.not_saved", lang), status=503)
        response = self.redirect(request, "q")
        signed = f"{rid}.{self.c.secrets.sign('rid:' + rid)}"
        self._cookie(request, response, RESPONDENT, signed)
        return response

    async def question(self, request: web.Request) -> web.StreamResponse:
        rid = self.respondent(request)
        if rid is None:
            return self.redirect(request, "")
        walk = self.c.walk(rid)
        qid = request.query.get("q")
        if qid is None:
            question = walk.resume()
            if question is None:
                return self.redirect(request, "done")
        else:
            question = next((q for q in walk.visible() if q.id == qid), None)
            if question is None:
                return self.redirect(request, "q")
        return self.show(request, rid, question)

    def show(
        self,
        request: web.Request,
        rid: str,
        question: Question,
        problem: str = "",
        status: int = 200,
    ) -> web.Response:
        lang = self.lang(request)
        walk = self.c.walk(rid)
        n, m = walk.position(question.id)
        current = walk.answers.get(question.id)
        before = walk.before(question.id)
        return self.render(
            request,
            "question.html",
            status=status,
            qid=question.id,
            n=n,
            m=m,
            text=question.text(lang),
            help=question.help(lang) if question.help else "",
            kind=_kind(question),
            options=self._options(question, lang),
            current="" if current is None or isinstance(current, list) else str(current),
            current_list=current if isinstance(current, list) else [],
            minimum=_plain(question.min),
            maximum=_plain(question.max),
            integer=question.integer,
            required=question.required,
            previous=before.id if before else "",
            last=walk.after(question.id) is None,
            max_text=MAX_TEXT,
            problem=problem,
        )

    def _options(self, question: Question, lang: Lang) -> list[tuple[str, str]]:
        if question.type == "likert":
            anchors = self.c.scan.anchors[question.anchors or ""]
            points = range(anchors.min, anchors.max + 1)
            options = [
                (str(v), label(lang)) for v, label in zip(points, anchors.labels, strict=True)
            ]
            if anchors.dont_know:
                options.append((DONT_KNOW, t("collect.question.dont_know", lang)))
            return options
        return [(o.value, o.label(lang)) for o in question.options]

    async def answer(self, request: web.Request) -> web.StreamResponse:
        data = await self.form(request)
        rid = self.respondent(request)
        if rid is None:
            return self.redirect(request, "")
        walk = self.c.walk(rid)
        lang = self.lang(request)
        question = next((q for q in walk.visible() if q.id == data.get("q")), None)
        if question is None:
            return self.redirect(request, "q")
        if "skip" not in data:
            value, ok = _parse(question, data.getall("answer", []))
            if not ok or (value is not None and answer_problem(self.c.scan, question, value)):
                return self.show(request, rid, question, t("collect.question.invalid", lang), 400)
            if value is None and question.required:
                return self.show(request, rid, question, t("collect.question.required", lang), 400)
            try:
                await self.c.answer(rid, question.id, value)
            except (OSError, UserError):
                return self.show(request, rid, question, t("collect.error.not_saved", lang), 503)
        following = walk.after(question.id)
        if following is not None:
            return self.redirect(request, f"q?q={following.id}")
        try:
            await self.c.finish(rid)
        except (OSError, UserError):
            return self.show(request, rid, question, t("collect.error.not_saved", lang), 503)
        return self.redirect(request, "done")

    async def done(self, request: web.Request) -> web.StreamResponse:
        rid = self.respondent(request)
        if rid is None:
            return self.redirect(request, "")
        first = self.c.walk(rid).first()
        return self.render(request, "done.html", first=first.id if first else "")


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of a value a browser sent (any text) with one we made."""
    return given.isascii() and hmac.compare_digest(given, expected)


async def _read_form(request: web.Request) -> Any:
    """The posted fields, or 400 for anything a browser would not send: a body that does not
    parse or decode, arrives too slowly, or holds text that cannot be stored (a lone surrogate,
    e.g. through a ``charset=unicode_escape`` part, would make every later write fail)."""
    try:
        data = await asyncio.wait_for(request.post(), BODY_SECONDS)
    except web.HTTPException:
        raise  # 413 for a body over the limit
    except Exception:  # malformed multipart, unknown charset, bad gzip, timeout, ...
        raise web.HTTPBadRequest() from None
    for key, value in data.items():
        if not _storable(key) or (isinstance(value, str) and not _storable(value)):
            raise web.HTTPBadRequest()
    return data


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kind(question: Question) -> str:
    if question.type in ("likert", "single"):
        return "choice"
    return question.type  # multiple, number, text


def _plain(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _parse(question: Question, raw: list[Any]) -> tuple[Answer | None, bool]:
    """The posted answer as the questionnaire types it: (value or None for empty, understood)."""
    values = [str(v) for v in raw if isinstance(v, str)]
    if question.type == "multiple":
        return (values or None), True
    text = values[0].strip() if values else ""
    if not text:
        return None, True
    match question.type:
        case "likert":
            if text == DONT_KNOW:
                return DONT_KNOW, True
            return (int(text), True) if LIKERT_SHAPE.fullmatch(text) else (None, False)
        case "number":
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                return None, False
            if number != number or number in (float("inf"), float("-inf")):
                return None, False
            return (int(number) if question.integer and number.is_integer() else number), True
        case "text":
            return (text, True) if len(text) <= MAX_TEXT else (None, False)
    return text, True
