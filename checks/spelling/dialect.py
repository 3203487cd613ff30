"""US and UK spelling: which one a document uses (`[spelling] variant = "auto"`), the other dialect's forms, and a
word spelt both ways in one text (`[spelling] consistent = true`).

The evidence is the document's own lower-case words found in the variant table (spelling_variants.tsv): colour,
centre, travelled count for UK; color, center, traveled for US. -ise and -ize count apart, since Oxford
spelling writes UK English with -ize: they decide only when nothing else does, and a UK text is held to -ise only
when it prefers -ise itself. A dialect is chosen only when its evidence outweighs the other's three to one;
otherwise both are accepted, and the status line says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from checks.document import Document
from checks.spelling.lexicon import Variants, dialect_forms, variants

MAJORITY = 3.0  # the chosen dialect's evidence must be at least this many times the other's
_IZE = re.compile(r"i[zs](?:e|es|ed|ing|er|ers|ation|ations|able)$")


# A house-style variant's name in messages: "'color' is the US spelling; the house style is Australian spelling".
VARIANT_NAMES = {"us": "US", "uk": "UK", "au": "Australian", "ca": "Canadian"}


@dataclass(frozen=True)
class Dialect:
    variant: str  # both | us | uk (auto decides between these only): the forms of the other are flagged
    oxford_ize: bool = False  # with uk: -ize accepted (the text does not prefer -ise)
    uk: int = 0  # the document's evidence: UK and US forms other than -ise/-ize ...
    us: int = 0
    ise: int = 0  # ... and -ise and -ize forms, which say less (Oxford spelling is UK with -ize)
    ize: int = 0

    def status(self, flagged: bool) -> str:
        """What auto chose and why, for the spelling status line: when the choice flagged the other dialect's
        forms, or when the text mixes both clearly enough that none was chosen; otherwise nothing to say."""
        mixed = self.variant == "both" and (self.uk or self.ise) and self.us
        if not (flagged or mixed):
            return ""
        evidence = f"{self.uk} UK, {self.us} US spellings; {self.ise} -ise, {self.ize} -ize"
        if self.variant == "both":
            return f"dialect auto: no clear choice ({evidence}), both accepted"
        oxford = " with -ize accepted" if self.oxford_ize else ""
        return f"dialect auto: {self.variant.upper()}{oxford} ({evidence})"


def _lower_words(doc: Document) -> Counter:
    """The document's lower-case word forms: a capitalised form may be a name (World Health Organization)."""
    return Counter(t.text for t in doc.words if t.text.islower())


def _clearly(mine: int, other: int) -> bool:
    return mine > 0 and mine >= MAJORITY * other


def choose(doc: Document) -> Dialect:
    """The dialect a document's own spelling shows, or both when it shows none clearly. colour, centre, travelled
    decide; -ise alone says UK (US English never writes it), -ize alone nothing; a UK text keeps -ize unless it
    prefers -ise."""
    table = variants()
    uk = us = ise = ize = 0
    for word, n in _lower_words(doc).items():
        if word in table.uk_to_us:
            if _IZE.search(word):
                ise += n
            else:
                uk += n
        elif word in table.us_to_uk:
            if _IZE.search(word):
                ize += n
            else:
                us += n
    if _clearly(us, uk):
        return Dialect("us", False, uk, us, ise, ize)  # -ize alone says nothing: Oxford spelling is UK with -ize
    if _clearly(uk, us) or (not uk and not us and _clearly(ise, ize)):
        return Dialect("uk", not _clearly(ise, ize), uk, us, ise, ize)
    return Dialect("both", False, uk, us, ise, ize)


def mixed_forms(doc: Document) -> dict[str, str]:
    """Words spelt both ways in the document (organisation ... organization): the rarer form -> the form the
    document uses more (on a tie, the one it uses first)."""
    table = variants()
    words = _lower_words(doc)
    first: dict[str, int] = {}
    for index, token in enumerate(doc.words):
        first.setdefault(token.text, index)
    out: dict[str, str] = {}
    for uk in words:
        us = table.uk_to_us.get(uk)
        if not us or us not in words or table.us_to_uk.get(us) != uk:
            continue  # among ... amongst: both are UK English
        keep = max((uk, us), key=lambda w: (words[w], -first[w]))  # used more; on a tie, used first
        out[us if keep == uk else uk] = keep
    return out


def other_form(table: Variants, folded: str, variant: str, oxford_ize: bool) -> str | None:
    """The house dialect's form of a word spelt another way, or None. au and ca follow their own word lists
    (spelling_dialects.tsv): color -> colour in both, organize -> organise in au, organise -> organize in ca."""
    other = flagged_forms(table, variant).get(folded)
    if other and oxford_ize and "iz" in folded and other.replace("is", "iz") == folded:
        return None  # Oxford spelling: -ize accepted where the dialect writes -ise
    return other


def flagged_forms(table: Variants, variant: str) -> dict[str, str]:
    """Every form a variant flags -> its form in that variant (oxford_ize then lets -ize forms pass)."""
    if variant == "us":
        return table.uk_to_us
    if variant == "uk":
        return table.us_to_uk
    return dialect_forms().get(variant, {})  # au, ca; both: none


def spelling_of(table: Variants, folded: str) -> str:
    """Whose spelling a flagged form is, for the message: UK or US (the pair table's side)."""
    return "UK" if folded in table.uk_to_us else "US"
