"""Large read-only resources shared by several check families, each loaded once per process on first use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def sphinx_language_model():
    """pocketsphinx's English trigram model (`en-us.lm.bin`, loads in ~0.05 s), or None when it is not installed.

    Used by spelling (context for suggestions) and mistranslation (collocation statistics)."""
    try:
        import pocketsphinx
    except ImportError:
        return None
    path = Path(pocketsphinx.__file__).parent / "model" / "en-us" / "en-us.lm.bin"
    if not path.is_file():
        return None
    return pocketsphinx.NGramModel.readfile(str(path))
