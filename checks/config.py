"""The house style: a TOML file with the newsroom's own words, names, disabled rules and targets.

Where it is read from, first found wins:
  1. `--config FILE` on the command line (or `load_config(path)`);
  2. the `COPYDESK_CONFIG` environment variable;
  3. `copydesk.toml` in the current directory;
  4. `$XDG_CONFIG_HOME/copydesk/copydesk.toml` (default `~/.config/copydesk/copydesk.toml`).
With none of them, the built-in defaults apply. `samples/copydesk.toml` documents every key.
Each check family reads its own table (`[readability]`, `[spelling]`, ...) through `Config.section`.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

ENV_VAR = "COPYDESK_CONFIG"


class ConfigError(ValueError):
    """The house-style file cannot be read or has a wrong value; the message names the file and key."""


# The house style's sections and their keys; samples/copydesk.toml documents every one (a test keeps the two in
# step). A misspelt section or key is an error that names it, never a setting ignored in silence.
SCHEMA: dict[str, frozenset[str]] = {
    "rules": frozenset({"disabled", "disabled_categories"}),
    "dictionary": frozenset({"words"}),
    "spelling": frozenset({"variant", "oxford_ize", "context", "flag_unknown"}),
    "readability": frozenset({"audience", "min_sentence_words", "min_document_words", "adverbs_per_sentence",
                              "worst_sentences", "use_tagger", "audiences", "target_grade", "hard_grade",
                              "very_hard_grade", "long_sentence_words"}),  # an audience's keys apply to all
    "names": frozenset({"accepted", "house"}),
    "mistranslation": frozenset({"statistical", "threshold", "seen_threshold", "reference", "reference_min_count"}),
    "languagetool": frozenset({"mode", "url", "timeout_seconds", "language", "max_chars"}),
    "limits": frozenset({"max_upload_bytes", "max_member_bytes", "max_members", "max_nesting", "max_ratio",
                         "max_archive_bytes"}),
    "review": frozenset({"database", "runs_dir", "false_alarm_threshold", "min_decisions"}),
    "dashboard": frozenset({"max_paste_chars", "check_timeout_seconds", "batch_workers"}),
}


@dataclass(frozen=True)
class Config:
    data: dict = field(default_factory=dict)
    path: Path | None = None
    offline: bool = False  # set by --offline: no network of any kind (no LanguageTool server)

    def __post_init__(self) -> None:
        where = self.path or "house style"
        for name, value in self.data.items():
            if name not in SCHEMA:
                raise ConfigError(f"{where}: unknown section [{name}]; known: {', '.join(SCHEMA)}")
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [{name}] must be a table")
            unknown = sorted(set(value) - SCHEMA[name])
            if unknown:
                raise ConfigError(f"{where}: [{name}] has unknown keys {unknown}; known: {sorted(SCHEMA[name])}")

    def section(self, name: str) -> dict:
        return self.data.get(name, {})  # a table: checked with its keys when the Config was made

    def get(self, section: str, key: str, default: Any = None) -> Any:
        return self.section(section).get(key, default)

    @cached_property  # asked once per candidate match: read the section once
    def disabled_rules(self) -> frozenset[str]:
        return frozenset(self.get("rules", "disabled", []))

    @cached_property
    def disabled_categories(self) -> frozenset[str]:
        return frozenset(self.get("rules", "disabled_categories", []))

    def rule_enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled_rules

    @cached_property
    def user_words(self) -> frozenset[str]:
        """The user's dictionary: words never flagged as spelling mistakes (matched case-insensitively)."""
        return frozenset(w.lower() for w in self.get("dictionary", "words", []))

    def with_offline(self, offline: bool) -> "Config":
        return Config(self.data, self.path, offline)


def default_config_path() -> Path | None:
    """The house-style file that applies when none is given explicitly, or None."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    local = Path("copydesk.toml")
    if local.is_file():
        return local
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    user = base / "copydesk" / "copydesk.toml"
    return user if user.is_file() else None


def load_config(path: str | os.PathLike | None = None, offline: bool = False) -> Config:
    """Read the house style from `path` or the default location; a missing explicit file is an error."""
    chosen = Path(path) if path is not None else default_config_path()
    if chosen is None:
        return Config(offline=offline)
    try:
        data = tomllib.loads(chosen.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"house-style file not found: {chosen}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read house-style file {chosen}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"house-style file {chosen} is not valid TOML: {exc}") from exc
    return Config(data, chosen, offline)


def save_config(config: Config, path: str | os.PathLike | None = None) -> Path:
    """Write the house style back (the dashboard adds dictionary words and names); atomic replace."""
    import tomli_w

    target = Path(path or config.path or "copydesk.toml")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(tomli_w.dumps(config.data), "utf-8")
    os.replace(tmp, target)
    return target
