"""Names: one person, organisation or place spelled several ways in the same text ("al-Kadhimi" and "Al-Khadimi").

Nobody has to list the variants in advance. The family
1. finds names: runs of capitalised words with particles (al-, bin, Abu, van, de ...), titles left out
   (`find_mentions`);
2. splits each run into name words ("Mustafa", "al-Kadhimi"): the last is the surname, the others given names;
3. groups the distinct spellings of name words that share a transliteration blocking key and differ little
   (`checks.names.keys`: kh/k, dh/d/z, q/k/g, ou/u, ee/i, y/i/j, doubled letters, ayn marks, diacritics, a glued
   "Al" (before a four-letter name only when the text also writes it "al-Rawi"), Abd/Abdul/Abdur, Belarusian u/v
   and dz), unless the full names say they are different people (`compatible_names`: surnames and first given names
   must match; "Ali Khamenei"/"Ruhollah Khomeini", "Kim Jong Un"/"Kim Jong Il" never merge);
4. flags every occurrence of a minority spelling, suggesting the house style's canonical spelling when the
   `[names]` table lists one, else the spelling used most in the text (the first used on a tie), in the casing the
   position needs ("Al-Khadimi" -> "Al-Kadhimi" at a sentence start);
5. flags, with lower confidence and a rule of its own, a spelling the text never introduces in full that looks
   like exactly one name it did introduce earlier, beyond what the romanisation rules reach ("Somchai Udomdet ...
   Udomdech", "Wilber Varela ... Wilmer Varela", "Ali Sedaghat ... Sedaghati"; `unintroduced_variants`), and a word
   of a later full name that reads as an introduced one with an h added or dropped, every other word the very same
   ("Yong Il Sin ... Yong Il Shin"; `h_only_variants`), or alike but in vowels, h, w and y where another word is
   the same or a romanisation variant ("Erken Tuniyaz ... Aierken Tuniyazi"; `full_name_variants`);
6. flags a full name that writes two words as one where the text first wrote them as two, or the reverse
   ("Mohammad Bagher Zolghadr ... Mohammadbagher Zolghadr"; `checks.names.joined`).
In an archive (`archive_clusters`) the same tests run, and a pair of spellings from different documents also needs
evidence beyond spelling: one document's check grouped them, their full names agree, or the house style lists them.
"al-Kadhimi", "Al-Kadhimi" and "Kadhimi" are one spelling (particle case and short form); diacritics or apostrophes
alone ("Erdoğan", "Erdogan") make a variant, and so does one particle spelled two ways ("el-Zomor", "al-Zomor").
No entity recogniser is used: capitalisation, particles, titles and a common-word list find the names, and the
full-name test replaces one; the whole family costs a few milliseconds per 1,000 words. (spaCy's small recogniser
was tried as the unintroduced test's place filter and read unfamiliar names as places, "A lawyer for Sunarso"; the
word before each use does that job, `_not_places`.)

Interfaces for the batch engine and the dashboard: `document_names`, `archive_clusters`, `add_canonical_name`.
The package: `mentions` (finding names), `particles` (name words and particles), `keys` (transliteration keys and
name data), `grouping` (grouping spellings), `joined` (names written as one word or two), `house` (house style),
`flags` (the check), `archive` (archive clusters), `add` ("Add to house names").
House style (`[names]` in the house-style file, see samples/copydesk.toml):
    accepted = ["Kadhimi"]                                  # spellings never flagged
    [[names.house]]
    canonical = "Gaddafi"
    variants = ["Qaddafi", "Kadhafi"]                       # always flagged, suggesting the canonical
"""

from __future__ import annotations

from checks.config import Config, Section, Setting
from checks.document import Document
from checks.names.archive import GROUPED, archive_clusters, document_groups  # noqa: F401
from checks.names.flags import (  # noqa: F401  (re-exported: the family's public names)
    RULE_HOUSE,
    RULE_UNINTRODUCED,
    RULE_VARIANT,
    check,
    metrics,
    rules,
)
from checks.names.grouping import (  # noqa: F401
    Context,
    Introduced,
    Spelling,
    candidate_pairs,
    compatible_names,
    different_people,
    same_name_word,
    unintroduced_variants,
    variant_groups,
)
from checks.names.house import NAME, HouseName, HouseStyle, house_style, split_name_word  # noqa: F401
from checks.names.mentions import Mention, Unit, document_names, find_mentions  # noqa: F401
from checks.names.particles import particle_family, particle_key  # noqa: F401
from checks.registry import ArchiveTable, Family

SECTION = Section(
    "names",
    "The names check (checks/names.py) finds names spelled several ways in one text by itself; this section only\n"
    "says which spelling the newsroom prefers, and which spellings are fine as they are.",
    (
        Setting("accepted", [], "Spellings never flagged (short forms, or a spelling a desk is allowed to keep)."),
        Setting(
            "house",
            [],
            "[[names.house]], one table per name word (with its particle, if any):\n"
            "  canonical = the house spelling, suggested for every variant found in a text, even when the text "
            'uses a variant more often, and even when the text has a variant only once ("Qaddafi" alone -> '
            '"Gaddafi").\n  variants  = spellings that are always replaced by the canonical one. Close '
            'romanisations of the canonical ("Gadhafi", "Kadhafi") are recognised without being listed.\n'
            'The dashboard\'s "Add to house names" button calls checks.names.add_canonical_name, which edits '
            "this table.",
            example=[
                {"canonical": "Gaddafi", "variants": ["Qaddafi", "Kadafi"]},
                {"canonical": "al-Kadhimi", "variants": ["al-Kazemi"]},
                {"canonical": "Zelensky", "variants": ["Zelenskyy", "Zelenskiy"]},
            ],
        ),
    ),
)


def _collect_spellings(doc: Document, config: Config) -> dict[str, int]:
    """The document's name spellings, and the groups its check forms (the archive's evidence that two spellings
    are one name, `checks.names.archive`)."""
    return {str(k): int(v) for k, v in {**document_names(doc, config), **document_groups(doc)}.items()}


FAMILY = Family(
    name=NAME,
    category="names",
    check=check,
    rules=rules,
    sections=(SECTION,),
    metrics=metrics,
    archive=ArchiveTable(
        name="names",
        collect=_collect_spellings,
        combine=archive_clusters,
        columns=(
            ("cluster_id", "string"),
            ("canonical", "string"),
            ("spelling", "string"),
            ("documents", "int"),
            ("mentions", "int"),
            ("document_ids", "strings"),
        ),
    ),
)


def __getattr__(name: str):
    """`add_canonical_name` (checks.names.add) loads only when asked for: checking a draft never needs it."""
    if name == "add_canonical_name":
        from checks.names.add import add_canonical_name

        return add_canonical_name
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
