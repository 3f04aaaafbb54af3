"""Runs durable-rules in a supervised worker process, so a crash or hang cannot take us down.

One long-lived worker (``engine/worker.py``) serves every evaluation: it is started on first
use, keeps the registered programs, and is restarted after it crashed or was killed. Every
request has a timeout. A crash or timeout becomes one ``EngineError`` line naming the knowledge
base and, when probing each rule alone in a throwaway worker finds it, the rule.

Start-up overlaps the caller's own work: a new worker is pinged at once (durable-rules loads
while the caller imports and loads the knowledge base), and ``preregister`` sends a program
without waiting. Their replies are read, in order and with the same errors as the waiting calls,
before the next request (``_worker``). This module imports no pydantic, so a command can start
the worker before anything heavy is imported.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import select
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachassist.engine.adapter import EngineError
from coachassist.engine.compiler import rule_id
from coachassist.engine.worker import HEADER, read_message, write_message
from coachassist.i18n import Message, recognise

if TYPE_CHECKING:  # program.py imports the knowledge-base models (pydantic)
    from coachassist.engine.program import Patterns, Program

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
EVALUATE_TIMEOUT = 10.0  # seconds; COACHASSIST_ENGINE_TIMEOUT overrides
REGISTER_TIMEOUT = 60.0
PROBE_TIMEOUT = 2.0
PROBE_BUDGET = 10.0  # seconds spent looking for the rule behind a crash


class EngineCrash(EngineError):
    """The worker died (a signal from the C extension) or stopped answering in time."""


class _Died(Exception):
    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


def evaluate_timeout() -> float:
    try:
        return float(os.environ.get("COACHASSIST_ENGINE_TIMEOUT", EVALUATE_TIMEOUT))
    except ValueError:
        return EVALUATE_TIMEOUT


class Worker:
    """One worker process and its pipes; ``request`` sends a message and waits for the reply.

    ``pending`` lists what was sent without waiting (a ping, registrations), oldest first: their
    replies come before any other (``_worker()`` reads them)."""

    def __init__(self, ping: bool = True) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        alarm = int(max(REGISTER_TIMEOUT, evaluate_timeout()) * 2)
        env["COACHASSIST_ENGINE_ALARM"] = str(alarm)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coachassist.engine.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            close_fds=True,
            start_new_session=True,  # Ctrl-C in the terminal reaches the parent only
        )
        self.registered: set[str] = set()
        self.ready = False  # answered a ping: durable-rules is loaded
        self.pending: list[tuple[str, Program | None, str]] = []  # (op, program, source)
        self._data = b""  # replies read from the pipe and not yet taken
        if ping:  # durable-rules loads while the caller goes on
            self.pending.append(("ping", None, ""))
            with contextlib.suppress(_Died):  # dead already: reading the reply says how
                self.send(("ping",))

    def request(self, message: tuple, timeout: float) -> Any:
        self.send(message)
        return self.receive(timeout)

    def send(self, message: tuple) -> None:
        """Write one request without waiting for its reply."""
        assert self.process.stdin
        try:
            write_message(self.process.stdin, message)  # type: ignore[arg-type]
        except BrokenPipeError:
            raise _Died(self._death()) from None

    def receive(self, timeout: float) -> Any:
        """The next reply; EngineError for an error reply, _Died when the worker is gone."""
        try:
            status, value = self._reply(timeout)
        except EOFError:
            raise _Died(self._death()) from None
        if status == "error":
            raise EngineError(worker_words(value))
        return value

    def _reply(self, timeout: float) -> tuple[str, Any]:
        fd = self.process.stdout.fileno()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while True:
                data = self._data
                size = HEADER.unpack(data[: HEADER.size])[0] if len(data) >= HEADER.size else -1
                if size >= 0 and len(data) >= HEADER.size + size:
                    self._data = data[HEADER.size + size :]  # a later reply may follow
                    return read_message(io.BytesIO(data[: HEADER.size + size]))
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.kill()
                    raise _Died(f"no answer within {timeout:g} seconds")
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise EOFError
                self._data += chunk

    def _death(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        how = signal.Signals(-code).name if code and code < 0 else f"exit status {code}"
        last = self._last_log_line()
        return f"{how}: {last}" if last else how

    def _last_log_line(self) -> str:
        with contextlib.suppress(OSError):
            self._log.seek(0, os.SEEK_END)
            self._log.seek(max(0, self._log.tell() - 2000))
            text = self._log.read().decode("utf-8", "replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if lines:
                return "".join(c for c in lines[-1] if c.isprintable())[:120]
        return ""

    def _await_exit(self, timeout: float) -> None:
        """Wake the moment the worker exits, where the system can say so (Linux: a pidfd),
        rather than at ``Popen.wait``'s next poll (it sleeps 0.5, 1, 2, 4 ... ms)."""
        try:
            fd = os.pidfd_open(self.process.pid)
        except (AttributeError, OSError):  # not Linux, or the worker is reaped already
            return
        try:
            select.select([fd], [], [], timeout)
        finally:
            os.close(fd)

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def close(self) -> None:
        """End the worker: close its input (it exits), kill it if it does not."""
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # type: ignore[union-attr]
        self._await_exit(2.0)
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(OSError):
            self.process.stdout.close()  # type: ignore[union-attr]
        self._log.close()


