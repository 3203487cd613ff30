"""The command line: `python -m checks check|fix|rules|batch|build-reference|regenerate-data`.

Exit codes: 0 when nothing is flagged at or above --fail-on, 1 when something is, 2 on a usage or input error
(unreadable files are reported on stderr and the other files are still checked).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from checks.flags import CATEGORIES, SEVERITY_RANK, Flag
from checks.formats import format_text, rules_markdown, write_csv

EXIT_OK, EXIT_FLAGGED, EXIT_ERROR = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="house-style TOML file (default: see README, 'House style')")
    parser.add_argument("--offline", action="store_true", help="guarantee no network access of any kind")


def _fast(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fast", action="store_true", help="skip the model judge (the language model that vets mistranslations)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checks", description="Copydesk: check English news copy.")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check documents and report flags")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files to check; - reads standard input")
    check.add_argument("--format", choices=("text", "json", "csv"), default="text")
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "info"),
        default="warning",
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    _common(check)
    _fast(check)

    fix = sub.add_parser("fix", help="print the text with suggested fixes applied")
    fix.add_argument("path", metavar="PATH", help="file to fix; - reads standard input")
    chosen = fix.add_mutually_exclusive_group()
    chosen.add_argument("--rules", help="comma-separated rule ids to apply (default: all)")
    chosen.add_argument("--categories", help=f"comma-separated categories to apply: {', '.join(CATEGORIES)}")
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
        "regenerate-data", help="rewrite generated data (inflections, docs/rules.md, samples/copydesk.toml, siblings)"
    )
    _common(regen)
    return parser


def _worst(flags: Sequence[Flag]) -> int:
    return max((SEVERITY_RANK[f.severity] for f in flags), default=-1)


def _load(args):
    from checks.config import load_config

    return load_config(args.config, offline=args.offline).with_fast(getattr(args, "fast", False))


def cmd_check(args) -> int:
    from checks.archives import Limits
    from checks.inputs import InputError, read_document
    from checks.pipeline import Report, check_text

    config = _load(args)
    max_bytes = Limits.from_config(config).max_member_bytes  # the same one-document limit as `batch`
    reports, had_error = [], False
    for path in args.paths:
        try:
            decoded = read_document(path, max_bytes=max_bytes)
        except InputError as exc:
            print(f"copydesk: {exc}", file=sys.stderr)
            reports.append(Report(source=path, text="", error=str(exc)))
            had_error = True
            continue
        report = check_text(decoded.text, source=path, config=config)
        for name, status in report.status.get("failed_checks", {}).items():
            print(f"copydesk: {path}: check {name} failed: {status}", file=sys.stderr)
        reports.append(report)
    _emit(args.format, reports)
    if had_error:
        return EXIT_ERROR
    worst = max((_worst(r.issues) for r in reports), default=-1)
    return EXIT_FLAGGED if worst >= SEVERITY_RANK[args.fail_on] else EXIT_OK


def _emit(fmt: str, reports) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump({"documents": [r.to_dict() for r in reports]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        write_csv(out, reports)
    else:
        for report in reports:
            for line in format_text(report):
                print(line)
            for name, status in report.status.items():
                if name != "failed_checks":
                    print(f"{report.source}: {name}: {status}", file=sys.stderr)


def cmd_fix(args) -> int:
    from checks.fixes import apply_fixes
    from checks.inputs import InputError, read_document
    from checks.pipeline import check_text

    config = _load(args)
    try:
        decoded = read_document(args.path)
    except InputError as exc:
        print(f"copydesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    categories = _split(args.categories)
    unknown = set(categories or ()) - set(CATEGORIES)
    if unknown:
        print(f"copydesk: unknown categories: {', '.join(sorted(unknown))}", file=sys.stderr)
        return EXIT_ERROR
    report = check_text(decoded.text, source=args.path, config=config, categories=categories)
    rules = _split(args.rules)
    flags = [f for f in report.issues if rules is None or f.rule in rules]
    sys.stdout.write(apply_fixes(report.text, flags))
    return EXIT_OK


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def cmd_rules(args) -> int:
    from checks.registry import all_rules

    rules = all_rules()
    if args.format == "json":
        json.dump(
            [
                {
                    "id": r.id,
                    "category": r.category,
                    "severity": r.severity,
                    "description": r.description,
                    "example": r.example,
                    "source": r.defined_in,
                }
                for r in rules
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(rules_markdown(rules))
    else:
        for r in rules:
            example = f"  e.g. {r.example}" if r.example else ""
            print(f"{r.id}\t{r.category}\t{r.description}{example}")
    return EXIT_OK


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
        print(f"copydesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if progress is not None:
            progress.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK


def cmd_build_reference(args) -> int:
    from checks.reference import main as reference_main

    return reference_main(args)


COMMANDS = {
    "check": cmd_check,
    "fix": cmd_fix,
    "rules": cmd_rules,
    "batch": cmd_batch,
    "build-reference": cmd_build_reference,
    "regenerate-data": cmd_regenerate,
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
    except ConfigError as exc:
        print(f"copydesk: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
