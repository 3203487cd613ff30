"""Names: one person, organisation or place spelled several ways in the same text ("al-Kadhimi" and "Al-Khadimi").

Nobody has to list the variants in advance. The family
1. finds names: runs of capitalised words with particles (al-, bin, Abu, van, de ...), titles left out
   (`find_mentions`);
2. splits each run into name words ("Mustafa", "al-Kadhimi"): the last is the surname, the others given names;
3. groups the distinct spellings of name words that share a transliteration blocking key and differ little
   (`checks.names_keys`: kh/k, dh/d/z, q/k/g, ou/u, ee/i, y/i/j, doubled letters, ayn marks, diacritics, a glued
   "Al" (before a four-letter name only when the text also writes it "al-Rawi"), Abd/Abdul/Abdur, Belarusian u/v
   and dz), unless the full names say they are different people (`compatible_names`: surnames and first given names
   must match; "Ali Khamenei"/"Ruhollah Khomeini", "Kim Jong Un"/"Kim Jong Il" never merge);
4. flags every occurrence of a minority spelling, suggesting the house style's canonical spelling when the
   `[names]` table lists one, else the spelling used most in the text (the first used on a tie), in the casing the
   position needs ("Al-Khadimi" -> "Al-Kadhimi" at a sentence start);
5. flags, with lower confidence and a rule of its own, a spelling the text never introduces in full that looks
   like exactly one name it did introduce earlier, beyond what the romanisation rules reach ("Somchai Udomdet ...
   Udomdech", "Wilber Varela ... Wilmer Varela"; `unintroduced_variants`).
"al-Kadhimi", "Al-Kadhimi" and "Kadhimi" are one spelling (particle case and short form); diacritics or apostrophes
alone ("Erdoğan", "Erdogan") make a variant, and so does one particle spelled two ways ("el-Zomor", "al-Zomor").
No entity recogniser is used: capitalisation, particles, titles and a common-word list find the names, and the
full-name test replaces one; the whole family costs a few milliseconds per 1,000 words. (spaCy's small recogniser
was tried as the unintroduced test's place filter and read unfamiliar names as places, "A lawyer for Sunarso"; the
word before each use does that job, `_not_places`.)

Interfaces for the batch engine and the dashboard: `document_names`, `archive_clusters`, `add_canonical_name`.
House style (`[names]` in the house-style file, see samples/copydesk.toml):
    accepted = ["Kadhimi"]                                  # spellings never flagged
    [[names.house]]
    canonical = "Gaddafi"
    variants = ["Qaddafi", "Kadhafi"]                       # always flagged, suggesting the canonical
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple

from rapidfuzz import fuzz, process

from checks.config import Config, ConfigError, Section, Setting, load_config, save_config
from checks.document import Document, Sentence
from checks.flags import Flag, RuleInfo, make_flag
from checks.names_keys import (
    LONG_WORD, MIN_LETTERS, SHORT_LETTERS, VOWELS, are_variants, fine, fold, glued_short, is_common_word,
    is_given_name, key, keys, name_data, unglued, variant_cost,
)
from checks.registry import ArchiveTable, Family, Result

NAME = "names"
RULE_VARIANT = "names.variant-spelling"
RULE_HOUSE = "names.house-spelling"
RULE_UNINTRODUCED = "names.unintroduced-variant"
MAX_RUN = 6  # longer runs of capitalised words are headlines or titles of works, not names
_OPENERS = frozenset("\"“‘'«([")
_HYPHENS = "-‐‑"


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


# --------------------------------------------------------------------------- finding names in a document

# English contractions: a pronoun, wh-word or modal with 've, 'll, 're, 'd or 'm, or any word with n't ("Sa'd" and
# "O'Brien" are names)
_CONTRACTION_RE = re.compile(
    r"^(?:i|you|we|they|he|she|it|that|there|here|who|what|where|when|why|how|this|these|those|would|could|should"
    r"|might|must)['’](?:ve|ll|re|d|m)$|^[a-z]+n['’]t$"
)
_HYPHEN_SPLIT_RE = re.compile(rf"[{_HYPHENS}]")
_HYPHEN_PARTICLE_RE = re.compile(rf"^((?:[^\W\d_]{{1,4}}[{_HYPHENS}])+)([^\W\d_].*)$")


def _split_hyphen_particle(word: str) -> tuple[str, str] | None:
    """("al-", "Kadhimi") for "al-Kadhimi", ("Abu-al-", "Khayr") for "Abu-al-Khayr"; None for "Iran-backed"."""
    match = _HYPHEN_PARTICLE_RE.match(word)
    if not match or not match.group(2)[:1].isupper():
        return None
    if any(part[:1].islower() for part in _HYPHEN_SPLIT_RE.split(match.group(2))):
        return None  # "al-Qaeda-linked" is an adjective
    particles = _HYPHEN_SPLIT_RE.split(match.group(1))[:-1]
    if all(p.lower() in name_data().hyphen_particles for p in particles):
        return match.group(1), match.group(2)
    return None


def _capitalised_elsewhere(doc: Document) -> frozenset[str]:
    """Words the text capitalises somewhere other than a sentence start: those are names even at a sentence start.
    (Filled by `find_mentions` from the tokens it already picked out.)"""
    return doc.cache.get("names:capitalised", frozenset())


def _candidates(sentence: Sentence, particles: frozenset[str]) -> list[int]:
    """Token indices that can be part of a name: capitalised words, particles and hyphenated words. A gap between
    two of them ends a run; filtering first keeps the per-token work on ordinary words minimal."""
    return [
        i for i, t in enumerate(sentence.tokens)
        if not t.text[0].islower() or t.text in particles or "-" in t.text or "‐" in t.text
    ]


def _is_name_word(
    text: str, initial: bool, doc: Document, following: str | None = None, after_particle: bool = False
) -> bool:
    data = name_data()
    lower = text.lower()
    if not text[:1].isupper() or lower in data.stopwords or (lower in data.titles and not after_particle):
        return False  # a title after a particle is a name word: "el Sayed", "bin Sultan"
    if len(text) > 1 and text.isupper():  # acronyms (NATO, UN) and shouted headlines
        return False
    if _CONTRACTION_RE.match(lower):  # "We've", "There’ll", "Don't" at a sentence start
        return False
    if any(part[:1].islower() and not _is_syllable(part) for part in _HYPHEN_SPLIT_RE.split(text)[1:]):
        return False  # Iran-backed, Iranian-leaning; but Jong-un, Sol-ju, Jae-in are names
    if initial and lower in data.common_words:
        return lower in _capitalised_elsewhere(doc) or (following is not None and _starts_name(following, doc))
    return True


def _is_syllable(part: str) -> bool:
    """A lower-case syllable of a Korean given name ("un" in "Jong-un") rather than the tail of an English compound
    ("backed", "led", "run"): one to four letters, not ending in -ed, not a listed compound tail."""
    return 0 < len(part) <= 4 and part.isalpha() and not part.endswith("ed") and part not in name_data().compound_tails


def _starts_name(text: str, doc: Document) -> bool:
    """The word after a sentence-initial common word is itself a name word: "Win Shein", "Ramadan Abdallah"."""
    data = name_data()
    lower = text.lower()
    return (
        text[:1].isupper() and not text.isupper() and lower not in data.stopwords and lower not in data.titles
        and lower not in data.common_words
    ) or _split_hyphen_particle(text) is not None


def _sentence_mentions(sentence: Sentence, doc: Document, candidates: list[int]) -> list[Mention]:
    tokens = sentence.tokens
    first_word = next((i for i, t in enumerate(tokens) if t.text not in _OPENERS), len(tokens))
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
            text, initial, doc, tokens[i + 1].text if initial and i + 1 < len(tokens) else None, particle_start >= 0
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
        doc.text[u.start:u.core_start].strip().lower()
        for m in mentions
        for u in m.units
        if not u.initial and u.core_start > u.start and doc.text[u.start].islower()
    }
    counts: Counter[str] = Counter()
    for mention in mentions:
        written = " ".join(doc.text[mention.start:mention.end].split())  # as written, spaces normalised
        first = mention.units[0]
        if first.initial and doc.text[first.start:first.core_start].strip().lower() in lower_particles:
            written = written[:1].lower() + written[1:]
        counts[written] += 1
    return dict(counts)


# --------------------------------------------------------------------------- grouping spellings


Context = tuple[tuple[str, ...], int]  # the name words of one run, and where in it this spelling stands
MAX_CONTEXTS = 30


@dataclass
class Spelling:
    """One spelling of a name word (its core, case-folded) with where and how it is used."""

    core: str
    units: list[Unit] = field(default_factory=list)
    written: Counter = field(default_factory=Counter)  # how it is written, particle included, mid-sentence first
    contexts: set[Context] = field(default_factory=set)  # the full names (two words or more) it appears in
    runs: set[int] = field(default_factory=set)
    sentences: set[int] = field(default_factory=set)
    particles: Counter = field(default_factory=Counter)  # normalised particles it is written with: "al", "abu-al"
    placed: list[tuple[int, Context | None]] = field(default_factory=list)  # per unit: its run and full name

    @property
    def count(self) -> int:
        return len(self.units)

    def main_particle(self) -> str | None:
        """The particle written most often with this spelling (the first written on a tie), or None."""
        return self.particles.most_common(1)[0][0] if self.particles else None


def _spellings(doc: Document, mentions: list[Mention]) -> dict[str, Spelling]:
    spellings: dict[str, Spelling] = {}
    for run_index, mention in enumerate(mentions):
        units = mention.units
        cores = tuple(u.core for u in units)
        for position, unit in enumerate(units):
            ident = unit.core.casefold()
            entry = spellings.get(ident)
            if entry is None:
                entry = spellings[ident] = Spelling(unit.core)
            entry.units.append(unit)
            entry.runs.add(run_index)
            entry.sentences.add(mention.sentence)
            written = doc.text[unit.start:unit.end]
            if "  " in written or "\n" in written:
                written = " ".join(written.split())
            entry.written[written] += 1 if unit.initial else 2  # prefer mid-sentence forms
            if unit.core_start > unit.start:
                entry.particles[particle_key(doc.text[unit.start:unit.core_start])] += 1
            context = (cores, position) if len(cores) > 1 else None
            entry.placed.append((run_index, context))
            if context is not None and len(entry.contexts) < MAX_CONTEXTS:
                entry.contexts.add(context)
    return spellings


def same_name_word(a: str, b: str) -> bool:
    return a.casefold() == b.casefold() or are_variants(a, b)


def compatible_names(first: Context, second: Context) -> bool:
    """Can these two full names be one person, with the two spellings under test in the same place?

    The surnames (last words) must match (equal or a variant spelling), so must the first given names when both
    have given names, and the shorter name's other given names must appear, in order, among the longer one's. A
    given name only one side has is fine ("Mousa Mohammed Abu Marzook", "Musa Abu Marzuk"); a different one is a
    different person ("Ali Khamenei", "Ruhollah Khomeini"; "Khalaf al-Dulaimi", "Ahmad Khalaf al-Dulaymi")."""
    (words1, at1), (words2, at2) = first, second
    if len(words1) > len(words2):
        (words1, at1), (words2, at2) = (words2, at2), (words1, at1)
    surname1, surname2 = at1 == len(words1) - 1, at2 == len(words2) - 1
    if surname1 != surname2 or not same_name_word(words1[-1], words2[-1]):
        return False
    given1, given2 = words1[:-1], words2[:-1]
    if not given1:
        return True
    if _double_surname_short_form(given1, at1, given2, at2):
        return True
    if (at1 == 0) != (at2 == 0) or not same_name_word(given1[0], given2[0]):
        return False
    j = 1
    for i in range(1, len(given1)):
        while j < len(given2) and not ((i == at1) == (j == at2) and same_name_word(given1[i], given2[j])):
            j += 1
        if j == len(given2):
            return False
        j += 1
    return True


def _double_surname_short_form(given1, at1, given2, at2) -> bool:
    """"Meza Cazarez" for "Arturo Meza Cazares": the shorter name is the longer one's tail and starts with a word
    that is not a known given name in any spelling (a first surname, as in Spanish). A known given name there
    ("Khalaf al-Dulaimi" and "Ahmad Khalaf al-Dulaymi", "Abdur Rehman" and "Atiyah Abd al-Rahman") reads as
    another person, so it does not count."""
    offset = len(given2) - len(given1)
    if offset <= 0 or is_given_name(given1[0]):
        return False
    if at1 < len(given1) and at2 != at1 + offset:  # the spellings under test must stand in the same place
        return False
    return all(same_name_word(x, y) for x, y in zip(given1, given2[offset:]))


def different_people(a, b) -> bool:
    """Full-name context says these two spellings belong to different people (or are different words of one name):
    both appear in full names and no full name of one can be the same person as a full name of the other."""
    if a.runs & b.runs:  # both in one name: "Abdullah Abdallah" is not a misspelling of itself
        return True
    if not a.contexts or not b.contexts:
        return False  # a bare word ("Kadhimi") is compared by spelling alone
    return not any(compatible_names(x, y) for x in _fullest(a.contexts) for y in _fullest(b.contexts))


def _fullest(contexts: set[Context]) -> list[Context]:
    """The longest full names a spelling appears in: a person is known by the fullest form of the name."""
    longest = max(len(words) for words, _ in contexts)
    return [c for c in contexts if len(c[0]) == longest]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def candidate_pairs(cores: dict[str, str]) -> set[tuple[str, str]]:
    """Pairs of ids whose name words share a blocking key (`checks.names_keys.keys`): the only pairs ever compared.

    `cores` maps an id to its name word; words shorter than SHORT_LETTERS and common English words are never
    variants and are left out. (Diacritic-only variants of a common word, "Café"/"Cafe", are left out with it.)"""
    by_key: dict[str, list[str]] = defaultdict(list)
    for ident, core in cores.items():
        if len(fold(core)) >= SHORT_LETTERS and not is_common_word(core):
            for block in keys(core):
                by_key[block].append(ident)
    pairs: set[tuple[str, str]] = set()
    for idents in by_key.values():
        for i, a in enumerate(idents):
            for b in idents[i + 1:]:
                pairs.add((a, b) if a < b else (b, a))
    return pairs


def variant_groups(entries: dict) -> list[list[str]]:
    """Groups of ids (two or more) whose spellings are variants of one name and not, by context, different people.
    `entries` maps an id to an object with `core`, `contexts` and `runs` (a Spelling or an archive entry)."""
    uf = _UnionFind()
    for a, b in sorted(candidate_pairs({i: e.core for i, e in entries.items()})):
        ea, eb = entries[a], entries[b]
        if (are_variants(ea.core, eb.core) or _article_glued(ea, eb)) and not different_people(ea, eb):
            uf.union(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for ident in uf.parent:
        groups[uf.find(ident)].append(ident)
    return [sorted(g) for g in groups.values() if len(g) > 1]


class Introduced(NamedTuple):
    ident: str  # the introduced spelling a later one looks like
    pair: str | None = None  # or the two words ending a full name it looks like ("Ahmadi Moghadam")


def unintroduced_variants(spellings: dict[str, Spelling], groups: list[list[str]]) -> dict[str, Introduced]:
    """Ungrouped spellings the text never introduces that look like exactly one name it did introduce earlier: id ->
    that introduced spelling.

    News copy introduces a person by full name before using a bare surname ("Somchai Udomdet ... Udomdet said"), so a
    bare "Udomdech" that no full name introduces, appearing after "Somchai Udomdet", is most likely that name
    misspelled, even where the romanisation rules of `are_variants` do not reach (Thai ch/t, a final vowel, an extra
    letter). The same holds for a given name in a full name that matches the introduced one in every other word
    ("Sa'id al-Faqih" after "Saad Rashed al-Faqih"). The looser test is string similarity of the fine forms
    (`_loosely_similar`); it never pairs two listed given names (Salah/Saleh, Hamad/Hamid are different names), common
    words, listed distinct names or words shorter than four letters, nor a word written only at sentence starts
    ("Marketers") or only after a place cue (`_not_places`), and a spelling close to two different introduced names
    is left alone. A long word is also compared with the last two words of introduced full names written as one:
    "Ahmadi-Moghaddam" (one hyphenated word) after "Ismail Ahmadi Moghadam"."""
    person = {ident: n for n, group in enumerate(groups) for ident in group}
    introduced = [Introduced(i) for i, s in spellings.items() if s.contexts and _loose_candidate(s.core)]
    if not introduced:
        return {}
    choices = [fine(spellings[i].core) for i, _ in introduced]
    for i, _ in list(introduced):
        for words, at in spellings[i].contexts:
            if at > 0:
                introduced.append(Introduced(i, f"{words[at - 1]} {words[at]}"))
                choices.append(fine(words[at - 1] + words[at]))
    found: dict[str, Introduced] = {}
    for ident, entry in spellings.items():
        if ident in person or not _loose_candidate(entry.core):
            continue  # a spelling already grouped is judged with its group
        if not entry.contexts and all(u.initial for u in entry.units):
            continue  # a lone word only ever at a sentence start may be an ordinary word ("Marketers have ...")
        form = fine(entry.core)
        hits = process.extract(form, choices, scorer=fuzz.ratio, score_cutoff=LOOSE_SIMILARITY_LONG, limit=None)
        matches = [introduced[n] for _, score, n in hits if _loosely_similar(form, choices[n], score)
                   and (introduced[n].pair is None or (len(form) >= LONG_WORD and score >= LOOSE_SIMILARITY))
                   and _introduces(spellings[introduced[n].ident], entry)]
        if len({person.get(m.ident, m.ident) for m in matches}) == 1:
            found[ident] = matches[0]
    return found


# rapidfuzz ratio (0-100) of two fine forms, for a spelling the text never introduces: one letter in five may
# differ; in words of LONG_WORD letters or more (both), where two differences still leave most of the word, one in four
LOOSE_SIMILARITY, LOOSE_SIMILARITY_LONG = 80, 75
SHORT_FORM = 5  # fine forms this short must keep their consonant count (`_loosely_similar`)


def _loosely_similar(a: str, b: str, score: float) -> bool:
    """Fine forms close enough for the unintroduced test. A word of SHORT_FORM letters must also keep its consonants
    but h: one more or less there makes another name (Gantz/Ganz, Azhar/Mazhar, Bari/Badri)."""
    if min(len(a), len(b)) >= LONG_WORD:
        return score >= LOOSE_SIMILARITY_LONG
    return score >= LOOSE_SIMILARITY and (min(len(a), len(b)) > SHORT_FORM or _consonants(a) == _consonants(b))


def _consonants(form: str) -> int:
    """Consonants other than h, which romanisations drop and add freely (Haroun/Aroun, Chehade/Cheade)."""
    return sum(1 for c in form if c not in VOWELS and c != "h")


# Endings that derive another word from a name: Rwanda/Rwandan(s), Kashmir/Kashmiri, Taliban/Talib, Navalny/Navalnaya,
# Melnikov/Melnikova, China/Chinese, Frankfurt/Frankfurter, the Kennedys; a name with one of them added is a different
# word, not a misspelling
_DERIVED_RE = re.compile(r"i|is|an|ans|n|ns|s|es|ese|ian|ians|ite|ites|ist|ists|ism|er|ers|a|aya|ya")


def _loose_candidate(core: str) -> bool:
    return len(fold(core)) >= MIN_LETTERS and not is_common_word(core)


def _introduces(intro: Spelling, later: Spelling) -> bool:
    """Can `later` be an unintroduced misspelling of the introduced `intro`: it comes after intro's first use, is not
    in a sentence with it nor a word derived from it, and either stands alone everywhere or only in full names no
    longer than intro's that, with intro's spelling put in its place, can be the person intro names."""
    if intro.units[0].start > later.units[0].start or intro.sentences & later.sentences:
        return False  # two spellings in one sentence are two names ("Samer Foz and Amer Foz")
    if is_given_name(intro.core) and is_given_name(later.core):
        return False
    a, b = sorted((fold(intro.core), fold(later.core)), key=len)
    if (b.startswith(a) and _DERIVED_RE.fullmatch(b[len(a):])) or frozenset((a, b)) in name_data().distinct:
        return False
    fullest = _fullest(intro.contexts)
    longest = len(fullest[0][0])
    return all(
        any(compatible_names((words[:at] + (intro.core,) + words[at + 1:], at), other) for other in fullest)
        if len(words) < longest else _not_inside(a, b) and any(_one_word_apart((words, at), other) for other in fullest)
        for words, at in later.contexts
    )


def _not_inside(short: str, long: str) -> bool:
    """Two given names where one holds the other ("Amer", "Samer") are two names; a dropped initial h is a
    romanisation ("Aroun", "Haroun")."""
    return short not in long or long == "h" + short


def _one_word_apart(first: Context, second: Context) -> bool:
    """Two full names of one length that differ in the tested word only ("Wilber Varela", "Wilmer Varela")."""
    (words1, at1), (words2, at2) = first, second
    return len(words1) == len(words2) and at1 == at2 and all(
        x.casefold() == y.casefold() for i, (x, y) in enumerate(zip(words1, words2)) if i != at1)


def _article_glued(first, second) -> bool:
    """One spelling glues the article to a four-letter name ("Alrawi") that the text also writes with the article
    ("al-Rawi"): one name. Without the article written ("Elmira", "Mira") they stay apart."""
    for glued, other in ((first, second), (second, first)):
        rest = glued_short(glued.core)
        if rest is not None and same_name_word(rest, other.core) and _written_with_article(other):
            return True
    return False


def _written_with_article(entry) -> bool:
    particles = getattr(entry, "particles", None)
    if particles is None:  # an archive entry: its particles are in how it is written ("al-Rawi")
        particles = [particle_key(w[:-len(entry.core)]) for w in entry.written if w.endswith(entry.core)]
    return any(p and particle_family(p.split("-")[-1]) == "al" for p in particles)


# --------------------------------------------------------------------------- house style


class HouseName(NamedTuple):
    core: str  # "Kadhimi"
    particle: str | None  # "al"
    written: str  # "al-Kadhimi", as the house style writes it


@dataclass(frozen=True)
class HouseStyle:
    canonical: dict[str, HouseName]  # folded core (canonical or listed variant) -> the canonical name
    by_key: dict[str, tuple[HouseName, ...]]  # blocking key -> canonical names
    accepted: frozenset[str]  # case-folded cores never flagged


def split_name_word(name: str) -> HouseName:
    """(core, particle key) of a house-style entry: "al-Kadhimi" -> ("Kadhimi", "al"), "bin Laden" ->
    ("Laden", "bin"), "Muammar Gaddafi" -> ("Gaddafi", None) (the last name word counts)."""
    words = _parse_spelling(name.strip())
    if not words:
        raise ConfigError(f"empty name in the house style: {name!r}")
    last = words[-1]
    parts = last.split()
    split = _split_hyphen_particle(parts[-1])
    particles = parts[:-1] + ([split[0]] if split else [])
    core = split[1] if split else parts[-1]
    return HouseName(core, particle_key(" ".join(particles)) or None, last)


def house_style(config: Config) -> HouseStyle:
    """The `[names]` section of the house style, indexed for look-ups (cached for the last config seen)."""
    cached = _HOUSE_CACHE.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    section = config.section(NAME)
    entries = section.get("house", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{config.path or 'house style'}: [[names.house]] must be a list of tables")
    canonical: dict[str, HouseName] = {}
    by_key: dict[str, list[HouseName]] = defaultdict(list)
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("canonical"), str):
            raise ConfigError(f"{config.path or 'house style'}: each [[names.house]] needs a canonical name")
        if set(entry) - {"canonical", "variants"}:
            raise ConfigError(f"{config.path or 'house style'}: [[names.house]] {entry['canonical']!r} has unknown "
                              f"keys {sorted(set(entry) - {'canonical', 'variants'})}; known: canonical, variants")
        listed = split_name_word(entry["canonical"])
        canonical[listed[0].casefold()] = listed
        for block in keys(listed[0]):
            by_key[block].append(listed)
        for variant in entry.get("variants", []):
            canonical.setdefault(split_name_word(variant)[0].casefold(), listed)
    accepted = frozenset(split_name_word(a)[0].casefold() for a in section.get("accepted", []))
    house = HouseStyle(canonical, {k: tuple(v) for k, v in by_key.items()}, accepted)
    _HOUSE_CACHE.clear()
    _HOUSE_CACHE[id(config)] = (config, house)
    return house


_HOUSE_CACHE: dict[int, tuple[Config, HouseStyle]] = {}


def _house_canonical(core: str, house: HouseStyle) -> HouseName | None:
    """The house style's (core, particle) for this name word: listed exactly, or a close romanisation of one."""
    listed = house.canonical.get(core.casefold())
    if listed is not None:
        return listed
    for block in keys(core):
        for candidate in house.by_key.get(block, ()):
            if are_variants(core, candidate.core):
                return candidate
    return None