_LOCK = threading.RLock()
_WORKER: Worker | None = None


def prestart() -> None:
    """Start the worker now without waiting for it (e.g. while the knowledge base loads)."""
    global _WORKER
    with _LOCK:
        if _WORKER is None:
            _WORKER = Worker()


def _started() -> Worker:
    """The running worker, started (or restarted) when needed; its replies may be pending."""
    global _WORKER
    if _WORKER is None or _WORKER.process.poll() is not None:
        if _WORKER is not None:
            _WORKER.close()
        _forget_pending()
        _WORKER = Worker()
    return _WORKER


def _worker() -> Worker:
    """The running worker, confirmed ready, with every pending reply read: an outstanding
    batch's first (``_drain``; nothing of ours is sent before it is), then ours in order."""
    global _WORKER
    _drain()
    worker = _started()
    while worker.pending:
        op, program, source = worker.pending.pop(0)
        if op == "ping":
            try:
                worker.receive(REGISTER_TIMEOUT)
            except (_Died, EngineError) as error:
                worker.close()
                _WORKER = None
                if isinstance(error, EngineError):
                    raise
                raise EngineCrash(Message("engine.cannot_start", how=error.how)) from None
            worker.ready = True
        elif program is not None:
            _registered(worker, program, source)
    return worker


def _registered(worker: Worker, program: Program, source: str) -> None:
    """Read the reply to registering ``program``; an error or crash names the rule."""
    global _WORKER
    try:
        worker.receive(REGISTER_TIMEOUT)
    except EngineError as exc:
        raise EngineError(_named(source, exc, find_rule(program, None))) from None
    except _Died as died:
        worker.close()
        _WORKER = None
        raise EngineCrash(_crashed(source, died.how, find_rule(program, None))) from None
    worker.registered.add(program.name)


def shutdown() -> None:
    """Stop the shared worker (at exit, and in tests); the next evaluation starts a new one."""
    global _WORKER
    with _LOCK:
        _forget_pending()
        if _WORKER is not None:
            _WORKER.close()
            _WORKER = None


atexit.register(shutdown)


def worker_pid() -> int | None:
    with _LOCK:
        return _WORKER.process.pid if _WORKER and _WORKER.process.poll() is None else None


def _call(message: tuple, timeout: float) -> Any:
    """One request to the shared worker; _Died when it crashed or timed out (then it is gone)."""
    global _WORKER
    _drain()
    worker = _worker()
    try:
        return worker.request(message, timeout)
    except _Died:
        worker.close()
        _WORKER = None
        raise


