"""Transliteration-aware keys and comparison for single name words (the core of "al-Kadhimi" is "Kadhimi").

Three levels, cheapest first:
- `fold`: ascii, lower case, no apostrophes, ayn marks or hyphens ("Qaḏḏāfī" -> "qaddafi"); equal folds are the same
  spelling for grouping purposes.
- `fine`: the fold rewritten by the transliteration rules of `checks/data/names.toml` (kh/k, dh/d, q/k, ou/u, ee/i,
  y/i/j, diphthongs, a few regional endings) with doubled letters collapsed: "Kadhimi", "Khadimi" -> "kadimi".
- `keys`: the fine form's consonant skeleton with loose classes merged (z/d or z/s, t/d, g/k/j, v/w/b/p/f): the
  blocking keys, plus, for long words, one without "h" and one per clustered consonant left out, one without
  a glued "Al", and one with a v/w before a consonant read as u (Kubrakov/Kubrakou). Only words sharing a key are
  ever compared, so nothing compares every name with every other.
`variant_cost` then aligns two fine forms consonant by consonant and prices each difference (a loose consonant
swap or a dropped h (fine forms of six letters or more) costs half a point, a vowel of the same class nothing, a/e
half, a/o half (Viktar/Viktor, Sarwar/Sorwar) but a whole point in the first syllable of a word with fewer than
four consonants (Amar/Omar, Chang/Chong), a consonant dropped from a cluster of a long word one point, a Belarusian
u for v half a point; a different ending rules the pair out: Iraq/Iraqi, Zelensky/Zelenska, Salah/Saleh);
`are_variants` accepts half a point, one point for long words, and never pairs common English words or listed
distinct names (Khamenei/Khomeini). Three-letter words are variants only when they differ in doubled letters, ee/i,
oo/u or a glide y (Sa'd/Saad, Kia/Kiya), never by the looser rules.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

VOWELS = frozenset("aeiouE")
# Consonants that romanisations swap for one another; each swap costs half a point. Blocking keys merge them into
# classes; a word gets one key per reading of "z" (Arabic dh: Kazemi/Kadhimi; Spanish s: Oziel/Osiel) and, when
# it is long, one without "h" (Jalahmah/Jalamah: a dropped h also costs half a point).
_LOOSE_PAIRS = frozenset(
    frozenset(p) for p in ("zd", "zs", "td", "gk", "gj", "gh", "vw", "vb", "fv", "pb", "pf", "Ss", "Jj", "Jz")
)
_CLASSES = {"t": "d", "g": "k", "j": "k", "J": "k", "v": "b", "w": "b", "p": "b", "f": "b", "S": "s", "h": "k"}
_KEY_CLASSES = (str.maketrans({**_CLASSES, "z": "d"}), str.maketrans({**_CLASSES, "z": "s"}))
H_DROP_MIN = 6  # letters a word needs before a missing "h" is taken for a romanisation difference
_V_AS_U_RE = re.compile(r"(?<=[aeiou])[vw](?=[b-df-hj-np-tv-xz]|$)")
_U_AFTER_VOWEL_RE = re.compile(r"[aeiou][uw](?=[b-df-hj-np-tv-xz]|$)")
GLUED_ARTICLE_RE = re.compile(r"^(?:al|el)(?=[a-z]{5})")  # "Alharbi" is "al-Harbi" written as one word
# Before a four-letter word a glued article is too often a name's own start (Elmira/Mira, Albert/Bert): "Alrawi" is
# "al-Rawi" only where the text writes the article with that word (`checks.names.grouping.variant_groups`).
_GLUED_SHORT_RE = re.compile(r"^(?:al|el)(?=[a-z]{4}$)")
_NOT_LETTER_RE = re.compile(r"[^a-z]")
_DOUBLE_RE = re.compile(r"(.)\1+")
_DOUBLE_CONSONANT_RE = re.compile(r"([^aeiou])\1+")
# Price of replacing one vowel by another (unordered); anything not listed costs a whole point.
_VOWEL_PAIR_COST = {
    frozenset("ou"): 0.0,
    frozenset("ei"): 0.0,
    frozenset("Ee"): 0.0,
    frozenset("Ei"): 0.0,
    frozenset("ae"): 0.5,
    frozenset("aE"): 0.5,
    frozenset("ai"): 0.5,
    frozenset("au"): 0.5,
    frozenset("eo"): 0.5,
    frozenset("eu"): 0.5,
    frozenset("Eo"): 1.0,
    frozenset("ao"): 1.0,
}
MAX_COST = 0.5
LONG_WORD, LONG_MAX_COST = 7, 1.0  # long words tolerate one more difference (Ukhnaleva/Ukhnalyova, Oleksandr)
MIN_LETTERS = 4  # shorter words ("Un", "Il", "Ali") are too ambiguous to call variants by cost ...
SHORT_LETTERS = 3  # ... but three-letter words that differ only in doubled letters, ee/i, oo/u or a glide y
# between vowels are one name (Sa'd/Saad, Asi/Assi, Hajj/Haj, Kia/Kiya, Noor/Nur); the looser rules (ai/ei,
# ch/sh, kh/q) would merge different East Asian surnames (Lai/Lei, Chu/Shu, Khin/Qin)
_SHORT_RULES = (
    (re.compile("ee"), "i"),
    (re.compile("oo"), "u"),
    (re.compile("(?<=[aeiou])y(?=[aeiou])"), ""),
    (_DOUBLE_RE, r"\1"),
)


@dataclass(frozen=True)
class NameData:
    hyphen_particles: frozenset[str]
    word_particles: frozenset[str]
    capitalised_particles: frozenset[str]
    particle_families: dict[str, str]
    titles: frozenset[str]
    stopwords: frozenset[str]
    given: frozenset[str]
    distinct: frozenset[frozenset[str]]
    rules: tuple[tuple[str | re.Pattern, str], ...]  # plain strings are replaced with str.replace (faster)
    compound: tuple[re.Pattern, str]  # "Abd al-" fused with its article (Abdul, Abdur) -> "abdL"
    common_words: frozenset[str]
    compound_tails: frozenset[str]


@lru_cache(maxsize=1)
def name_data() -> NameData:
    """The particle, title, given-name and transliteration data (loaded once, on first use)."""
    folder = resources.files("checks.data")
    data = tomllib.loads(folder.joinpath("names.toml").read_text("utf-8"))
    words = data["words"]
    given = frozenset(words["given"])
    common = folder.joinpath("names_common_words.txt").read_text("utf-8").split()
    return NameData(
        hyphen_particles=frozenset(data["particles"]["hyphen"]),
        word_particles=frozenset(data["particles"]["word"]),
        capitalised_particles=frozenset(data["particles"]["capitalised"]),
        particle_families={w: family[0] for family in data["particles"]["families"] for w in family},
        titles=frozenset(words["titles"]),
        stopwords=frozenset(words["stopwords"]),
        given=given,
        distinct=frozenset(frozenset(fold(w) for w in pair) for pair in words["distinct"]),
        rules=tuple((a if a.isalpha() else re.compile(a), b) for a, b in data["translit"]["rules"]),
        compound=(re.compile(data["translit"]["compound"][0]), data["translit"]["compound"][1]),
        common_words=frozenset(w for w in common if not w.startswith("#")) - given,
        compound_tails=frozenset(words["compound_tails"]),
    )


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """ASCII, lower case, letters only: "Al-Khadimi" -> "alkhadimi", "Erdoğan" -> "erdogan"."""
    return _NOT_LETTER_RE.sub("", anyascii(word).lower())


@lru_cache(maxsize=65536)
def fine(word: str) -> str:
    """The folded word with transliteration spellings unified and doubled letters collapsed."""
    data = name_data()
    text = _DOUBLE_CONSONANT_RE.sub(r"\1", fold(word))  # doubled vowels (oo, ee) are spelling rules of their own
    text = data.compound[0].sub(data.compound[1], text)
    for pattern, replacement in data.rules:
        if isinstance(pattern, str):
            if pattern in text:
                text = text.replace(pattern, replacement)
        else:
            text = pattern.sub(replacement, text)
    return _DOUBLE_RE.sub(r"\1", text)


@lru_cache(maxsize=65536)
def keys(word: str) -> tuple[str, ...]:
    """The blocking keys: the consonant skeleton of `fine` with loose consonant classes merged (one per z reading)."""
    form = fine(word)
    skeletons = ["".join(c for c in form if c not in VOWELS)]
    for other in (unglued(word) or glued_short(word), v_as_u(word)):
        if other is not None:
            skeletons.append("".join(c for c in fine(other) if c not in VOWELS))
    if len(form) >= LONG_WORD:  # one consonant of a cluster dropped: Nembhard/Nemhard, Wimonsri/Wimonsi
        skeletons.extend(form_without for form_without in _cluster_drops(skeletons[0], form))
    if len(form) >= H_DROP_MIN and "h" in form:
        skeletons.append("".join(c for c in _without_h(form) if c not in VOWELS))
    return tuple(dict.fromkeys(s.translate(table) for s in skeletons for table in _KEY_CLASSES))


def v_as_u(word: str) -> str | None:
    """The folded word with a v/w between a vowel and a consonant (or the end) written u, as Belarusian and
    Ukrainian romanisations do (Kubrakov/Kubrakou, Zimovsky/Zimousky, Kalinowski/Kalinouski); None when none."""
    folded = fold(word)
    replaced = _V_AS_U_RE.sub("u", folded)
    return replaced if replaced != folded else None


def glued_short(word: str) -> str | None:
    """The four-letter word after a glued article ("Alrawi" -> "rawi"), or None: a variant only where the article
    is written with the word elsewhere in the text."""
    folded = fold(word)
    match = _GLUED_SHORT_RE.match(folded)
    return folded[match.end() :] if match else None


def unglued(word: str) -> str | None:
    """The word without a glued article ("Alharbi" -> "harbi"), or None when it has none."""
    folded = fold(word)
    match = GLUED_ARTICLE_RE.match(folded)
    return folded[match.end() :] if match else None


def _cluster_drops(skeleton: str, form: str) -> list[str]:
    """The skeleton with one consonant left out, for consonants that stand next to another consonant and neither
    first nor last in the word: the drops `_cluster_drop_cost` prices (Wimonsri/Wimonsi)."""
    out = []
    positions = [i for i, c in enumerate(form) if c not in VOWELS]
    for n, i in enumerate(positions):
        if 0 < i < len(form) - 1 and (i - 1 in positions or i + 1 in positions):
            out.append(skeleton[:n] + skeleton[n + 1 :])
    return out


def key(word: str) -> str:
    """The main blocking key (z read as d); words with different keys may still share one of `keys`."""
    return keys(word)[0]


@lru_cache(maxsize=65536)
def _slots(form: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a fine form into its consonants and the vowel groups around them (one more group than consonants)."""
    consonants, groups, current = [], [], []
    for char in form:
        if char in VOWELS:
            current.append(char)
        else:
            groups.append("".join(current))
            consonants.append(char)
            current = []
    groups.append("".join(current))
    return tuple(consonants), tuple(groups)


