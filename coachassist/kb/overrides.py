"""Overrides made visible: which earlier items a trainer's folder replaces, what a replacement
drops, and ids that would be confused with each other (a signal named like a dysfunction)."""

from __future__ import annotations

from pathlib import Path

from coachassist.kb import wording
from coachassist.kb.loader import KnowledgeBase, Origin, bundled_dirs
from coachassist.kb.problems import Problem


def _where(origin: Origin) -> str:
    return f"{short_path(origin.path)}:{origin.line}" if origin.line else short_path(origin.path)


def short_path(path: Path) -> str:
    """A bundled file as ``rules/diagnosis/x.toml``, not an absolute path into the package;
    any other file as given."""
    for folder in bundled_dirs():
        if path.is_relative_to(folder):
            return str(path.relative_to(folder.parent))
    return str(path)


def override_notices(kb: KnowledgeBase) -> list[Problem]:
    """One line per replaced item, and a warning per replacement that drops fields."""
    notices = []
    for override in kb.overrides:
        where = _where(override.replaced)
        bundled = kb.bundled and override.replaced.layer == 0
        key = "kbcheck.overrides" if bundled else "kbcheck.overrides_earlier"
        said = wording.both(key, kind=override.kind, id=override.id, where=where)
        path, line = override.by.path, override.by.line
        notices.append(Problem(path, line, override.id, said["en"], said["nl"]))
        if override.dropped:
            fields = ", ".join(override.dropped)
            said = wording.both("kbcheck.drops_fields", fields=fields, where=where)
            notices.append(Problem(path, line, override.id, said["en"], said["nl"]))
    return notices


def override_problems(kb: KnowledgeBase) -> list[Problem]:
    """Errors: a signal id equal to a dysfunction id (plan and report would show the signal's
    reason where the dysfunction's name belongs)."""
    problems = []
    reported: set[str] = set()
    for rule in kb.rules.values():
        signal = rule.then.signal
        if signal and signal in kb.dysfunctions and signal not in reported:
            reported.add(signal)
            origin = kb.origin("rule", rule.id)
            said = wording.both("kbcheck.signal_is_dysfunction", id=signal)
            path = origin.path if origin else Path("?")
            problems.append(
                Problem(path, origin.line if origin else None, rule.id, said["en"], said["nl"])
            )
    return problems
