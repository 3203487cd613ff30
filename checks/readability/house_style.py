"""The house style's [readability] section: audience profiles, defaults, and the settings read over them."""

from __future__ import annotations

from dataclasses import dataclass

from checks.config import Config, ConfigError

# Audience profiles: consensus grade the document should not exceed; sentence Flesch-Kincaid grades from which a
# sentence is "hard" / "very hard"; word count from which a sentence is "very long"; whether passive voice is
# flagged (off for general news, whose style uses it). The house style may override
# any key or add profiles under [readability.audiences.NAME].
AUDIENCES: dict[str, dict] = {
    "general-news": {
        "target_grade": 9,
        "hard_grade": 14,
        "very_hard_grade": 18,
        "long_sentence_words": 40,
        "passive_voice": False,  # news style (AP, Guardian) uses "was killed", "were injured" freely
    },
    "explainer": {
        "target_grade": 8,
        "hard_grade": 12,
        "very_hard_grade": 16,
        "long_sentence_words": 35,
        "passive_voice": True,
    },
    "specialist": {
        "target_grade": 12,
        "hard_grade": 16,
        "very_hard_grade": 20,
        "long_sentence_words": 45,
        "passive_voice": True,
    },
}
# Calibrated on OneStopEnglish (sentences of 14+ words): with general-news levels, 19% of intermediate-level and
# 28% of advanced-level sentences are "hard", 5% and 10% "very hard"; 4% and 7% have 40+ words.
DEFAULTS = {
    "audience": "general-news",
    "min_sentence_words": 14,  # shorter sentences are never "hard": one long word would swing their grade
    "min_document_words": 100,  # below this a document grade is too noisy to flag
    "adverbs_per_sentence": 3,
    "worst_sentences": 3,  # how many sentences the document flag names
    # Confirm unclear passives and adverb-heavy sentences with spaCy. Off by default: about one sentence per 1,000
    # words needs it, but each tagging call costs ~10 ms, twice the whole family's budget.
    "use_tagger": False,
}


@dataclass(frozen=True)
class Settings:
    audience: str
    target_grade: float
    hard_grade: float
    very_hard_grade: float
    long_sentence_words: int
    passive_voice: bool
    min_sentence_words: int
    min_document_words: int
    adverbs_per_sentence: int
    worst_sentences: int
    use_tagger: bool


def settings(config: Config) -> Settings:
    """The house style's [readability] section over the built-in defaults (Config rejects unknown keys; an
    audience's unknown keys and bad values are errors here)."""
    section = config.section("readability")
    where = f"{config.path or 'house style'}: [readability]"
    profiles = {name: dict(values) for name, values in AUDIENCES.items()}
    for name, values in section.get("audiences", {}).items():
        bad = sorted(set(values) - set(AUDIENCES["general-news"]))
        if bad:
            raise ConfigError(f"{where} audience {name!r} has unknown keys {bad}")
        profiles.setdefault(name, dict(AUDIENCES["general-news"])).update(values)
    audience = section.get("audience", DEFAULTS["audience"])
    if audience not in profiles:
        raise ConfigError(f"{where} audience {audience!r} is not one of {sorted(profiles)}")
    # Keys set directly in [readability] apply whatever the audience; [readability.audiences.X] per audience.
    merged = {**DEFAULTS, **profiles[audience], **{k: v for k, v in section.items() if k != "audiences"}}
    merged["audience"] = audience
    for key, value in merged.items():
        expected = type(DEFAULTS.get(key, AUDIENCES["general-news"].get(key)))
        if expected in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ConfigError(f"{where} {key} must be a number, not {value!r}")
        if expected is bool and not isinstance(value, bool):
            raise ConfigError(f"{where} {key} must be true or false, not {value!r}")
    return Settings(**{k: merged[k] for k in Settings.__dataclass_fields__})
