"""The output formats the command line and the dashboard share: a flag's line and column, the text, JSON, CSV,
reviewdog (rdjson) and GitHub Actions reports, the run's summary line, and the Markdown rule listing
(docs/rules.md). Every user-supplied string meant for a terminal goes through `escape_controls` first."""

from __future__ import annotations

import bisect
import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import IO

from checks.flags import SEVERITIES

CSV_COLUMNS = (
    "source",
    "line",
    "column",
    "start",
    "end",
    "category",
    "rule",
    "severity",
    "confidence",
    "text",
    "message",
    "suggestions",
)
TOOL_NAME = "copydesk"

# Besides the C0 controls: DEL and the C1 controls (CSI and OSC start terminal escape sequences as ESC does), the
# Unicode line and paragraph separators, and the bidirectional marks and overrides that reorder what is shown.
_UNSAFE_OTHER = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE_IN_LINE = re.compile(f"[\x00-\x1f{_UNSAFE_OTHER}]")
_UNSAFE_IN_TEXT = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f{_UNSAFE_OTHER}]")  # keeps \t, \n, \r\n
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[33m", "info": "\x1b[36m", "path": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"
_RDJSON_SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
# Inputs whose lines are the file's own; .html and .docx flags point into their extracted text instead.
_LINE_ADDRESSABLE = frozenset({".txt", ".md", ".markdown", ".text", ""})


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def escape_controls(text: str) -> str:
    """A user-supplied string made safe to print on one line of a terminal: control characters (those that start
    and end terminal escape sequences, line breaks, tabs), Unicode line separators and bidirectional overrides are
    shown as Python-style escapes (`\\x1b`, `\\n`, `\\u202e`); everything else is unchanged."""
    return _UNSAFE_IN_LINE.sub(_escape_one, text)


def escape_controls_in_text(text: str) -> str:
    """`escape_controls` for a whole document shown on a terminal: its line breaks (LF, CRLF) and tabs stay."""
    return _UNSAFE_IN_TEXT.sub(_escape_one, text)


class LineIndex:
    """Lines and columns of a text's offsets, built once in linear time (CRLF and a lone CR are one line break,
    as editors count them); each look-up is a binary search, so a long text with many flags stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column, the column in code points."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def utf8_columns(self, offsets: Iterable[int]) -> dict[int, tuple[int, int]]:
        """1-based line and column in UTF-8 bytes (reviewdog's unit) of each offset, in one pass over the text."""
        wanted = sorted(set(offsets))
        found: dict[int, tuple[int, int]] = {}
        line_start, line_start_bytes, done, done_bytes = 0, 0, 0, 0
        for offset in wanted:
            line = bisect.bisect_right(self.starts, offset) - 1
            if self.starts[line] != line_start:  # a later line: count the bytes up to its start
                line_start = self.starts[line]
                done_bytes += _utf8_length(self.text[done:line_start])
                done, line_start_bytes = line_start, done_bytes
            done_bytes += _utf8_length(self.text[done:offset])
            done = offset
            found[offset] = (line + 1, done_bytes - line_start_bytes + 1)
        return found


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_COLOURS[style]}{text}{_RESET}" if colour else text


def format_text(report, colour: bool = False) -> list[str]:
    """One linter-style line per flag: `path:line:col: severity category rule message (→ 'fix')`, with the user's
    text escaped (a draft cannot drive the terminal) and, with `colour`, ANSI colours."""
    index = LineIndex(report.text)
    source = _paint(escape_controls(report.source), "path", colour)
    lines = []
    for flag in report.issues:
        line, col = index.line_col(flag.start)
        fix = f" (→ {flag.suggestions[0]!r})" if flag.suggestions else ""
        severity = _paint(flag.severity, flag.severity, colour)
        rule = _paint(escape_controls(flag.rule), "dim", colour)  # LanguageTool's rule ids come from its server
        lines.append(f"{source}:{line}:{col}: {severity} {flag.category} {rule} {escape_controls(flag.message + fix)}")
    return lines


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 flag`, `2 flags`, `12,345 flags`, `0 fixes` (with nouns="fixes"): a count and the noun that agrees with it."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def summary_line(reports: Sequence, hidden: int = 0, colour: bool = False) -> str:
    """`23 flags in 1 file: 2 errors, 8 warnings, 13 info` (the flags shown), then what was not shown or read."""
    counts = Counter(flag.severity for report in reports for flag in report.issues)
    total = sum(counts.values())
    files = len(reports)
    line = f"{plural(total, 'flag')} in {plural(files, 'file')}"
    if total:
        line += ": " + ", ".join(_severity_count(counts[s], s, colour) for s in SEVERITIES)
    unread = sum(1 for report in reports if report.error is not None)
    if unread:
        line += f"; {unread} could not be read"
    if hidden:
        line += f"; {hidden} below --min-severity not shown"
    return line


def _severity_count(count: int, severity: str, colour: bool) -> str:
    text = f"{count} {severity}{'s' if count != 1 and severity != 'info' else ''}"
    return _paint(text, severity, colour and count > 0)


def report_json(report) -> dict:
    """One document of the JSON contract (`Report.to_dict()`), each issue extended with its 1-based `line` and
    `column` (code points, as `start` and `end` are)."""
    data = report.to_dict()
    index = LineIndex(report.text)
    for issue in data["issues"]:
        issue["line"], issue["column"] = index.line_col(issue["start"])
    return data


def csv_rows(report) -> list[dict]:
    index = LineIndex(report.text)
    rows = []
    for flag in report.issues:
        line, col = index.line_col(flag.start)
        rows.append(
            {
                "source": report.source,
                "line": line,
                "column": col,
                **flag.to_dict(),
                "suggestions": " | ".join(flag.suggestions),
            }
        )
    return rows


def write_csv(out: IO[str], reports: Iterable) -> None:
    """The reports' flags as CSV (CSV_COLUMNS, a header line first)."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for report in reports:
        writer.writerows(csv_rows(report))


def has_own_lines(source: str) -> bool:
    """Whether a flag's line and column are the input file's own (plain text), not its extracted text's."""
    return source != "-" and PurePath(source).suffix.lower() in _LINE_ADDRESSABLE


def rdjson(reports: Iterable) -> dict:
    """reviewdog's Diagnostic Format, as one `DiagnosticResult` (https://github.com/reviewdog/reviewdog/tree/master/
    proto/rdf): positions in UTF-8 bytes, the end exclusive; the first suggestion as the suggested edit (what
    `fix` applies). Flags on .html and .docx files carry no range: their offsets are into the extracted text."""
    diagnostics = []
    for report in reports:
        located = has_own_lines(report.source)
        positions = LineIndex(report.text).utf8_columns(
            offset for flag in report.issues for offset in (flag.start, flag.end)
        )
        for flag in report.issues:
            location: dict = {"path": report.source}
            diagnostic: dict = {
                "message": flag.message,
                "location": location,
                "severity": _RDJSON_SEVERITY[flag.severity],
                "source": {"name": TOOL_NAME},
                "code": {"value": flag.rule},
            }
            if located:
                span = {"start": _position(positions[flag.start]), "end": _position(positions[flag.end])}
                location["range"] = span
                if flag.suggestions:
                    diagnostic["suggestions"] = [{"range": span, "text": flag.suggestions[0]}]
            diagnostics.append(diagnostic)
    return {"source": {"name": TOOL_NAME}, "diagnostics": diagnostics}


def _position(line_column: tuple[int, int]) -> dict:
    return {"line": line_column[0], "column": line_column[1]}


def _github_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message, then no raw control character for the log to run."""
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _github_property(text: str) -> str:
    """GitHub's escaping of a workflow command's property value (a message's, plus `:` and `,`)."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(reports: Iterable) -> list[str]:
    """GitHub Actions workflow commands, one annotation per flag: `::warning file=...,line=...,endLine=...,col=...,
    endColumn=...,title=...::message`, columns in code points with the end exclusive (GitHub accepts columns only
    when the flag is on one line). Flags on .html and .docx files, and on standard input, are file-level or
    plain annotations."""
    lines = []
    for report in reports:
        index = LineIndex(report.text)
        located = has_own_lines(report.source)
        for flag in report.issues:
            props = [] if report.source == "-" else [f"file={_github_property(report.source)}"]
            if located:
                (line, col), (end_line, end_col) = index.line_col(flag.start), index.line_col(flag.end)
                props += [f"line={line}", f"endLine={end_line}"]
                if line == end_line:
                    props += [f"col={col}", f"endColumn={end_col}"]
            props.append(f"title={_github_property(f'Copydesk ({flag.rule})')}")
            fix = f" (→ {flag.suggestions[0]!r})" if flag.suggestions else ""
            lines.append(f"::{_GITHUB_COMMAND[flag.severity]} {','.join(props)}::{_github_data(flag.message + fix)}")
    return lines


def rules_markdown(rules) -> str:
    lines = [
        "# Copydesk rules",
        "",
        "Generated by `python -m checks rules --format markdown`; do not edit by hand.",
        "",
        "| rule | category | severity | description | example | defined in |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        cells = [
            f"`{r.id}`",
            r.category,
            f"{r.severity}, off by default" if r.off_by_default else r.severity,
            r.description,
            r.example,
            f"`{r.defined_in}`" if r.defined_in else "",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
    return "\n".join(lines) + "\n"