# Arabic and Persian aw is written o as often as au (al-Jawlani/al-Golani, Shawkat/Shokat, Mawlawi/Molavi): after
# the fine rules aw before a consonant is "au", and "au" against "o" costs nothing, as ou against u; Belarusian ia
# is Russian e (Stiapan/Stepan, Aliaksandr/Aleksandr), half a point as a close vowel pair
_DIPHTHONG_COST = {frozenset(("au", "o")): 0.0, frozenset(("ia", "e")): 0.5}


def _vowel_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if not a or not b:
        return 0.5
    if len(a) == 1 and len(b) == 1:
        return _VOWEL_PAIR_COST.get(frozenset((a, b)), 1.0)
    diphthong = _DIPHTHONG_COST.get(frozenset((a, b)))
    if diphthong is not None:
        return diphthong
    return 0.5 if set(a) & set(b) else 1.0


def variant_cost(a: str, b: str) -> float | None:
    """How far apart two name words are as romanisations of one name; None when they cannot be aligned."""
    cost = _cost(a, b)
    if cost is None:
        cost = _cluster_drop_cost(fine(a), fine(b))
    if cost is None:
        cost = _v_as_u_cost(a, b)
    if cost is None and (unglued(a) is None) != (unglued(b) is None):
        # "Alharbi" and "Harbi" / "al-Harbi": one spelling glues the article to the name
        rest = _cost(unglued(a) or a, unglued(b) or b)
        cost = None if rest is None else rest + 0.5
    return cost


