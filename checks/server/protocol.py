"""LanguageTool's HTTP API, as https://languagetool.org/http-api/ documents it: the request's parameters and the
answer's shape, so its clients need no change.

Offsets: LanguageTool counts UTF-16 code units (Java strings) over everything the client sent, markup included;
Copydesk's flags count code points of the text it checked. `TextMap` maps a flag from the checked text back into
the sent text, and checks.languagetool.Utf16Index counts the units.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from checks.config import DIALECT_VARIANTS, Config
from checks.document import Document
from checks.flags import CATEGORIES, SEVERITY_RANK, Flag
from checks.languagetool import Utf16Index
from checks.pipeline import Report
from checks.registry import all_rules

# The languages served, as /v2/languages lists them (name, code, longCode).
LANGUAGES = (
    ("English", "en", "en"),
    ("English (US)", "en", "en-US"),
    ("English (GB)", "en", "en-GB"),
    ("English (Australian)", "en", "en-AU"),
    ("English (Canadian)", "en", "en-CA"),
)
_NAMES = {long: name for name, _, long in LANGUAGES}


@dataclass(frozen=True)
class LtCategory:
    """How LanguageTool's clients see a Copydesk category: its category id and name, the ITS issue type that picks
    the underline colour (misspelling red, style blue, the rest yellow), and the match's type name."""

    id: str
    name: str
    issue_type: str
    type_name: str


CATEGORY = {
    "spelling": LtCategory("TYPOS", "Possible Typo", "misspelling", "UnknownWord"),
    "grammar": LtCategory("GRAMMAR", "Grammar", "grammar", "Other"),
    "mistranslation": LtCategory("MISTRANSLATION", "Likely mistranslation", "mistranslation", "Other"),
    "names": LtCategory("NAMES", "Name spellings", "inconsistency", "Other"),
    "readability": LtCategory("READABILITY", "Readability", "style", "Hint"),
    "style": LtCategory("STYLE", "Style", "style", "Hint"),
}
assert set(CATEGORY) == set(CATEGORIES)
_CATEGORY_BY_ID = {c.id: name for name, c in CATEGORY.items()} | {name.upper(): name for name in CATEGORIES}

CONTEXT_CHARS = 40  # characters of context on each side of a match, as LanguageTool sends
MAX_REPLACEMENTS = 5


class BadRequest(Exception):
    """A request the server refuses: the HTTP status and LanguageTool's style of message ("Error: ...")."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# ---------------------------------------------------------------------------------------------- the request


class TextMap:
    """Where each character of the checked text stands in what the client sent. Plain text is checked as it is;
    annotated text (`data`) is checked with each markup replaced by its `interpretAs` (default: nothing), and a
    flag is mapped back over the markup, so the offsets point into text and markup together, as LanguageTool's."""

    def __init__(self, pieces: list[tuple[str, str | None]]) -> None:
        """`pieces`: (text, None) for text, (markup, interpretAs) for markup, in order."""
        self._plain: list[int] = []  # where each piece starts in the checked text
        self._sent: list[int] = []  # ... and in the sent text
        self._markup: list[int | None] = []  # a markup piece's length in the sent text; None for text
        checked, sent = [], []
        plain_at = sent_at = 0
        for text, interpret in pieces:
            self._plain.append(plain_at)
            self._sent.append(sent_at)
            shown = text if interpret is None else interpret
            self._markup.append(None if interpret is None else len(text))
            checked.append(shown)
            sent.append(text)
            plain_at += len(shown)
            sent_at += len(text)
        self.checked = "".join(checked)
        self.sent = "".join(sent)

    def start(self, offset: int) -> int:
        """Where a flag starting at `offset` of the checked text starts in the sent text."""
        if offset >= len(self.checked):
            return len(self.sent)
        i = bisect.bisect_right(self._plain, offset) - 1
        return self._sent[i] + (offset - self._plain[i] if self._markup[i] is None else 0)

    def end(self, offset: int) -> int:
        """Where a flag ending at `offset` ends in the sent text (after the markup its last character stands in
        for)."""
        if offset <= 0:
            return 0
        i = bisect.bisect_right(self._plain, offset - 1) - 1
        length = self._markup[i]
        return self._sent[i] + (offset - self._plain[i] if length is None else length)