def register(program: Program, source: str) -> None:
    """Register ``program`` in the worker; an error or crash names the rule where it can."""
    global _WORKER
    with _LOCK:
        worker = _worker()  # a worker that cannot start says so itself, naming no rule
        if program.name in worker.registered:
            return
        try:
            _send_program(worker, program, source)
        except _Died as died:
            worker.close()
            _WORKER = None
            raise EngineCrash(_crashed(source, died.how, find_rule(program, None))) from None
        _worker()


def preregister(program: Program, source: str) -> None:
    """Send ``program`` to the worker without waiting: it registers while the caller goes on.
    Its reply (and any error, named as ``register`` names it) is read before the next request."""
    with _LOCK:
        worker = _started()
        sent = {p.name for _, p, _ in worker.pending if p is not None}
        if program.name in worker.registered or program.name in sent:
            return
        with contextlib.suppress(_Died):  # gone already: the next request restarts it
            _send_program(worker, program, source)


def _send_program(worker: Worker, program: Program, source: str) -> None:
    worker.send(("register", program.name, program.layers, program.conclusions))
    worker.pending.append(("register", program, source))


def evaluate(
    program: Program, facts: list[dict[str, Any]], keys: set[str], source: str
) -> list[str]:
    """The rules of ``program`` that fire over ``facts``, in firing order."""
    with _LOCK:
        _drain()  # first: a batch that crashes or times out takes its worker (and rules) along
        if program.name not in _worker().registered:
            register(program, source)
        try:
            return _call(("evaluate", program.name, facts, keys), evaluate_timeout())
        except _Died as died:
            raise EngineCrash(_crashed(source, died.how, find_rule(program, facts))) from None
        except EngineError as exc:
            raise EngineError(Message("file.about", path=source, problem=exc)) from None


Team = tuple[list[dict[str, Any]], set[str]]  # one team's facts and the keys already known
Outcome = list[str] | EngineError  # the fired rule ids, or why this team could not be evaluated


class Pending:
    """Teams sent to the worker in one request; ``outcomes()`` waits for their answers.

    Sending returns at once, so the caller works on while the worker evaluates (the CLI's
    batch mode overlaps the two processes this way). At most one request is outstanding:
    any other call to the worker first reads this one's answer (``_drain``). When the batch
    as a whole fails (a crash, a hang, an error outside one team), each team is evaluated on
    its own instead, so every failure is that team's own, named as ``evaluate`` names it.
    """

    def __init__(self, program: Program, teams: list[Team], source: str) -> None:
        self.program, self.teams, self.source = program, teams, source
        self._answer: list[tuple[str, Any]] | None = None
        self._failed = not teams
        # half the one-team timeout per team: a heavy knowledge base under load takes ~2 s each
        self._timeout = evaluate_timeout() * (1 + len(teams) / 2)

    def _send(self) -> None:
        if self._failed:
            return
        try:
            if self.program.name not in _worker().registered:
                register(self.program, self.source)
            write_message(_worker().process.stdin, ("evaluate_many", self.program.name, self.teams))  # type: ignore[arg-type]
        except (_Died, EngineError, BrokenPipeError, OSError):
            self._failed = True

    def _receive(self) -> None:
        """Read the answer (under the lock, when this request is the outstanding one)."""
        global _WORKER, _PENDING
        _PENDING = None
        worker = _WORKER
        if self._failed or worker is None:
            self._failed = True
            return
        try:
            status, value = worker._reply(self._timeout)
        except (_Died, EOFError):
            worker.close()
            _WORKER = None
            self._failed = True
            return
        if status == "ok" and len(value) == len(self.teams):
            self._answer = value
        else:
            self._failed = True

    def outcomes(self) -> list[Outcome]:
        with _LOCK:
            if _PENDING is self:
                self._receive()
        if self._answer is None:
            return [_outcome(self.program, facts, keys, self.source) for facts, keys in self.teams]
        return [
            list(value)
            if status == "ok"
            else EngineError(Message("file.about", path=self.source, problem=worker_words(value)))
            for status, value in self._answer
        ]


