"""The trainers' documentation: every example is valid, and every command shown gives what the
page says it gives."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from coachassist.kb.loader import load_with_problems
from coachassist.kb.models import KIND_KEYS, Question
from tests.kb.kbfiles import edit, lines

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["questionnaires", "dysfunctions", "formats", "rules", "rule-cases", "trainers-guide"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
Cli = Callable[..., tuple[int, str, str]]


def _page(name: str) -> str:
    return (DOCS / f"{name}.md").read_text("utf-8")


def _blocks(text: str, lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(text) if kind == lang]


def _example(name: str) -> str:
    """The complete example: the first TOML block under '## Example'."""
    section = _page(name).split("\n## Example\n", 1)[1]
    return _blocks(section, "toml")[0]


def _guide_files() -> dict[str, str]:
    """The files the trainers' guide asks to save, by path."""
    found = re.findall(
        r"Save this as\s+`([^`]+)`:\n\n```toml\n(.*?)^```", _page("trainers-guide"), re.S | re.M
    )
    return dict(found)


def _documented(name: str, start: str) -> str:
    """The line of a page's text blocks that starts with ``start``."""
    hits = [
        line
        for block in _blocks(_page(name), "text")
        for line in block.splitlines()
        if line.startswith(start)
    ]
    assert len(hits) == 1, f"{name}.md: {len(hits)} lines start with {start!r}"
    return hits[0]


@pytest.mark.parametrize("name", PAGES)
def test_page_exists_and_every_toml_block_parses(name: str) -> None:
    for block in _blocks(_page(name), "toml"):
        data = tomllib.loads(block)
        for question in data.get("questions", []) if "id" not in data else []:
            Question.model_validate(question)  # a fragment of questions is still valid


@pytest.mark.parametrize("name", [p for p in PAGES if p != "trainers-guide"])
def test_complete_example_is_valid_with_the_bundled_knowledge_base(
    name: str, tmp_path: Path
) -> None:
    example = _example(name)
    assert any(key in tomllib.loads(example) for key in KIND_KEYS)
    (tmp_path / "example.toml").write_text(example, encoding="utf-8")
    _, problems = load_with_problems([tmp_path])
    assert lines(problems) == []


def test_examples_copied_from_bundled_files_still_exist() -> None:
    """Each page says which bundled file its example comes from; that file must exist."""
    root = DOCS.parent
    for name in PAGES:
        for path in re.findall(r"`((?:rules|questionnaires)/[\w/.]+\.toml)`", _page(name)):
            if "my" not in path and "pulse" not in path:
                assert (root / path).is_file(), f"{name}.md names {path}"


def test_dysfunction_table_lists_the_bundled_dysfunctions() -> None:
    kb, _ = load_with_problems([])
    listed = re.findall(r"^\| `(\w+)` \| [1-5-] \|", _page("dysfunctions"), re.M)
    assert sorted(listed) == sorted(kb.dysfunctions)


@pytest.fixture
def guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Path:
    """The trainers' guide followed step by step in an empty folder."""
    monkeypatch.chdir(tmp_path)
    page = _page("trainers-guide")
    (made,) = re.findall(r"^mkdir -p (.+)$", page, re.M)
    for folder in made.split():
        Path(folder).mkdir(parents=True)
    for kind, target in re.findall(r"^coachassist schema (\w+) > (\S+)$", page, re.M):
        code, out, _ = cli("schema", kind)
        assert code == 0
        Path(target).write_text(out, encoding="utf-8")
    files = _guide_files()
    assert sorted(files) == [
        "my-kb/formats/pre_mortem.toml",
        "my-kb/rules/pre_mortem.cases.toml",
        "my-kb/rules/pre_mortem.toml",
    ]
    for path, text in files.items():
        schema = re.match(r"#:schema (\S+)\n\n", text)
        assert schema, f"{path} starts with a #:schema line and an empty line"
        assert (Path(path).parent / schema[1]).is_file(), f"{path}: {schema[1]} is not written"
        Path(path).write_text(text, encoding="utf-8")
    return tmp_path


