"""House style: the `[names]` table read and indexed for look-ups (`house_style`), and the house spelling of a
name word, listed or a close romanisation of a listed one (`_house_canonical`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from checks.config import Config, ConfigError
from checks.names.keys import are_variants, keys
from checks.names.particles import _parse_spelling, _split_hyphen_particle, particle_key

NAME = "names"  # the family's name: its flags' category and its house-style table


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
            raise ConfigError(
                f"{config.path or 'house style'}: [[names.house]] {entry['canonical']!r} has unknown "
                f"keys {sorted(set(entry) - {'canonical', 'variants'})}; known: canonical, variants"
            )
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
