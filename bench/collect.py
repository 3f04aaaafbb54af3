"""Collection server benchmark: N simulated phones answer the team scan at once over loopback.

Starts ``coachassist collect`` as its own process on a fresh intake, then N respondents (default
100) each start and answer QUESTIONS questions (default all 47) as fast as the server allows,
all at the same time. Each phone waits a random 0..2*PACE seconds before each answer (a person
reads and taps; real people need 5-15 s, so the default 1 s is a heavy session); --pace 0 is a
stress test where every phone posts its next answer the moment the previous one is saved.
Prints answers/s and the latency of one answer (the POST until the server acknowledges it is on
disk), and checks afterwards that every acknowledged answer is in the file.

    python bench/collect.py [--phones N] [--questions Q] [--pace SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.intake.files import read_intake
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def phone(
    url: str, qids: list[str], seed: int, pace: float, latencies: list[float], errors: list[str]
):
    rng = random.Random(seed)
    given: dict[str, object] = {}
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(url) as response:
            csrf = CSRF.search(await response.text()).group(1)
        async with http.post(url + "start", data={"csrf": csrf, "role": "member"}) as response:
            await response.read()
        for qid in qids:
            await asyncio.sleep(rng.random() * 2 * pace)
            value = rng.choice(["1", "2", "3", "4", "5", "dont_know"])
            data = {"csrf": csrf, "q": qid, "answer": value}
            began = time.perf_counter()
            async with http.post(url + "q", data=data, allow_redirects=False) as response:
                await response.read()
                status = response.status
            latencies.append(time.perf_counter() - began)
            if status != 303:
                errors.append(f"{qid}: HTTP {status}")
                continue
            given[qid] = int(value) if value.isdigit() else value
        rid = jar.filter_cookies(aiohttp.client.URL(url))["ca_respondent"].value.split(".")[0]
    return rid, given


async def run(phones: int, questions: int, pace: float) -> None:
    kb = load()
    folder = Path(tempfile.mkdtemp(prefix="collect-bench-"))
    path = folder / "team.toml"
    IntakeProgress.new(kb, path, "Bench", "coach").release()
    qids = [q.id for q in kb.questionnaires["teamscan"].questions if q.type == "likert"]
    qids = qids[:questions]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
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
        text=True,
    )
    try:
        url = next(
            m.group(1) for line in server.stdout for m in [re.search(r"(http://\S+)", line)] if m
        )
        latencies: list[float] = []
        errors: list[str] = []
        began = time.perf_counter()
        results = await asyncio.gather(
            *(phone(url, qids, i, pace, latencies, errors) for i in range(phones))
        )
        took = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait()
    on_disk = {r.id: r.answers for r in read_intake(path).responses}
    lost = sum(
        1 for rid, given in results for k, v in given.items() if on_disk.get(rid, {}).get(k) != v
    )
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"phones: {phones}, answers each: {len(qids)}, pace: {pace} s, answers: {len(latencies)}")
    print(f"wall time: {took:.2f} s, answers/s: {len(latencies) / took:.0f}")
    print(
        f"latency per answer: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (target p95 < 50 ms)"
    )
    print(f"errors: {len(errors)}, acknowledged answers missing from the file: {lost}")
    print(f"intake file: {path.stat().st_size / 1024:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--questions", type=int, default=47)
    parser.add_argument("--pace", type=float, default=1.0, help="mean seconds between answers")
    args = parser.parse_args()
    asyncio.run(run(args.phones, args.questions, args.pace))


if __name__ == "__main__":
    main()
