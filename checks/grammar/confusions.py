"""The confusion sets of the model-judged grammar layer, read from data files once, when first needed.

* `data/grammar-confusions.toml`: prepositions that replace one another, the articles and the words an article is
  never inserted before or after, and the auxiliaries that fix the form of the verb after them;
* `data/grammar-verb-forms.tsv`: the five forms of about 3,700 common verbs (generated from lemminflect by
  `python -m checks.grammar regenerate`), so that a form leads to its siblings without importing lemminflect.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CONFUSIONS = "grammar-confusions.toml"
VERB_FORMS = "grammar-verb-forms.tsv"
VERB_TAGS = ("VB", "VBZ", "VBD", "VBN", "VBG")


@dataclass(frozen=True)
class ConfusionSets:
    prepositions: frozenset[str]  # judged where written
    preposition_rewrites: tuple[str, ...]  # proposed in their place
    articles: frozenset[str]
    never_before_article: frozenset[str]
    never_after_article: frozenset[str]
    auxiliaries: dict[str, str]  # word -> "base" | "have" | "be"
    between: frozenset[str]


@lru_cache(maxsize=1)
def confusion_sets() -> ConfusionSets:
    data = tomllib.loads(resources.files("checks.data").joinpath(CONFUSIONS).read_text("utf-8"))
    auxiliaries = {word: kind for kind in ("base", "have", "be") for word in data["auxiliaries"][kind]}
    return ConfusionSets(
        prepositions=frozenset(data["prepositions"]["judged"]),
        preposition_rewrites=tuple(data["prepositions"]["rewrites"]),
        articles=frozenset(data["articles"]["words"]),
        never_before_article=frozenset(data["articles"]["never_before"]),
        never_after_article=frozenset(data["articles"]["never_after"]),
        auxiliaries=auxiliaries,
        between=frozenset(data["auxiliaries"]["between"]),
    )


@lru_cache(maxsize=1)
def _verbs() -> dict[str, tuple[dict[str, str], ...]]:
    """form -> the verbs it is a form of, each as {Penn tag: form} ("found" is a form of "find" and "found")."""
    verbs: dict[str, list[dict[str, str]]] = {}
    text = resources.files("checks.data").joinpath(VERB_FORMS).read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        forms = dict(zip(VERB_TAGS, line.split("\t")[1:], strict=True))
        for form in set(forms.values()):
            verbs.setdefault(form, []).append(forms)
    return {form: tuple(rows) for form, rows in verbs.items()}


def verb_forms(word: str, tags: tuple[str, ...]) -> tuple[str, ...]:
    """The forms with these Penn tags of every verb `word` (lower case) is a form of, other than `word` itself:
    ("went", ("VB",)) -> ("go",); () when `word` is no form of a verb in the table."""
    found: list[str] = []
    for forms in _verbs().get(word, ()):
        found.extend(f for f in (forms[t] for t in tags) if f != word and f not in found)
    return tuple(found)
