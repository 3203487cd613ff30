"""Spelling: non-words flagged with ranked corrections, and never a name.

News copy is full of foreign names, so a word is suspected only when every name test has failed:
  - acronyms, mixed case (iPhone, al-Kadhimi), words with digits, URLs, e-mail addresses, @handles, #tags, units
    after numbers, words glued to dots or slashes (Amazon.co.uk), quoted mentions ("caro" means), terms being
    introduced (known as elvers), words with foreign letters (Congrès) and foreign-language passages are skipped;
  - a capitalised word inside a sentence is a proper noun, unless it is long, looks like no name, stands in no run
    of capitalised words, and is one cheap slip (swapped, doubled, dropped or vowel letter) from a very common
    word (Brittish, Eurpoean);
  - a capitalised unknown word opening a sentence is a name when the document uses it again, a capitalised word
    follows it, or it looks romanised (kh, dh, q without u, aa, -ov, ...); otherwise it is flagged only when a
    very common word a cheap edit away fits the next word (the n-gram model says so: "Teh minister");
  - in hyphenated tokens a part after a name particle (al-, el-, bin-) or a capital is a name part, parts under
    four letters pass (wi-fi), and other parts are flagged only for cheap slips (well-knwon);
  - lower-case name particles (al, bin, ibn, abu, ahl), words derived from known words (antigovernment, ocelots),
    words in the user's dictionary (`[dictionary] words`) and unknowns the writer repeats with no cheap
    correction are accepted;
  - words of foreign phrases (after en, au, qu'on: en masse, au naturel) and terms glossed in a short bracket
    right after them (stor stark (large strong)) are left alone; a common word split by a stray space (PDF
    ligatures: "fi rst", "diffi culty") is flagged over both halves with the joined word as the fix.

The vocabulary (regeneration.py) is real English: SCOWL's words with wordfreq frequencies, SCOWL's larger lists'
words that real text uses, frequent words no far more frequent word is one edit from, and closed compounds in use
(horsemeat, smokefree); a word codespell records as a common misspelling (Wikipedia's list) stays a typo however
frequent on the web (thier, untill). `error` needs strong evidence: a rare dictionary word beside a common one
(plinks) or a word frequent in use is at most `info`. US and UK forms (dialect.py): `[spelling] variant = "auto"`
(the default) follows the document's own spelling and flags the other dialect's forms as `info`; "au" and "ca"
follow SCOWL's Australian and Canadian lists (spelling_dialects.tsv, dialect_regeneration.py); `[spelling]
consistent = true` flags a word spelt both ways in one text.

Corrections are ranked by a weighted Damerau-Levenshtein cost (cheap: transposed, doubled or vowel letters), the
word's frequency (zipf, from wordfreq) and, through pocketsphinx's English n-gram model, the neighbouring words.
With the model judge on (checks/judge.py; not with `--fast`, `[judge] enabled = false` or `[spelling] context =
false`), a language model reading the sentence re-ranks each typo flag's suggestions (reranking.py): the same flags,
only their suggestions' order may change, and the status line says how many were re-ranked.
The word list is pre-computed (`python -m checks.spelling regenerate`) so it loads in about 0.1 s.
"""

from __future__ import annotations

from checks.config import Section, Setting
from checks.flags import RuleInfo
from checks.registry import Family
from checks.spelling.checker import (  # noqa: F401  (re-exported: the family's public names)
    DEFAULT_VARIANT,
    MAX_FLAGS,
    RULE_MIXED,
    RULE_TYPO,
    RULE_UNKNOWN,
    RULE_VARIANT,
    Settings,
    check,
    judge,
)
from checks.spelling.dictionary import add_to_dictionary  # noqa: F401
from checks.spelling.lexicon import (  # noqa: F401
    LISTS_FILE,
    MAX_WORD_LENGTH,
    VARIANTS_FILE,
    WORDS_FILE,
    Lexicon,
    Variants,
    is_known,
    language_model,
    lexicon,
    looks_like_name,
    variants,
    word_lists,
)
from checks.spelling.ranking import (  # noqa: F401
    CONTEXT_WEIGHT,
    COST_WEIGHT,
    RANK_POOL,
    SPLIT_COST,
    Scored,
    candidates,
    context_logprob,
    edit_cost,
    rank,
)


def rules() -> list[RuleInfo]:
    source = "checks/spelling.py"
    return [
        RuleInfo(
            RULE_TYPO,
            "spelling",
            "A non-word, with corrections ranked by edit cost, frequency and context; "
            "names, acronyms, URLs and the user's dictionary are never flagged.",
            "The goverment said => The government said",
            "error",
            source,
        ),
        RuleInfo(
            RULE_UNKNOWN,
            "spelling",
            "A lower-case word that is in no dictionary and close to no word "
            "(only with [spelling] flag_unknown = true).",
            "",
            "info",
            source,
        ),
        RuleInfo(
            RULE_VARIANT,
            "spelling",
            "A spelling the house dialect does not use: UK in US house style or the reverse, or a form SCOWL's "
            "Australian or Canadian list lacks where it has the other ([spelling] variant; with auto, the other "
            "dialect than the document's own).",
            "the colour of => the color of",
            "info",
            source,
        ),
        RuleInfo(
            RULE_MIXED,
            "spelling",
            "A word spelt both ways in one text (only with [spelling] consistent = true).",
            "The organisation said the organization would act. => The organisation said the organisation would act.",
            "warning",
            source,
        ),
    ]


SECTION = Section(
    "spelling",
    "",
    (
        Setting(
            "variant",
            DEFAULT_VARIANT,
            "The house dialect's spelling: \"auto\" follows the document's own spelling, US or UK (colour, centre: "
            'UK; color, center: US; the status line says which; neither clearly: both accepted); "both" accepts '
            'either; "us" flags UK forms (colour -> color); "uk" flags US forms (color -> colour); "au" and "ca" '
            "follow SCOWL's Australian and Canadian lists: au takes colour, organise, program (programme -> "
            "program); ca takes colour, centre, organize, tire, curb (organise -> organize, tyre -> tire). The "
            "other forms are info flags, never errors.",
        ),
        Setting(
            "consistent",
            False,
            "Flag a word spelt both ways in one text (organisation ... organization), whatever the variant: "
            "the rarer form, with the other as the fix.",
        ),
        Setting(
            "oxford_ize",
            False,
            'With variant = "uk" or "au": accept -ize as Oxford spelling (organize) instead of flagging it for -ise.',
        ),
        Setting(
            "context",
            True,
            "Rank corrections by the neighbouring words too (pocketsphinx n-gram model); false "
            "ranks by spelling alone.",
        ),
        Setting(
            "flag_unknown",
            False,
            "Also flag, as info, lower-case words that are in no dictionary and close to no "
            "word (off: mostly foreign terms).",
        ),
    ),
)

FAMILY = Family(name="spelling", category="spelling", check=check, rules=rules, sections=(SECTION,))


def __getattr__(name: str):
    """`regenerate` (checks.spelling.regeneration) loads only when asked for: checking a draft never needs it."""
    if name == "regenerate":
        from checks.spelling.regeneration import regenerate

        return regenerate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
