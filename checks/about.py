"""Which Copydesk this is: `--version` on the command line and the server's `software` block say the same."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import metadata
from pathlib import Path


@lru_cache(maxsize=1)
def copydesk_version() -> str:
    """The installed package's version, else the source checkout's pyproject.toml."""
    try:
        return metadata.version("copydesk")
    except metadata.PackageNotFoundError:
        pass
    try:
        project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
    return str(project.get("version", "unknown")) if project.get("name") == "copydesk" else "unknown"
