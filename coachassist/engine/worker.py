"""The engine worker: a long-lived process that runs durable-rules for the coach's process.

Started by ``engine/supervisor.py`` as ``python -m coachassist.engine.worker``. It reads requests
from stdin and writes replies to a private copy of stdout (fd 1 then points at stderr, so nothing
the C extension prints can corrupt the protocol). Each message is a 4-byte big-endian length
and a pickle; only the supervisor talks to it. Requests are tuples:

    ("ping",)                             -> ("ok", pid) once durable-rules is loaded
    ("register", name, layers, conclusions) -> ("ok", None): a ``program.Program``
    ("evaluate", name, facts, keys)       -> ("ok", [fired rule ids])
    ("evaluate_many", name, [(facts, keys), ...])
                                          -> ("ok", [("ok", [fired]) | ("error", message), ...])
    ("probe", patterns, facts | None)     -> ("ok", None): register alone, then evaluate
    ("crash", signal number)              test hook: the worker kills itself with that signal
    ("arm", signal number)                test hook: the next evaluation dies of that signal
    ("hang", None)                        test hook: the worker spins forever

Failures the engine reports become ("error", message). The worker never outlives its parent:
it exits on end of input (the parent closed the pipe or died), and every request arms an alarm
whose default action kills the process if the request runs far longer than any timeout.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
from typing import Any, BinaryIO

from coachassist.engine.adapter import CompiledRuleset, EngineError, ready
from coachassist.engine.compiler import rule_id

HEADER = struct.Struct(">I")
Patterns = dict[str, list[dict[str, Any]]]  # engine rule name -> alias patterns
Conclusions = dict[str, tuple[str | None, dict[str, Any]]]  # rule id -> (fact key, fields)
ARMED: list[int] = []  # a signal the next evaluation dies of (test hook)
ALARM_SECONDS = int(os.environ.get("COACHASSIST_ENGINE_ALARM", "300"))


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_message(stream: BinaryIO) -> Any:
    (size,) = HEADER.unpack(_read_exact(stream, HEADER.size))
    return pickle.loads(_read_exact(stream, size))


def write_message(stream: BinaryIO, message: Any) -> None:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


class Loaded:
    """One registered program: its rulesets by layer, evaluated layer after layer."""

    def __init__(self, layers: list[list[Patterns]], conclusions: Conclusions) -> None:
        self.conclusions = conclusions
        self._fired: list[str] = []
        self._present: set[str] = set()
        self._new: list[dict[str, Any]] = []
        self.layers = [[CompiledRuleset(chunk, self._fire) for chunk in layer] for layer in layers]

    def _fire(self, engine_name: str) -> list[dict[str, Any]]:
        rid = rule_id(engine_name)
        if rid in self._fired:
            return []
        self._fired.append(rid)
        key, fields = self.conclusions[rid]
        if key is None or key in self._present:
            return []
        self._present.add(key)
        fact = {"key": key, **fields}
        self._new.append(fact)
        return [fact]

    def run(self, facts: list[dict[str, Any]], keys: set[str]) -> list[str]:
        """Fired rule ids in order; ``keys`` are the fact keys already known to the caller."""
        self._fired, self._present, self._new = [], set(keys), []
        facts = list(facts)
        for layer in self.layers:
            for ruleset in layer:
                batch = [f for f in facts if f["key"] in ruleset.keys]
                if batch:  # every rule tests a fact's key: without facts nothing can fire
                    ruleset.evaluate(batch)
            facts += self._new
            self._new = []
        return list(self._fired)


def handle(request: tuple, loaded: dict[str, Loaded]) -> Any:
    op = request[0]
    if op == "ping":
        ready()
        return os.getpid()
    if op == "register":
        _, name, layers, conclusions = request
        if name not in loaded:
            loaded[name] = Loaded(layers, conclusions)
        return None
    if op == "evaluate":
        _, name, facts, keys = request
        return _evaluate(loaded[name], facts, keys)
    if op == "evaluate_many":  # many teams in one round trip; a failure is that team's own
        _, name, teams = request
        replies: list[tuple[str, Any]] = []
        for facts, keys in teams:
            try:
                replies.append(("ok", _evaluate(loaded[name], facts, keys)))
            except EngineError as exc:
                replies.append(("error", str(exc)))
        return replies
    if op == "probe":
        _, patterns, facts = request
        ruleset = CompiledRuleset(patterns, lambda _: [])
        if facts is not None:
            ruleset.evaluate(facts)
        return None
    if op == "crash":
        os.kill(os.getpid(), request[1])
    if op == "arm":
        ARMED.append(request[1])
        return None
    if op == "hang":
        while True:
            pass
    raise EngineError(f"unknown request {op!r}")


def _evaluate(program: Loaded, facts: list[dict[str, Any]], keys: set[str]) -> list[str]:
    if ARMED:  # test hook: crash as the C extension would, mid-evaluation
        os.kill(os.getpid(), ARMED.pop())
    return program.run(facts, keys)


def main() -> None:
    requests = os.fdopen(0, "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by the extension goes to stderr, not into the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    loaded: dict[str, Loaded] = {}
    while True:
        try:
            request = read_message(requests)
        except EOFError:
            return
        signal.alarm(ALARM_SECONDS)
        try:
            reply = ("ok", handle(request, loaded))
        except EngineError as exc:
            reply = ("error", str(exc))
        except Exception as exc:  # report, never die silently
            reply = ("error", f"{type(exc).__name__}: {exc}")
        signal.alarm(0)
        write_message(replies, reply)


if __name__ == "__main__":
    main()
    # End of input: every reply is written and flushed. Tearing the interpreter down (the
    # engine's state, every module) took ~10 ms that the coach's process waited for at exit.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