def plain_text(text: str) -> TextMap:
    return TextMap([(text, None)])


def annotated_text(data: str) -> TextMap:
    """LanguageTool's `data` parameter: {"annotation": [{"text": ...}, {"markup": ..., "interpretAs": ...}]}."""
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        raise BadRequest(400, f"Error: 'data' is not valid JSON: {exc}") from exc
    items = parsed.get("annotation") if isinstance(parsed, dict) else None
    if not isinstance(items, list):
        raise BadRequest(400, "Error: 'data' must be a JSON object with an 'annotation' list")
    pieces: list[tuple[str, str | None]] = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("text"), str) and "markup" not in item:
            pieces.append((item["text"], None))
        elif isinstance(item, dict) and isinstance(item.get("markup"), str):
            interpret = item.get("interpretAs", "")
            if not isinstance(interpret, str):
                raise BadRequest(400, "Error: 'interpretAs' in 'data' must be a string")
            pieces.append((item["markup"], interpret))
        else:
            raise BadRequest(400, "Error: each item of 'data' needs either 'text' or 'markup' (a string)")
    return TextMap(pieces)


@dataclass(frozen=True)
class CheckRequest:
    """One /v2/check request, validated."""

    text: TextMap
    language: str  # as sent: en, en-US, en-GB, en-AU, en-CA or auto
    enabled_rules: frozenset[str] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    enabled_categories: frozenset[str] = frozenset()  # Copydesk category names
    disabled_categories: frozenset[str] = frozenset()
    enabled_only: bool = False
    picky: bool = False

    @property
    def long_code(self) -> str:
        return "en-US" if self.language in ("en", "auto") else self.language


def parse_check(params: Mapping[str, str], max_text_chars: int) -> CheckRequest:
    """Validate /v2/check's parameters (form fields or query string), refusing with LanguageTool's messages."""
    if "text" in params:
        text = plain_text(params["text"])
    elif "data" in params:
        text = annotated_text(params["data"])
    else:
        raise BadRequest(400, "Error: Missing 'text' or 'data' parameter")
    refuse_unpaired_surrogates(text.sent)
    if len(text.sent) > max_text_chars:
        raise BadRequest(
            413,
            f"Error: Your text exceeds the limit of {max_text_chars} characters (it's {len(text.sent)} characters). "
            "Please submit a shorter text.",
        )
    language = params.get("language", "")
    if not language:
        raise BadRequest(400, "Error: Missing 'language' parameter, e.g. language=en-US or language=auto")
    known = {long.lower(): long for _, _, long in LANGUAGES} | {"auto": "auto"}
    if language.lower() not in known:
        served = ", ".join(long for _, _, long in LANGUAGES)
        raise BadRequest(400, f"Error: {language[:40]!r} is not a language this server checks: {served}, auto")
    enabled_only = params.get("enabledOnly", "false").lower() == "true"
    request = CheckRequest(
        text=text,
        language=known[language.lower()],
        enabled_rules=_list(params.get("enabledRules")),
        disabled_rules=_list(params.get("disabledRules")),
        enabled_categories=_categories(params.get("enabledCategories")),
        disabled_categories=_categories(params.get("disabledCategories")),
        enabled_only=enabled_only,
        picky=params.get("level", "default").lower() == "picky",
    )
    if enabled_only and not (request.enabled_rules or request.enabled_categories):
        raise BadRequest(400, "Error: enabledOnly=true needs enabledRules or enabledCategories")
    return request


