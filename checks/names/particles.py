"""Name words and their particles: a hyphenated particle split off its word ("al-Kadhimi"), a particle normalised
("Al-" -> "al") and its family (al/el, bin/ibn), and a collected spelling split into name words."""

from __future__ import annotations

import re

from checks.names.keys import name_data

_HYPHENS = "-‐‑"
_HYPHEN_SPLIT_RE = re.compile(rf"[{_HYPHENS}]")
# the name word after the particles may open with an ayn mark: "Bin-'Abdullah", "al-‘Ali"
_HYPHEN_PARTICLE_RE = re.compile(rf"^((?:[^\W\d_]{{1,4}}[{_HYPHENS}])+)(['‘’`ʿ]?[^\W\d_].*)$")


def _split_hyphen_particle(word: str) -> tuple[str, str] | None:
    """("al-", "Kadhimi") for "al-Kadhimi", ("Abu-al-", "Khayr") for "Abu-al-Khayr"; None for "Iran-backed"."""
    match = _HYPHEN_PARTICLE_RE.match(word)
    if not match or not match.group(2).lstrip("'‘’`ʿ")[:1].isupper():
        return None
    if any(part[:1].islower() for part in _HYPHEN_SPLIT_RE.split(match.group(2))):
        return None  # "al-Qaeda-linked" is an adjective
    particles = _HYPHEN_SPLIT_RE.split(match.group(1))[:-1]
    if all(p.lower() in name_data().hyphen_particles for p in particles):
        return match.group(1), match.group(2)
    return None


def particle_key(raw: str) -> str:
    """A particle as written, normalised for comparison: "Al-" and "al " -> "al", "Abu-al-" -> "abu-al"."""
    return "-".join(w.lower() for w in re.findall(r"[^\W\d_]+", raw))


def particle_family(particle: str) -> str:
    """Particles that are spellings of one word share a family: al/el/ul/ash/ad (the article), bin/ben/ibn,
    abu/abou; "bin Ali" and "al-Ali" are different names, "el-Zomor" and "al-Zomor" one name."""
    families = name_data().particle_families
    return "-".join(families.get(word, word) for word in particle.split("-"))


def _parse_spelling(spelling: str) -> list[str]:
    """The name words of one collected spelling, particles attached: "Usama bin Laden" -> ["Usama", "bin Laden"]."""
    data = name_data()
    words, pending = [], []
    parts = spelling.split()
    for i, part in enumerate(parts):
        lower = part.lower()
        if (
            i < len(parts) - 1
            and lower in data.word_particles
            and (part.islower() or lower in data.capitalised_particles)
        ):
            pending.append(part)
            continue
        words.append(" ".join([*pending, part]))
        pending = []
    return words
