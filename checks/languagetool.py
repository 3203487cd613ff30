"""LanguageTool as an optional second opinion: a remote server, a local one, or off.

Copydesk's own checks always run; this family only adds what a LanguageTool server finds, as ordinary flags whose
rule ids start with `LT:` (a secondary family: the pipeline drops them where one of our flags covers the same
words). It can never hang or break a check: every request has a hard deadline, a server that is down is remembered
for a while so a batch does not wait once per document, and anything unexpected becomes a one-line status instead
of an exception.

Modes (house style `[languagetool] mode`, see samples/copydesk.toml and docs/languagetool.md):
  off     never contact anything;
  remote  POST to `<url>/v2/check` (url from `[languagetool] url` or the COPYDESK_LANGUAGETOOL_URL variable);
  local   start `java -cp languagetool-server.jar org.languagetool.server.HTTPServer` on 127.0.0.1, but only from
          LanguageTool files already on disk (nothing is ever downloaded);
  auto    (default) remote when a url is configured, else local when the files and Java are present, else off.

LanguageTool's JSON offsets count UTF-16 code units (Java strings), so an emoji before a match shifts them by one
per emoji; `Utf16Index` converts them to the code-point offsets every Copydesk flag uses.
"""

from __future__ import annotations

import atexit
import bisect
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from checks.config import Config, Section, Setting
from checks.document import Document
from checks.flags import Flag, RuleInfo, make_flag
from checks.registry import Family, Result

NAME = "languagetool"
RULE_PREFIX = "LT:"
ENV_URL = "COPYDESK_LANGUAGETOOL_URL"
MODES = ("off", "auto", "local", "remote")
DEFAULT_TIMEOUT = 5.0
DEFAULT_LANGUAGE = "en-US"
DEFAULT_MAX_CHARS = 20_000  # the public server's limit per request; longer texts go in paragraph-aligned chunks
DOWN_RETRY_SECONDS = 60.0  # how long a server that failed is skipped before it is tried again
STARTUP_SECONDS = 60.0  # a local server that is still loading is not remembered as down
MAX_SUGGESTIONS = 5
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")

# LanguageTool's issue types (and, as a fallback, its category ids) mapped to our categories.
_ISSUE_CATEGORY = {
    "misspelling": "spelling",
    "grammar": "grammar",
    "duplication": "grammar",
    "inconsistency": "style",
    "typographical": "style",
    "whitespace": "style",
    "style": "style",
    "register": "style",
    "locale-violation": "style",
    "terminology": "style",
    "mistranslation": "mistranslation",
    "untranslated": "mistranslation",
}
_LT_CATEGORY = {"TYPOS": "spelling", "GRAMMAR": "grammar", "CONFUSED_WORDS": "grammar", "COLLOCATIONS": "grammar"}


class LanguageToolUnavailable(Exception):
    """The server could not be asked or gave no usable answer; the message is shown in the status line."""


@dataclass(frozen=True)
class Settings:
    mode: str = "auto"
    url: str | None = None
    url_source: str = ""  # where the url came from, for the status line
    timeout: float = DEFAULT_TIMEOUT
    language: str = DEFAULT_LANGUAGE
    max_chars: int = DEFAULT_MAX_CHARS


