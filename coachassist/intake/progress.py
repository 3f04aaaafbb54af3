"""One intake being filled in: the file, the knowledge base, and where to go next.

Every change is written at once through ``intake.store`` (a cross-process lock, a three-way
merge with what other writers saved, an atomic write), so a crash or a killed terminal loses
nothing that was on screen before, and the collection server's answers are never overwritten.
A respondent being answered here is claimed with a lease, so a second app instance on the same
intake starts a new respondent instead of continuing this one. A self-scan is an intake with
``min_group = 1``: the team lead is the only respondent and the only reader, so there is
nobody to protect from being recognised.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from coachassist import workspace
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message
from coachassist.intake.files import validate_intake
from coachassist.intake.models import Intake, Respondent
from coachassist.intake.store import IntakeStore, Lease, claim, exclusive, is_web_respondent
from coachassist.intake.walk import Walk
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Question, Questionnaire

Mode = Literal["coach", "self"]
SELF_SCAN_MIN_GROUP = 1
CONTEXT_DONE = "context"
CONSENT_ASKED = "consent:"  # + respondent id, in ``done``: the lead answered the consent question


@dataclass
class Step:
    """Where to continue: the context form, a respondent's question, or between respondents."""

    kind: Literal["context", "respondent", "between"]
    question: Question | None = None
    respondent: str | None = None
    held: str | None = None  # between: this unfinished respondent is open in another app


