"""The one module that talks to durable-rules, and every guard its sharp edges need.

It runs inside the engine worker process (``engine/worker.py``), never in the coach's process:
a crash or hang of the C extension then cannot take the CLI or the app down (see
``engine/supervisor.py``). ``durable`` is imported on first use only, so importing this module
for ``EngineError`` costs nothing.

Guards (see docs/engine.md and the measured notes they come from):
- one long-lived Host per process, a subclass without the timer threads stock Hosts start;
- a process-wide lock around every call, and one live sid at a time (sids are 32-bit hashes);
- every fact carries the evaluation's sid and a unique ``fid`` (identical facts would clash);
- a catch-all rule that never fires marks every fact handled;
- a sentinel fact asserted last guarantees an action ran, so ``delete_state`` is safe;
- action callables take exactly one parameter (two would make them silently asynchronous);
- a fresh rule dict per registration (registering mutates it) and a new ruleset name per load;
- exceptions raised in actions are read back from the state and raised here;
- each rule fires at most once per evaluation, so an ``$or`` or a join can never double-fire.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any

from coachassist.errors import UserError

_LOCK = threading.RLock()
_HOST: Any = None
_NAMES = itertools.count(1)
_SIDS = itertools.count(1)
END_KEY = "__end__"
NEVER_KEY = "__never__"
ENGINE_ERRORS = {
    "102": "a value has the wrong type",
    "105": "unknown keyword",
    "202": "unknown operator",
    "204": "a number the engine cannot read",
    "302": "a fact with more than 255 fields",
    "303": "too many tests on one fact (more than 64)",
    "501": "a pattern the engine cannot read",
}

# Called once per rule that fires; returns the new facts the rule concludes.
Fire = Callable[[str], list[dict[str, Any]]]


class EngineError(UserError):
    """durable-rules refused or failed; the message names the rule where it can."""


def _host() -> Any:
    global _HOST
    if _HOST is None:
        try:
            from durable import engine as _durable
        except ImportError as exc:  # e.g. Python 3.13, where the extension does not import
            raise EngineError(
                f"the rules engine durable-rules cannot be loaded on this Python ({exc}); "
                "use Python 3.11 or 3.12"
            ) from None

        class QuietHost(_durable.Host):
            def _run(self) -> None:  # no timer threads: nothing runs in the background
                pass

        _HOST = QuietHost()
    return _HOST


def ready() -> None:
    """Load durable-rules now; EngineError in one line when it cannot be loaded."""
    _host()


class CompiledRuleset:
    """A ruleset registered once under a unique name; evaluate() runs one isolated session."""

    def __init__(self, rules: dict[str, list[dict[str, Any]]], fire: Fire) -> None:
        """``rules`` maps a rule name to its alias patterns (all must match)."""
        self.name = f"coachassist_{next(_NAMES)}"
        self.keys = {_key_of(p) for patterns in rules.values() for p in patterns}
        self._fire = fire
        self._fired: set[str] = set()
        definition: dict[str, Any] = {}
        for index, (rule_name, patterns) in enumerate(sorted(rules.items())):
            definition[f"r{index}"] = {
                "all": [{f"c{i}": pattern} for i, pattern in enumerate(patterns)],
                "run": self._action(rule_name),
            }
        definition["zz_catch_all"] = {
            "all": [{"m": {"$ex": {"key": 1}}}, {"n": {"key": NEVER_KEY}}],
            "run": _noop,
        }
        definition["zz_end"] = {"all": [{"e": {"key": END_KEY}}], "run": _noop}
        with _LOCK:
            host = _host()
            try:
                host.register_rulesets({self.name: definition})
            except Exception as exc:
                raise EngineError(f"rules could not be registered: {_explain(exc)}") from None

    @classmethod
    def check_rule(cls, rule_name: str, patterns: list[dict[str, Any]]) -> str | None:
        """Register one rule alone to find what the engine refuses; None when it is fine."""
        try:
            cls({rule_name: patterns}, lambda _: [])
        except EngineError as exc:
            return str(exc)
        return None

    def _action(self, rule_name: str) -> Callable[[Any], None]:
        def action(c: Any) -> None:  # exactly one parameter: a synchronous action
            if rule_name in self._fired:
                return
            self._fired.add(rule_name)
            for fact in self._fire(rule_name):
                c.assert_fact({**fact, "sid": c.s.sid, "fid": next(_FIDS)})

        return action

    def evaluate(self, facts: Iterable[dict[str, Any]]) -> None:
        """Assert the facts in a fresh session; firings go to the ``fire`` callback."""
        sid = f"s{next(_SIDS)}"
        batch = [{**fact, "sid": sid, "fid": next(_FIDS)} for fact in facts]
        with _LOCK:
            host = _host()
            self._fired = set()
            try:
                if batch:
                    host.assert_facts(self.name, batch)
                host.assert_fact(self.name, {"key": END_KEY, "sid": sid, "fid": next(_FIDS)})
                state = host.get_state(self.name, sid)
            except Exception as exc:
                raise EngineError(f"evaluation failed: {_explain(exc)}") from None
            finally:
                with contextlib.suppress(Exception):  # the state may already be gone
                    host.delete_state(self.name, sid)
        if state.get("exception"):
            raise EngineError(f"a rule action failed: {state['exception']}")


_FIDS = itertools.count(1)


def _key_of(pattern: dict[str, Any]) -> str:
    """The fact key a compiled alias pattern tests first (see ``compiler.patterns``)."""
    return pattern["$and"][0]["key"] if "$and" in pattern else pattern["key"]


def _noop(c: Any) -> None:
    return None


def _explain(exc: Exception) -> str:
    text = str(exc)
    for code, meaning in ENGINE_ERRORS.items():
        if code in text:
            return f"{meaning} (engine error {code})"
    return text or type(exc).__name__
