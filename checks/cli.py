"""The command line: `python -m checks check|fix|rules|batch|build-reference|regenerate-data|serve`.

Exit codes: 0 when nothing is flagged at or above --fail-on, 1 when something is, 2 on a usage or input error
(unreadable files are reported on stderr and the other files are still checked). `fix --diff` exits 1 when the
diff is not empty. Every user-supplied string printed for a terminal is escaped (checks.formats.escape_controls).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from typing import Any

from checks.config import DIALECT_VARIANTS
from checks.flags import CATEGORIES, SEVERITIES, SEVERITY_RANK, Flag
from checks.formats import (
    escape_controls,
    escape_controls_in_text,
    format_text,
    github_lines,
    rdjson,
    report_json,
    rules_markdown,
    summary_line,
    write_csv,
)

EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2
CHECK_FORMATS = ("text", "json", "csv", "rdjson", "github")
_TEMPLATE = re.compile(r"\{\d+[^{}]*\}")  # a suggestion template in a rule's description: '{2}ly {3}'


class UsageError(Exception):
    """A wrong option value (an unknown rule id or category); exit code 2."""


def _error(message: object) -> None:
    print(f"copydesk: {escape_controls(str(message))}", file=sys.stderr)


def _split_all(values: list[str] | None) -> list[str]:
    """Values of a repeatable comma-separated option: `--disable a,b --disable c`."""
    return [v.strip() for value in values or () for v in value.split(",") if v.strip()]


class _VersionAction(argparse.Action):
    """`--version`, worked out only when asked for (no metadata scan on every run)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from checks.about import copydesk_version

        print(f"copydesk {copydesk_version()} (Python {sys.version.split()[0]})")
        parser.exit()


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="house-style TOML file (default: see README, 'House style')")
    parser.add_argument("--offline", action="store_true", help="guarantee no network access of any kind")


def _fast(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fast", action="store_true", help="skip the model judge (the language model that vets mistranslations)"
    )


def _dialect(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dialect",
        choices=tuple(DIALECT_VARIANTS),
        default="auto",
        help="spelling variant: en-US flags UK forms, en-GB and en-AU flag US forms, en-CA accepts both; "
        "auto (default) keeps the house style's [spelling] variant",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checks", description="Copydesk: check English news copy.")
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check documents and report flags")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files to check; - reads standard input")
    check.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default="text",
        help="text (default), json (the contract), csv, rdjson (reviewdog), github (Actions annotations)",
    )
    check.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="warning",
        help="lowest severity that makes the exit code 1, shown or not (default: warning)",
    )
    check.add_argument(
        "--min-severity", choices=SEVERITIES, default="info", help="lowest severity to show (default: info, all)"
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output: auto (default) on a terminal unless NO_COLOR is set",
    )
    check.add_argument("--disable", action="append", metavar="IDS", help="comma-separated rule ids to switch off")
    check.add_argument(
        "--enable",
        action="append",
        metavar="IDS",
        help="comma-separated rule ids to switch on: back on where the house style's [rules] disabled lists them, "
        "or a rule that is off by default",
    )
    check.add_argument("--categories", help=f"comma-separated categories to report: {', '.join(CATEGORIES)}")
    _dialect(check)
    _common(check)
    _fast(check)

    fix = sub.add_parser("fix", help="print the text with suggested fixes applied")
    fix.add_argument("path", metavar="PATH", help="file to fix; - reads standard input")
    chosen = fix.add_mutually_exclusive_group()
    chosen.add_argument("--rules", help="comma-separated rule ids to apply (default: all)")
    chosen.add_argument("--categories", help=f"comma-separated categories to apply: {', '.join(CATEGORIES)}")
    fix.add_argument(
        "--diff", action="store_true", help="print a unified diff instead of the text (exit 1 when it is not empty)"
    )
    _dialect(fix)
    _common(fix)
    _fast(fix)

    rules = sub.add_parser("rules", help="list every rule id with its category, description and an example")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    _common(rules)

    batch = sub.add_parser("batch", help="score folders, archives and tables of documents (Dask)")
    batch.add_argument("inputs", nargs="+", metavar="INPUT")
    batch.add_argument("--out", required=True, help="output folder")
    batch.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    batch.add_argument("--scheduler", help="address of an existing Dask scheduler")
    batch.add_argument("--text-column", default="text")
    batch.add_argument("--id-column", default=None)
    batch.add_argument(
        "--include", action="append", default=None, help="glob of files to take from folders and archives (repeatable)"
    )
    batch.add_argument("--csv", action="store_true", help="also write CSV copies of the outputs")
    batch.add_argument("--partition-size", type=int, default=None, help="documents per partition")
    batch.add_argument("--no-progress", action="store_true")
    _common(batch)
    _fast(batch)

    build = sub.add_parser("build-reference", help="build collocation statistics from a clean archive")
    build.add_argument("inputs", nargs="+", metavar="INPUT")
    build.add_argument("--out", required=True, help="reference file to write")
    _common(build)

    regen = sub.add_parser(
        "regenerate-data",
        help="rewrite generated data (inflections, docs/rules.md, samples/copydesk.toml, siblings, tagger weights)",
    )
    _common(regen)

    serve = sub.add_parser("serve", help="answer LanguageTool's HTTP API and /v1/check (docs/integrations.md)")
    serve.add_argument("--host", help="address to listen on (default: [server] host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: [server] port, 8081)")
    _common(serve)
    _fast(serve)
    return parser