def _v_as_u_cost(a: str, b: str) -> float | None:
    """Half a point more when one word read with u for its v/w (`v_as_u`) matches the other, which writes a u or w
    after a vowel there too, with the very same final vowel; else None: Kubrakou/Kubrakov, not Paulo/Pavlov or
    Aleksandru/Alexandrov."""
    for x, y in ((a, b), (b, a)):
        replaced = v_as_u(x)
        if replaced is None or not _U_AFTER_VOWEL_RE.search(fold(y)):
            continue
        cost = _cost(replaced, y)
        if cost is not None and _slots(fine(replaced))[1][-1] == _slots(fine(y))[1][-1]:
            return cost + 0.5
    return None


def _cluster_drop_cost(fa: str, fb: str) -> float | None:
    """One point when the longer fine form equals the shorter with one clustered consonant dropped, else None."""
    if min(len(fa), len(fb)) < LONG_WORD or abs(len(fa) - len(fb)) != 1:
        return None
    longer, shorter = (fa, fb) if len(fa) > len(fb) else (fb, fa)
    for i in range(1, len(longer) - 1):
        c = longer[i]
        if c in VOWELS or (longer[i - 1] in VOWELS and longer[i + 1] in VOWELS):
            continue
        if longer[:i] + longer[i + 1 :] == shorter:
            return 1.0
    return None