@dataclass
class IntakeProgress:
    kb: KnowledgeBase
    path: Path
    intake: Intake
    done: set[str] = field(default_factory=set)
    store: IntakeStore | None = None
    leases: dict[str, Lease] = field(default_factory=dict, repr=False)
    notes: list[str] = field(default_factory=list)  # from opening: e.g. an older version
    base: InitVar[Intake | None] = None

    def __post_init__(self, base: Intake | None) -> None:
        if self.store is None:
            self.store = IntakeStore(self.path, base)

    # --- creating and opening ---------------------------------------------------------------

    @classmethod
    def new(cls, kb: KnowledgeBase, path: Path, title: str, mode: Mode) -> IntakeProgress:
        if path.exists():
            raise UserError(Message("file.exists", path=path))
        scans = kb.by_purpose("scan")
        if not scans:
            raise UserError(Message("intake.no_scan"))
        scan = kb.questionnaires.get("teamscan") or scans[0]
        contexts = kb.by_purpose("context")
        context = kb.questionnaires.get("coach_intake") or (contexts[0] if contexts else None)
        intake = Intake(
            title=title.strip(),
            created=date.today().isoformat(),
            scan=scan.id,
            scan_version=scan.version,
            context_questionnaire=context.id if context else "coach_intake",
            min_group=SELF_SCAN_MIN_GROUP if mode == "self" else None,
        )
        session = cls(kb, path, intake)
        session.save()
        return session

    @classmethod
    def open(cls, kb: KnowledgeBase, path: Path, *, lang: Lang = "en") -> IntakeProgress:
        """Read and check an intake; raises UserError and never touches a damaged file.
        ``notes`` holds what the coach should know but can live with (in ``lang``)."""
        if not path.is_file():
            raise UserError(Message("file.not_found", path=path))
        store = IntakeStore(path)
        intake = store.load()
        notes = validate_intake(kb, intake, path, lang=lang)
        return cls(kb, path, intake, workspace.done_for(path), store, notes=notes)

    # --- what it is -------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return "self" if self.intake.min_group == SELF_SCAN_MIN_GROUP else "coach"

    @property
    def scan(self) -> Questionnaire:
        return self.kb.questionnaires[self.intake.scan]

    @property
    def context_questionnaire(self) -> Questionnaire | None:
        return self.kb.questionnaires.get(self.intake.context_questionnaire)

    def respondent(self, rid: str) -> Respondent:
        return next(r for r in self.intake.responses if r.id == rid)

    def context_walk(self) -> Walk | None:
        """The context form, for the coach or, in a self-scan, the lead (``show_if`` may ask
        something of one of them only, such as what the coach noticed in the intake talk)."""
        qn = self.context_questionnaire
        return Walk(qn, self.intake.context, self.context_role) if qn else None

    @property
    def context_role(self) -> str:
        return "lead" if self.mode == "self" else "coach"

    def respondent_walk(self, rid: str) -> Walk:
        respondent = self.respondent(rid)
        return Walk(self.scan, respondent.answers, respondent.role)

    def default_role(self) -> str:
        roles = self.scan.roles
        return "lead" if self.mode == "self" and "lead" in roles else roles[0]

    # --- changing ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write this intake, merged with whatever other writers saved meanwhile."""
        assert self.store is not None
        self.store.save(self.intake)

    def refresh(self) -> None:
        """Merge in what other writers (the collection server, another app) saved meanwhile,
        without writing: this writer's own unsaved changes are kept."""
        assert self.store is not None
        with exclusive(self.path):
            self.store.sync_locked(self.intake)

    def remember(self) -> None:
        workspace.remember(self.path, self.intake.title, self.done)

    def add_respondent(self, role: str, lang: str) -> Respondent:
        """A new respondent, numbered under the write lock so no other writer takes its id."""

        def append(intake: Intake) -> Respondent:
            taken = {r.id for r in intake.responses}
            number = sum(not is_web_respondent(r.id) for r in intake.responses) + 1
            while f"r{number:02d}" in taken:
                number += 1
            respondent = Respondent(id=f"r{number:02d}", role=role, lang=lang)
            intake.responses.append(respondent)
            return respondent

        assert self.store is not None
        respondent = self.store.update(self.intake, append)
        self.claim(respondent.id)
        return respondent

    def claim(self, rid: str) -> bool:
        """Hold the lease on ``rid`` while answering it here; False if another process has it."""
        if rid in self.leases:
            return True
        lease = claim(self.path, rid)
        if lease is None:
            return False
        self.leases[rid] = lease
        return True

    def release(self, rid: str | None = None) -> None:
        """Let go of one respondent's lease (or all of them)."""
        for key in [rid] if rid else list(self.leases):
            lease = self.leases.pop(key, None)
            if lease:
                lease.release()

    def needs_consent(self, rid: str) -> bool:
        """A lead on a coach intake is asked, before their first question, whether their
        answers may be shown as the lead's view (docs/privacy.md); once answered, never again."""
        respondent = self.respondent(rid)
        return (
            self.mode == "coach"
            and respondent.role == "lead"
            and not respondent.answers
            and not respondent.lead_view_consent
            and CONSENT_ASKED + rid not in self.done
        )

    def set_consent(self, rid: str, agreed: bool) -> None:
        """Save the lead's answer in the intake, and remember that it was asked."""
        self.respondent(rid).lead_view_consent = agreed
        self.done.add(CONSENT_ASKED + rid)
        self.remember()
        self.save()

    def drop_if_empty(self, rid: str) -> None:
        respondent = self.respondent(rid)
        if not respondent.answers:
            self.intake.responses.remove(respondent)
            if CONSENT_ASKED + rid in self.done:  # a later respondent may get this id
                self.done.discard(CONSENT_ASKED + rid)
                self.remember()
            self.save()
            self.release(rid)  # one with answers stays claimed until done or this app ends

    def remove_respondent(self, rid: str) -> None:
        """Delete a respondent and their answers (the coach confirmed). Refused while another
        app instance holds the respondent; merged under the intake's lock like every write."""
        if rid not in self.leases and not self.claim(rid):
            raise UserError(Message("intake.respondent_busy", rid=rid))

        def drop(intake: Intake) -> None:
            intake.responses[:] = [r for r in intake.responses if r.id != rid]

        assert self.store is not None
        self.store.update(self.intake, drop)
        self.done.discard(rid)
        self.remember()
        self.release(rid)

    def mark_done(self, key: str) -> None:
        self.done.add(key)
        self.remember()
        self.release(key)

    # --- resuming ---------------------------------------------------------------------------

    def next_step(self) -> Step:
        """Resume at the first unanswered question of the last unfinished respondent.

        Only respondents made in the app count, and only one no other app instance holds.
        """
        walk = self.context_walk()
        if walk and not self.intake.responses and CONTEXT_DONE not in self.done:
            question = walk.resume()
            if question is not None:
                return Step("context", question)
        own = [r for r in self.intake.responses if not is_web_respondent(r.id)]
        if own:
            last = own[-1]
            if last.id not in self.done:
                question = self.respondent_walk(last.id).resume()
                if question is not None:
                    if self.claim(last.id):
                        return Step("respondent", question, last.id)
                    return Step("between", held=last.id)
        return Step("between")