_PENDING: Pending | None = None


def _drain() -> None:
    """Read the outstanding batch's answer, if any, so the pipe is free for a new request."""
    if _PENDING is not None:
        _PENDING._receive()


def _forget_pending() -> None:
    """The worker is going away: an outstanding batch will never be answered by it (its teams
    are then evaluated one by one, by a new worker)."""
    global _PENDING
    if _PENDING is not None:
        _PENDING._failed = True
        _PENDING = None


def submit(program: Program, teams: list[Team], source: str) -> Pending:
    """Send ``teams`` to the worker for ``program`` without waiting for the answer."""
    global _PENDING
    pending = Pending(program, teams, source)
    with _LOCK:
        _drain()
        pending._send()
        if not pending._failed:
            _PENDING = pending
    return pending


def _outcome(program: Program, facts: list[dict[str, Any]], keys: set[str], source: str) -> Outcome:
    try:
        return evaluate(program, facts, keys, source)
    except EngineError as exc:
        return exc


def _rules_of(program: Program) -> Iterable[tuple[str, Patterns]]:
    by_rule: dict[str, Patterns] = {}
    for layer in program.layers:
        for chunk in layer:
            for name, patterns in chunk.items():
                by_rule.setdefault(rule_id(name), {})[name] = patterns
    return sorted(by_rule.items())


def find_rule(program: Program, facts: list[dict[str, Any]] | None) -> tuple[str, str] | None:
    """(rule id, what went wrong) for the first rule the engine fails on when registered (and
    evaluated over ``facts``) alone, in a throwaway worker; None when none is found in time."""
    deadline = time.monotonic() + PROBE_BUDGET
    worker = Worker(ping=False)
    try:
        for rid, patterns in _rules_of(program):
            if time.monotonic() > deadline:
                return None
            try:
                worker.request(("probe", patterns, facts), PROBE_TIMEOUT)
            except EngineError as exc:
                return rid, str(exc)
            except _Died as died:
                return rid, died.how
        return None
    finally:
        worker.close()


# What the worker reports, in English (it never loads the catalogue): said again in the
# reader's language; durable-rules' own words inside stay as they are.
WORKER_WORDS = ("engine.worker.not_registered", "engine.worker.failed", "engine.worker.action")


def worker_words(text: str) -> Message | str:
    return recognise(text, WORKER_WORDS) or text


def _named(source: str, message: object, found: tuple[str, str] | None) -> Message:
    """``source: rule 'id': what durable-rules said``; its words stay the engine's own."""
    if found:
        return Message("engine.in_rule", source=source, rule=repr(found[0]), problem=found[1])
    return Message("file.about", path=source, problem=message)


def _crashed(source: str, how: str, found: tuple[str, str] | None) -> Message:
    where = Message("engine.at_rule", rule=repr(found[0])) if found else Message("engine.no_rule")
    return Message("engine.stopped", how=how, source=source, where=where)


def crash_worker_for_test(signum: int = signal.SIGKILL) -> None:
    """Test hook: make the shared worker die with ``signum`` (as a C-extension crash would)."""
    with _LOCK, contextlib.suppress(_Died):
        _call(("crash", int(signum)), PROBE_TIMEOUT)


def crash_next_evaluation_for_test(signum: int = signal.SIGSEGV) -> None:
    """Test hook: the shared worker dies of ``signum`` during the next evaluation."""
    with _LOCK:
        _call(("arm", int(signum)), PROBE_TIMEOUT)


def hang_worker_for_test(timeout: float = 1.0) -> None:
    """Test hook: make the shared worker spin; the request times out and the worker is killed."""
    with _LOCK:
        try:
            _call(("hang", None), timeout)
        except _Died as died:
            raise EngineCrash(_crashed("(test)", died.how, None)) from None
