"""The user's dictionary: `[dictionary] words` of the house-style file, which the check never flags."""

from __future__ import annotations

from pathlib import Path

from checks.config import update_house_style


def add_to_dictionary(config_path, word: str) -> Path:
    """Add a word to `[dictionary] words` of the house-style file (created when missing); returns the path.
    For the dashboard's "Add to dictionary"; a word already there (in any case) is not added twice."""
    word = word.strip()
    if not word or any(c.isspace() for c in word):
        raise ValueError(f"not a single word: {word!r}")

    def add(data: dict) -> None:
        words = data.setdefault("dictionary", {}).setdefault("words", [])
        if word.lower() not in {w.lower() for w in words}:
            words.append(word)

    return update_house_style(config_path, add)
