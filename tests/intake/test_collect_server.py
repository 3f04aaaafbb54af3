"""The collection pages over real HTTP: the token, CSRF, size limit, headers, codes, privacy."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.collect.runner import CollectServer, qr_text
from coachassist.collect.server import MAX_REQUEST, SlowDown
from coachassist.collect.state import DEFAULT_MIN_GROUP, sidecar_path
from coachassist.intake.files import read_intake
from coachassist.kb.loader import KnowledgeBase

from .phone import Phone


@pytest.fixture
async def server(kb: KnowledgeBase, intake_path: Path) -> AsyncIterator[CollectServer]:
    running = CollectServer(kb, intake_path, slowdown=SlowDown(free=3, step=0.2, cap=0.4))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


def root(server: CollectServer) -> str:
    return f"http://127.0.0.1:{server.port}/"


async def test_a_respondent_answers_goes_back_and_says_dont_know(server, intake_path) -> None:
    async with Phone(server.url) as phone:
        intro = await phone.get()
        assert f"at least {DEFAULT_MIN_GROUP} people" in intro and "anonymous" in intro
        await phone.start()
        assert phone.question == "trust_1" and "Question 1 of 47" in phone.page
        await phone.answer(4)
        assert phone.question == "trust_2"
        await phone.answer("dont_know")
        await phone.get("q?q=trust_1")  # back
        assert 'value="4" class="choice chosen"' in phone.page
        await phone.answer(2)  # change it
        await phone.get("q")  # resume
        assert phone.question == "trust_3"
    answers = read_intake(intake_path).responses[0].answers
    assert answers == {"trust_1": 2, "trust_2": "dont_know"}
    assert server.counts().started == 1 and server.counts().finished == 0


async def test_the_last_question_leads_to_thank_you_and_counts_as_finished(server) -> None:
    counts = []
    server.on_count(counts.append)
    async with Phone(server.url, "nl") as phone:
        await phone.start()
        while phone.question != "change_text":
            await phone.post("q", q=phone.question, skip=1)
        await phone.answer("Meer tijd voor overleg")
        assert phone.status == 200 and "Dank je wel" in phone.page
    assert (counts[-1].started, counts[-1].finished) == (1, 1)


async def test_wrong_token_listing_and_traversal_are_404(server) -> None:
    token = server.collection.secrets.token
    # The token is random: the near misses must differ from it whatever it is.
    last_wrong = token[:-1] + ("y" if token.endswith("x") else "x")
    case_wrong = token.swapcase() if token.swapcase() != token else token + "A"
    server.slowdown.free = 100  # this test is about the answers, not the slowdown
    async with aiohttp.ClientSession() as http:
        for path in (
            "",
            "static/",
            last_wrong + "/",
            case_wrong + "/",
            f"{token}/%2e%2e/%2e%2e/etc/passwd",
            f"{token}/..%2f..%2fteam.toml",
            f"{token}/team.toml",
            f"{token}/templates/base.html",
            f"{token}/q/../../",
        ):
            async with http.get(root(server) + path) as response:
                body = await response.text()
                assert response.status == 404, path
                assert body == "404: Not Found" and token not in body


async def test_repeated_wrong_tokens_are_slowed_down(server) -> None:
    delays = []
    miss = server.slowdown.miss
    server.slowdown.miss = lambda who: delays.append(miss(who)) or delays[-1]
    async with aiohttp.ClientSession() as http:
        took = []
        for _ in range(5):
            began = time.perf_counter()
            async with http.get(root(server) + "guess/") as response:
                assert response.status == 404
            took.append(time.perf_counter() - began)
    # The delays the server chose, and (a lower bound, never flaky under load) that it waited.
    assert delays == [0.0, 0.0, 0.0, 0.2, 0.4]
    assert took[3] >= 0.2 and took[4] >= 0.4


async def test_forms_need_the_csrf_token_and_the_same_origin(server, intake_path) -> None:
    async with Phone(server.url) as phone:
        await phone.get()
        good = phone.csrf
        phone.csrf = "forged"
        await phone.post("start", role="member")
        assert phone.status == 403
        phone.csrf = good
        async with phone.http.post(
            server.url + "start",
            data={"csrf": good, "role": "member"},
            headers={"Origin": "http://evil.example"},
        ) as response:
            assert response.status == 403
        assert read_intake(intake_path).responses == []
        await phone.start()
        qid = phone.question
        phone.csrf = ""
        await phone.post("q", q=qid, answer=3)
        assert phone.status == 403
    assert read_intake(intake_path).responses[0].answers == {}


async def test_requests_over_the_size_limit_are_refused(server, intake_path) -> None:
    async with Phone(server.url) as phone:
        await phone.start()
        await phone.post("q", q="trust_1", answer="4", padding="x" * (MAX_REQUEST + 1))
        assert phone.status == 413
        await phone.get("q?q=keep_text")
        await phone.answer("x" * 2001)  # over the text limit, under the request limit
        assert phone.status == 400
    assert read_intake(intake_path).responses[0].answers == {}


async def test_security_headers_on_every_page(server) -> None:
    async with Phone(server.url) as phone:
        for path in ("", "lead", "style.css", "does-not-exist"):
            async with phone.http.get(server.url + path) as response:
                csp = response.headers["Content-Security-Policy"]
                assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
                assert "script-src" not in csp  # no script may run at all
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Referrer-Policy"] == "no-referrer"
                if not path.endswith(".css"):
                    assert response.headers["Cache-Control"] == "no-store"
        page = await phone.get()
        assert "<script" not in page and "http" not in page.split("<main>")[1]


async def test_a_forged_respondent_cookie_is_ignored(server, intake_path) -> None:
    async with Phone(server.url) as victim:
        await victim.start()
        await victim.answer(5)
    rid = read_intake(intake_path).responses[0].id
    async with Phone(server.url) as thief:
        thief.http.cookie_jar.update_cookies(
            {"ca_respondent": f"{rid}.{'0' * 32}"}, response_url=aiohttp.client.URL(server.url)
        )
        page = await thief.get("q?q=trust_1")
        assert "chosen" not in page and thief.question is None  # sent back to the intro


async def test_personal_codes_work_once_and_resume_on_the_same_device(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    server = CollectServer(kb, intake_path)
    code, other = server.add_codes(2)
    assert code not in sidecar_path(intake_path).read_text()  # only hashes are stored
    await server.start()
    try:
        async with Phone(server.url) as phone, Phone(server.url) as second:
            await phone.start(code="nope-nope")
            assert phone.status == 400 and "not right" in phone.page
            await phone.start(code=code.lower().replace("-", " "))
            await phone.answer(3)
            await phone.start(code=code)  # the same device continues
            assert phone.question == "trust_2"
            await second.start(code=code)
            assert second.status == 400 and "already been used" in second.page
            await second.start(code=other)
            assert second.question == "trust_1"
        assert len(read_intake(intake_path).responses) == 2
    finally:
        await server.stop()


async def test_two_phones_racing_for_one_code_get_one_respondent(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    import asyncio

    server = CollectServer(kb, intake_path)
    (code,) = server.add_codes(1)
    await server.start()
    try:
        async with Phone(server.url) as one, Phone(server.url) as two:
            await one.get()
            await two.get()
            await asyncio.gather(one.post("start", code=code), two.post("start", code=code))
            assert sorted([one.status, two.status]) == [200, 400]
            assert [one.question, two.question].count("trust_1") == 1
        assert len(read_intake(intake_path).responses) == 1
    finally:
        await server.stop()


HOSTILE = (
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from("<>&\"'"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(secret=HOSTILE)
async def test_no_page_shows_another_respondents_answer(server, secret: str) -> None:
    marker = f"ZQX{secret}"
    async with Phone(server.url) as writer, Phone(server.url) as reader:
        await writer.start()
        await writer.get("q?q=keep_text")
        await writer.answer(marker)
        assert writer.status in (200, 302, 303)
        pages = [await reader.get(), await reader.get("lead"), await reader.start()]
        pages += [await reader.get("q?q=keep_text"), await reader.get("done")]
        pages += [await reader.get("q?q=change_text"), await reader.get("style.css")]
        for page in pages:
            assert "ZQX" not in page


def test_qr_text_is_square_blocks() -> None:
    lines = qr_text("http://192.168.1.20:8765/abcdefghijklmnopqrstuvwx/").splitlines()
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" █▀▄")


async def test_raw_dot_dot_paths_never_reach_a_file(server) -> None:
    import asyncio

    token = server.collection.secrets.token
    for target in (f"/{token}/../../etc/passwd", f"/{token}/..%2F..%2Fetc%2Fpasswd", "/../"):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        reply = (await reader.read()).decode("latin-1")
        writer.close()
        assert reply.startswith(("HTTP/1.1 404", "HTTP/1.1 400")), target
        assert "root:" not in reply


async def test_the_lead_link_and_the_language_choice(server, intake_path) -> None:
    async with Phone(server.url, lang="nl-NL,nl;q=0.9,en;q=0.5") as lead:
        page = await lead.get("lead")
        assert '<html lang="nl">' in page and "Voor de teamleider" in page
        page = await lead.get("lead?lang=en")  # the switch link on every page
        assert '<html lang="en">' in page and "For the team lead" in page
        await lead.post("start", role="lead")
        assert '<html lang="en">' in lead.page  # the choice is kept
        await lead.post("start", role="lead")  # a second start continues, no second respondent
    (respondent,) = read_intake(intake_path).responses
    assert (respondent.role, respondent.lang) == ("lead", "en")


async def test_the_lead_page_asks_consent_and_the_answer_is_saved(server, intake_path) -> None:
    async with Phone(server.url, lang="en") as member:
        page = await member.get("")
        assert "lead_view_consent" not in page  # only the lead is asked
        await member.post("start", role="member", lead_view_consent="yes")  # ignored for a member
    async with Phone(server.url, lang="en") as agreeing:
        page = await agreeing.get("lead")
        assert "May your answers be shown separately" in page and "lead_view_consent" in page
        await agreeing.post("start", role="lead", lead_view_consent="yes")
    async with Phone(server.url, lang="nl") as silent:
        await silent.get("lead")
        await silent.post("start", role="lead")  # no choice sent: no consent
    consent = {(r.role, r.lead_view_consent) for r in read_intake(intake_path).responses}
    assert consent == {("member", False), ("lead", True), ("lead", False)}
