"""The house style: a TOML file with the newsroom's own words, names, disabled rules and targets.

Where it is read from, first found wins:
  1. `--config FILE` on the command line (or `load_config(path)`);
  2. the `COPYDESK_CONFIG` environment variable;
  3. `copydesk.toml` in the current directory;
  4. `$XDG_CONFIG_HOME/copydesk/copydesk.toml` (default `~/.config/copydesk/copydesk.toml`).
With none of them, the built-in defaults apply. `samples/copydesk.toml` documents every key.
Each check family reads its own table (`[readability]`, `[spelling]`, ...) through `Config.section` and declares
its keys as a `Section`; the schema and `samples/copydesk.toml` are built from those declarations.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tomlkit

ENV_VAR = "COPYDESK_CONFIG"

# A dialect (`--dialect`, the server's `language`) onto the house style's [spelling] variant, the one dialect setting
# the checks have. Australian and Canadian spelling follow their own SCOWL lists (checks/data/spelling_dialects.tsv):
# au mostly UK forms but program, ca colour and centre but organize, tire. auto (and plain "en"): the house style's.
DIALECT_VARIANTS = {"en-US": "us", "en-GB": "uk", "en-AU": "au", "en-CA": "ca", "auto": None}


class ConfigError(ValueError):
    """The house-style file cannot be read or has a wrong value; the message names the file and key."""


@dataclass(frozen=True)
class Setting:
    """One house-style key: its built-in value and what it does (samples/copydesk.toml is generated from these)."""

    key: str
    default: Any  # None: no built-in value; the sample file then shows `example`, commented out
    doc: str
    example: Any = None  # shown in the sample file instead of the default


@dataclass(frozen=True)
class Section:
    """One house-style table, declared by the code that reads it (a family, the archive limits, the dashboard)."""

    name: str
    doc: str  # the comment above the table in samples/copydesk.toml
    settings: tuple[Setting, ...]
    footer: str = ""  # a comment after the table's keys

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(s.key for s in self.settings)


# The engine's own tables; the families and the other modules declare theirs (checks.registry.house_sections).
ENGINE_SECTIONS = (
    Section(
        "rules",
        "",
        (
            Setting(
                "disabled",
                [],
                "Rule ids to switch off (see docs/rules.md or `python -m checks rules`); LanguageTool "
                'rules as "LT:<RULE_ID>".',
            ),
            Setting(
                "enabled",
                [],
                "Rules that are off by default to switch on: style preferences no reading makes wrong, such as the "
                "comma after an opening 'However' (docs/rules.md marks them).",
            ),
            Setting(
                "disabled_categories",
                [],
                "Whole categories to switch off: readability, spelling, grammar, mistranslation, names, style.",
            ),
        ),
    ),
    Section(
        "dictionary",
        "",
        (
            Setting(
                "words",
                [],
                "The user's dictionary: never flagged as spelling mistakes (any case). The dashboard's "
                '"Add to dictionary" appends here through checks.spelling.add_to_dictionary(config_path, word).',
                example=["Sadrist", "KazMunayGas", "peshmerga"],
            ),
        ),
    ),
)


def schema() -> dict[str, frozenset[str]]:
    """The house style's tables and their keys. A misspelt table or key is an error that names it, never a setting
    ignored in silence."""
    from checks.registry import house_sections

    return {section.name: section.keys for section in house_sections()}


@dataclass(frozen=True)
class Config:
    data: dict = field(default_factory=dict)
    path: Path | None = None
    offline: bool = False  # set by --offline: no network of any kind (no LanguageTool server)
    fast: bool = False  # set by --fast: no model judge (checks.judge), only the fast checks

    def __post_init__(self) -> None:
        where = self.path or "house style"
        known = schema() if self.data else {}
        for name, value in self.data.items():
            if name not in known:
                raise ConfigError(f"{where}: unknown section [{name}]; known: {', '.join(known)}")
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [{name}] must be a table")
            unknown = sorted(set(value) - known[name])
            if unknown:
                raise ConfigError(f"{where}: [{name}] has unknown keys {unknown}; known: {sorted(known[name])}")

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

    @cached_property
    def enabled_rules(self) -> frozenset[str]:
        """Rules that are off by default, switched on by the house style."""
        return frozenset(self.get("rules", "enabled", []))

    def rule_enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled_rules

    @cached_property
    def user_words(self) -> frozenset[str]:
        """The user's dictionary: words never flagged as spelling mistakes (matched case-insensitively)."""
        return frozenset(w.lower() for w in self.get("dictionary", "words", []))

    def with_offline(self, offline: bool) -> Config:
        return Config(self.data, self.path, offline, self.fast)

    def with_fast(self, fast: bool) -> Config:
        return Config(self.data, self.path, self.offline, fast)


def whole_number(config: Config, section: str, key: str, default: int, least: int) -> int:
    """A house-style key that must be a whole number of at least `least` (true and false are not numbers); a wrong
    value is a ConfigError naming the file, table and key."""
    value = config.get(section, key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < least:
        where = config.path or "house style"
        raise ConfigError(f"{where}: [{section}] {key} must be a whole number of at least {least}, not {value!r}")
    return value


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


def edit_house_style(path: str | os.PathLike, edit: Callable[[tomlkit.TOMLDocument], None]) -> Path:
    """Load the house-style file at `path` (an empty one when it does not exist) keeping its comments and layout,
    let `edit` change the tomlkit document in place, and write the result atomically. An existing file must load
    (the errors are load_config's), and so must the edited one: an unknown table or key, or a value TOML cannot
    hold, is a ConfigError and nothing is written. Returns the path."""
    import uuid

    import tomlkit

    target = Path(path)
    text = ""
    if target.is_file():
        load_config(target)  # a broken file is refused as it would be read, before anything is changed
        text = target.read_bytes().decode("utf-8")  # as it is, line endings included
    document = tomlkit.parse(text)
    edit(document)
    rendered = tomlkit.dumps(document)
    try:
        data = tomllib.loads(rendered)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target}: the edited house style is not valid TOML: {exc}") from exc
    Config(data, target)  # the schema: unknown tables and keys stay errors
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_text(rendered, "utf-8", newline="")  # newline="": the file keeps its own line endings
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _set_values(table, data: dict) -> None:
    """Make a tomlkit table hold exactly `data`, keeping the items (and their comments) whose value is unchanged."""
    for key in [k for k in table if k not in data]:
        del table[key]
    for key, value in data.items():
        current = table.get(key)
        if isinstance(value, dict) and isinstance(current, MutableMapping):
            _set_values(current, value)
            continue
        plain = current.unwrap() if hasattr(current, "unwrap") else current
        if current is None or type(plain) is not type(value) or plain != value:
            table[key] = value


def update_house_style(path: str | os.PathLike, change: Callable[[dict[str, Any]], None]) -> Path:
    """Let `change` edit the house style at `path` as plain data (a deep copy of what load_config reads; empty when
    the file does not exist), then write it back through edit_house_style: what did not change keeps its comments
    and layout. For the dashboard's "Add to dictionary", "Add to house names" and "Disable rule"."""
    import copy

    target = Path(path)
    data = copy.deepcopy(load_config(target).data) if target.is_file() else {}
    change(data)
    return edit_house_style(target, lambda document: _set_values(document, data))
