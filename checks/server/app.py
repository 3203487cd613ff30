"""The ASGI application: Starlette routes, run by uvicorn (`python -m checks serve`).

- `GET /v2/languages`, `GET`/`POST /v2/check`: LanguageTool's API (checks/server/protocol.py);
- `POST /v1/check`: Copydesk's own JSON contract (`{"documents": [...]}`, as `python -m checks check --format
  json`), for scripts: a form or a JSON body with `text` (and optionally `source`);
- `GET /health`: "ok" once the models are loaded.

Each process checks one text at a time on its own worker thread (the models are not shared between threads);
requests beyond `[server] max_waiting` get 503 at once, a check past `deadline_seconds` gets 503, a body over
`max_request_bytes` gets 413 before it is read. With `[server] tokens` a check needs a token. A log line per
request names the method, path, status, size and time, never the text.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from checks import judge, lm
from checks.about import copydesk_version
from checks.config import Config, load_config
from checks.document import Document
from checks.formats import escape_controls, report_json
from checks.pipeline import Report, check_document
from checks.server import ServerSettings
from checks.server.protocol import (
    BadRequest,
    answer,
    languages,
    parse_check,
    refuse_unpaired_surrogates,
    request_config,
)

log = logging.getLogger("checks.server")

ENV_OPTIONS = "COPYDESK_SERVE_OPTIONS"  # how `serve` hands the house style to uvicorn's worker processes
MAX_FIELDS = 64  # form fields per request: LanguageTool's clients send about ten

# Checks one document: (text, source, house style) -> (the analysed document, its report). A parameter so that a
# test can hold a check to see overload and deadlines; the server always runs checks.pipeline's.
Checker = Callable[[str, str, Config], tuple[Document, Report]]


def run_pipeline(text: str, source: str, config: Config) -> tuple[Document, Report]:
    doc = Document(text, source)
    return doc, check_document(doc, config)


WARM_UP = "The minister assisted at the funeral on Tuesday, where the troops answered with keen fire."


def warm_up(checker: Checker, config: Config) -> None:
    """Load every resource before the first request: a first check that needs the tagger and the rule data, and
    the judge's model when the judge is on (a missing model is said by each check's status, as on the command
    line)."""
    if judge.settings(config).enabled:
        with contextlib.suppress(lm.Unavailable):
            lm.scorer()
    checker(WARM_UP, "<start>", config)


def software() -> dict:
    """The answer's `software` block: who answered (clients show it in their logs)."""
    version = copydesk_version()
    return {"name": "Copydesk", "version": version, "buildDate": None, "apiVersion": 1, "premium": False, "status": ""}


