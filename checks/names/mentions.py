"""Finding names in a document: runs of capitalised name words with their particles, titles left out
(`find_mentions`), and the spellings one document contributes to the archive (`document_names`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from checks.config import Config
from checks.document import OPENERS, Document, Sentence
from checks.names.keys import name_data
from checks.names.particles import _HYPHEN_SPLIT_RE, _split_hyphen_particle

MAX_RUN = 6  # longer runs of capitalised words are headlines or titles of works, not names


@dataclass(frozen=True, slots=True)
class Unit:
    """One name word with its particle: "al-Kadhimi" (particle "al-"), "bin Laden", or plain "Mustafa"."""

    start: int
    end: int
    core_start: int  # where the word proper starts: "Kadhimi" in "al-Kadhimi"
    core: str
    initial: bool  # the run starts the sentence (particle casing is then the position's, not the spelling's)


@dataclass(frozen=True)
class Mention:
    units: tuple[Unit, ...]
    sentence: int  # the index of its sentence

    @property
    def start(self) -> int:
        return self.units[0].start

    @property
    def end(self) -> int:
        return self.units[-1].end


# English contractions: a pronoun, wh-word or modal with 've, 'll, 're, 'd or 'm, or any word with n't ("Sa'd" and
# "O'Brien" are names)
_CONTRACTION_RE = re.compile(
    r"^(?:i|you|we|they|he|she|it|that|there|here|who|what|where|when|why|how|this|these|those|would|could|should"
    r"|might|must)['’](?:ve|ll|re|d|m)$|^[a-z]+n['’]t$"
)


def _capitalised_elsewhere(doc: Document) -> frozenset[str]:
    """Words the text capitalises somewhere other than a sentence start: those are names even at a sentence start.
    (Filled by `find_mentions` from the tokens it already picked out.)"""
    return doc.cache.get("names:capitalised", frozenset())


def _candidates(sentence: Sentence, particles: frozenset[str]) -> list[int]:
    """Token indices that can be part of a name: capitalised words, particles and hyphenated words. A gap between
    two of them ends a run; filtering first keeps the per-token work on ordinary words minimal."""
    return [
        i
        for i, t in enumerate(sentence.tokens)
        if not t.text[0].islower() or t.text in particles or "-" in t.text or "‐" in t.text
    ]


def _is_name_word(
    text: str,
    initial: bool,
    doc: Document,
    following: tuple[str, ...] | None = None,
    after_particle: bool = False,
    after_name: bool = False,
) -> bool:
    data = name_data()
    lower = text.lower()
    # a title after a particle is a name word ("el Sayed", "bin Sultan"), and so is one that is also a given name
    # after a name word ("Nawfal Hamadi Sultan", "Hamid Sayed"): a title stands before the name it goes with
    title = lower in data.titles and not after_particle and not (after_name and lower in data.given)
    if not text[:1].isupper() or lower in data.stopwords or title:
        return False
    if len(text) > 1 and text.isupper():  # acronyms (NATO, UN) and shouted headlines
        return False
    if _CONTRACTION_RE.match(lower):  # "We've", "There’ll", "Don't" at a sentence start
        return False
    if any(part[:1].islower() and not _is_syllable(part) for part in _HYPHEN_SPLIT_RE.split(text)[1:]):
        return False  # Iran-backed, Iranian-leaning; but Jong-un, Sol-ju, Jae-in are names
    if initial and lower in data.common_words:
        return lower in _capitalised_elsewhere(doc) or (following is not None and _name_follows(following, doc))
    return True


# A five-letter Korean syllable: initial consonants, a vowel with its glide (wa, yeo, ae ...), a final consonant
# ("gwang" in "Su-gwang", "hyeok", "cheol", "jeong"); English compound tails of five letters are not shaped so
# (based, style, month, party, point, scale)
_KOREAN_SYLLABLE_RE = re.compile(
    r"(?:[bcdghjkmnprst]|ch|kk|tt|pp|ss|jj)h?[wy]?(?:a|e|i|o|u|eo|ae|oe|ui|eu)(?:ng|n|k|l|m|p|t)?"
)


def _is_syllable(part: str) -> bool:
    """A lower-case syllable of a Korean given name ("un" in "Jong-un", "gwang" in "Su-gwang") rather than the tail
    of an English compound ("backed", "led", "run"): one to four letters, not ending in -ed, not a listed compound
    tail; or five letters shaped like a Korean syllable. An apostrophe inside stands for a McCune-Reischauer breve
    ("hyo'k" in "Kyo'ng-hyo'k" is hyŏk) and is not counted."""
    if "'" in part[1:] or "’" in part[1:]:
        part = part[:1] + part[1:].replace("'", "").replace("’", "")
    if len(part) == 5:
        return bool(_KOREAN_SYLLABLE_RE.fullmatch(part))
    return 0 < len(part) <= 4 and part.isalpha() and not part.endswith("ed") and part not in name_data().compound_tails


def _name_follows(following: tuple[str, ...], doc: Document) -> bool:
    """After a sentence-initial common word, the next word starts a name, or the next is capitalised too (a common
    word or not) and the one after starts a name: "Won Uk Pae", "Lin Na Wei", where "Uk" and "Na" are words too."""
    if not following:
        return False
    if _starts_name(following[0], doc):
        return True
    data = name_data()
    second = following[0]
    return (
        len(following) > 1
        and second[:1].isupper()
        and not second.isupper()
        and second.lower() not in data.stopwords
        and second.lower() not in data.titles
        and _starts_name(following[1], doc)
    )


def _starts_name(text: str, doc: Document) -> bool:
    """The word after a sentence-initial common word is itself a name word: "Win Shein", "Ramadan Abdallah"."""
    data = name_data()
    lower = text.lower()
    return (
        text[:1].isupper()
        and not text.isupper()
        and lower not in data.stopwords
        and lower not in data.titles
        and lower not in data.common_words
    ) or _split_hyphen_particle(text) is not None


def _sentence_mentions(sentence: Sentence, doc: Document, candidates: list[int]) -> list[Mention]:
    tokens = sentence.tokens
    first_word = next((i for i, t in enumerate(tokens) if t.text not in OPENERS), len(tokens))
    mentions: list[Mention] = []
    run: list[Unit] = []
    run_initial = False
    particle_start = -1  # start of a standalone particle ("bin", "Abu") waiting for its name word

    def flush() -> None:
        nonlocal run, particle_start
        if 0 < len(run) <= MAX_RUN:
            mentions.append(Mention(tuple(run), sentence.index))
        run, particle_start = [], -1

    previous = -2
    for i in candidates:
        token = tokens[i]
        text = token.text
        head = text[0]
        if i != previous + 1:  # an ordinary word stood between: the run is over
            flush()
        previous = i
        if not head.isalpha():
            flush()
            continue
        initial = i == first_word
        split = _split_hyphen_particle(text) if head.islower() or "-" in text or "‐" in text else None
        if split is not None:
            core, core_start = split[1], token.start + len(split[0])
        elif _is_particle(text, tokens, i, bool(run) or particle_start >= 0):
            if particle_start < 0:
                particle_start = token.start
                if not run:
                    run_initial = initial
            continue
        elif head.isupper() and _is_name_word(
            text,
            initial,
            doc,
            tuple(t.text for t in tokens[i + 1 : i + 3]) if initial else None,
            particle_start >= 0,
            bool(run) and particle_start < 0,
        ):
            core, core_start = text, token.start
        else:
            flush()
            continue
        if not run and particle_start < 0:
            run_initial = initial
        start = particle_start if particle_start >= 0 else token.start
        run.append(Unit(start, token.end, core_start, core, run_initial))
        particle_start = -1
    flush()
    return mentions


def _is_particle(text: str, tokens, i: int, in_name: bool) -> bool:
    """A standalone particle ("bin", "van", "Abu") followed by a name word: it joins that word."""
    data = name_data()
    lower = text.lower()
    if lower not in data.word_particles or not (text.islower() or lower in data.capitalised_particles):
        return False
    if not (in_name or text[:1].isupper()):
        return False
    following = tokens[i + 1].text if i + 1 < len(tokens) else ""
    return following[:1].isupper() or _split_hyphen_particle(following) is not None


def find_mentions(doc: Document) -> list[Mention]:
    """Every run of name words in the document, in text order (cached on the document)."""
    cached = doc.cache.get("names:mentions")
    if cached is None:
        particles = name_data().word_particles
        picked = [(sentence, _candidates(sentence, particles)) for sentence in doc.sentences]
        doc.cache["names:capitalised"] = frozenset(
            sentence.tokens[i].text.lower()
            for sentence, indices in picked
            for i in indices
            if i > 0 and sentence.tokens[i].text[0].isupper()
        )
        cached = doc.cache["names:mentions"] = [
            m for sentence, indices in picked for m in _sentence_mentions(sentence, doc, indices)
        ]
    return cached


def document_names(doc: Document, config: Config | None = None) -> dict[str, int]:
    """Surface spellings of the names in one document with their counts ("Mustafa al-Kadhimi": 1, "al-Kadhimi": 3).

    What the batch engine collects per document for `archive_clusters`: titles are left out, spaces normalised,
    and a particle capitalised only because it starts a sentence is written as the document writes it elsewhere."""
    mentions = find_mentions(doc)
    lower_particles = {
        doc.text[u.start : u.core_start].strip().lower()
        for m in mentions
        for u in m.units
        if not u.initial and u.core_start > u.start and doc.text[u.start].islower()
    }
    counts: Counter[str] = Counter()
    for mention in mentions:
        written = " ".join(doc.text[mention.start : mention.end].split())  # as written, spaces normalised
        first = mention.units[0]
        if first.initial and doc.text[first.start : first.core_start].strip().lower() in lower_particles:
            written = written[:1].lower() + written[1:]
        counts[written] += 1
    return dict(counts)