def _cost(a: str, b: str) -> float | None:
    fa, fb = fine(a), fine(b)
    if fa == fb:
        return 0.0
    cost = _aligned_cost(fa, fb)
    if fa.count("h") != fb.count("h") and max(len(fa), len(fb)) >= H_DROP_MIN:
        # one spelling drops an h the other has (Jalahmah/Jalamah, Pahlawan/Palawan, Ibrahima/Ibraima, and a
        # first h: Hidajet/Idajet): compare without it, the vowels it parted read as the pair they make
        fa, fb = _without_h(fa), _without_h(fb)
        dropped = _aligned_cost(fa, fb)
        if dropped is not None and (cost is None or dropped + 0.5 < cost):
            cost = dropped + 0.5
    return cost


_VOWELS_MET_RE = re.compile(r"a[ie]|e[iy]")


def _without_h(form: str) -> str:
    """A fine form without its h (a first h only before a vowel: "Hamid" keeps it, Khalid's is already gone), with
    the vowels that meet where it was joined as the fine rules join them (Ibrahima -> ibraima -> ibrEma)."""
    first = form[:1] if form[:1] != "h" or form[1:2] not in VOWELS else ""
    return _DOUBLE_RE.sub(r"\1", _VOWELS_MET_RE.sub("E", first + form[1:].replace("h", "")))


def _aligned_cost(fa: str, fb: str) -> float | None:
    """Two fine forms aligned consonant by consonant: the price of their differences, None when they differ too much."""
    (ca, ga), (cb, gb) = _slots(fa), _slots(fb)
    if len(ca) != len(cb):
        return None
    cost = 0.0
    for x, y in zip(ca, cb, strict=True):
        if x != y:
            if frozenset((x, y)) not in _LOOSE_PAIRS:
                return None
            cost += 0.5
    cost += sum(_vowel_cost(x, y) for x, y in zip(ga[:-1], gb[:-1], strict=True))
    # An a/o swap after the first vowel is vowel reduction (Belarusian Viktar/Viktor, Eismant/Eismont): half a
    # point there. In the first syllable of a word with fewer than four consonants it makes other names (Amar/Omar,
    # Chang/Chong, Kwak/Kwok, Marin/Morin); with four or more it is half a point too (Sarwar/Sorwar, Kashlaf/Koshlaf).
    first = next((i for i, (x, y) in enumerate(zip(ga, gb, strict=True)) if x or y), len(ga)) if len(ca) < 4 else -1
    cost -= 0.5 * sum(1 for x, y in zip(ga[first + 1 : -1], gb[first + 1 : -1], strict=True) if {x, y} == {"a", "o"})
    # A different ending is a different word more often than a different romanisation: Iraq/Iraqi,
    # Zelensky/Zelenska, Navalny/Navalnaya, Baghdad/Baghdadi. Only same-class vowels (o/u, e/i) pass there.
    if _vowel_cost(ga[-1], gb[-1]):
        return None  # a different ending makes a different word, however long: never a variant
    return cost


def is_common_word(word: str) -> bool:
    """An ordinary English word ("Valley", "Play"; "Sa'd" and "So'ng" too, which read as "sad" and "song"), not a
    listed given name."""
    return fold(word) in name_data().common_words


@lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    """A listed given name in any of its spellings: "Abdur" is "Abdul", "Mohamad" is "Mohammed"."""
    return fold(word) in name_data().given or fine(word) in _given_fine_forms()


@lru_cache(maxsize=1)
def _given_fine_forms() -> frozenset[str]:
    return frozenset(fine(g) for g in name_data().given)


def _short_form(folded: str) -> str:
    pattern, replacement = name_data().compound
    folded = pattern.sub(replacement, folded)
    for pattern, replacement in _SHORT_RULES:
        folded = pattern.sub(replacement, folded)
    return folded


@lru_cache(maxsize=262144)
def are_variants(a: str, b: str) -> bool:
    """True when two differently spelled name words are likely one name romanised two ways.

    Words that differ only in diacritics or apostrophes ("Erdoğan", "Erdogan") are variants too; words that differ
    only in case are the same spelling; common English words (a capitalised "Valley" or "Play") are never
    romanisations of something else."""
    fa, fb = fold(a), fold(b)
    shortest = min(len(fa), len(fb))
    if a.casefold() == b.casefold() or shortest < SHORT_LETTERS:
        return False
    if fa == fb:
        return True
    data = name_data()
    if is_common_word(a) or is_common_word(b) or frozenset((fa, fb)) in data.distinct:
        return False  # "Valley"/"Bali", "Science"/"Sense": ordinary words in names are not romanisations
    if shortest < MIN_LETTERS:
        return _short_form(fa) == _short_form(fb)
    cost = variant_cost(a, b)
    if cost is None:
        return False
    return cost <= (LONG_MAX_COST if min(len(fine(a)), len(fine(b))) >= LONG_WORD else MAX_COST)
