"""Many phones and the app writing one intake at once: 0 answers lost, 0 overwritten, even
when the collection server is killed with SIGKILL in the middle and started again."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

from coachassist.collect.runner import CollectServer
from coachassist.intake.files import read_intake
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase, load

from .phone import Phone

PHONES = 20
QUESTIONS = [f"{scale}_{n}" for scale in ("trust", "conflict", "commitment") for n in (1, 2, 3, 4)]


def app_autosaves(path: str, rounds: int, ready) -> None:  # a separate process: the coach's app
    kb = load()
    app = IntakeProgress.open(kb, Path(path))
    respondent = app.add_respondent("member", "nl")
    ready.put(respondent.id)
    walk = app.respondent_walk(respondent.id)
    for i in range(rounds):
        walk.set(QUESTIONS[i % len(QUESTIONS)], 1 + i % 5)
        app.save()


async def respondent(url: str, seed: int, acked: dict[str, object]) -> str:
    rng = random.Random(seed)
    async with Phone(url) as phone:
        await phone.start()
        for qid in QUESTIONS:
            value = rng.choice([1, 2, 3, 4, 5, "dont_know"])
            assert await phone.saved(qid, value), phone.page
            acked[qid] = value
        return phone.http.cookie_jar.filter_cookies(aiohttp.client.URL(url))["ca_respondent"].value


async def test_twenty_phones_and_the_app_at_once_lose_nothing(
    kb: KnowledgeBase, intake_path: Path
) -> None:
    server = CollectServer(kb, intake_path)
    url = await server.start()
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Queue()
    app = spawn.Process(target=app_autosaves, args=(str(intake_path), 60, ready))
    app.start()
    try:
        app_rid = await asyncio.to_thread(ready.get, True, 30)
        given: list[dict[str, object]] = [{} for _ in range(PHONES)]
        cookies = await asyncio.gather(*(respondent(url, i, given[i]) for i in range(PHONES)))
        await asyncio.to_thread(app.join, 60)
        assert app.exitcode == 0
    finally:
        app.kill()
        await server.stop()
    by_id = {r.id: r.answers for r in read_intake(intake_path).responses}
    for cookie, answers in zip(cookies, given, strict=True):
        assert by_id[cookie.split(".")[0]] == answers  # every answer there, none overwritten
    expected_app = {}
    for i in range(60):
        expected_app[QUESTIONS[i % len(QUESTIONS)]] = 1 + i % 5
    assert by_id[app_rid] == expected_app
    assert len(by_id) == PHONES + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(path: Path, port: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "coachassist",
            "collect",
            str(path),
            "--port",
            str(port),
            "--lang",
            "en",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if found := re.search(r"(http://\S+)", line):
            return process, found.group(1)
    raise AssertionError(
        f"the server did not start: {process.stderr.read() if process.stderr else ''}"
    )


async def steady_respondent(url: str, seed: int, acked: dict[str, object]) -> str:
    """Answers one question after another; when the server is gone, waits and resumes."""
    rng = random.Random(seed)
    async with Phone(url) as phone:
        while True:
            try:
                await phone.start() if not acked else await phone.get("q")
                break
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
        for qid in QUESTIONS:
            value = rng.choice([1, 2, 3, 4, 5, "dont_know"])
            while True:
                try:
                    if await phone.saved(qid, value):
                        acked[qid] = value
                        break
                    await phone.get("q")  # e.g. the CSRF cookie page after a restart
                except aiohttp.ClientError:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(rng.random() * 0.02)
        return phone.http.cookie_jar.filter_cookies(aiohttp.client.URL(url))["ca_respondent"].value


async def test_a_server_killed_with_sigkill_loses_nothing_after_a_restart(
    intake_path: Path,
) -> None:
    port = free_port()
    first, url = start_server(intake_path, port)
    given: list[dict[str, object]] = [{} for _ in range(PHONES)]
    second = None
    try:
        tasks = [asyncio.create_task(steady_respondent(url, i, given[i])) for i in range(PHONES)]
        while sum(len(g) for g in given) < PHONES * len(QUESTIONS) // 3:
            await asyncio.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        acked_before_kill = [dict(g) for g in given]
        on_disk = {r.id: r.answers for r in read_intake(intake_path).responses}
        assert sum(len(a) for a in on_disk.values()) >= sum(len(g) for g in acked_before_kill)
        second, url_again = start_server(intake_path, port)
        assert url_again == url  # same link: the token is kept next to the intake
        cookies = await asyncio.wait_for(asyncio.gather(*tasks), 60)
    finally:
        for process in (first, second):
            if process is not None:
                process.kill()
                process.wait()
    by_id = {r.id: r.answers for r in read_intake(intake_path).responses}
    for cookie, answers in zip(cookies, given, strict=True):
        assert by_id[cookie.split(".")[0]] == answers
    assert len(by_id) == PHONES
