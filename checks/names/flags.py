"""The flags: every minority spelling of a group, a house-style spelling, a particle written two ways and an
unintroduced variant, each with its suggestion in the casing its position needs; `check` gathers them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checks.config import Config
from checks.document import OPENERS, Document
from checks.flags import Flag, RuleInfo, make_flag
from checks.names.grouping import (
    Context,
    Introduced,
    Spelling,
    _spellings,
    different_people,
    full_name_variants,
    h_only_variants,
    unintroduced_variants,
    variant_groups,
)
from checks.names.house import NAME, HouseName, HouseStyle, _house_canonical, house_style
from checks.names.joined import joined_names
from checks.names.keys import fold, glued_short, unglued, variant_cost
from checks.names.mentions import Mention, Unit, find_mentions
from checks.names.particles import particle_family, particle_key
from checks.registry import Result

RULE_VARIANT = "names.variant-spelling"
RULE_HOUSE = "names.house-spelling"
RULE_UNINTRODUCED = "names.unintroduced-variant"

_PARTICLE_PIECES_RE = re.compile(r"[^\W\d_]+|[^\w]+")


def _cased_like(word: str, model: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word[:1].lower() + word[1:]


def _starts_sentence(doc: Document, unit: Unit) -> bool:
    sentence = doc.sentence_at(unit.start)
    return sentence is not None and not doc.text[sentence.start : unit.start].strip("".join(OPENERS) + " ")


def _render(doc: Document, unit: Unit, canonical_core: str, particle: str | None = None) -> str:
    """The canonical spelling written the way this position needs: the position's own separator and casing kept
    ("Al-Khadimi" -> "Al-Kadhimi" at a sentence start), the canonical particle when there is one."""
    raw = doc.text[unit.start : unit.core_start]
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
    replaced = iter(_cased_like(w, old) for w, old in zip(wanted, words, strict=True))
    return "".join(next(replaced) if p[0].isalpha() else p for p in pieces) + core


def _display(entry: Spelling) -> str:
    return entry.written.most_common(1)[0][0]


def _flag(doc: Document, unit: Unit, suggestion: str, rule: str, message: str, confidence: float) -> Flag:
    return make_flag(
        doc.text,
        unit.start,
        unit.end,
        category=NAME,
        rule=rule,
        message=message,
        suggestions=(suggestion,),
        severity="warning",
        confidence=confidence,
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
            if suggestion != doc.text[unit.start : unit.end] and not (same and _same_particle(doc, unit, particle)):
                flags.append(_flag(doc, unit, suggestion, rule, message, confidence))
    return flags


def _same_particle(doc: Document, unit: Unit, particle: str | None) -> bool:
    return (
        unit.core_start == unit.start
        or particle is None
        or particle_key(doc.text[unit.start : unit.core_start]) == particle
    )


@dataclass
class _Written:
    """The occurrences of one spelling with one particle ("el-Zomor"), for the person test."""

    units: list[Unit] = field(default_factory=list)
    contexts: set[Context] = field(default_factory=set)
    runs: set[int] = field(default_factory=set)


def _particle_flags(doc: Document, entry: Spelling) -> list[Flag]:
    """One spelling written with different particles of one family ("al-Zomor", "el-Zomor") by what can be one
    person: the minority particle is flagged. A missing particle ("Zomor") is an accepted short form."""
    if len(entry.particles) < 2:
        return []
    written: dict[str, _Written] = {}
    for unit, (run, context) in zip(entry.units, entry.placed, strict=True):
        if unit.core_start == unit.start:
            continue
        item = written.setdefault(particle_key(doc.text[unit.start : unit.core_start]), _Written())
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
    unintroduced.update(h_only_variants(spellings, set(chosen) | set(unintroduced)))
    unintroduced.update(full_name_variants(spellings, set(chosen) | set(unintroduced)))
    for ident, entry in spellings.items():
        if ident in chosen:
            continue
        listed = _house_canonical(entry.core, house)  # a lone spelling the house style writes differently
        if listed is not None:
            flags.extend(_flags_for_group(doc, [entry], listed.core, listed.particle, RULE_HOUSE, listed))
        elif ident in unintroduced:
            target, pair = spellings[unintroduced[ident].ident], unintroduced[ident].pair
            canonical, particle = (
                (pair, None) if pair else (chosen.get(unintroduced[ident].ident) or _own_canonical(target, house))
            )
            shown = pair or f"{_display(target)} ({target.count})"
            flags.extend(_unintroduced_flags(doc, entry, shown, canonical, particle))
        else:
            flags.extend(_particle_flags(doc, entry))
    flags.extend(_joined_flags(doc, mentions, {(f.start, f.end) for f in flags}))
    return Result(sorted(flags, key=lambda f: f.start))


def _joined_flags(doc: Document, mentions: list[Mention], taken: set[tuple[int, int]]) -> list[Flag]:
    """A name written as one word where the text first wrote it as two, or the other way round ("Mohammad Bagher
    Zolghadr ... Mohammadbagher Zolghadr"): the later form is flagged, suggesting the first (`checks.names.joined`)."""
    flags = []
    for use in joined_names(mentions):
        if (use.start, use.end) in taken:
            continue
        taken.add((use.start, use.end))
        suggestion = " ".join(doc.text[use.first_start : use.first_end].split())
        listing = f"{suggestion}, {' '.join(doc.text[use.start : use.end].split())}"
        message = f"This name is written as one word and as two in this text: {listing}. Use one spelling."
        unit = Unit(use.start, use.end, use.start, "", False)
        flags.append(_flag(doc, unit, suggestion, RULE_VARIANT, message, 0.75))
    return flags


# Words before a place, not a person: "into the Thames", "in Margate", "from Malaya to the Yemen"
PLACE_CUES = frozenset(
    {"in", "at", "to", "from", "into", "near", "across", "toward", "towards", "the", "outside", "inside"}
)
_DEMONYM_RE = re.compile(r"(?:ians|eans|ese)$")  # Italians, Koreans, Chinese: peoples, not a name misspelt


def _not_places(doc: Document, spellings: dict[str, Spelling], found: dict[str, Introduced]) -> dict[str, Introduced]:
    """The unintroduced candidates less peoples ("Italians") and those every use of which reads as a place ("the
    Thames" after "Lily James", "in Margate" after "Margaret"): the word before each use decides (see the module
    docstring for why not spaCy's entity recogniser)."""
    return {
        ident: target
        for ident, target in found.items()
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


def _unintroduced_flags(doc: Document, entry: Spelling, shown: str, canonical: str, particle: str | None) -> list[Flag]:
    """Flags on a spelling never introduced that looks like the introduced name `shown` ("Udomdet (2)")."""
    seen = (
        f"{_display(entry)} ({entry.count}) looks like {shown}, and the full names they stand in can be one person's"
        if entry.contexts
        else f"{_display(entry)} ({entry.count}) is never introduced in full in this text and looks like {shown}, "
        "named in full earlier"
    )
    message = f"{seen}. If they are one name, use one spelling."
    flags = []
    for unit in entry.units:
        suggestion = _render(doc, unit, canonical, particle)
        if suggestion != doc.text[unit.start : unit.end]:
            flags.append(_flag(doc, unit, suggestion, RULE_UNINTRODUCED, message, 0.6))
    return flags


def metrics(doc: Document, config: Config) -> dict:
    return {"names_found": len({u.core.casefold() for m in find_mentions(doc) for u in m.units})}


def rules() -> list[RuleInfo]:
    source = "checks/names.py"
    return [
        RuleInfo(
            RULE_VARIANT,
            NAME,
            "One name spelled several ways in the text (transliteration variants); suggests the spelling used most.",
            "al-Kadhimi ... Al-Khadimi => Al-Kadhimi",
            "warning",
            source,
        ),
        RuleInfo(
            RULE_HOUSE,
            NAME,
            "A name the house style ([names] house list) spells differently.",
            "Qaddafi => Gaddafi",
            "warning",
            source,
        ),
        RuleInfo(
            RULE_UNINTRODUCED,
            NAME,
            "A name never introduced in full that looks like one the text named in "
            "full earlier (string similarity beyond the romanisation rules); lower confidence.",
            "Somchai Udomdet ... Udomdech => Udomdet",
            "warning",
            source,
        ),
    ]