def settings_from(config: Config, environ=None) -> Settings:
    """Read `[languagetool]` from the house style; COPYDESK_LANGUAGETOOL_URL overrides the url."""
    environ = os.environ if environ is None else environ
    section = config.section(NAME)
    mode = str(section.get("mode", "auto")).strip().lower()
    url, source = section.get("url") or None, "[languagetool] url"
    if environ.get(ENV_URL):
        url, source = environ[ENV_URL].strip(), ENV_URL
    try:
        timeout = float(section.get("timeout_seconds", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        timeout = DEFAULT_TIMEOUT
    timeout = min(max(timeout, 0.1), 120.0)
    return Settings(
        mode=mode,
        url=url,
        url_source=source if url else "",
        timeout=timeout,
        language=str(section.get("language", DEFAULT_LANGUAGE)),
        max_chars=int(section.get("max_chars", DEFAULT_MAX_CHARS)),
    )


def check_endpoint(url: str) -> str:
    """`http://host:8081`, `.../v2` or `.../v2/check` all mean the same server: return its /v2/check address."""
    base = url.strip().rstrip("/")
    for suffix in ("/check", "/v2"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base + "/v2/check"


# ---- offsets ---------------------------------------------------------------------------------------------------


class Utf16Index:
    """Convert between UTF-16 code-unit offsets (what LanguageTool's API counts) and code-point offsets into
    `text` (what every Copydesk flag counts): the client reads LanguageTool's answers, the server writes them."""

    def __init__(self, text: str) -> None:
        self._starts: list[int] | None = None
        if _ASTRAL_RE.search(text):
            starts, unit = [], 0
            for ch in text:
                starts.append(unit)
                unit += 2 if ord(ch) > 0xFFFF else 1
            starts.append(unit)
            self._starts = starts

    def to_code_points(self, units: int) -> int:
        if self._starts is None:
            return units
        return bisect.bisect_left(self._starts, units)

    def to_utf16(self, code_points: int) -> int:
        return code_points if self._starts is None else self._starts[code_points]


# ---- talking to a server ---------------------------------------------------------------------------------------

_down_until: dict[str, tuple[float, str]] = {}  # endpoint -> (monotonic time to retry, why it failed)
_state_lock = threading.Lock()


def _post(endpoint: str, fields: dict, timeout: float, budget: float) -> dict:
    """POST a form to the server and return its JSON, within `timeout` seconds in total (not per socket read)."""
    import urllib.error  # imported here: urllib.request costs ~0.1 s, which a cold `check --offline` should not pay
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode(fields).encode("utf-8")
    request = urllib.request.Request(
        endpoint, data=data, headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    )
    outcome: dict = {}

    def run() -> None:
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                outcome["body"] = response.read(20_000_000)
        except BaseException as exc:  # reported to the caller, never raised in this thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="copydesk-languagetool", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise LanguageToolUnavailable(f"no answer within {budget:g} s")
    error = outcome.get("error")
    if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
        raise LanguageToolUnavailable(f"no answer within {budget:g} s")
    if isinstance(error, urllib.error.HTTPError):
        raise LanguageToolUnavailable(f"HTTP {error.code} {error.reason}")
    if isinstance(error, (urllib.error.URLError, OSError)):
        reason = getattr(error, "reason", error)
        raise LanguageToolUnavailable(f"cannot connect ({reason})")
    if error is not None:
        raise LanguageToolUnavailable(f"{type(error).__name__}: {error}")
    try:
        answer = json.loads(outcome["body"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LanguageToolUnavailable("the answer is not LanguageTool JSON") from exc
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise LanguageToolUnavailable("the answer has no 'matches' list")
    return answer


def _chunks(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most max_chars, cut after a blank line where possible."""
    if len(text) <= max_chars:
        return [(0, text)]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + max_chars)
        if end < len(text):
            cut = text.rfind("\n\n", start, end)
            if cut <= start:
                cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        pieces.append((start, text[start:end]))
        start = end
    return pieces


def query(text: str, endpoint: str, settings: Settings, disabled: list[str]) -> list[dict]:
    """Every match of the server on `text`, offsets already converted to code points of `text` ("start", "end")."""
    deadline = time.monotonic() + settings.timeout
    found = []
    for offset, piece in _chunks(text, settings.max_chars):
        if not piece.strip():
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LanguageToolUnavailable(f"no complete answer within {settings.timeout:g} s")
        fields = {"text": piece, "language": settings.language}
        if disabled:
            fields["disabledRules"] = ",".join(disabled)
        answer = _post(endpoint, fields, remaining, settings.timeout)
        index = Utf16Index(piece)
        for match in answer["matches"]:
            try:
                start_units, length = int(match["offset"]), int(match["length"])
            except (KeyError, TypeError, ValueError):
                continue
            start = index.to_code_points(start_units)
            end = index.to_code_points(start_units + length)
            if 0 <= start < end <= len(piece):
                found.append({**match, "start": offset + start, "end": offset + end})
    return found


def _as_dict(value) -> dict:
    """A JSON object from the server, or {} for anything else (a server may answer garbage)."""
    return value if isinstance(value, dict) else {}


def to_flag(text: str, match: dict) -> Flag | None:
    rule = _as_dict(match.get("rule"))
    rule_id = str(rule.get("id") or "UNKNOWN")
    issue = str(rule.get("issueType") or "").lower()
    lt_category = _as_dict(rule.get("category"))
    category = _ISSUE_CATEGORY.get(issue) or _LT_CATEGORY.get(str(lt_category.get("id", "")).upper(), "style")
    suggestions = []
    for replacement in match.get("replacements") or ():
        value = replacement.get("value") if isinstance(replacement, dict) else None
        if isinstance(value, str) and value not in suggestions and value != text[match["start"] : match["end"]]:
            suggestions.append(value)
        if len(suggestions) == MAX_SUGGESTIONS:
            break
    message = str(match.get("message") or match.get("shortMessage") or "LanguageTool flags this.")
    return make_flag(
        text,
        match["start"],
        match["end"],
        category=category,
        rule=RULE_PREFIX + rule_id,
        message=message,
        suggestions=tuple(suggestions),
        severity="info" if category == "style" else "warning",
        confidence=0.7,
    )


# ---- a local server from files already on disk -----------------------------------------------------------------


def local_server_jar(environ=None) -> Path | None:
    """languagetool-server.jar from an earlier language_tool_python download (or LTP_JAR_DIR_PATH), or None.

    Looked up without importing or constructing language_tool_python, whose constructor downloads when the files
    are missing (which must never happen here)."""
    environ = os.environ if environ is None else environ
    candidates = []
    if environ.get("LTP_JAR_DIR_PATH"):
        candidates.append(Path(environ["LTP_JAR_DIR_PATH"]) / "languagetool-server.jar")
    base = Path(environ.get("LTP_PATH") or Path.home() / ".cache" / "language_tool_python")
    if base.is_dir():
        candidates.extend(sorted(base.glob("LanguageTool*/languagetool-server.jar"), reverse=True))
    return next((jar for jar in candidates if jar.is_file()), None)


class LocalServer:
    """One LanguageTool server process for this Python process, started on first use and stopped at exit."""

    def __init__(self, jar: Path) -> None:
        self.jar = jar
        self.port = _free_port()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["java", "-cp", str(jar), "org.languagetool.server.HTTPServer", "--port", str(self.port)],
            cwd=str(jar.parent),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        atexit.register(self.stop)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def starting(self) -> bool:
        """LanguageTool needs several seconds to load; until then a refused connection is not a failure."""
        return self.alive() and time.monotonic() - self.started < STARTUP_SECONDS

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


_local: LocalServer | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _local_server(jar: Path) -> LocalServer:
    global _local
    with _state_lock:
        if _local is None or not _local.alive():
            _local = LocalServer(jar)
        return _local


# ---- choosing the mode -----------------------------------------------------------------------------------------


def resolve(settings: Settings, environ=None) -> tuple[str | None, str]:
    """(server base url or None, what the status line says about the mode and why)."""
    if settings.mode not in MODES:
        return None, f"off: unknown [languagetool] mode {settings.mode!r} (use one of {', '.join(MODES)})"
    if settings.mode == "off":
        return None, 'off: [languagetool] mode = "off"'
    if settings.mode in ("remote", "auto") and settings.url:
        return settings.url, f"remote {settings.url} (from {settings.url_source})"
    if settings.mode == "remote":
        return None, f'off: mode "remote" but no url (set [languagetool] url or {ENV_URL})'
    jar = local_server_jar(environ)
    if jar is None:
        why = (
            "no server url and no LanguageTool files on disk"
            if settings.mode == "auto"
            else ('mode "local" but no LanguageTool files on disk')
        )
        return None, f"off: {why} (see docs/languagetool.md)"
    if shutil.which("java") is None:
        return None, f"off: LanguageTool files at {jar.parent} but no java on PATH"
    server = _local_server(jar)
    return server.url, f"local {jar.parent.name} on {server.url}"


def check(doc: Document, config: Config) -> Result:
    """LanguageTool's matches as flags; on any trouble no flags and a status line that says why."""
    if config.offline:
        return Result([], "off: --offline")
    try:
        settings = settings_from(config)
        base, mode = resolve(settings)
    except Exception as exc:  # a broken house-style value must not break the check
        return Result([], f"off: {type(exc).__name__}: {exc}")
    if base is None:
        return Result([], mode)
    endpoint = check_endpoint(base)
    now = time.monotonic()
    with _state_lock:
        down = _down_until.get(endpoint)
    if down and now < down[0]:
        return Result(
            [],
            (f"{mode}: skipped, server unavailable ({down[1]}); retry in {down[0] - now:.0f} s; offline results only"),
        )
    disabled = sorted(r[len(RULE_PREFIX) :] for r in config.disabled_rules if r.startswith(RULE_PREFIX))
    started = time.perf_counter()
    try:
        matches = query(doc.text, endpoint, settings, disabled)
    except LanguageToolUnavailable as exc:
        if _local is not None and base == _local.url and _local.starting():
            return Result([], f"{mode}: still starting ({exc}); offline results only")
        with _state_lock:
            _down_until[endpoint] = (time.monotonic() + DOWN_RETRY_SECONDS, str(exc))
        return Result([], f"{mode}: unavailable ({exc}); offline results only")
    with _state_lock:
        _down_until.pop(endpoint, None)
    user_words = config.user_words
    flags = []
    for match in matches:
        flag = to_flag(doc.text, match)
        if flag is None or (flag.category == "spelling" and flag.text.lower() in user_words):
            continue
        flags.append(flag)
    elapsed = time.perf_counter() - started
    return Result(flags, f"{mode}: {len(flags)} matches in {elapsed:.2f} s")


def forget_failures() -> None:
    """Forget which servers were down (tests; a user who has just started a server)."""
    with _state_lock:
        _down_until.clear()


def rules() -> list[RuleInfo]:
    return [
        RuleInfo(
            "LT:*",
            "grammar",
            "Matches from a LanguageTool server (optional; see docs/languagetool.md), rule id 'LT:' + LanguageTool's "
            "rule id, category from its issue type; dropped where a Copydesk flag covers the same words.",
            "",
            "warning",
            "checks/languagetool.py",
        )
    ]


SECTION = Section(
    "languagetool",
    "House-style keys of the LanguageTool backend (checks/languagetool.py); see docs/languagetool.md.\nCopydesk's own "
    'checks always run; LanguageTool only adds flags (rule ids "LT:<RULE_ID>") where ours found nothing.',
    (
        Setting(
            "mode",
            "auto",
            '"auto" (default): remote when a url is set (here or in COPYDESK_LANGUAGETOOL_URL), '
            "else a local server when LanguageTool's files are already on disk and Java is installed, else off. "
            '"off", "local", "remote" force a mode.',
        ),
        Setting(
            "url",
            None,
            "A LanguageTool server; /v2/check is added. The COPYDESK_LANGUAGETOOL_URL environment "
            "variable overrides this.",
            example="http://localhost:8081",
        ),
        Setting(
            "timeout_seconds",
            DEFAULT_TIMEOUT,
            "Hard limit for one document's answer; after it the offline "
            "results are returned alone, and a server that failed is not asked again for 60 s.",
        ),
        Setting("language", DEFAULT_LANGUAGE, "LanguageTool's language code."),
        Setting(
            "max_chars",
            DEFAULT_MAX_CHARS,
            "Longer texts are sent in paragraph-aligned pieces of at most this "
            "many characters (the public server's limit).",
        ),
    ),
    footer="Single LanguageTool rules are switched off like ours, in [rules] disabled, e.g. "
    '"LT:UPPERCASE_SENTENCE_START".',
)

FAMILY = Family(name=NAME, category=None, check=check, rules=rules, sections=(SECTION,), secondary=True, offline=False)
