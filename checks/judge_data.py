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
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

WORDNET = Path("/usr/share/wordnet")
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


def lemma_siblings() -> dict[tuple[str, str], set[str]]:
    """(lemma, pos) -> sibling lemmas, from the WordNet data files."""
    from wordfreq import zipf_frequency

    def good(word: str) -> bool:
        return bool(_WORD_RE.match(word)) and zipf_frequency(word, "en") >= MIN_ZIPF

    related: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pos in _FILES:
        synsets = _synsets(pos)
        hyponyms = defaultdict(list)
        for offset, (_words, pointers) in synsets.items():
            for symbol, target, _ in pointers:
                if symbol in ("@", "@i"):
                    hyponyms[target].append(offset)
        for words, pointers in synsets.values():
            members = [w for w in words if good(w)]
            near = set(members)
            for symbol, target, target_pos in pointers:
                if symbol == "&" and target in synsets:  # "similar to" (adjectives)
                    near.update(w for w in synsets[target][0] if good(w))
                elif symbol == "@" and len(hyponyms[target]) <= MAX_COHYPONYMS and target_pos == pos:
                    for sibling in hyponyms[target]:
                        near.update(w for w in synsets[sibling][0] if good(w))
            for word in members:
                related[(word, pos)].update(near - {word})
    return related


def table_text() -> str:
    from lemminflect import getInflection
    from wordfreq import zipf_frequency

    from checks.spelling import variants

    spelling = variants().uk_to_us  # colour/color are one word, not siblings to judge

    def same_word(a: str, b: str) -> bool:
        return spelling.get(a) == b or spelling.get(b) == a

    forms: dict[str, dict[str, float]] = defaultdict(dict)
    for (lemma, pos), others in lemma_siblings().items():
        best = sorted(others, key=lambda w: (-zipf_frequency(w, "en"), w))[:MAX_SIBLINGS]
        for tag in _TAGS[pos]:
            form = (getInflection(lemma, tag) or (lemma,))[0] if tag not in ("NN", "VB", "JJ") else lemma
            for rank, other in enumerate(best):
                inflected = (getInflection(other, tag) or (other,))[0] if tag not in ("NN", "VB", "JJ") else other
                if _WORD_RE.match(inflected) and inflected != form and not same_word(form, inflected):
                    score = forms[form].get(inflected, -1.0)
                    forms[form][inflected] = max(score, zipf_frequency(inflected, "en") - 0.01 * rank)
    lines = [HEADER.rstrip("\n")]
    for form in sorted(forms):
        ranked = sorted(forms[form], key=lambda w: (-forms[form][w], w))[:MAX_SIBLINGS]
        lines.append(f"{form}\t{','.join(ranked)}")
    return "\n".join(lines) + "\n"


def regenerate(data_dir: Path) -> list[Path]:
    """Rewrite the table when WordNet is installed; nothing (the shipped table stays) when it is not."""
    if not (WORDNET / "data.noun").is_file():
        print(f"judge siblings: {WORDNET} not found (apt-get install wordnet-base); the shipped table is kept")
        return []
    target = data_dir / "judge_siblings.tsv"
    target.write_text(table_text(), "utf-8")
    return [target]


if __name__ == "__main__":  # python -m checks.judge_data
    for written in regenerate(Path(__file__).parent / "data"):
        print(f"wrote {written}")
