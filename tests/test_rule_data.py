"""The rule files as data: a word set written out in several rules belongs in the file's `[lists]` table.

A pattern element's inline alternatives (`a|b|c`, and the plain-word alternatives of any group of a `re:` part,
`re:(?:a|b|c)`) are collected per rule, patterns and antipatterns alike. Within one rule file (each file has its own
lists), two such sets that share REPEAT_THRESHOLD or more words, the shared words being at least SUBSET_SHARE of the
smaller set (the same set, or one a large subset of the other), are one word set pasted twice; and an inline set that
holds every word of one of the file's lists of REPEAT_THRESHOLD or more words spells the list out. Write the set
once as a list and use `$name` (`$name|extra` for a rule's own additions, two lists whose names say why where the sets
must differ; see docs/patterns.md).

Why 8: the short closed sets that read best inline are 7 words or fewer (the personal pronouns i|you|he|she|it|we|
they, the possessives my|your|his|her|its|our|their) and they recur in many rules by nature; 8 or more shared words
(the modals are 8) is a set someone pasted, and the next edit would change one copy only. Why 80%: two copies of one
set that drifted apart by a word or two (one rule without 'its', another with 'shall') still count as one set, while
two different sets of function words, which share a few words by nature, do not.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import pytest

from checks.generated import rule_files, sources_markdown
from checks.patterns import parse_lists, parse_rules

REPEAT_THRESHOLD = 8  # shared words that make two inline alternations one pasted set
SUBSET_SHARE = 0.8  # ...when they are at least this share of the smaller set
_WORD_RE = re.compile(r"^[A-Za-z]+(?:['’-][A-Za-z]+)*$")
_GROUP_OPEN_RE = re.compile(r"\((?:\?(?::|!|=|<!|<=|P<\w+>))?")
_INLINE_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+\)")


@dataclass(frozen=True)
class WordSet:
    file: str
    rule: str
    where: str  # "pattern" or "unless N"
    element: str
    words: frozenset[str]

    def __str__(self) -> str:
        return f"{self.file} {self.rule} ({self.where}) {self.element[:60]!r}"


def regex_word_groups(regex: str) -> list[list[str]]:
    """The plain-word alternatives of each group of a regular expression, the whole expression included:
    `(?!(?:news|series)$)[a-z]+s|people` gives [["news", "series"], [], ["people"]]."""
    regex = _INLINE_FLAGS_RE.sub("", regex)
    done: list[list[str]] = []
    open_groups: list[list[str]] = [[""]]
    i = 0
    while i < len(regex):
        char = regex[i]
        if char == "\\":
            open_groups[-1][-1] += regex[i : i + 2]
            i += 2
        elif char == "[":  # a character class: skip to its closing bracket
            j = i + 1
            j += regex[j : j + 1] == "^"
            j += regex[j : j + 1] == "]"
            while j < len(regex) and regex[j] != "]":
                j += 2 if regex[j] == "\\" else 1
            open_groups[-1][-1] += regex[i : j + 1]
            i = j + 1
        elif char == "(":
            opener = _GROUP_OPEN_RE.match(regex, i)
            assert opener is not None, regex  # the pattern matches any "(" (and what may follow it)
            open_groups.append([""])
            i = opener.end()
        elif char == ")" and len(open_groups) > 1:
            done.append(open_groups.pop())
            open_groups[-1][-1] += "(...)"
            i += 1
        elif char == "|":
            open_groups[-1].append("")
            i += 1
        else:
            open_groups[-1][-1] += char
            i += 1
    done.extend(open_groups)
    unescaped = ([alt.replace("\\-", "-").replace("\\'", "'") for alt in alts] for alts in done)
    return [[alt for alt in alts if _WORD_RE.match(alt)] for alts in unescaped]


def element_word_sets(raw: str) -> list[frozenset[str]]:
    """The inline word sets of one pattern element: its literal alternatives (a `$list` is not inline; an @lemma
    counts as itself) and the word groups of its `re:` part, lower-cased (`the|The` in a regex is one word)."""
    core = raw.lstrip("[").rstrip("]").removesuffix("?").removesuffix("]").lstrip("!")
    parts = [core] if core.startswith("re:") else core.split("&")
    found: list[frozenset[str]] = []
    for part in parts:
        if part.startswith(("tag:", "pos:")) or part == "*":
            continue
        if part.startswith("re:"):
            groups = regex_word_groups(part[3:])
        else:
            groups = [[alt for alt in part.split("|") if not alt.startswith("$")]]
        found.extend(frozenset(w.lower() for w in words) for words in groups)
    return [words for words in found if words]


def _patterns(rule: dict) -> list[tuple[str, str]]:
    unless = rule.get("unless", [])
    unless = [unless] if isinstance(unless, str) else unless
    return [("pattern", rule["pattern"]), *((f"unless {n}", u) for n, u in enumerate(unless, 1))]


def _data(name: str) -> dict:
    return tomllib.loads(resources.files("checks.data").joinpath(name).read_text("utf-8"))


def inline_word_sets(files=None) -> list[WordSet]:
    sets = []
    for name in files or rule_files():
        data = _data(name)
        for rule in data.get("rule", []):
            for where, pattern in _patterns(rule):
                for raw in pattern.split():
                    for words in element_word_sets(raw):
                        sets.append(WordSet(name, rule["id"], where, raw, words))
    return sets


def named_lists(files=None) -> list[WordSet]:
    found: list[WordSet] = []
    for name in files or rule_files():
        data = _data(name)
        found.extend(
            WordSet(name, "[lists]", list_name, "$" + list_name, frozenset(words))
            for list_name, words in parse_lists(data, name).items()
        )
    return found


def repeated_sets(
    sets: list[WordSet], lists: Sequence[WordSet] = (), threshold: int = REPEAT_THRESHOLD, share: float = SUBSET_SHARE
):
    """(a, b, shared words): inline sets of one file that are one word set written twice, and inline sets that spell
    out a whole list of their file (which `$name|extra` would say)."""
    long_sets = [s for s in sets if len(s.words) >= threshold]
    for a, b in itertools.combinations(long_sets, 2):
        if a.file != b.file:  # each file has its own lists: a set two files share is a list in each
            continue
        shared = len(a.words & b.words)
        if shared >= threshold and shared >= share * min(len(a.words), len(b.words)):
            yield a, b, shared
    for listed in lists:
        if len(listed.words) >= threshold:
            yield from (
                (listed, s, len(listed.words)) for s in long_sets if s.file == listed.file and listed.words <= s.words
            )


def test_no_long_word_set_is_pasted_twice():
    pairs = [
        f"{a}\n    and {b}: {shared} words in common"
        for a, b, shared in repeated_sets(inline_word_sets(), named_lists())
    ]
    assert not pairs, "word sets written out twice; make them a [lists] entry:\n  " + "\n  ".join(pairs)


def test_rules_that_cite_a_guide_are_in_the_sources_table_of_the_rules_doc():
    infos = [rule.info() for name in rule_files() for rule in parse_rules(_data(name), f"checks/data/{name}")]
    cited = [info for info in infos if info.source or info.link]
    assert cited, "a few rules name the usage guide they follow (`source`, `link`)"
    table = sources_markdown(infos)
    for info in cited:
        link = f"<{info.link}>" if info.link else ""
        assert f"| `{info.id}` | {info.source} | {link} |" in table
    assert sources_markdown([info for info in infos if not (info.source or info.link)]) == ""


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("[a|an|the", [{"a", "an", "the"}]),
        ("$modals|may&re:[a-z]+", [{"may"}]),
        ("!@make|made?]", [{"@make", "made"}]),
        ("re:(?:the|The|a|[A-Z]\\w+)", [{"the", "a"}]),
        ("tag:NNS&re:(?!(?:news|far\\-right|$s_words)$)(?:[a-z]+s|people)", [{"news", "far-right"}, {"people"}]),
        ("re:(?i)tear|tears", [{"tear", "tears"}]),
        ("re:[,.;:!?)]{1}", []),
    ],
)
def test_element_word_sets(raw, expected):
    assert element_word_sets(raw) == [frozenset(e) for e in expected]


def test_a_pasted_set_is_found_and_a_short_or_different_one_is_not():
    def ws(rule, words):
        return WordSet("x.toml", rule, "pattern", "", frozenset(words.split()))

    modals = "can could will would shall should must might"
    numbers = "one two three four five six seven eight nine ten"
    verbs = " ".join(f"verb{n}" for n in range(22))
    shared = " ".join(f"word{n}" for n in range(8))
    sets = [
        ws("same", modals),
        ws("same-and-one-more", modals + " may"),
        ws("pronouns", "he she it we they i you"),
        ws("pronouns-again", "he she it we they i you"),
        ws("numbers", numbers),
        ws("numbers-among-more", numbers + " " + verbs),
        ws("big", shared + " " + verbs),
        ws("other-big", shared + " " + verbs.replace("verb", "noun")),
    ]
    lists = [
        WordSet("x.toml", "[lists]", "modals", "$modals", frozenset(modals.split())),
        WordSet("x.toml", "[lists]", "verbs", "$verbs", frozenset(verbs.split() + ["verb99"])),
    ]
    found = {(a.rule, b.rule) for a, b, _ in repeated_sets(sets, lists)}
    # the 7 pronouns are short enough to write inline; 'big' and 'other-big' share 8 words of 30 each
    # a list spelt out in full is found (the modals), one that a rule uses all but one word of is not (verbs)
    assert found == {
        ("same", "same-and-one-more"),
        ("numbers", "numbers-among-more"),
        ("[lists]", "same"),
        ("[lists]", "same-and-one-more"),
    }