def refuse_unpaired_surrogates(text: str) -> None:
    """A JSON escape such as \\ud800 gives a string no UTF-8 can hold: refused, rather than answered with an error
    later or changed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(400, f"Error: the text holds an unpaired surrogate at character {exc.start}") from exc


def _list(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


def _categories(value: str | None) -> frozenset[str]:
    """Category ids as LanguageTool's (TYPOS, GRAMMAR, ...) or as ours (spelling, names, ...); unknown ids are
    ignored, as LanguageTool ignores them."""
    return frozenset(_CATEGORY_BY_ID[v.upper()] for v in _list(value) if v.upper() in _CATEGORY_BY_ID)


def request_config(base: Config, request: CheckRequest) -> Config:
    """The house style with the request's choices: its language's spelling variant, its disabled rules and
    categories added (a request can switch checks off; what the house style switched off stays off), and its
    enabled rules switched on where they are off by default (as LanguageTool's enabledRules does)."""
    data = {name: dict(table) for name, table in base.data.items()}
    rules = data.setdefault("rules", {})
    rules["disabled"] = sorted({*rules.get("disabled", []), *request.disabled_rules})
    rules["enabled"] = sorted({*rules.get("enabled", []), *request.enabled_rules})
    rules["disabled_categories"] = sorted({*rules.get("disabled_categories", []), *request.disabled_categories})
    variant = DIALECT_VARIANTS.get(request.language)
    if variant is not None:
        data.setdefault("spelling", {})["variant"] = variant
    return Config(data, base.path, base.offline, base.fast)


def wanted(flag: Flag, request: CheckRequest) -> bool:
    """Whether the request shows this flag: `enabledOnly` keeps only the rules and categories it names; the default
    level leaves out `info` flags (LanguageTool's `picky` level adds them: hard sentences, style hints)."""
    named = flag.rule in request.enabled_rules or flag.category in request.enabled_categories
    if request.enabled_only and not named:
        return False
    return request.picky or SEVERITY_RANK[flag.severity] > SEVERITY_RANK["info"]


# ---------------------------------------------------------------------------------------------- the answer


def languages() -> list[dict]:
    return [{"name": name, "code": code, "longCode": long} for name, code, long in LANGUAGES]


def answer(request: CheckRequest, doc: Document, report: Report, software: dict) -> dict:
    """LanguageTool's answer for a checked document (`doc` is request.text.checked, analysed)."""
    units = Utf16Index(request.text.sent)
    matches = [_match(flag, request.text, doc, units) for flag in report.issues if wanted(flag, request)]
    code = request.long_code
    return {
        "software": software,
        "warnings": {"incompleteResults": bool(report.status.get("failed_checks") or report.status.get("deadline"))},
        "language": {
            "name": _NAMES[code],
            "code": code,
            "detectedLanguage": {"name": _NAMES[code], "code": code, "confidence": 1.0},
        },
        "matches": matches,
        "sentenceRanges": [_range(request.text.start(s.start), request.text.end(s.end), units) for s in doc.sentences],
    }


def _range(start: int, end: int, units: Utf16Index) -> list[int]:
    return [units.to_utf16(start), units.to_utf16(end) - units.to_utf16(start)]


def _match(flag: Flag, text: TextMap, doc: Document, units: Utf16Index) -> dict:
    start, end = text.start(flag.start), text.end(flag.end)
    offset, length = _range(start, max(start, end), units)
    category = CATEGORY[flag.category]
    sentence = doc.sentence_at(flag.start)
    return {
        "message": flag.message,
        "shortMessage": category.name,
        "replacements": [{"value": s} for s in flag.suggestions[:MAX_REPLACEMENTS]],
        "offset": offset,
        "length": length,
        "context": _context(text.sent, start, max(start, end)),
        "sentence": sentence.text if sentence is not None else "",
        "type": {"typeName": category.type_name},
        "rule": {
            "id": flag.rule,
            "description": rule_description(flag),
            "issueType": category.issue_type,
            "category": {"id": category.id, "name": category.name},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def _context(sent: str, start: int, end: int) -> dict:
    """The match with up to CONTEXT_CHARS characters each side, its offset and length counted in UTF-16 units of
    that context, as LanguageTool's."""
    left = max(0, start - CONTEXT_CHARS)
    context = sent[left : min(len(sent), end + CONTEXT_CHARS)]
    units = Utf16Index(context)
    offset, length = _range(start - left, end - left, units)
    return {"text": context, "offset": offset, "length": length}


def rule_description(flag: Flag) -> str:
    """The rule's description from the rule list; the flag's own message for a rule whose description is a message
    template ('{1} {2}': ...) or that is not listed (LanguageTool's own, as a secondary backend)."""
    described = _descriptions().get(flag.rule, "")
    return described if described and "{" not in described else flag.message


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    return {r.id: r.description for r in all_rules()}