def _worst(flags: Sequence[Flag]) -> int:
    return max((SEVERITY_RANK[f.severity] for f in flags), default=-1)


def _load(args):
    from checks.config import load_config

    return load_config(args.config, offline=args.offline).with_fast(getattr(args, "fast", False))


def _house_style(args):
    """The house style with the command line's overrides: --dialect, --disable and --enable (check, fix)."""
    from checks.config import Config

    config = _load(args)
    disable, enable = _split_all(getattr(args, "disable", None)), _split_all(getattr(args, "enable", None))
    variant = DIALECT_VARIANTS[args.dialect]
    if not disable and not enable and variant is None:
        return config
    _check_rule_ids(disable + enable)
    both = sorted(set(disable) & set(enable))
    if both:
        raise UsageError(f"rules both enabled and disabled: {', '.join(both)}")
    data = {name: dict(table) for name, table in config.data.items()}
    if disable or enable:
        rules = data.setdefault("rules", {})
        kept = [r for r in rules.get("disabled", []) if r not in enable]
        rules["disabled"] = kept + [r for r in disable if r not in kept]
        switched_on = [r for r in rules.get("enabled", []) if r not in disable]
        rules["enabled"] = switched_on + [r for r in enable if r not in switched_on]
    if variant is not None:
        data.setdefault("spelling", {})["variant"] = variant
    return Config(data, config.path, config.offline, config.fast)


def _check_rule_ids(ids: list[str]) -> None:
    if not ids:
        return
    from checks.registry import all_rules

    known = {r.id for r in all_rules()}
    unknown = sorted(i for i in set(ids) - known if not i.startswith("LT:"))
    if unknown:
        raise UsageError(f"unknown rule ids: {', '.join(unknown)} (see `python -m checks rules`)")


def _categories(value: str | None) -> list[str] | None:
    categories = _split(value)
    unknown = set(categories or ()) - set(CATEGORIES)
    if unknown:
        raise UsageError(f"unknown categories: {', '.join(sorted(unknown))}; known: {', '.join(CATEGORIES)}")
    return categories


def _use_colour(choice: str, stream) -> bool:
    """--color: always and never are obeyed; auto colours a terminal unless NO_COLOR is set (no-color.org)."""
    if choice != "auto":
        return choice == "always"
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def cmd_check(args) -> int:
    from checks.archives import Limits
    from checks.inputs import InputError, read_document
    from checks.pipeline import Report, check_text

    config = _house_style(args)
    categories = _categories(args.categories)
    max_bytes = Limits.from_config(config).max_member_bytes  # the same one-document limit as `batch`
    reports, had_error = [], False
    for path in args.paths:
        try:
            decoded = read_document(path, max_bytes=max_bytes)
        except InputError as exc:
            _error(exc)
            reports.append(Report(source=path, text="", error=str(exc)))
            had_error = True
            continue
        report = check_text(decoded.text, source=path, config=config, categories=categories)
        if decoded.guessed:  # the text may be wrong where the guess was: say so (checks.inputs)
            report.status["encoding"] = decoded.encoding
        for name, status in report.status.get("failed_checks", {}).items():
            _error(f"{path}: check {name} failed: {status}")
        reports.append(report)
    if args.format != "json":  # the JSON carries each document's status
        _print_statuses(reports)
    shown, hidden = _at_least(reports, args.min_severity)
    _emit(args.format, shown, hidden, _use_colour(args.color, sys.stdout))
    if had_error:
        return EXIT_ERROR
    worst = max((_worst(r.issues) for r in reports), default=-1)
    return EXIT_FLAGGED if worst >= SEVERITY_RANK[args.fail_on] else EXIT_OK


def _at_least(reports: list, min_severity: str) -> tuple[list, int]:
    """The reports with only the flags at or above --min-severity, and how many were left out."""
    floor = SEVERITY_RANK[min_severity]
    shown = [
        dataclasses.replace(r, issues=[f for f in r.issues if SEVERITY_RANK[f.severity] >= floor]) for r in reports
    ]
    return shown, sum(len(r.issues) for r in reports) - sum(len(r.issues) for r in shown)


