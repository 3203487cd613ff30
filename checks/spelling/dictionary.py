"""The user's dictionary: `[dictionary] words` of the house-style file, which the check never flags."""

from __future__ import annotations

from pathlib import Path

from checks.config import Config, load_config, save_config


def add_to_dictionary(config_path, word: str) -> Path:
    """Add a word to `[dictionary] words` of the house-style file (created when missing); returns the path.
    For the dashboard's "Add to dictionary"; a word already there (in any case) is not added twice."""
    word = word.strip()
    if not word or any(c.isspace() for c in word):
        raise ValueError(f"not a single word: {word!r}")
    path = Path(config_path)
    config = load_config(path) if path.is_file() else Config(path=path)
    data = dict(config.data)
    section = dict(data.get("dictionary", {}))
    words = list(section.get("words", []))
    if word.lower() not in {w.lower() for w in words}:
        words.append(word)
    section["words"] = words
    data["dictionary"] = section
    return save_config(Config(data, path), path)