def test_guide_check_and_test_rules_pass(guide: Path, cli: Cli) -> None:
    bundled, _ = load_with_problems([])
    code, out, err = cli("check", "--kb", "my-kb", "--lang", "en")
    assert (code, err) == (0, ""), out
    assert out.startswith("Knowledge base OK: ")
    assert f" {len(bundled.formats) + 1} session formats, " in out
    assert f" {len(bundled.rules) + 1} rules, {len(bundled.cases) + 2} test cases." in out
    code, out, err = cli("test-rules", "--kb", "my-kb", "--lang", "en")
    assert (code, err) == (0, ""), out
    assert out.strip() == (
        f"{len(bundled.cases) + 2} test cases passed; "
        f"all {len(bundled.rules) + 1} rules fired at least once."
    )


def test_guide_documented_check_problem(guide: Path, cli: Cli) -> None:
    rule = Path("my-kb/rules/pre_mortem.toml")
    rule.write_text(
        edit(rule.read_text(), '"dysfunction.fear_of_conflict"', '"dysfunction.fear_of_conflikt"')
    )
    code, out, err = cli("check", "--kb", "my-kb", "--lang", "en")
    assert code == 1
    assert out.splitlines() == [_documented("trainers-guide", "my-kb/rules/pre_mortem.toml:")]
    assert err.strip() == "1 problem(s) found in the knowledge base."


def test_guide_documented_test_failure(guide: Path, cli: Cli) -> None:
    cases = Path("my-kb/rules/pre_mortem.cases.toml")
    cases.write_text(
        edit(
            cases.read_text(),
            '"format.pre_mortem"]\n\n',
            '"format.pre_mortem", "format.wicked_questions"]\n\n',
        )
    )
    code, out, _ = cli("test-rules", "--kb", "my-kb", "--lang", "en")
    assert code == 1
    documented = _documented("trainers-guide", "my-kb/rules/pre_mortem.cases.toml:")
    assert out.splitlines()[0].split(" (fired:")[0] == documented.split(" (fired:")[0]


def test_guide_diagnose_suggests_the_new_format(guide: Path, cli: Cli) -> None:
    example = DOCS.parent / "examples" / "ketenoverleg_sociaal_domein.toml"
    code, out, err = cli("diagnose", example, "--kb", "my-kb", "--lang", "en")
    assert code == 0, err
    assert "Pre-mortem (45 min) for: Fear of conflict" in out
    assert "Pre-mortem (45 min) for: Fear of conflict" in _page("trainers-guide")


def _guide_format_without_schema_line() -> str:
    text = _guide_files()["my-kb/formats/pre_mortem.toml"]
    return text.split("\n\n", 1)[1]


