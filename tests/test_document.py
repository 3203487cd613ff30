"""Sentence splitting and tokenisation on news text: abbreviations, initials, quotes, al- names, numbers."""

from __future__ import annotations

import pytest

from checks.document import Document, tokenize


def sentences(text: str) -> list[str]:
    return [s.text for s in Document(text).sentences]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Dr. Ali Hassan met U.N. envoys on Monday. They talked.",
            ["Dr. Ali Hassan met U.N. envoys on Monday.", "They talked."],
        ),
        ("He moved to the U.S. The family followed.", ["He moved to the U.S.", "The family followed."]),
        ("Talks with U.S. officials resumed.", ["Talks with U.S. officials resumed."]),
        ("J. K. Rowling wrote it. Sales rose.", ["J. K. Rowling wrote it.", "Sales rose."]),
        ("“We will not leave,” he said. The crowd cheered.", ["“We will not leave,” he said.", "The crowd cheered."]),
        ("“Why now?” she asked. Nobody answered.", ["“Why now?” she asked.", "Nobody answered."]),
        ("She said: “It is over.” Then she left.", ["She said: “It is over.”", "Then she left."]),
        (
            "Prices rose 2.5 per cent. Gen. Petraeus left at 10 a.m. on Friday.",
            ["Prices rose 2.5 per cent.", "Gen. Petraeus left at 10 a.m. on Friday."],
        ),
        (
            "A headline without a full stop\n\nThe first paragraph begins here.",
            ["A headline without a full stop", "The first paragraph begins here."],
        ),
        ("A line that wraps\nin the middle of a sentence.", ["A line that wraps\nin the middle of a sentence."]),
        ("Visit www.example.org. Then call.", ["Visit www.example.org.", "Then call."]),
    ],
)
def test_sentence_splitting(text, expected):
    assert sentences(text) == expected


def test_tokens_keep_names_numbers_and_addresses_whole():
    words = [
        t.text
        for t in tokenize("al-Kadhimi’s aide emailed a.b@news.org about 5km at 18:00, @desk #Iraq https://x.org/a?b=1.")
    ]
    assert words[:2] == ["al-Kadhimi", "’s"]
    for whole in ("a.b@news.org", "5km", "18:00", "@desk", "#Iraq", "https://x.org/a?b=1"):
        assert whole in words


def test_offsets_are_code_points_into_the_original_text():
    text = "Emoji 😀 first. Then «Müller» and e\u0301cole\r\nend."
    doc = Document(text)
    for token in doc.tokens:
        assert text[token.start : token.end] == token.text
    for sentence in doc.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    assert "e\u0301cole" in [t.text for t in doc.tokens]


def test_sentence_at_and_word_counts():
    doc = Document("One two. Two three.")
    assert doc.sentence_at(0).text == "One two."
    assert doc.sentence_at(10).text == "Two three."
    assert doc.word_counts["two"] == 2


def test_tags_are_lazy_and_aligned():
    doc = Document("The protests appeared to be aimed at pressure the cleric. Nothing else here.")
    assert doc.tagged_sentence_count == 0
    tags = doc.tags(doc.sentences[0])
    assert doc.tagged_sentence_count == 1
    assert len(tags) == len(doc.sentences[0].tokens)
    by_word = {t.text: tag for t, tag in zip(doc.sentences[0].tokens, tags, strict=True)}
    assert by_word["protests"].pos == "NOUN"
    assert by_word["appeared"].tag == "VBD"


def test_seed_article_splits_into_its_sentences(seed_text):
    doc = Document(seed_text)
    texts = [s.text for s in doc.sentences]
    assert texts[0] == "Iraqi prime minister survives assassination bid with drones"
    assert texts[-1] == "Leave a Comment"
    assert all(len(s.words) < 70 for s in doc.sentences)
    assert any(t.startswith("Attended the funeral") for t in texts)


def test_byte_order_mark_and_zero_width_space_are_not_tokens():
    doc = Document("\ufeffStriding on stage,\u200b he spoke.")
    assert [t.text for t in doc.sentences[0].tokens] == ["Striding", "on", "stage", ",", "he", "spoke", "."]
    assert doc.sentences[0].tokens[0].start == 1  # offsets still count the mark
