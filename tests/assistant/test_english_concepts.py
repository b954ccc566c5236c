"""assistant/english_concepts.py: the concepts of an English question read through CC-CEDICT, each
with the corpus words that carry it. Small synthetic vocabularies; phrasings are this test's own."""

from __future__ import annotations

import pytest

from assistant.english_concepts import english_concepts

PLAN = "布局建设格成铁路。推进城市生活垃圾分类处理。建立燃气物联网监测系统。发展枸杞产业。"


def concepts(question: str) -> dict[str, tuple[str, ...]]:
    return {c.phrase: c.terms for c in english_concepts(question, PLAN)}


def test_a_concept_the_corpus_has_no_word_for_has_no_terms():
    found = concepts("Will there be a cable car up to the mountain?")
    assert "cable car" in found and found["cable car"] == ()


def test_a_concept_the_corpus_names_carries_its_word():
    assert "垃圾分类" in concepts("Is garbage sorting coming to my street?").get("garbage sorting", ())


@pytest.mark.parametrize("question", ["What does the plan say about it?", "Can I apply for this?", "Who is in charge of that?"])
def test_question_framing_names_no_concept(question):
    assert concepts(question) == {}


def test_inflected_forms_and_noun_suffixes_reach_the_corpus_word():
    assert "监测" in concepts("Is air quality monitoring mentioned?").get("monitoring", ())
    assert any("枸杞" in t for t in concepts("Do they support goji berries?").get("goji berry", ()))
