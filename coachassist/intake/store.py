"""The one write protocol for an intake file, shared by the app, the CLI and the collection server.

An intake stays ONE portable TOML file. Every writer:

1. takes an exclusive cross-process lock (``fcntl.flock`` on the sidecar ``<intake>.lock``);
2. re-reads the file when its bytes changed since this writer last read or wrote it;
3. merges three-way against the version it last saw (its *base*): per respondent and per
   answer key, a value this writer changed since its base wins, anything else comes from disk;
   respondents added by others are kept, a respondent this writer deleted stays deleted;
4. writes atomically (temp file + fsync + rename + folder fsync) and releases the lock.

So no writer ever puts a stale snapshot over another writer's answers. The merge works *in
place* on the writer's own ``Intake`` (the same ``Respondent`` objects and answer dicts), so a
screen that holds a respondent's answers keeps holding the live ones.

Ownership: a respondent being answered is *claimed* with a lease, an ``flock`` on
``<intake>.lock.d/<respondent>.lock`` that the OS releases when the process dies. A second app
instance that finds the lease taken starts a new respondent instead. Respondents created by the
collection server carry ids starting with ``WEB_PREFIX``; the app never continues those.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from coachassist.errors import UserError
from coachassist.i18n import Message, os_reason
from coachassist.intake.files import read_intake, write_text_atomic
from coachassist.intake.models import Answers, Intake, Respondent
from coachassist.intake.serialize import Renderer
from coachassist.safefile import INTAKE_FILE_CAP, FileRefused, read_bytes

WEB_PREFIX = "w-"  # ids of respondents created by the collection server
_MISSING: Any = object()
T = TypeVar("T")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def lease_dir(path: Path) -> Path:
    return path.with_name(path.name + ".lock.d")


def is_web_respondent(rid: str) -> bool:
    return rid.startswith(WEB_PREFIX)


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the intake's cross-process write lock (blocks until it is free)."""
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise UserError(Message("file.cannot_lock", path=path, reason=os_reason(error))) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _raw(path: Path) -> bytes:
    """The intake's bytes, read like every input: a regular file within the cap (a huge or
    sparse file, a pipe or a device is refused before anything is read into memory)."""
    try:
        return read_bytes(path, INTAKE_FILE_CAP)
    except FileRefused as refused:
        raise UserError(refused) from None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IntakeStore:
    """One writer's view of an intake file: what it last saw (``base``) and that file's digest."""

    def __init__(self, path: Path, base: Intake | None = None) -> None:
        self.path = path
        self.renderer = Renderer()
        self.base = self.renderer.snapshot(base) if base is not None else None
        self.seen: str | None = None

    def load(self) -> Intake:
        """Read the intake and make it this writer's base. Needs no lock (writers replace the
        file atomically), so an intake in a read-only folder opens fine."""
        intake = self._read()
        self.base = self.renderer.snapshot(intake)
        return intake

    def save(self, intake: Intake) -> None:
        """Merge in what others wrote since our base, then write ``intake`` (changed in place)."""
        self.update(intake, lambda _: None)

    def update(self, intake: Intake, change: Callable[[Intake], T]) -> T:
        """Under the lock: bring ``intake`` up to date with the file, apply ``change``, write.

        Use this when a change depends on what is on disk, e.g. choosing a free respondent id.
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                Message("file.cannot_create", path=self.path.parent, reason=os_reason(error))
            ) from None
        with exclusive(self.path):
            self.sync_locked(intake)
            result = change(intake)
            text = self.renderer.text(intake)
            write_text_atomic(self.path, text)  # also syncs the folder entry
            self.seen = _digest(text.encode("utf-8"))
            self.base = self.renderer.snapshot(intake)
            return result

    def sync_locked(self, intake: Intake) -> None:
        """Merge the file's current content into ``intake``; the caller holds the lock."""
        if not os.path.lexists(self.path):
            return
        raw = _raw(self.path)
        if _digest(raw) == self.seen:
            return
        disk = self._read()
        merge_into(intake, self.base, disk)
        self.base = snapshot(disk)  # not cached: the renderer holds what this writer wrote

    def _read(self) -> Intake:
        # bytes first, then parse: if a write lands in between, the digest is the older one,
        # so the next save sees a change and merges; it can never skip a merge it needs
        raw = _raw(self.path)
        intake = read_intake(self.path)
        self.seen = _digest(raw)
        return intake


