"""A respondent's whole journey in real Chromium at phone size (390x844), in Dutch and English:
intro, start, answers, "don't know", back, a reload in the middle, a language switch, the last
question and the thank-you page. Nothing may be lost, and the page may log no console message
(a CSP violation or a failed load would show up there).

Chromium missing: installed with apt-get as root, else skipped; under CI it is a failure (as in
tests/test_report_browser.py, whose fixture is reused).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachassist.collect.runner import BackgroundServer, CollectServer
from coachassist.intake.files import read_intake
from coachassist.kb.loader import KnowledgeBase
from tests.test_report_browser import ARTIFACTS, chromium  # noqa: F401  (the fixture)

try:
    from playwright.sync_api import Browser, sync_playwright
except ImportError:  # pragma: no cover - playwright is a dev dependency
    if os.environ.get("CI"):
        raise
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)

PHONE = {"width": 390, "height": 844}
WORDS = {
    "nl": {
        "start": "Beginnen",
        "agree": "Eens",
        "disagree": "Oneens",
        "neutral": "Neutraal",
        "dont_know": "Weet ik niet",
        "back": "Vorige vraag",
        "finish": "Afronden",
        "thanks": "Dank je wel!",
        "progress": "Vraag 2 van 47",
        "switch": "English",
    },
    "en": {
        "start": "Start",
        "agree": "Agree",
        "disagree": "Disagree",
        "neutral": "Neutral",
        "dont_know": "Don't know",
        "back": "Previous question",
        "finish": "Finish",
        "thanks": "Thank you!",
        "progress": "Question 2 of 47",
        "switch": "Nederlands",
    },
}


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:  # noqa: F811
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium or shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_respondent_journey_on_a_phone(
    browser: Browser, kb: KnowledgeBase, intake_path: Path, lang: str
) -> None:
    words = WORDS[lang]
    server = BackgroundServer(CollectServer(kb, intake_path))
    url = server.start()
    context = browser.new_context(viewport=PHONE, locale=f"{lang}-{lang.upper()}")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(str(error)))
    try:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == lang
        assert "3" in page.locator("main").inner_text()  # the threshold is promised up front
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.get_by_role("button", name=words["start"], exact=True).click()

        page.get_by_role("button", name=words["agree"], exact=True).click()  # trust_1
        assert words["progress"] in page.locator("main").inner_text()
        page.get_by_role("button", name=words["dont_know"], exact=True).click()  # trust_2
        page.get_by_role("button", name=words["disagree"], exact=True).click()  # trust_3
        page.get_by_role("link", name=words["back"]).click()  # back to trust_3
        page.get_by_role("link", name=words["back"]).click()  # back to trust_2
        chosen = page.locator("button[aria-pressed=true]")
        assert chosen.inner_text().startswith(words["dont_know"])

        page.reload()  # nothing is lost
        assert page.locator("button[aria-pressed=true]").inner_text().startswith(words["dont_know"])
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"collect-question-{lang}.png"))
        page.get_by_role("button", name=words["neutral"], exact=True).click()  # trust_2 changed

        page.get_by_role("link", name=words["switch"]).click()  # language switch, same question
        assert page.locator("html").get_attribute("lang") != lang
        other = WORDS["en" if lang == "nl" else "nl"]
        page.get_by_role("link", name=other["switch"]).click()  # and back

        page.goto(url + "q?q=change_text")  # jump to the last question
        page.locator("textarea").fill("Vaker samen <b>evalueren</b> & leren")
        page.get_by_role("button", name=words["finish"], exact=True).first.click()
        assert page.get_by_role("heading", name=words["thanks"]).is_visible()
    finally:
        context.close()
        server.stop()
    answers = read_intake(intake_path).responses[0].answers
    assert answers == {
        "trust_1": 4,
        "trust_2": 3,
        "trust_3": 2,
        "change_text": "Vaker samen <b>evalueren</b> & leren",
    }
    assert console == []


def test_the_lead_chooses_consent_on_a_phone(
    browser: Browser, kb: KnowledgeBase, intake_path: Path
) -> None:
    server = BackgroundServer(CollectServer(kb, intake_path))
    url = server.start()
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto(url + "lead")
        page.get_by_role("button", name="Start", exact=True).click()
        assert page.url.endswith("/lead")  # the browser asks for a choice first: still here
        page.get_by_label("Yes, show my answers as the lead's view").check()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "collect-lead-consent.png"), full_page=True)
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_role("button", name="Agree", exact=True).click()
    finally:
        context.close()
        server.stop()
    (lead,) = read_intake(intake_path).responses
    assert (lead.role, lead.lead_view_consent, lead.answers) == ("lead", True, {"trust_1": 4})
    assert console == []
