"""A cache of the validated knowledge base, so the app starts fast.

Reading and validating ~40 TOML files costs more than a Textual app needs to start; the app
therefore keeps the last validated ``KnowledgeBase`` as a pickle in the user's data folder,
keyed by a fingerprint of every knowledge-base file (path and a hash of its content, so an edit
that keeps size and mtime is still seen), the ``coachassist.kb`` source files, and the Python,
pydantic and coachassist versions. Any change means a fresh, fully validated load. Only a load
without problems is cached. Unpickling runs code, so the cache is read only when it is this
user's own regular file in this user's own folder and no other user can write either (a data
folder on a shared path, e.g. ``COACHASSIST_HOME=/tmp/...``, is otherwise ignored); a cache that
cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path

from coachassist import workspace
from coachassist.atomic import write_atomic
from coachassist.errors import UserError
from coachassist.kb.loader import KnowledgeBase, bundled_dirs, load
from coachassist.safefile import KB_FILE_CAP, FileRefused, read_bytes

KB_SOURCE = Path(__file__).resolve().parent


def cache_file() -> Path:
    return workspace.data_dir() / "kb-cache.pickle"


def fingerprint(dirs: Sequence[Path], bundled: bool) -> str:
    import pydantic

    from coachassist import __version__

    parts = [__version__, sys.version, pydantic.VERSION, str(bundled)]
    for path in sorted(KB_SOURCE.glob("*.py")):  # this package's own code: read plainly
        parts.append(f"{path}:{hashlib.sha256(path.read_bytes()).hexdigest()}")
    for folder in [*(bundled_dirs() if bundled else []), *[Path(d) for d in dirs]]:
        parts.append(f"dir:{folder.resolve()}:{folder.is_dir()}")
        if folder.is_dir():
            real_root = os.path.realpath(folder)  # once per folder, not once per file
            for path in sorted(folder.rglob("*.toml")):
                parts.append(f"{path}:{_content_hash(path, folder, real_root)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _content_hash(path: Path, root: Path, real_root: str) -> str:
    """A hash of the file's bytes, read as the loader reads them (no pipe or device can hang
    it); a file the loader would refuse gets a marker, and its load is never cached anyway."""
    try:
        return hashlib.sha256(read_bytes(path, KB_FILE_CAP, root, real_root=real_root)).hexdigest()
    except FileRefused:
        return "refused"


def load_cached(dirs: Sequence[Path] = (), *, bundled: bool = True) -> KnowledgeBase:
    """Like ``loader.load`` (raises KnowledgeBaseError), but from the cache when nothing changed."""
    key = fingerprint(dirs, bundled)
    try:
        with cache_file().open("rb") as fh:
            if workspace.owned_by_this_user_only(fh.fileno(), cache_file().parent):
                cached_key, kb = pickle.load(fh)
                if cached_key == key and isinstance(kb, KnowledgeBase):
                    return kb
    except Exception:  # no cache yet, or an old or broken one: load afresh
        pass
    kb = load(dirs, bundled=bundled)
    _warm(kb)
    _save(key, kb)
    return kb


def _warm(kb: KnowledgeBase) -> None:
    """Parse the conditions now, so the cached copy carries them already parsed."""
    for questionnaire in kb.questionnaires.values():
        for question in questionnaire.questions:
            _ = question.conditions
    for rule in kb.rules.values():
        _ = rule.conditions, rule.any_conditions


def _save(key: str, kb: KnowledgeBase) -> None:
    try:
        data = pickle.dumps((key, kb), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(cache_file(), data, make_folder=True)
    except (UserError, pickle.PicklingError):
        pass  # a cache is a convenience; the app works without it
