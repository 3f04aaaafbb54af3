"""The results: scale scores as bars, the pyramid, findings with their evidence, formats.

The diagnosis is computed when this screen opens (the engine is imported only then). What the
Diagnosis withholds for anonymity is shown as withheld, with the note that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Collapsible, Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachassist.diagnosis import Diagnosis, Finding
from coachassist.errors import UserError, describe
from coachassist.i18n import t
from coachassist.intake.models import Intake
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK
from coachassist.report.finding_tags import decision_text, finding_tags
from coachassist.tui.render import clean, evidence_text, finding_text, plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.charts import pyramid, score_bars
from coachassist.tui.widgets.titlebar import TitleBar

Diagnose = Callable[[Intake], Diagnosis]


def ordered(findings: list[Finding]) -> list[Finding]:
    """As the diagnosis orders them (strongest evidence first, the pyramid breaks ties); a
    diagnosis without strengths (an older or hand-made one): most severe first, then level."""
    if all(f.strength is not None for f in findings):
        return list(findings)
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_RANK.get(f.severity or "", 0), f.level or 99, f.id),
    )


class ResultsScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    ResultsScreen {
        #results { padding: 0 1; }
        #bars, #pyramid { height: auto; }
        Collapsible { padding: 0; margin: 0; }
        Collapsible Contents { padding: 0 0 0 3; }
        .finding.severity-high CollapsibleTitle { color: $error; }
        .finding.severity-medium CollapsibleTitle { color: $warning; }
        .finding CollapsibleTitle:focus { color: $block-cursor-foreground; }
        #suggestions { height: auto; max-height: 12; }
        #low-threshold { color: $error; text-style: bold; border: heavy $error; padding: 0 1; }
        #more-needed { text-style: bold; padding: 1 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "tui.key.back"),
        Binding("p", "plan", "tui.key.plan"),
        Binding("e", "export", "tui.key.export"),
        Binding("c", "compare", "tui.key.compare"),
        Binding("t", "collect", "tui.key.collect"),
        Binding("d", "decide", "tui.decision.key"),
        Binding("w", "why_not", "tui.whynot.key"),
    ]
    AUTO_FOCUS = "#results CollapsibleTitle, #suggestions"  # the first Enter opens a finding

    def __init__(
        self,
        kb: KnowledgeBase,
        session: IntakeProgress,
        diagnose: Diagnose,
        *,
        collect_host: str = "0.0.0.0",
    ) -> None:
        super().__init__()
        self.kb = kb
        self.session = session
        self.diagnose = diagnose
        self.collect_host = collect_host
        self.diagnosis: Diagnosis | None = None
        self.problem: str | None = None
        self.expanded: set[str] = set()

    def compute(self) -> None:
        if self.diagnosis is not None or self.problem is not None:
            return
        try:
            self.diagnosis = self.diagnose(self.session.intake)
        except Exception as error:  # shown in the app: a coach never sees a traceback
            self.problem = describe(error, self.lang) or type(error).__name__

    def compose(self) -> ComposeResult:
        self.compute()
        yield TitleBar(
            self.tr("tui.results.heading", title=self.session.intake.title), markup=False
        )
        with VerticalScroll(id="results"):
            if self.diagnosis is None:
                yield Static(self.tr("tui.results.failed"), classes="problem")
                yield Static(plain(self.problem or ""), markup=False)
            else:
                yield from self.sections(self.diagnosis)
        yield Footer()

    def sections(self, diag: Diagnosis) -> ComposeResult:
        lang, kb = self.lang, self.kb
        roles = ", ".join(
            f"{n} {self.role_name(role, plural=n != 1)}" for role, n in diag.roles.items()
        )
        if self.session.mode == "self":
            summary = self.tr("tui.results.summary_self")
        else:
            summary = self.tr(
                "tui.results.summary", n=diag.respondents, roles=roles, k=diag.min_group
            )
        yield Static(plain(summary), markup=False)
        if diag.privacy.low_threshold:
            banner = t("anonymity.low_threshold", lang, k=diag.min_group)
            yield Static(banner, id="low-threshold", markup=False)
        for note in diag.notes:
            yield Static(plain(f"⚠ {note(lang)}"), classes="note", markup=False)
        if not diag.privacy.team_shown:  # nothing of the team may be shown yet
            more = t("anonymity.more_needed", lang, more=diag.privacy.needed, k=diag.min_group)
            yield Static(more, id="more-needed", markup=False)
            return
        yield Label(self.tr("tui.results.scores"), classes="section")
        scan = kb.questionnaires.get(diag.scan)
        anchors = next(iter(scan.anchors.values()), None) if scan else None
        low, high = (anchors.min, anchors.max) if anchors else (1, 5)
        bands = {s.id: [b.label.en for b in s.bands] for s in (scan.scales if scan else [])}
        yield Static(
            score_bars(
                diag.scores,
                bands,
                low,
                high,
                lang,
                self.tr("tui.results.withheld"),
                self.tr("tui.results.polarised"),
            ),
            id="bars",
        )
        yield Static(self.tr("tui.results.legend", low=low, high=high), classes="hint")
        yield from self.gaps(diag)
        yield Label(self.tr("tui.results.pyramid"), classes="section")
        severity_names = {s: self.tr(f"tui.severity.{s}") for s in SEVERITY_RANK}
        yield Static(
            pyramid(list(kb.dysfunctions.values()), diag.findings, lang, severity_names),
            id="pyramid",
        )
        yield Label(self.tr("tui.results.findings"), classes="section")
        if not diag.findings:
            yield Static(self.tr("tui.results.no_findings"))
        names = {f.id: f.name(lang) for f in [*diag.findings, *diag.rejected]}
        for finding in ordered(diag.findings):
            severity = self.tr(f"tui.severity.{finding.severity}") if finding.severity else ""
            level = f" ({self.tr('tui.results.level', n=finding.level)})" if finding.level else ""
            tags = finding_tags(finding, lang, severity=False)
            if finding.builds_on:
                roots = ", ".join(names.get(b, b) for b in finding.builds_on)
                tags += " · " + self.tr("tui.results.builds_on", names=roots)
            tags = plain(f"  · {tags}") if tags else ""
            yield Collapsible(
                Static(finding_text(finding, lang, self.tr, kb, diag)),
                title=escape(plain(f"{severity.upper()}  {finding.name(lang)}{level}") + tags),
                collapsed=finding.id not in self.expanded,
                id=f"finding-{finding.id}",
                classes=f"finding severity-{finding.severity}",
            )
        if diag.rejected:
            yield Label(self.tr("tui.decision.rejected"), classes="section")
            for finding in diag.rejected:
                line = f"{finding.name(lang)}: {decision_text(finding, lang)}"
                yield Static(plain(line), markup=False)
        if diag.signals:
            text = Text()
            for signal in diag.signals:
                text.append(signal.name(lang) + "\n", "bold")
                concludes = f"{signal.kind}.{signal.id}"
                text.append_text(evidence_text(signal.evidence, lang, self.tr, kb, diag, concludes))
                text.append("\n")
            text.rstrip()
            yield Collapsible(
                Static(clean(text)),
                title=escape(self.tr("tui.results.signals", n=len(diag.signals))),
                collapsed="signals" not in self.expanded,
                id="finding-signals",
            )
        yield Label(self.tr("tui.results.suggestions"), classes="section")
        if diag.suggestions:
            yield OptionList(
                *[
                    Option(
                        clean(
                            Text.assemble(
                                (s.name(lang), "bold"),
                                (f"  {self.tr('tui.format.minutes', n=s.minutes)}", "dim"),
                                (self.misfit_mark(s.format), "italic"),
                            )
                        ),
                        id=s.format,
                    )
                    for s in diag.suggestions
                ],
                id="suggestions",
            )
            yield Static(self.tr("tui.results.suggestions_hint"), classes="hint")
        else:
            yield Static(self.tr("tui.results.no_suggestions"))
        if any(diag.open_answers.values()):
            yield Label(self.tr("tui.results.open_answers"), classes="section")
            questions = kb.scan_questions()
            text = Text()
            for qid, answers in diag.open_answers.items():
                question = questions.get(qid)
                text.append((question.text(lang) if question else qid) + "\n", "bold")
                for answer in answers:
                    text.append(f" • {answer}\n")
            text.rstrip()
            yield Static(clean(text))

    def gaps(self, diag: Diagnosis) -> ComposeResult:
        """The lead's view: the Diagnosis holds a gap only when it may be shown."""
        shown = [g for g in diag.gaps if g.value is not None]
        if not shown:
            return
        yield Label(t("report.gaps.heading", self.lang), classes="section")
        text = Text()
        for gap in shown:
            line = self.tr(
                f"tui.results.gap_{gap.direction}",
                scale=gap.name(self.lang),
                value=f"{abs(gap.value or 0):.1f}",
            )
            text.append(line + "\n", "bold" if gap.large else "")
        text.rstrip()
        yield Static(clean(text), id="gaps")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare":  # only when the intake names an earlier scan
            return bool(self.session.intake.earlier)
        if action == "collect":  # phones answer team intakes, never a self-scan
            return self.session.mode == "coach"
        if action in ("plan", "export", "why_not"):
            return self.diagnosis is not None
        if action == "decide":
            return bool(self.diagnosis and (self.diagnosis.findings or self.diagnosis.rejected))
        return True

    def action_decide(self) -> None:
        from coachassist.tui.screens.decide_hook import decide

        decide(self)

    def action_why_not(self) -> None:
        from coachassist.tui.screens.why_not import WhyNotScreen

        self.app.push_screen(WhyNotScreen(self.kb, self.session.intake))

    def action_plan(self) -> None:
        from coachassist.tui.export import make_plan
        from coachassist.tui.screens.plan import PlanScreen

        assert self.diagnosis is not None
        try:
            plan = make_plan(self.kb, self.session.intake, self.diagnosis)
        except Exception as error:  # shown, never a traceback
            self.notify(
                self.tr("tui.plan.failed", error=plain(describe(error, self.lang))),
                severity="error",
                markup=False,
            )
            return
        self.app.push_screen(PlanScreen(self.kb, self.session, self.diagnosis, plan))

    def action_compare(self) -> None:
        """The comparison with the last earlier scan the intake names (screens/compare.py)."""
        from coachassist.compare import earlier_paths
        from coachassist.tui.screens.compare import CompareScreen

        found = earlier_paths(self.session.intake, self.session.path)
        if found:
            self.app.push_screen(CompareScreen(self.kb, self.session, found[-1]))

    def action_export(self) -> None:
        from coachassist.tui.screens.export_report import ExportScreen

        assert self.diagnosis is not None
        self.app.push_screen(ExportScreen(self.kb, self.session, self.diagnosis))

    def action_collect(self) -> None:
        """Collect answers on phones for this intake; closing it shows the new results."""
        from coachassist.tui.screens.collect import CollectScreen

        screen = CollectScreen(self.kb, self.session.path, host=self.collect_host)
        self.app.push_screen(screen, callback=self.collected)

    async def collected(self, _: None = None) -> None:
        try:
            self.session.refresh()  # the phones' answers, merged with what the app holds
        except (UserError, OSError) as error:
            self.notify(
                self.tr("tui.collect.refresh_failed", error=plain(describe(error, self.lang))),
                severity="error",
                markup=False,
            )
            return
        self.diagnosis, self.problem = None, None
        await self.recompose()
        self.refresh_bindings()

    @on(Collapsible.Expanded)
    def expanded_(self, event: Collapsible.Expanded) -> None:
        self.expanded.add((event.collapsible.id or "").removeprefix("finding-"))

    @on(Collapsible.Collapsed)
    def collapsed_(self, event: Collapsible.Collapsed) -> None:
        self.expanded.discard((event.collapsible.id or "").removeprefix("finding-"))

    @on(OptionList.OptionSelected, "#suggestions")
    def open_format(self, event: OptionList.OptionSelected) -> None:
        from coachassist.tui.screens.format_detail import FormatScreen

        assert self.diagnosis is not None
        suggestion = next(s for s in self.diagnosis.suggestions if s.format == event.option.id)
        fmt = self.kb.formats.get(suggestion.format)
        if fmt is not None:
            folder = self.session.path.parent
            self.app.push_screen(
                FormatScreen(self.kb, fmt, suggestion, self.diagnosis, folder=folder)
            )

    def misfit_mark(self, format_id: str) -> str:
        """'  (needs a day (360 min))' on a suggestion that does not suit this team; else ''."""
        from coachassist.plan import PlanConstraints
        from coachassist.report.plan_text import format_mark

        c = PlanConstraints().resolve(self.session.intake.context)
        mark = format_mark(self.kb, format_id, c, self.lang)
        return f"  ({mark})" if mark else ""
