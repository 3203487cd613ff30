"""The dashboard's "Add to house names": a canonical spelling and its variants written into the `[names]` table of
a house-style file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from checks.config import update_house_style
from checks.names.house import NAME


def add_canonical_name(config_path, canonical: str, variants: Iterable[str] = ()) -> Path:
    """The dashboard's "Add to house names": make `canonical` a house spelling with `variants` listed under it.

    Extends the entry when the canonical is already listed; takes the variants (and the canonical) off any other
    entry; an entry whose canonical becomes a variant here is merged into this one, its variants kept. Creates the
    file when it does not exist (other sections of an existing file are kept); returns the file's path."""
    canonical = canonical.strip()
    if not canonical:
        raise ValueError("a canonical name is required")
    wanted = [v.strip() for v in variants if v.strip() and v.strip().casefold() != canonical.casefold()]
    return update_house_style(config_path, lambda data: _merge(data.setdefault(NAME, {}), canonical, wanted))


def _merge(section: dict, canonical: str, wanted: list[str]) -> None:
    """Make `canonical` a house entry of the [names] table `section` with the `wanted` variants (see above)."""
    moved = {v.casefold() for v in wanted}
    target: dict[str, Any] = {"canonical": canonical, "variants": []}
    own, merged, kept = [], [], []
    for old in section.get("house", []):
        entry = {**old, "variants": list(old.get("variants", []))}
        name = entry.get("canonical", "").casefold()
        if name == canonical.casefold():
            own = entry["variants"]
            target = {**entry, "canonical": canonical, "variants": []}
            kept.append(target)
        elif name in moved:  # its canonical becomes a variant here: merge it in
            merged.extend(entry["variants"])
        else:
            kept.append(entry)
    if not any(entry is target for entry in kept):
        kept.append(target)
    seen = {canonical.casefold()}
    for variant in own + wanted + merged:
        if variant.casefold() not in seen:
            seen.add(variant.casefold())
            target["variants"].append(variant)
    for entry in kept:
        if entry is not target:
            entry["variants"] = [v for v in entry["variants"] if v.casefold() not in seen]
    section["house"] = kept
