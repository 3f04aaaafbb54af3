"""Searching and filtering the format library as a coach would: words in any language, in any
field, ranked sensibly, and filters that agree with the diagnosis."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Format
from coachassist.library import (
    LABEL_KEYS,
    MAX_QUERY,
    FormatLibrary,
    filter_formats,
    label,
    labels,
    normalise,
    stems,
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="module")
def library(kb: KnowledgeBase) -> FormatLibrary:
    return FormatLibrary(kb)


def ids(hits) -> list[str]:
    return [hit.format.id for hit in hits]


def words_outside_steps(fmt: Format) -> set[str]:
    texts = [fmt.id, fmt.source, fmt.licence]
    for text in [fmt.name, fmt.purpose, *fmt.materials]:
        texts += [text.nl, text.en]
    return {s for text in texts for s in stems(text)}


@pytest.mark.parametrize(
    ("word", "fmt_id"),
    [
        ("mijnwerker", "mining_for_conflict"),  # Dutch, only in a step
        ("uncomfortable", "mining_for_conflict"),  # English, only in a step
        ("herleidbare", "anonymous_question_box"),
        ("rephrased", "anonymous_question_box"),
    ],
)
def test_a_word_only_in_the_steps_is_found(kb, library, word, fmt_id):
    fmt = kb.formats[fmt_id]
    assert stems(word)[0] not in words_outside_steps(fmt), "the word must occur only in steps"
    hit = next(h for h in library.search(word) if h.format.id == fmt_id)
    assert hit.fields == ("steps",)


def test_accents_and_case_do_not_matter(library):
    assert normalise("Ideeën") == "ideeen"
    found = ids(library.search("ideeen"))
    assert "one_two_four_all" in found
    assert ids(library.search("IDEEËN")) == found


def test_plural_and_inflected_forms_find_the_same_formats(library):
    assert set(ids(library.search("energizers"))) == set(ids(library.search("energizer")))
    assert len(library.search("energizer")) >= 3
    assert set(ids(library.search("conflicten"))) == set(ids(library.search("conflict")))


def test_a_word_finds_the_start_and_inside_of_longer_words(library):
    # "veilig" starts "veiligheidsmeting"; "fishbowl" sits inside "userexperiencefishbowl"
    assert "safety_check_vote" in ids(library.search("veilig"))
    assert "user_experience_fishbowl" in ids(library.search("fishbowl"))


def test_conflict_finds_every_format_the_dysfunction_filter_finds(kb, library):
    by_filter = {f.id for f in filter_formats(kb.formats.values(), dysfunction="fear_of_conflict")}
    assert len(by_filter) >= 14
    assert by_filter <= set(ids(library.search("conflict")))


def test_name_matches_rank_above_step_matches(library):
    hits = library.search("vuist")  # 'Vuist tot vijf'; another format mentions a fist in a step
    assert hits[0].format.id == "fist_to_five"
    assert "name" in hits[0].fields
    assert all("name" not in h.fields for h in hits[1:])
    assert all(h.score < hits[0].score for h in hits[1:])
    assert library.search("anoniem")[0].format.id == "anonymous_question_box"


def test_every_query_word_must_match(library):
    both = set(ids(library.search("anoniem leidinggevende")))
    assert both and both <= set(ids(library.search("anoniem")))
    assert both <= set(ids(library.search("leidinggevende")))
    assert library.search("anoniem xyzzyqq") == []


def test_empty_query_lists_the_filtered_formats_by_name(kb, library):
    hits = library.find("", "nl", phase="closing")
    assert hits and all(h.format.role == "closing" for h in hits)
    names = [normalise(h.format.name("nl")) for h in hits]
    assert names == sorted(names)


def test_filters_each_narrow_the_list(kb):
    formats = list(kb.formats.values())
    assert all("one_team" in f.settings for f in filter_formats(formats, setting="one_team"))
    assert all(f.minutes <= 15 for f in filter_formats(formats, max_minutes=15))
    assert all(f.group_min <= 40 <= f.group_max for f in filter_formats(formats, group=40))
    openings = filter_formats(formats, phase="opening")
    assert {f.role for f in openings} == {"opening"} and len(openings) >= 5
    short_openers = filter_formats(formats, phase="opening", max_minutes=10, group=8)
    assert {"weather_report", "one_word_checkin"} <= {f.id for f in short_openers}
    assert filter_formats(formats, group=1000, max_minutes=5) == []
    assert filter_formats(formats) == formats  # no filter: everything, order kept


def test_find_combines_search_and_filters(library):
    hits = library.find("conflict", "en", setting="two_departments", max_minutes=60, group=12)
    assert hits
    for hit in hits:
        fmt = hit.format
        assert "two_departments" in fmt.settings and fmt.minutes <= 60
        assert fmt.group_min <= 12 <= fmt.group_max


def test_labels_are_explained_in_both_languages(kb):
    for key in LABEL_KEYS:
        nl, en = label(key, "nl"), label(key, "en")
        assert nl.text and en.text and nl.explanation != en.explanation
        assert len(en.explanation) > 40
    energizer = [item.key for item in labels(kb.formats["count_to_twenty"], "en")]
    assert energizer == ["core", "library_only"]
    assert [item.key for item in labels(kb.formats["plus_delta"], "nl")] == [
        "closing",
        "recurring",
        "library_only",
    ]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_query_returns_a_ranked_list(library, query):
    hits = library.search(query)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_a_huge_query_is_cut_not_refused(library):
    huge = "conflict " * 10_000
    assert library.search(huge) == library.search(huge[:MAX_QUERY])
    assert library.search(huge)