DOCUMENTED_PROBLEMS = {
    # page: (folder passed with --kb, {file: content}, start of the documented line)
    "formats": (
        "rules",
        {
            "rules/formats/my_formats.toml": lambda: edit(
                _guide_format_without_schema_line(),
                'addresses = ["fear_of_conflict"',
                'addresses = ["fear_of_conflikt"',
            )
        },
        "rules/formats/my_formats.toml:",
    ),
    "questionnaires": (
        "questionnaires",
        {
            "questionnaires/pulse.toml": lambda: edit(
                _example("questionnaires"),
                'scale = "pulse_safety"\nanchors = "agree5"\ntext.nl = "Als',
                'scale = "pulse_safty"\nanchors = "agree5"\ntext.nl = "Als',
            )
        },
        "questionnaires/pulse.toml:",
    ),
    "rules": (
        "rules",
        {
            "rules/diagnosis/my_rules.toml": lambda: (
                '[[rules]]\nid = "my.conflict.low"\nwhen = ["score.conflikt.mean < 2.6"]\n'
                'then = { signal = "my_low_conflict" }\nbecause = { nl = "x", en = "x" }\n'
            )
        },
        "rules/diagnosis/my_rules.toml:",
    ),
    "rule-cases": (
        "rules",
        {
            "rules/diagnosis/my.cases.toml": lambda: (
                '[[cases]]\nid = "my.case"\ngiven.scores.trust = { mean = 2.0 }\n'
                'given.context = { team_type = "one-team" }\n'
                'expect.present = ["dysfunction.absence_of_trust"]\n'
            )
        },
        "rules/diagnosis/my.cases.toml:",
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED_PROBLEMS))
def test_documented_check_problem_is_what_check_prints(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    folder, files, start = DOCUMENTED_PROBLEMS[name]
    monkeypatch.chdir(tmp_path)
    for path, content in files.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(content(), encoding="utf-8")
    code, out, _ = cli("check", "--kb", folder, "--lang", "en")
    assert code == 1
    assert out.splitlines() == [_documented(name, start)]


def test_rule_cases_documented_test_rules_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("my-kb/rules").mkdir(parents=True)
    Path("my-kb/rules/extra.cases.toml").write_text(
        '[[cases]]\nid = "my.low-conflict-and-low-trust"\n'
        "given.scores.trust = { mean = 2.4 }\ngiven.scores.conflict = { mean = 2.4 }\n"
        'expect.present = ["dysfunction.fear_of_conflict"]\n'
        'expect.absent = ["dysfunction.absence_of_trust"]\n'
    )
    Path("my-kb/rules/extra.toml").write_text(
        '[[rules]]\nid = "my.conflict.very-low"\nwhen = ["score.conflict.mean < 1.5"]\n'
        'then = { dysfunction = "fear_of_conflict", severity = "high" }\n'
        'because = { nl = "open conflict scoort zeer laag", en = "open conflict scores very low" }\n'
    )
    code, out, err = cli("test-rules", "--kb", "my-kb", "--lang", "en")
    assert code == 1
    failure, *explained, uncovered = out.splitlines()
    assert explained == [
        "  rule trust.dysfunction.low (trust.toml:25) concluded it:",
        "    ok signal.low_trust   measured: concluded",
    ]
    assert "\n".join(explained) in _page("rule-cases")
    documented = _documented("rule-cases", "my-kb/rules/extra.cases.toml:")
    assert failure.split(" (fired:")[0] == documented.split(" (fired:")[0]
    assert uncovered == _documented("rule-cases", "my-kb/rules/extra.toml:")
    assert err.strip().startswith("1 of ")


def _anchors(text: str) -> set[str]:
    """GitHub's anchors of a page's headings."""
    slugs = set()
    for heading in re.findall(r"^#+ (.+)$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
        slugs.add(slug.replace(" ", "-"))
    return slugs


@pytest.mark.parametrize("name", PAGES)
def test_links_between_pages_resolve(name: str) -> None:
    text = re.sub(r"^```.*?^```", "", _page(name), flags=re.S | re.M)
    for target, anchor in re.findall(r"\]\(([\w.-]+\.md)(?:#([\w-]+))?\)", text):
        assert (DOCS / target).is_file(), f"{name}.md links to missing {target}"
        if anchor:
            assert anchor in _anchors(_page(target.removesuffix(".md"))), f"{target}#{anchor}"


def test_condition_examples_are_valid_rule_conditions(tmp_path: Path) -> None:
    section = _page("rules").split("\n## The condition language\n", 1)[1]
    examples = _blocks(section, "text")[0].splitlines()
    assert len(examples) >= 10
    rules = [
        f'[[rules]]\nid = "doc.example-{n}"\nwhen = [{condition!r}]\n'
        f'then = {{ signal = "doc_example_{n}" }}\nbecause = {{ nl = "x", en = "x" }}\n'
        for n, condition in enumerate(examples)
    ]
    (tmp_path / "examples.toml").write_text("\n".join(rules), encoding="utf-8")
    _, problems = load_with_problems([tmp_path])
    assert lines(problems) == []


def _guide_block_after(marker: str, lang: str = "text") -> str:
    """The first ``lang`` block after the line ``marker`` in the trainers' guide."""
    rest = _page("trainers-guide").split(marker, 1)[1]
    return _blocks(rest, lang)[0]


def test_guide_new_writes_the_documented_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    monkeypatch.chdir(tmp_path)
    command = _guide_block_after("## 2. Start from a skeleton", "sh").strip()
    assert command == "coachassist new format pre_mortem --kb my-kb"
    code, out, _ = cli(*command.split()[1:], "--lang", "en")
    assert code == 0
    assert out.strip() == _guide_block_after(command + "\n```").strip()
    assert cli("check", "--kb", "my-kb")[0] == 0
    code, _, err = cli(*command.split()[1:], "--lang", "en")
    assert code == 2 and "nothing is overwritten" in err


def test_guide_explain_output(guide: Path, cli: Cli) -> None:
    command = _guide_block_after("## 6. Read a rule back", "sh").strip()
    assert command == "coachassist explain my.suggest.conflict.pre-mortem --kb my-kb"
    code, out, _ = cli(*command.split()[1:], "--lang", "en")
    assert code == 0
    documented = _guide_block_after(command + "\n```").splitlines()
    shown = out.splitlines()
    assert shown[:10] == documented[:10]  # the rule, and the trainer's own case first
    assert shown[-2:] == documented[-2:]  # the formats it leads to


def test_guide_rulebook_command(guide: Path, cli: Cli) -> None:
    command = _guide_block_after("## 7. The whole knowledge base as a book", "sh").strip()
    code, _, err = cli(*command.split()[1:])
    assert code == 0, err
    book = Path("rulebook.html").read_text("utf-8")
    assert "my.suggest.conflict.pre-mortem" in book and "Pre-mortem" in book


def test_guide_documented_override_lines(guide: Path, cli: Cli) -> None:
    documented = _guide_block_after("## Changing a bundled item").splitlines()
    Path("my-kb/dysfunctions.toml").write_text(
        '[[dysfunctions]]\nid = "fear_of_conflict"\n'
        'name = { nl = "Conflict vermijden", en = "Avoiding conflict" }\n'
        'explanation = { nl = "Uitleg.", en = "Explanation." }\n',
        encoding="utf-8",
    )
    code, out, _ = cli("check", "--kb", "my-kb", "--lang", "en")
    assert code == 0
    assert out.splitlines()[:2] == documented


def test_guide_message_table_is_what_check_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    """Each row of the guide's table: the mistake in the guide's format gives that line."""
    monkeypatch.chdir(tmp_path)
    rows = re.findall(r"^\| (.+?) \| `(.+)` \|$", _page("trainers-guide"), re.M)
    base = _guide_format_without_schema_line()
    rule = _guide_files()["my-kb/rules/pre_mortem.toml"].split("\n\n", 1)[1]
    mistakes = {
        '`minutes = "90"`': ("f", base.replace("minutes = 45", 'minutes = "90"')),
        '`recurring = "true"`': ("f", base.replace("role = ", 'recurring = "true"\nrole = ')),
        "`recuring = true`": ("f", base.replace("role = ", "recuring = true\nrole = ")),
        '`"score.conflict.mean => 2.6"`': (
            "r",
            rule.replace('"dysfunction.fear_of_conflict", ', '"score.conflict.mean => 2.6", '),
        ),
        "an empty English text in the fifth step": (
            "f",
            re.sub(r'en = "Agree \(10 min\)[^"]*"', 'en = ""', base),
        ),
        '`id = "Pre mortem"`': ("f", base.replace('id = "pre_mortem"', 'id = "Pre mortem"')),
    }
    assert sorted(m for m, _ in rows) == sorted(mistakes)
    for mistake, said in rows:
        folder = Path(f"kb-{len(list(Path().iterdir()))}")
        folder.mkdir()
        name, text = mistakes[mistake]
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
        code, out, _ = cli("check", "--kb", folder, "--lang", "en")
        assert code == 1, mistake
        assert said in out, (mistake, out)