class Gate:
    """One check at a time on the process's worker thread; up to `max_waiting` more wait their turn, further
    requests are refused (503) instead of queueing without end."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-check")
        self.admitted = 0  # running + waiting; only touched on the event loop's thread

    async def run(self, deadline: float, work: Callable[[], tuple[Document, Report]]) -> tuple[Document, Report]:
        if self.admitted > self.max_waiting:  # one running, max_waiting waiting
            raise BadRequest(503, "Error: Server overloaded, please try again later")
        self.admitted += 1
        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        future.add_done_callback(lambda _: self._release())  # a check past its deadline still holds its place
        try:
            return await asyncio.wait_for(asyncio.shield(future), deadline)
        except TimeoutError:
            raise BadRequest(
                503, f"Error: Checking took longer than {deadline:g} s ([server] deadline_seconds); try again later"
            ) from None

    def _release(self) -> None:
        self.admitted -= 1


def create_app(config: Config, settings: ServerSettings | None = None, checker: Checker = run_pipeline) -> Starlette:
    """The application for one process: resources are loaded once at start-up (a first check), then shared by
    every request of this process; nothing is shared between processes."""
    settings = settings or ServerSettings.from_config(config)
    gate = Gate(settings.max_waiting)

    async def check_v2(request: Request, params: dict[str, str]) -> Response:
        parsed = parse_check(params, settings.max_text_chars)
        doc, report = await _check(parsed.text.checked, "<request>", request_config(config, parsed))
        found = answer(parsed, doc, report, software())
        request.state.size = f"chars={len(parsed.text.sent)} matches={len(found['matches'])}"
        return JSONResponse(found)

    async def check_v1(request: Request, params: dict[str, str]) -> Response:
        text = params.get("text")
        if not isinstance(text, str):
            raise BadRequest(400, "Error: Missing 'text' parameter")
        refuse_unpaired_surrogates(text)
        if len(text) > settings.max_text_chars:
            raise BadRequest(413, f"Error: Your text exceeds the limit of {settings.max_text_chars} characters")
        _, report = await _check(text, str(params.get("source") or "<request>"), config)
        request.state.size = f"chars={len(text)} flags={len(report.issues)}"
        return JSONResponse({"documents": [report_json(report)]})  # as `check --format json`

    async def _check(text: str, source: str, house: Config) -> tuple[Document, Report]:
        return await gate.run(settings.deadline_seconds, lambda: checker(text, source, house))

    async def list_languages(request: Request) -> Response:
        return JSONResponse(languages())

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    @asynccontextmanager
    async def lifespan(app: Starlette):
        await asyncio.get_running_loop().run_in_executor(gate.executor, warm_up, checker, config)
        log.info("copydesk server ready")
        yield
        gate.executor.shutdown(wait=False, cancel_futures=True)

    routes = [
        Route("/v2/check", _guarded(check_v2, settings), methods=["GET", "POST"]),
        Route("/v1/check", _guarded(check_v1, settings), methods=["POST"]),
        Route("/v2/languages", list_languages, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
    ]
    middleware = [Middleware(RequestLog)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _guarded(handler: Callable[[Request, dict[str, str]], Awaitable[Response]], settings: ServerSettings):
    """A check endpoint: its parameters read within the limits, the token asked for when the server has any, and
    refusals answered as LanguageTool answers them (plain text "Error: ...", with the status)."""

    async def endpoint(request: Request) -> Response:
        try:
            params = await _params(request, settings)
            if settings.tokens and not _has_token(request, params, settings.tokens):
                raise BadRequest(401, "Error: This server needs an API token (Authorization: Bearer, or apiKey)")
            return await handler(request, params)
        except BadRequest as refused:
            headers = {"X-Content-Type-Options": "nosniff"}  # a refusal may quote the request: never run as HTML
            return PlainTextResponse(refused.message, status_code=refused.status, headers=headers)

    return endpoint


def _has_token(request: Request, params: dict[str, str], tokens: frozenset[str]) -> bool:
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header.lower().startswith("bearer ") else params.get("apiKey", "")
    return bool(given) and any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens)


async def _params(request: Request, settings: ServerSettings) -> dict[str, str]:
    """The query string's parameters and the body's (a form, or a JSON object for /v1), the body read only up to
    `max_request_bytes`."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params
    body = await _body(request, settings.max_request_bytes)
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(400, "Error: the request body is not UTF-8") from exc
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            fields = json.loads(decoded)
        except ValueError as exc:
            raise BadRequest(400, f"Error: the request body is not valid JSON: {exc}") from exc
        if not isinstance(fields, dict):
            raise BadRequest(400, "Error: the JSON body must be an object")
        params.update({k: v for k, v in fields.items() if isinstance(v, str)})
        return params
    try:
        fields = parse_qsl(decoded, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
        params.update(fields)  # errors="strict": a %-escape that is not UTF-8 is refused, never replaced
    except ValueError as exc:
        raise BadRequest(400, f"Error: the form cannot be read: {exc}") from exc
    return params


async def _body(request: Request, limit: int) -> bytes:
    too_large = BadRequest(413, f"Error: the request is larger than {limit} bytes ([server] max_request_bytes)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


class RequestLog:
    """One log line per request: method, path (never the query string, which can hold the text), status, size and
    milliseconds."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, logged = time.perf_counter(), [500], [False]

        def write() -> None:
            logged[0] = True
            size = scope.get("state", {}).get("size", "")
            elapsed = (time.perf_counter() - started) * 1000
            path = escape_controls(scope["path"][:200])  # the client chose it: no terminal escapes in the log
            log.info("%s %s %d %s%.0f ms", scope["method"], path, status[0], f"{size} " * bool(size), elapsed)

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                write()  # before the last byte leaves: the line is in the log when the client has its answer
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if not logged[0]:  # the application failed before answering
                write()


# ------------------------------------------------------------------------------------------------ running


def app_from_environment() -> Starlette:
    """uvicorn's factory in each worker process: the house style and flags `serve` put in COPYDESK_SERVE_OPTIONS."""
    options = json.loads(os.environ.get(ENV_OPTIONS, "{}"))
    config = load_config(options.get("config"), offline=bool(options.get("offline")))
    return create_app(config.with_fast(bool(options.get("fast"))))


def serve(config_path: str | None, offline: bool, fast: bool, host: str | None, port: int | None) -> None:
    """Run the server until interrupted (the command line's `serve`)."""
    import uvicorn

    config = load_config(config_path, offline=offline)
    settings = ServerSettings.from_config(config)
    os.environ[ENV_OPTIONS] = json.dumps({"config": config_path, "offline": offline, "fast": fast})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    uvicorn.run(
        "checks.server.app:app_from_environment",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=settings.workers,
        access_log=False,  # uvicorn's access log prints the query string, which can hold the user's text
        log_level="info",
    )
