"""What the collection server keeps: its respondents' answers, the link secrets, durable writes.

The server owns the respondents it creates (ids ``w-<hex>``): only it changes their answers, so
its in-memory copy is the truth for them. Answers are queued and written by one flush at a time
through ``IntakeStore`` (lock, merge with the app's writes, atomic write); every request waits
until a flush that includes its answer is on disk, so a killed server loses nothing that was
acknowledged. Concurrent answers share a flush (group commit), which keeps latency low.

The sidecar ``<intake>.collect.toml`` (mode 0600) holds the link token, the secret that signs
session cookies, the hashes of personal codes, and which web respondents finished.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from coachassist.errors import UserError
from coachassist.i18n import Message
from coachassist.intake.files import validate_intake, write_atomic
from coachassist.intake.models import Answers, Intake, Respondent
from coachassist.intake.store import WEB_PREFIX, IntakeStore, is_web_respondent
from coachassist.intake.walk import Walk
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Questionnaire
from coachassist.safefile import FileRefused, read_text_file

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 8
DEFAULT_MIN_GROUP = 3
SIDECAR_CAP = 2_000_000  # bytes; 500 code hashes and 2,000 finished ids are about 100 kB  # the anonymity threshold when the intake sets none (as the engine's)


def sidecar_path(intake: Path) -> Path:
    return intake.with_name(intake.name + ".collect.toml")


def normalise_code(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", code.upper())[:32]


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


@dataclass
class Secrets:
    """The sidecar: link token, cookie key, code hashes (-> respondent id or ""), finished ids."""

    path: Path
    token: str
    key: str
    codes: dict[str, str] = field(default_factory=dict)
    finished: set[str] = field(default_factory=set)

    @classmethod
    def load_or_create(cls, intake: Path) -> Secrets:
        path = sidecar_path(intake)
        if not path.exists():
            made = cls(path, secrets.token_urlsafe(18), secrets.token_hex(32))
            made.save()
            return made
        try:  # a regular, small file only: a pipe or /dev/zero here must not hang or fill memory
            data = tomllib.loads(read_text_file(path, SIDECAR_CAP))
            token, key = str(data["token"]), str(data["key"])
            codes = {str(k): str(v) for k, v in dict(data.get("codes", {})).items()}
            finished = {str(r) for r in data.get("finished", [])}
        except FileRefused as refused:
            raise UserError(Message("collect.state.refused", refused=refused)) from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as e:
            raise UserError(
                Message("collect.state.damaged_why", path=path, reason=type(e).__name__)
            ) from None
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", token) or len(key) < 32:
            raise UserError(Message("collect.state.damaged", path=path))
        return cls(path, token, key, codes, finished)

    def data(self) -> dict[str, object]:
        return {
            "token": self.token,
            "key": self.key,
            "codes": dict(self.codes),
            "finished": sorted(self.finished),
        }

    def save(self, data: dict[str, object] | None = None) -> None:
        """Write the sidecar (``data``: a snapshot taken earlier, e.g. before a thread hop)."""
        write_atomic(self.path, data if data is not None else self.data())
        self.path.chmod(0o600)

    def sign(self, value: str) -> str:
        return hmac.new(self.key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]

    def code_hash(self, code: str) -> str:
        return self.sign("code:" + normalise_code(code))

    def add_codes(self, count: int) -> list[str]:
        made = [new_code() for _ in range(count)]
        for code in made:
            self.codes[self.code_hash(code)] = ""
        self.save()
        return made


@dataclass
class Counts:
    started: int
    finished: int


class Collection:
    """One intake being collected: its questionnaire, its web respondents, durable writes."""

    def __init__(self, kb: KnowledgeBase, path: Path) -> None:
        self.kb = kb
        self.path = path
        self.store = IntakeStore(path)
        if not path.is_file():
            raise UserError(Message("file.not_found", path=path))
        self.intake: Intake = self.store.load()  # touched only inside a flush
        validate_intake(kb, self.intake, path)
        self.secrets = Secrets.load_or_create(path)
        scan = kb.questionnaires.get(self.intake.scan)
        assert scan is not None  # validate_intake checked it
        self.scan: Questionnaire = scan
        self.min_group = self.intake.min_group or DEFAULT_MIN_GROUP
        # the truth for web respondents, read by the pages: id -> Respondent (a private copy)
        self.respondents: dict[str, Respondent] = {
            r.id: r.model_copy(deep=True) for r in self.intake.responses if is_web_respondent(r.id)
        }
        self._pending: dict[str, Respondent] = {}
        self._sidecar_dirty = False
        self._queued = 0
        self._flushed = 0
        self._flush_lock = asyncio.Lock()
        self.listeners: list = []  # callables run after each flush (e.g. the app's counter)

    # --- what the pages read -----------------------------------------------------------------

    def walk(self, rid: str) -> Walk:
        respondent = self.respondents[rid]
        return Walk(self.scan, respondent.answers, respondent.role)

    def counts(self) -> Counts:
        finished = sum(1 for rid in self.respondents if rid in self.secrets.finished)
        return Counts(len(self.respondents), finished)

    @property
    def uses_codes(self) -> bool:
        return bool(self.secrets.codes)

    # --- changes (each awaited until it is on disk) --------------------------------------------

    async def start(
        self, role: str, lang: str, code: str | None = None, lead_view_consent: bool = False
    ) -> str:
        """A new web respondent; with a personal code, the code is bound to it at once (before
        any await, so two phones can never both take one code). A lead's answer to the consent
        question on the start page is saved with it (docs/privacy.md)."""
        rid = WEB_PREFIX + secrets.token_hex(4)
        while rid in self.respondents:
            rid = WEB_PREFIX + secrets.token_hex(4)
        self.respondents[rid] = Respondent(
            id=rid, role=role, lang=lang, lead_view_consent=lead_view_consent
        )
        bound = self.secrets.code_hash(code) if code is not None and self.uses_codes else None
        if bound is not None:
            self.secrets.codes[bound] = rid
            self._sidecar_dirty = True  # the sidecar is written with this respondent
        try:
            await self.commit(rid)
        except BaseException:  # not saved: as if the phone never started
            self.respondents.pop(rid, None)
            self._pending.pop(rid, None)
            if bound is not None:
                self.secrets.codes[bound] = ""
            raise
        return rid

    async def answer(self, rid: str, qid: str, value: object) -> None:
        self.walk(rid).set(qid, value)  # type: ignore[arg-type]
        await self.commit(rid)

    async def finish(self, rid: str) -> None:
        if rid not in self.secrets.finished:
            self.secrets.finished.add(rid)
            self._sidecar_dirty = True
            await self.commit(rid)

    def code_owner(self, code: str) -> str | None:
        """The respondent a personal code belongs to: '' for an unused code, None if unknown."""
        return self.secrets.codes.get(self.secrets.code_hash(code))

    async def commit(self, rid: str) -> None:
        """Queue ``rid``'s current state and return once a flush has written it."""
        self._pending[rid] = self.respondents[rid].model_copy(deep=True)
        self._queued += 1
        mine = self._queued
        async with self._flush_lock:
            if self._flushed >= mine:
                return  # a flush that started after our change already wrote it
            batch, self._pending = self._pending, {}
            sidecar = self.secrets.data() if self._sidecar_dirty else None
            self._sidecar_dirty = False
            upto = self._queued
            try:
                await asyncio.to_thread(self._write, batch, sidecar)
            except BaseException:
                for key, value in batch.items():
                    self._pending.setdefault(key, value)
                self._sidecar_dirty = self._sidecar_dirty or sidecar is not None
                raise
            self._flushed = upto
        for listener in list(self.listeners):
            listener(self.counts())

    def _write(self, batch: dict[str, Respondent], sidecar: dict[str, object] | None) -> None:
        """In a worker thread: put the batch into the intake and write it by the protocol."""
        if sidecar is not None:
            self.secrets.save(sidecar)  # codes and finished marks first: answers never outrun them

        def apply(intake: Intake) -> None:
            by_id = {r.id: r for r in intake.responses}
            for rid, respondent in batch.items():
                own = by_id.get(rid)
                if own is None:
                    intake.responses.append(respondent)
                else:
                    own.role, own.lang = respondent.role, respondent.lang
                    _replace(own.answers, respondent.answers)

        self.store.update(self.intake, apply)


def _replace(target: Answers, source: Answers) -> None:
    target.clear()
    target.update(source)
