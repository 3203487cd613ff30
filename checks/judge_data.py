"""Rebuilds `data/judge_siblings.tsv`, the model judge's candidate rewrites, from WordNet 3.0.

Source: Debian's `wordnet-base` package (/usr/share/wordnet/data.{noun,verb,adj,adv}), WordNet 3.0, © 2006 Princeton
University, under the WordNet 3.0 licence (permissive: use, copy, modify and distribute with the copyright notice,
which `data/judge_siblings.tsv` carries). `python -m checks regenerate-data` runs this when the package is installed
(`apt-get install wordnet-base`; `python -m checks.judge_data` runs it alone) and keeps the shipped table
otherwise.

A word's siblings are the words a translation engine confuses it with: its synonyms, the adjectives WordNet marks as
similar, and its co-hyponyms under a narrow hypernym (at most `MAX_COHYPONYMS` hyponyms). Only single lower-case words
that are common in English (wordfreq Zipf >= `MIN_ZIPF`) and not a UK/US spelling of the same word are kept, the
`MAX_SIBLINGS` most frequent per word, and the table is written per inflected form (lemminflect), so the judge looks
words up without lemmatising.

`data/judge_translations.tsv`, the same for translation siblings: English words that one foreign headword of a
bilingual dictionary translates to (German "scharf": sharp, keen, hot, fierce, biting) are the words a translation
engine confuses. Source: FreeDict's dictionaries as Debian packages them (`dict-freedict-*`, dictd files in
/usr/share/dictd), only those under the GPL (version 2 or later, or 3 or later; see `FREEDICT`), so the derived table
is distributed under the GPL-3.0-or-later, as its header says. Two English words are siblings when they translate one
headword (of an x-eng dictionary) or share a translation (of an eng-x dictionary); how many such headwords they share
ranks them.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
DICTD = Path("/usr/share/dictd")
# FreeDict dictionaries under GPL-2.0+ or GPL-3.0+ (Debian's copyright files, 2022.04.21); left out: hun-eng
# (GPL-2.0 only) and the CC-BY-SA ones (jpn-eng, fin-eng, pol-eng), whose licences do not combine with these.
FREEDICT = {
    "to_english": ("deu", "fra", "spa", "ita", "por", "nld", "swe", "tur", "ces", "ara"),
    "from_english": ("deu", "fra", "spa", "rus"),
}
MAX_TRANSLATIONS = 15  # a headword with more English renderings is a catch-all, not a confusable set
MIN_ZIPF = 3.0
MAX_SIBLINGS = 12
MAX_COHYPONYMS = 15
_WORD_RE = re.compile(r"^[a-z]{3,}$")
_FILES = {"n": "noun", "v": "verb", "a": "adj"}  # adverbs: too few useful siblings for their cost
_TAGS = {"n": ("NN", "NNS"), "v": ("VB", "VBD", "VBG", "VBN", "VBZ"), "a": ("JJ",)}
HEADER = (
    "# Candidate rewrites for the model judge (checks/judge.py): form <TAB> siblings, most frequent first.\n"
    "# Derived from WordNet 3.0 by checks/judge_data.py. WordNet 3.0 Copyright 2006 by Princeton University.\n"
    "# All rights reserved. Licence: https://wordnet.princeton.edu/license-and-commercial-use (WordNet 3.0 licence:\n"
    "# permission to use, copy, modify and distribute for any purpose without fee, with this notice; provided\n"
    '# "as is", without warranties).\n'
)
TRANSLATIONS_HEADER = (
    "# Translation siblings for the model judge (checks/judge.py): form <TAB> siblings, most shared headwords first.\n"
    "# Derived by checks/judge_data.py from FreeDict bilingual dictionaries (Debian dict-freedict-* 2022.04.21:\n"
    "# {names}), (c) 2000-2022 FreeDict contributors, https://freedict.org.\n"
    "# Licence: GNU General Public License, version 3 or later (the dictionaries are GPL-2.0-or-later and\n"
    "# GPL-3.0-or-later); this table may be redistributed and modified under those terms.\n"
)


def _synsets(pos: str) -> dict[str, tuple[list[str], list[tuple[str, str, str]]]]:
    found = {}
    for line in (WORDNET / f"data.{_FILES[pos]}").read_text("latin-1").splitlines():
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split(" ")
        count = int(fields[3], 16)
        words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).lower() for i in range(count)]
        i = 4 + 2 * count
        pointers = []
        for _ in range(int(fields[i])):
            pointers.append((fields[i + 1], fields[i + 2], fields[i + 3]))
            i += 4
        found[fields[0]] = (words, pointers)
    return found


def _common_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return bool(_WORD_RE.match(word)) and zipf_frequency(word, "en") >= MIN_ZIPF


def lemma_siblings() -> dict[tuple[str, str], dict[str, int]]:
    """(lemma, pos) -> sibling lemmas, from the WordNet data files (all of one strength: 0)."""
    related: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for pos in _FILES:
        synsets = _synsets(pos)
        hyponyms = defaultdict(list)
        for offset, (_words, pointers) in synsets.items():
            for symbol, target, _ in pointers:
                if symbol in ("@", "@i"):
                    hyponyms[target].append(offset)
        for words, pointers in synsets.values():
            members = [w for w in words if _common_word(w)]
            near = set(members)
            for symbol, target, target_pos in pointers:
                if symbol == "&" and target in synsets:  # "similar to" (adjectives)
                    near.update(w for w in synsets[target][0] if _common_word(w))
                elif symbol == "@" and len(hyponyms[target]) <= MAX_COHYPONYMS and target_pos == pos:
                    for sibling in hyponyms[target]:
                        near.update(w for w in synsets[sibling][0] if _common_word(w))
            for word in members:
                related[(word, pos)].update(dict.fromkeys(near - {word}, 0))
    return related


def _dictd_entries(name: str) -> Iterator[tuple[str, str]]:
    """(headword, entry text) of a dictd dictionary: its index gives each entry's offset and length (base 64)."""
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def number(text: str) -> int:
        value = 0
        for char in text:
            value = value * 64 + digits.index(char)
        return value

    with gzip.open(DICTD / f"freedict-{name}.dict.dz") as packed:  # dictzip is gzip-compatible
        data = packed.read()
    for line in (DICTD / f"freedict-{name}.index").read_text("utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and not fields[0].startswith("00database"):
            start, length = number(fields[1]), number(fields[2])
            yield fields[0].lower(), data[start : start + length].decode("utf-8", "replace")


_MARKUP_RE = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)")  # <n>, [bot.], (informal)