# --------------------------------------------------------------------------- flags


_PARTICLE_PIECES_RE = re.compile(r"[^\W\d_]+|[^\w]+")


def particle_key(raw: str) -> str:
    """A particle as written, normalised for comparison: "Al-" and "al " -> "al", "Abu-al-" -> "abu-al"."""
    return "-".join(w.lower() for w in re.findall(r"[^\W\d_]+", raw))


def _cased_like(word: str, model: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word[:1].lower() + word[1:]


def _starts_sentence(doc: Document, unit: Unit) -> bool:
    sentence = doc.sentence_at(unit.start)
    return sentence is not None and not doc.text[sentence.start:unit.start].strip("".join(_OPENERS) + " ")


def _render(doc: Document, unit: Unit, canonical_core: str, particle: str | None = None) -> str:
    """The canonical spelling written the way this position needs: the position's own separator and casing kept
    ("Al-Khadimi" -> "Al-Kadhimi" at a sentence start), the canonical particle when there is one."""
    raw = doc.text[unit.start:unit.core_start]
    core = canonical_core.upper() if unit.core.isupper() and len(unit.core) > 1 else canonical_core
    glued = unglued(unit.core) is not None or glued_short(unit.core) is not None
    if not raw and particle and glued and unglued(canonical_core) is None and glued_short(canonical_core) is None:
        return _cased_like(particle.split("-")[0], "A" if _starts_sentence(doc, unit) else "a") + "-" + core
    if not raw or not particle or particle_key(raw) == particle:
        return raw + core
    pieces = _PARTICLE_PIECES_RE.findall(raw)
    words = [p for p in pieces if p[0].isalpha()]
    wanted = particle.split("-")
    if len(wanted) != len(words) or particle_family(particle) != particle_family(particle_key(raw)):
        return raw + core  # "Abu al-" against "al-", "bin" against "al-": the position keeps its own particle
    replaced = iter(_cased_like(w, old) for w, old in zip(wanted, words))
    return "".join(next(replaced) if p[0].isalpha() else p for p in pieces) + core


def _display(entry: Spelling) -> str:
    return entry.written.most_common(1)[0][0]


def _flag(doc: Document, unit: Unit, suggestion: str, rule: str, message: str, confidence: float) -> Flag:
    return make_flag(
        doc.text, unit.start, unit.end, category=NAME, rule=rule, message=message,
        suggestions=(suggestion,), severity="warning", confidence=confidence,
    )


def _flags_for_group(
    doc: Document, group: list[Spelling], canonical: str, particle: str | None, rule: str, house: HouseName | None
) -> list[Flag]:
    """Flags on the spellings of one group that differ from the canonical; `house` is the house-style entry that
    chose it, if one did."""
    ordered = sorted(group, key=lambda s: (-s.count, s.units[0].start))
    listing = ", ".join(f"{_display(s)} ({s.count})" for s in ordered)
    flags = []
    for entry in group:
        same = entry.core.casefold() == canonical.casefold()
        cost = 0.0 if same else (variant_cost(entry.core, canonical) or 0.0)
        tie = house is None and entry.count == max(s.count for s in group)
        confidence = (0.9 if cost == 0 else 0.75) - (0.15 if tie else 0.0)
        if house is not None:
            message = f"The house style spells this name {house.written}; this text has {listing}."
        else:
            message = f"This name is spelled {len(group)} ways in this text: {listing}. Use one spelling."
        for unit in entry.units:
            suggestion = _render(doc, unit, canonical, particle)
            if suggestion != doc.text[unit.start:unit.end] and not (same and _same_particle(doc, unit, particle)):
                flags.append(_flag(doc, unit, suggestion, rule, message, confidence))
    return flags


def _same_particle(doc: Document, unit: Unit, particle: str | None) -> bool:
    return unit.core_start == unit.start or particle is None or \
        particle_key(doc.text[unit.start:unit.core_start]) == particle


@dataclass
class _Written:
    """The occurrences of one spelling with one particle ("el-Zomor"), for the person test."""

    units: list[Unit] = field(default_factory=list)
    contexts: set[Context] = field(default_factory=set)
    runs: set[int] = field(default_factory=set)


def particle_family(particle: str) -> str:
    """Particles that are spellings of one word share a family: al/el/ul/ash/ad (the article), bin/ben/ibn,
    abu/abou; "bin Ali" and "al-Ali" are different names, "el-Zomor" and "al-Zomor" one name."""
    families = name_data().particle_families
    return "-".join(families.get(word, word) for word in particle.split("-"))


def _particle_flags(doc: Document, entry: Spelling) -> list[Flag]:
    """One spelling written with different particles of one family ("al-Zomor", "el-Zomor") by what can be one
    person: the minority particle is flagged. A missing particle ("Zomor") is an accepted short form."""
    if len(entry.particles) < 2:
        return []
    written: dict[str, _Written] = {}
    for unit, (run, context) in zip(entry.units, entry.placed):
        if unit.core_start == unit.start:
            continue
        item = written.setdefault(particle_key(doc.text[unit.start:unit.core_start]), _Written())
        item.units.append(unit)
        item.runs.add(run)
        if context is not None:
            item.contexts.add(context)
    main = min(written, key=lambda p: (-len(written[p].units), written[p].units[0].start))
    family = particle_family(main)
    flags = []
    for particle, item in written.items():
        if particle == main or particle_family(particle) != family or different_people(item, written[main]):
            continue
        listing = f"{main}-{entry.core} ({len(written[main].units)}), {particle}-{entry.core} ({len(item.units)})"
        message = f"This name's particle is written two ways in this text: {listing}. Use one."
        for unit in item.units:
            flags.append(_flag(doc, unit, _render(doc, unit, entry.core, main), RULE_VARIANT, message, 0.8))
    return flags


def check(doc: Document, config: Config) -> Result:
    house = house_style(config)
    mentions = find_mentions(doc)
    if not mentions:
        return Result([])
    spellings = {i: s for i, s in _spellings(doc, mentions).items() if i not in house.accepted}
    flags: list[Flag] = []
    groups = variant_groups(spellings)
    chosen: dict[str, tuple[str, str | None]] = {}  # id -> the (canonical core, particle) of its group
    for idents in groups:
        group = [spellings[i] for i in idents]
        listed = next((c for s in group if (c := _house_canonical(s.core, house)) is not None), None)
        if listed is not None:
            canonical, particle = listed.core, listed.particle
            flags.extend(_flags_for_group(doc, group, canonical, particle, RULE_HOUSE, listed))
        else:
            top = min(group, key=lambda s: (-s.count, s.units[0].start))
            canonical = top.core
            particle = top.main_particle() or next((s.main_particle() for s in group if s.particles), None)
            flags.extend(_flags_for_group(doc, group, canonical, particle, RULE_VARIANT, None))
        chosen.update(dict.fromkeys(idents, (canonical, particle)))
    unintroduced = _not_places(doc, spellings, unintroduced_variants(spellings, groups))
    for ident, entry in spellings.items():
        if ident in chosen:
            continue
        listed = _house_canonical(entry.core, house)  # a lone spelling the house style writes differently
        if listed is not None:
            flags.extend(_flags_for_group(doc, [entry], listed.core, listed.particle, RULE_HOUSE, listed))
        elif ident in unintroduced:
            target, pair = spellings[unintroduced[ident].ident], unintroduced[ident].pair
            canonical, particle = (pair, None) if pair else (
                chosen.get(unintroduced[ident].ident) or _own_canonical(target, house))
            shown = pair or f"{_display(target)} ({target.count})"
            flags.extend(_unintroduced_flags(doc, entry, shown, canonical, particle))
        else:
            flags.extend(_particle_flags(doc, entry))
    return Result(sorted(flags, key=lambda f: f.start))


# Words before a place, not a person: "into the Thames", "in Margate", "from Malaya to the Yemen"
PLACE_CUES = frozenset({"in", "at", "to", "from", "into", "near", "across", "toward", "towards", "the", "outside",
                        "inside"})
_DEMONYM_RE = re.compile(r"(?:ians|eans|ese)$")  # Italians, Koreans, Chinese: peoples, not a name misspelt


def _not_places(
    doc: Document, spellings: dict[str, Spelling], found: dict[str, Introduced]
) -> dict[str, Introduced]:
    """The unintroduced candidates less peoples ("Italians") and those every use of which reads as a place ("the
    Thames" after "Lily James", "in Margate" after "Margaret"): the word before each use decides (see the module
    docstring for why not spaCy's entity recogniser)."""
    return {
        ident: target for ident, target in found.items()
        if not _DEMONYM_RE.search(fold(spellings[ident].core))
        and not all(_after_place_cue(doc, unit) for unit in spellings[ident].units)
    }


def _after_place_cue(doc: Document, unit: Unit) -> bool:
    sentence = doc.sentence_at(unit.start)
    before = [t for t in sentence.tokens if t.end <= unit.start] if sentence is not None else []
    return bool(before) and before[-1].lower in PLACE_CUES


def _own_canonical(entry: Spelling, house: HouseStyle) -> tuple[str, str | None]:
    """The (core, particle) a spelling in no group is written with: the house style's, else its own."""
    listed = _house_canonical(entry.core, house)
    return (listed.core, listed.particle) if listed is not None else (entry.core, entry.main_particle())


def _unintroduced_flags(
    doc: Document, entry: Spelling, shown: str, canonical: str, particle: str | None
) -> list[Flag]:
    """Flags on a spelling never introduced that looks like the introduced name `shown` ("Udomdet (2)")."""
    seen = (f"{_display(entry)} ({entry.count}) looks like {shown}, and the full names they stand in can be one "
            "person's" if entry.contexts else
            f"{_display(entry)} ({entry.count}) is never introduced in full in this text and looks like {shown}, "
            "named in full earlier")
    message = f"{seen}. If they are one name, use one spelling."
    flags = []
    for unit in entry.units:
        suggestion = _render(doc, unit, canonical, particle)
        if suggestion != doc.text[unit.start:unit.end]:
            flags.append(_flag(doc, unit, suggestion, RULE_UNINTRODUCED, message, 0.6))
    return flags


def metrics(doc: Document, config: Config) -> dict:
    return {"names_found": len({u.core.casefold() for m in find_mentions(doc) for u in m.units})}


def rules() -> list[RuleInfo]:
    source = "checks/names.py"
    return [
        RuleInfo(RULE_VARIANT, NAME, "One name spelled several ways in the text (transliteration variants); "
                 "suggests the spelling used most.", "al-Kadhimi ... Al-Khadimi => Al-Kadhimi", "warning", source),
        RuleInfo(RULE_HOUSE, NAME, "A name the house style ([names] house list) spells differently.",
                 "Qaddafi => Gaddafi", "warning", source),
        RuleInfo(RULE_UNINTRODUCED, NAME, "A name never introduced in full that looks like one the text named in "
                 "full earlier (string similarity beyond the romanisation rules); lower confidence.",
                 "Somchai Udomdet ... Udomdech => Udomdet", "warning", source),
    ]


# --------------------------------------------------------------------------- archive mode


def _parse_spelling(spelling: str) -> list[str]:
    """The name words of one collected spelling, particles attached: "Usama bin Laden" -> ["Usama", "bin Laden"]."""
    data = name_data()
    words, pending = [], []
    parts = spelling.split()
    for i, part in enumerate(parts):
        lower = part.lower()
        if i < len(parts) - 1 and lower in data.word_particles and (part.islower() or lower in data.capitalised_particles):
            pending.append(part)
            continue
        words.append(" ".join([*pending, part]))
        pending = []
    return words


def _core_word(word: str) -> str:
    last = word.split()[-1]
    split = _split_hyphen_particle(last)
    return split[1] if split else last


@dataclass
class _ArchiveSpelling:
    core: str
    written: Counter = field(default_factory=Counter)
    sources: list[set[str]] = field(default_factory=list)  # the document sets of the spellings it occurs in
    mentions: int = 0
    contexts: set[Context] = field(default_factory=set)
    runs: frozenset[int] = frozenset()  # names are never shared across documents; keeps different_people's contract


def archive_clusters(rows: Iterable[tuple[str, str, int]], config: Config | None = None) -> list[dict]:
    """Variant clusters across an archive, one dict per (cluster, spelling), for a style-book editor.

    `rows` are (document_id, spelling, count) as collected by `document_names`. Spellings are split into name
    words, blocked by transliteration key (never all pairs), merged when they are variants and their full-name
    context does not say different people. Each dict: cluster_id (stable: the key and the canonical), canonical
    (the house style's when listed, else the spelling in most documents), spelling, documents, mentions,
    document_ids. Only clusters with at least two spellings are returned, biggest first."""
    import hashlib  # only archive mode needs it; keeps the module import light

    config = config or Config()
    house = house_style(config)
    # One pass over the rows groups them by spelling; each distinct spelling is then parsed once, and document sets
    # are merged only for the spellings that end up in a cluster.
    by_spelling: dict[str, tuple[set[str], list[int]]] = {}
    for document_id, spelling, count in rows:
        found = by_spelling.get(spelling)
        if found is None:
            found = by_spelling[spelling] = (set(), [0])
        found[0].add(str(document_id))
        found[1][0] += int(count)
    entries: dict[str, _ArchiveSpelling] = {}
    for spelling, (documents, (mentions,)) in by_spelling.items():
        words = _parse_spelling(spelling)
        cores = [_core_word(w) for w in words]
        for position, (word, core) in enumerate(zip(words, cores)):
            ident = core.casefold()
            entry = entries.get(ident)
            if entry is None:
                entry = entries[ident] = _ArchiveSpelling(core)
            entry.written[word] += mentions
            entry.sources.append(documents)
            entry.mentions += mentions
            if len(cores) > 1 and len(entry.contexts) < MAX_CONTEXTS:
                entry.contexts.add((tuple(cores), position))
    clusters = variant_groups(entries)
    out: list[dict] = []
    for idents in clusters:
        documents = {i: set().union(*entries[i].sources) for i in idents}
        members = sorted(idents, key=lambda i: (-len(documents[i]), -entries[i].mentions, entries[i].core))
        members = [(entries[i], documents[i]) for i in members]
        listed = next((c for e, _ in members if (c := _house_canonical(e.core, house)) is not None), None)
        top = members[0][0]
        canonical = listed.written if listed is not None else top.written.most_common(1)[0][0]
        cluster_id = "names-" + hashlib.sha1(f"{key(top.core)}|{fold(_core_word(canonical))}".encode()).hexdigest()[:12]
        for entry, docs in members:
            out.append({
                "cluster_id": cluster_id,
                "canonical": canonical,
                "spelling": entry.written.most_common(1)[0][0],
                "documents": len(docs),
                "mentions": entry.mentions,
                "document_ids": sorted(docs),
            })
    totals = Counter()
    for row in out:
        totals[row["cluster_id"]] += row["documents"]
    out.sort(key=lambda r: (-totals[r["cluster_id"]], r["cluster_id"], -r["documents"], r["spelling"]))
    return out


# --------------------------------------------------------------------------- the dashboard's "Add to house names"


def add_canonical_name(config_path, canonical: str, variants: Iterable[str] = ()) -> Path:
    """The dashboard's "Add to house names": make `canonical` a house spelling with `variants` listed under it.

    Extends the entry when the canonical is already listed; takes the variants (and the canonical) off any other
    entry; an entry whose canonical becomes a variant here is merged into this one, its variants kept. Creates the
    file when it does not exist (other sections of an existing file are kept); returns the file's path."""
    path = Path(config_path)
    canonical = canonical.strip()
    if not canonical:
        raise ValueError("a canonical name is required")
    config = load_config(path) if path.is_file() else Config({}, path)
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in config.data.items()}
    section = data.setdefault(NAME, {})
    wanted = [v.strip() for v in variants if v.strip() and v.strip().casefold() != canonical.casefold()]
    moved = {v.casefold() for v in wanted}
    target = {"canonical": canonical, "variants": []}
    own, merged, kept = [], [], []
    for old in section.get("house", []):
        entry = {**old, "variants": list(old.get("variants", []))}
        name = entry.get("canonical", "").casefold()
        if name == canonical.casefold():
            own = entry["variants"]
            target = {**entry, "canonical": canonical, "variants": []}
            kept.append(target)
        elif name in moved:  # its canonical becomes a variant here: merge it in
            merged.extend(entry["variants"])
        else:
            kept.append(entry)
    if not any(entry is target for entry in kept):
        kept.append(target)
    seen = {canonical.casefold()}
    for variant in own + wanted + merged:
        if variant.casefold() not in seen:
            seen.add(variant.casefold())
            target["variants"].append(variant)
    for entry in kept:
        if entry is not target:
            entry["variants"] = [v for v in entry["variants"] if v.casefold() not in seen]
    section["house"] = kept
    return save_config(Config(data, path), path)