def _print_statuses(reports: list) -> None:
    """Each status line once per run ("languagetool: off: ..."), naming the files it concerns when not all of
    them (the model judge's counts and a guessed encoding are per document)."""
    checked = [r for r in reports if r.error is None]
    said: dict[tuple[str, str], list[str]] = {}
    for report in checked:
        for name, status in report.status.items():
            if name != "failed_checks":
                said.setdefault((name, str(status)), []).append(report.source)
    for (name, status), sources in said.items():
        _error(f"{name}: {status}{_which_files(sources, len(checked))}")


def _which_files(sources: list[str], checked: int, named: int = 3) -> str:
    """Nothing when every file said it, else the files that did (the first few, and how many more)."""
    if len(sources) == checked:
        return ""
    more = f", and {len(sources) - named} more" if len(sources) > named else ""
    return f" ({', '.join(sources[:named])}{more})"


def _emit(fmt: str, reports: list, hidden: int, colour: bool) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump({"documents": [report_json(r) for r in reports]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        write_csv(out, reports)
    elif fmt == "rdjson":
        json.dump(rdjson(reports), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "github":
        for line in github_lines(reports):
            print(line)
    else:
        for report in reports:
            for line in format_text(report, colour):
                print(line)
        print(summary_line(reports, hidden, colour))


def cmd_fix(args) -> int:
    from checks.fixes import apply_fixes
    from checks.inputs import InputError, read_document
    from checks.pipeline import check_text

    config = _house_style(args)
    categories = _categories(args.categories)
    try:
        decoded = read_document(args.path)
    except InputError as exc:
        _error(exc)
        return EXIT_ERROR
    report = check_text(decoded.text, source=args.path, config=config, categories=categories)
    rules = _split(args.rules)
    flags = [f for f in report.issues if rules is None or f.rule in rules]
    fixed = apply_fixes(report.text, flags)
    if sys.stdout.isatty():  # a terminal shows the text and must not run the control characters in it
        shown = unified_diff(report.text.encode(), fixed.encode(), args.path).decode() if args.diff else fixed
        sys.stdout.write(escape_controls_in_text(shown))
        return EXIT_FLAGGED if args.diff and shown else EXIT_OK
    before, after = _as_written(decoded, flags, fixed, args.path)
    if not args.diff:
        _write_bytes(after)
        return EXIT_OK
    diff = unified_diff(before, after, args.path)
    _write_bytes(diff)
    return EXIT_FLAGGED if diff else EXIT_OK


def _as_written(decoded, flags: list[Flag], fixed: str, path: str) -> tuple[bytes, bytes]:
    """The input's bytes and the fixed bytes `fix` writes: a plain-text file's own encoding and byte-order mark,
    every byte outside the edits as it was read (checks.fixes.fixed_bytes); UTF-8 for standard input and for the
    text extracted from .html and .docx, and, said on stderr, for a fix the file's encoding cannot hold."""
    from checks.fixes import fixed_bytes

    if path != "-" and decoded.data is not None:
        after = fixed_bytes(decoded, flags)
        if after is not None:
            return decoded.data, after
        _error(f"{path}: a fix cannot be written in the file's encoding ({decoded.encoding}); writing UTF-8")
    return decoded.text.encode("utf-8"), fixed.encode("utf-8")


def _write_bytes(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def unified_diff(before: bytes, after: bytes, path: str) -> bytes:
    """A unified diff of two versions of a file's bytes (difflib) that `patch -p0` applies: lines split at LF only
    (a CRLF stays in its line) and GNU diff's marker after a last line without a line break."""
    import difflib

    name = os.fsencode(path)
    lines = difflib.diff_bytes(difflib.unified_diff, _lines(before), _lines(after), name, name)
    return b"".join(line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n" for line in lines)


def _lines(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    return [part + b"\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@dataclasses.dataclass(frozen=True)
class WorkedExample:
    """A rule run on its own example: what an editor would see."""

    text: str  # the example sentence
    fixed: str  # the sentence after the rule's first suggestion ("" when it suggests nothing)
    message: str  # the rule's message on it, templates filled in ("" when it did not fire)


def worked_examples() -> dict[str, WorkedExample]:
    """Each rule with an example, run alone (its family, no model judge, no network, no house style)."""
    from checks.config import Config
    from checks.fixes import apply_fixes
    from checks.patterns import split_example
    from checks.pipeline import check_text
    from checks.registry import all_rules, families

    switched_on = [r.id for r in all_rules() if r.off_by_default]  # every rule shows its example
    config = Config({"rules": {"enabled": switched_on}}, offline=True, fast=True)
    found = {}
    for fam in families():
        for rule in fam.rules():
            if not rule.example:
                continue
            text, documented = split_example(rule.example)
            flags = [f for f in check_text(text, config=config, family_names=[fam.name]).issues if f.rule == rule.id]
            # A rule that needs a house-style setting to fire (spelling.variant) shows its documented fix.
            fixed = apply_fixes(text, flags) if flags else (documented or text)
            found[rule.id] = WorkedExample(text, fixed if fixed != text else "", flags[0].message if flags else "")
    return found


def _readable_description(rule, example: WorkedExample | None) -> str:
    """The description, or where it holds suggestion templates ('{2}ly {3}'), the message on the example."""
    if example is not None and example.message and _TEMPLATE.search(rule.description):
        return example.message
    return rule.description


def cmd_rules(args) -> int:
    from checks.registry import all_rules

    rules = all_rules()
    if args.format == "markdown":
        sys.stdout.write(rules_markdown(rules))
        return EXIT_OK
    examples = worked_examples()
    if args.format == "json":
        json.dump([_rule_json(r, examples.get(r.id)) for r in rules], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rules:
        example = examples.get(r.id)
        shown = f'  e.g. "{example.text}"' if example else (f"  e.g. {r.example}" if r.example else "")
        if example and example.fixed:
            shown += f' → "{example.fixed}"'
        off = "(off by default) " if r.off_by_default else ""
        fields = (r.id, r.category, off + _readable_description(r, example) + shown)
        print("\t".join(escape_controls(field) for field in fields))
    return EXIT_OK


def _rule_json(rule, example: WorkedExample | None) -> dict:
    """A rule in `rules --format json`: the original keys, plus the example as the rule handles it."""
    return {
        "id": rule.id,
        "category": rule.category,
        "severity": rule.severity,
        "description": rule.description,
        "example": rule.example,
        "source": rule.defined_in,
        "off_by_default": rule.off_by_default,
        "example_message": example.message if example else "",
        "example_fixed": example.fixed if example else "",
    }


def cmd_regenerate(args) -> int:
    from checks.generated import regenerate

    for path in regenerate():
        print(f"wrote {path}")
    return EXIT_OK


class TerminalProgress:
    """A progress bar on stderr with documents/s and time left: tqdm when installed, else one updating line."""

    def __init__(self) -> None:
        self._bar: Any = None  # a tqdm bar (untyped) once the first count arrives
        self._started = time.perf_counter()
        self._first: int | None = None
        self._last_print = 0.0
        try:
            from tqdm import tqdm

            self._tqdm = tqdm
        except ImportError:
            self._tqdm = None

    def __call__(self, done: int, total: int | None) -> None:
        if self._tqdm is not None:
            if self._bar is None:
                self._bar = self._tqdm(
                    total=total, initial=done, unit="doc", file=sys.stderr, dynamic_ncols=True, smoothing=0.1
                )
            self._bar.update(done - self._bar.n)
            return
        if self._first is None:
            self._first = done
        now = time.perf_counter()
        if now - self._last_print < 0.5 and done != total:
            return
        self._last_print = now
        rate = (done - self._first) / max(now - self._started, 1e-9)
        left = f", {((total - done) / rate):,.0f} s left" if total and rate > 0 else ""
        sys.stderr.write(
            f"\r{done:,}/{total if total is not None else '?'} documents, {rate:,.1f} documents/s{left}   "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._first is not None:
            sys.stderr.write("\n")


def cmd_batch(args) -> int:
    """`python -m checks batch`: 0 when the run finished (documents that could not be read are counted as errors
    in the summary and in documents.parquet), 2 when it could not run, 130 when interrupted (resumable)."""
    from checks.batch import BatchError, score_archive
    from checks.inputs import InputError

    config = _load(args)
    progress = None if args.no_progress else TerminalProgress()
    try:
        summary = score_archive(
            args.inputs,
            args.out,
            config,
            workers=args.workers,
            scheduler=args.scheduler,
            text_column=args.text_column,
            id_column=args.id_column,
            include=args.include,
            write_csv=args.csv,
            partition_size=args.partition_size,
            progress=progress,
        )
    except (InputError, BatchError) as exc:  # InputError includes ArchiveRefused
        _error(exc)
        return EXIT_ERROR
    finally:
        if progress is not None:
            progress.close()
    for line in summary.lines():
        print(escape_controls(line))
    return EXIT_OK


def cmd_build_reference(args) -> int:
    from checks.reference import main as reference_main

    return reference_main(args)


def cmd_serve(args) -> int:
    from checks.server.app import serve

    serve(args.config, offline=args.offline, fast=args.fast, host=args.host, port=args.port)
    return EXIT_OK


COMMANDS = {
    "check": cmd_check,
    "fix": cmd_fix,
    "rules": cmd_rules,
    "batch": cmd_batch,
    "build-reference": cmd_build_reference,
    "regenerate-data": cmd_regenerate,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    from checks.config import ConfigError

    try:
        return COMMANDS[args.command](args)
    except (ConfigError, UsageError) as exc:
        _error(exc)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
