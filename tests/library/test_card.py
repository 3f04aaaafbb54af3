"""The format card and the `format` / `formats` commands, as a coach would use them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist.cli import main
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Format, Text
from coachassist.report.card import card_html, card_markdown


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def hostile(text: str) -> Format:
    return Format(
        id="hostile",
        name=Text(nl=text, en=text),
        purpose=Text(nl=text, en=text),
        steps=[Text(nl=text, en=text)],
        materials=[Text(nl=text, en=text)],
        minutes=10,
        settings=["one_team"],
        source=text,
        licence=text,
        library_only=Text(nl=text, en=text),
    )


def test_markdown_card_has_everything_a_coach_needs(kb):
    fmt = kb.formats["lead_out_of_the_room"]
    text = card_markdown(kb, fmt, "nl")
    assert text.startswith("# Leidinggevende even de kamer uit\n")
    assert "75 minuten" in text and "4 tot 25 personen" in text
    for number, step in enumerate(fmt.steps, 1):
        assert f"\n{number}. {step.nl[:20]}" in text
    assert "Stroeve relatie met de leidinggevende" in text  # addresses, by name
    assert "Bron:" in text and "Common practice" in text
    assert "**kern**:" in text  # the label, explained


def test_html_card_is_self_contained_and_a4(kb):
    page = card_html(kb, kb.formats["count_to_twenty"], "en")
    assert "default-src 'none'" in page and "size: A4" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "Why library only" in page and "Count to twenty together" in page


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(str.strip))
def test_hostile_texts_are_escaped(kb, text):
    fmt = hostile(f"<script>alert(1)</script>{text}")
    page = card_html(kb, fmt, "en")
    assert "<script>alert" not in page
    md = card_markdown(kb, fmt, "en")
    assert "<script>" not in md


def test_format_command_writes_markdown_and_html(capsys, tmp_path: Path):
    code, out, _ = run(capsys, "format", "fist_to_five", "--lang", "en")
    assert code == 0 and out.startswith("# Fist to five")
    target = tmp_path / "card.html"
    code, out, err = run(
        capsys, "format", "fist_to_five", "--format", "html", "-o", str(target), "--lang", "nl"
    )
    assert code == 0 and out == "" and str(target) in err
    assert "Vuist tot vijf" in target.read_text(encoding="utf-8")


def test_unknown_format_is_one_line_and_nonzero(capsys):
    code, out, err = run(capsys, "format", "no_such_format<>", "--lang", "en")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and "unknown format" in err


def test_format_into_a_missing_folder_fails_cleanly(capsys, tmp_path):
    code, _, err = run(capsys, "format", "fist_to_five", "-o", str(tmp_path / "no" / "x.md"))
    assert code != 0 and err.count("\n") == 1


def test_formats_search_with_filters(capsys):
    code, out, _ = run(capsys, "formats", "--search", "mijnwerker", "--lang", "nl")
    assert code == 0 and out.splitlines()[0].startswith("mining_for_conflict ")
    code, out, _ = run(capsys, "formats", "--phase", "closing", "--minutes", "10", "--lang", "en")
    listed = [line.split()[0] for line in out.splitlines()[:-1]]
    assert {"plus_delta", "return_on_time_invested"} <= set(listed)
    assert "follow_up_actions" not in listed  # 20 minutes


def test_formats_json_and_bad_filters(capsys):
    import json

    code, out, _ = run(capsys, "formats", "--search", "energizer", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 3 and all("library_only" in r["labels"] for r in rows)
    code, _, err = run(capsys, "formats", "--dysfunction", "fear_of_conflikt")
    assert code != 0 and "unknown dysfunction" in err
    code, _, err = run(capsys, "formats", "--group", "0")
    assert code != 0 and "--group" in err