def _renderings(entry: str) -> Iterator[list[str]]:
    """The comma-separated translations of each sense of a FreeDict entry (its first line is the headword);
    cross-references, synonyms, notes and examples are skipped."""
    for line in entry.split("\n")[1:]:
        text = re.sub(r"^\d+\.\s*", "", line.strip())
        if not text or ":" in text or text.startswith(("/", '"', "'")):
            continue
        words = [_MARKUP_RE.sub("", piece).strip().strip(".").strip() for piece in re.split(r"[,;]", text)]
        yield [w.removeprefix("to ").lower() for w in words if w]


def lemma_translations() -> dict[tuple[str, str], dict[str, int]]:
    """(lemma, pos) -> sibling lemmas and how many headwords (or shared translations) link them, from FreeDict."""
    from lemminflect import getAllLemmas

    groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (dictionary, foreign word, sense) -> English
    for language in FREEDICT["to_english"]:
        for head, entry in _dictd_entries(f"{language}-eng"):
            for sense, words in enumerate(_renderings(entry)):
                groups[(language, head, str(sense))].update(w for w in words if _common_word(w))
    for language in FREEDICT["from_english"]:
        for head, entry in _dictd_entries(f"eng-{language}"):
            if _common_word(head):
                for words in _renderings(entry):
                    for foreign in words:
                        groups[(f"eng-{language}", foreign, "")].add(head)
    shared: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    upos = {"n": "NOUN", "v": "VERB", "a": "ADJ"}
    for english in groups.values():
        if not 2 <= len(english) <= MAX_TRANSLATIONS:
            continue
        lemmas = {w: getAllLemmas(w) for w in english}
        for pos, name in upos.items():
            same = [w for w in english if w in lemmas[w].get(name, ())]  # words that are lemmas of this pos
            for word in same:
                for other in same:
                    if other != word:
                        shared[(word, pos)][other] += 1
    return shared


def table_text(related: dict[tuple[str, str], dict[str, int]], header: str) -> str:
    """The table of inflected forms: each sibling inflected like the word (lemminflect), the strongest link first
    and then the most frequent, `MAX_SIBLINGS` per form."""
    from lemminflect import getInflection
    from wordfreq import zipf_frequency

    from checks.spelling import variants

    spelling = variants().uk_to_us  # colour/color are one word, not siblings to judge

    def same_word(a: str, b: str) -> bool:
        return spelling.get(a) == b or spelling.get(b) == a

    forms: dict[str, dict[str, float]] = defaultdict(dict)
    for (lemma, pos), others in related.items():
        best = sorted(others, key=lambda w: (-others[w], -zipf_frequency(w, "en"), w))[:MAX_SIBLINGS]
        for tag in _TAGS[pos]:
            form = (getInflection(lemma, tag) or (lemma,))[0] if tag not in ("NN", "VB", "JJ") else lemma
            for rank, other in enumerate(best):
                inflected = (getInflection(other, tag) or (other,))[0] if tag not in ("NN", "VB", "JJ") else other
                if (form == lemma) != (inflected == other):
                    continue  # one inflects and the other does not: "abandon" (no plural) is not "leaves"
                if _WORD_RE.match(inflected) and inflected != form and not same_word(form, inflected):
                    score = forms[form].get(inflected, -1.0)
                    strength = 10 * others[other] + zipf_frequency(inflected, "en") - 0.01 * rank
                    forms[form][inflected] = max(score, strength)
    lines = [header.rstrip("\n")]
    for form in sorted(forms):
        ranked = sorted(forms[form], key=lambda w: (-forms[form][w], w))[:MAX_SIBLINGS]
        lines.append(f"{form}\t{','.join(ranked)}")
    return "\n".join(lines) + "\n"


def regenerate(data_dir: Path) -> list[Path]:
    """Rewrite each table whose source is installed; a table whose source is not stays as shipped."""
    written = []
    if (WORDNET / "data.noun").is_file():
        target = data_dir / "judge_siblings.tsv"
        target.write_text(table_text(lemma_siblings(), HEADER), "utf-8")
        written.append(target)
    else:
        print(f"judge siblings: {WORDNET} not found (apt-get install wordnet-base); the shipped table is kept")
    names = [f"{x}-eng" for x in FREEDICT["to_english"]] + [f"eng-{x}" for x in FREEDICT["from_english"]]
    missing = [n for n in names if not (DICTD / f"freedict-{n}.index").is_file()]
    if missing:
        packages = " ".join(f"dict-freedict-{n}" for n in missing)
        print(f"judge translations: FreeDict missing (apt-get install {packages}); the shipped table is kept")
    else:
        target = data_dir / "judge_translations.tsv"
        target.write_text(table_text(lemma_translations(), TRANSLATIONS_HEADER.format(names=", ".join(names))), "utf-8")
        written.append(target)
    return written


if __name__ == "__main__":  # python -m checks.judge_data
    for written in regenerate(Path(__file__).parent / "data"):
        print(f"wrote {written}")