SECTION = Section(
    "names",
    "The names check (checks/names.py) finds names spelled several ways in one text by itself; this section only\n"
    "says which spelling the newsroom prefers, and which spellings are fine as they are.",
    (
        Setting("accepted", [], "Spellings never flagged (short forms, or a spelling a desk is allowed to keep)."),
        Setting("house", [], "[[names.house]], one table per name word (with its particle, if any):\n"
                "  canonical = the house spelling, suggested for every variant found in a text, even when the text "
                "uses a variant more often, and even when the text has a variant only once (\"Qaddafi\" alone -> "
                "\"Gaddafi\").\n  variants  = spellings that are always replaced by the canonical one. Close "
                "romanisations of the canonical (\"Gadhafi\", \"Kadhafi\") are recognised without being listed.\n"
                "The dashboard's \"Add to house names\" button calls checks.names.add_canonical_name, which edits "
                "this table.",
                example=[{"canonical": "Gaddafi", "variants": ["Qaddafi", "Kadafi"]},
                         {"canonical": "al-Kadhimi", "variants": ["al-Kazemi"]},
                         {"canonical": "Zelensky", "variants": ["Zelenskyy", "Zelenskiy"]}]),
    ),
)


def _collect_spellings(doc: Document, config: Config) -> dict[str, int]:
    return {str(k): int(v) for k, v in document_names(doc, config).items()}


FAMILY = Family(
    name=NAME, category="names", check=check, rules=rules, sections=(SECTION,), metrics=metrics,
    archive=ArchiveTable(
        name="names", collect=_collect_spellings, combine=archive_clusters,
        columns=(("cluster_id", "string"), ("canonical", "string"), ("spelling", "string"), ("documents", "int"),
                 ("mentions", "int"), ("document_ids", "strings")),
    ),
)