# --- the three-way merge ------------------------------------------------------------------


def snapshot(intake: Intake) -> Intake:
    """A private copy of an intake (not validated: it is only compared against)."""
    return Renderer().snapshot(intake)


def merge_into(mine: Intake, base: Intake | None, disk: Intake) -> None:
    """Make ``mine`` the merge of this writer's changes since ``base`` with ``disk``, in place.

    A field, answer or respondent that ``mine`` changed since ``base`` keeps ``mine``'s value;
    everything else takes ``disk``'s. ``base=None`` means this writer saw nothing yet: all of
    ``mine`` counts as changed, and nothing on disk is dropped.
    """
    base = base if base is not None else Intake.model_construct(context={}, responses=[])
    for name in Intake.model_fields.keys() - {"context", "responses", "decisions"}:
        if getattr(mine, name) == getattr(base, name, _MISSING):
            setattr(mine, name, getattr(disk, name))
    merge_answers(mine.context, base.context, disk.context)
    decisions = dict(mine.decisions or {})  # per finding, like answers
    merge_keys(decisions, dict(getattr(base, "decisions", None) or {}), dict(disk.decisions or {}))
    mine.decisions = decisions or None
    mine_by = {r.id: r for r in mine.responses}
    base_by = {r.id: r for r in base.responses}
    disk_ids = {r.id for r in disk.responses}
    merged: list[Respondent] = []
    for theirs in disk.responses:
        own = mine_by.get(theirs.id)
        if own is None:
            if theirs.id not in base_by:  # added by another writer
                merged.append(theirs.model_copy(deep=True))
            continue  # else: deleted by this writer
        _merge_respondent(own, base_by.get(theirs.id), theirs)
        merged.append(own)
    for own in mine.responses:
        if own.id in disk_ids:
            continue
        seen = base_by.get(own.id)
        if seen is None or own != seen:  # new here, or changed here after another deleted it
            merged.append(own)
    mine.responses[:] = merged


def _merge_respondent(own: Respondent, base: Respondent | None, disk: Respondent) -> None:
    for name in Respondent.model_fields.keys() - {"id", "answers"}:  # role, lang, any later field
        if base is not None and getattr(own, name) == getattr(base, name):
            setattr(own, name, getattr(disk, name))
    merge_answers(own.answers, base.answers if base else {}, disk.answers)


def merge_answers(mine: Answers, base: Answers, disk: Answers) -> None:
    """Per key: this writer's change since ``base`` wins, otherwise the value on disk."""
    merge_keys(mine, base, disk)


def merge_keys(mine: dict[str, Any], base: Mapping[str, Any], disk: Mapping[str, Any]) -> None:
    """Per key: this writer's change since ``base`` wins, otherwise the value on disk."""
    for key in [*disk, *(k for k in base if k not in disk), *(k for k in mine if k not in disk)]:
        own = mine.get(key, _MISSING)
        if own != base.get(key, _MISSING):
            continue  # changed (or cleared) here: ours wins
        value = disk.get(key, _MISSING)
        if value is _MISSING:
            mine.pop(key, None)
        else:
            mine[key] = copy.deepcopy(value)


# --- respondent leases ----------------------------------------------------------------------


class Lease:
    """A claim on one respondent, held until ``release`` or the end of the process."""

    def __init__(self, fd: int, rid: str) -> None:
        self.fd: int | None = fd
        self.rid = rid

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def claim(path: Path, rid: str) -> Lease | None:
    """Claim respondent ``rid`` of the intake at ``path``; None when someone else holds it."""
    folder = lease_dir(path)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(folder / f"{rid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise UserError(
            Message("intake.cannot_claim", path=path, rid=rid, reason=os_reason(error))
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return Lease(fd, rid)
