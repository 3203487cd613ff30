"""Copydesk as a server: `python -m checks serve` answers LanguageTool's HTTP API (`/v2/check`, `/v2/languages`), so
every LanguageTool client (the browser add-on, LibreOffice's extension, LTeX, language_tool_python's remote mode)
shows Copydesk's flags where the editor works, and `/v1/check` answers with Copydesk's own JSON contract.

- protocol.py: LanguageTool's request parameters (plain or annotated text, languages, rule and category filters,
  level) and the shape of its answer (UTF-16 offsets, issue types, categories);
- app.py: the ASGI application (Starlette, run by uvicorn): limits, deadline, overload, API tokens, CORS, a log
  line per request without the text.

Every request runs the one pipeline (checks.pipeline) on one worker thread per process, so a document scores the
same as on the command line; more processes (`[server] workers`) serve requests side by side, each with its own
copy of the models, sharing nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from checks.config import Config, ConfigError, Section, Setting, whole_number

ENV_TOKENS = "COPYDESK_SERVER_TOKENS"  # comma-separated API tokens; added to [server] tokens

SECTIONS = (
    Section(
        "server",
        "The LanguageTool-compatible server (`python -m checks serve`, checks/server/); see docs/integrations.md.",
        (
            Setting("host", "127.0.0.1", "Address to listen on; 0.0.0.0 serves the whole network (set tokens then)."),
            Setting("port", 8081, "Port (LanguageTool's own default, which its clients suggest)."),
            Setting(
                "workers",
                1,
                "Server processes; each loads the models once (about 400 MB) and checks one text at a time.",
            ),
            Setting(
                "max_text_chars",
                20_000,
                "Longest text one request may send, in characters (LanguageTool's public limit); longer: HTTP 413.",
            ),
            Setting(
                "max_request_bytes",
                1_000_000,
                "Largest request body, in bytes (form encoding can make a text several times longer); larger: "
                "HTTP 413 before it is read.",
            ),
            Setting(
                "deadline_seconds",
                30,
                "A check that takes longer is answered with HTTP 503 naming this key (the work is bounded by "
                "max_text_chars, so this only happens on an overloaded machine).",
            ),
            Setting(
                "max_waiting",
                8,
                "Requests a process holds while it checks another; one more is answered at once with HTTP 503.",
            ),
            Setting(
                "cors_origins",
                [],
                'Web origins allowed to call the server from a page (CORS), e.g. ["*"] or '
                '["https://cms.example.org"]; browser add-ons do not need it.',
            ),
            Setting(
                "tokens",
                [],
                "API tokens for a shared server: when any is set (here or in COPYDESK_SERVER_TOKENS, comma-"
                "separated), a check needs one, as `Authorization: Bearer <token>` or the `apiKey` parameter "
                "(LanguageTool clients' API key field); without it: HTTP 401.",
            ),
        ),
    ),
)


_DEFAULT = {setting.key: setting.default for setting in SECTIONS[0].settings}  # one place for each default
_WHOLE_NUMBERS = ("port", "workers", "max_text_chars", "max_request_bytes")  # each at least 1


@dataclass(frozen=True)
class ServerSettings:
    """The [server] table, checked."""

    host: str = _DEFAULT["host"]
    port: int = _DEFAULT["port"]
    workers: int = _DEFAULT["workers"]
    max_text_chars: int = _DEFAULT["max_text_chars"]
    max_request_bytes: int = _DEFAULT["max_request_bytes"]
    deadline_seconds: float = _DEFAULT["deadline_seconds"]
    max_waiting: int = _DEFAULT["max_waiting"]
    cors_origins: tuple[str, ...] = tuple(_DEFAULT["cors_origins"])
    tokens: frozenset[str] = frozenset(_DEFAULT["tokens"])

    @classmethod
    def from_config(cls, config: Config) -> ServerSettings:
        section = config.section("server")
        where = f"{config.path or 'house style'}: [server]"
        numbers = {key: whole_number(config, "server", key, _DEFAULT[key], 1) for key in _WHOLE_NUMBERS}
        waiting = whole_number(config, "server", "max_waiting", _DEFAULT["max_waiting"], 0)
        deadline = section.get("deadline_seconds", _DEFAULT["deadline_seconds"])
        if not isinstance(deadline, int | float) or isinstance(deadline, bool) or deadline <= 0:
            raise ConfigError(f"{where} deadline_seconds must be a positive number, not {deadline!r}")
        origins = _strings(section.get("cors_origins", _DEFAULT["cors_origins"]), f"{where} cors_origins")
        tokens = _strings(section.get("tokens", _DEFAULT["tokens"]), f"{where} tokens")
        from_environment = [t.strip() for t in os.environ.get(ENV_TOKENS, "").split(",") if t.strip()]
        return cls(
            host=str(section.get("host", _DEFAULT["host"])),
            max_waiting=waiting,
            deadline_seconds=float(deadline),
            cors_origins=tuple(origins),
            tokens=frozenset([*tokens, *from_environment]),  # a new set: the house style's list is not extended
            **numbers,
        )


def _strings(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings, not {value!r}")
    return value
