"""Reading user files into text: .txt and .md as text, .html and .docx reduced to their visible text.

Bytes are decoded as UTF-8 (with or without a BOM) when they are valid UTF-8; otherwise the encoding is detected
with charset-normalizer and used only when the detection is confident. Anything else is a clear `InputError`
naming the file, never a silently mangled text.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import PurePath

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ""})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
DOCX_SUFFIXES = frozenset({".docx"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES
DEFAULT_MAX_BYTES = 20_000_000  # one document; archives have their own limits (house style [limits])
_MIN_DETECTION_COHERENCE = 0.2
_HIDDEN_HTML = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_BLOCK_HTML = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "table",
    "ul",
    "ol",
    "figcaption",
    "hr",
)


class InputError(Exception):
    """A document that cannot be read; the message names it and says why."""


@dataclass(frozen=True)
class Decoded:
    text: str
    source: str
    encoding: str  # what the bytes were decoded from ("utf-8", "cp1252 (detected)", "docx", ...)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode bytes to text: UTF-8 first, else a confident detection; raise InputError otherwise."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{source}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None or best.coherence < _MIN_DETECTION_COHERENCE:
        raise InputError(
            f"{source}: not UTF-8 and its encoding could not be detected with confidence; "
            "save it as UTF-8 and try again"
        )
    return str(best), f"{best.encoding} (detected)"


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block element per paragraph (BeautifulSoup's html.parser)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for hidden in soup(_HIDDEN_HTML):
        hidden.decompose()
    for block in soup.find_all(_BLOCK_HTML):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    lines = (" ".join(part.split()) for part in soup.get_text().split("\n\n"))
    return "\n\n".join(line for line in lines if line)


def docx_to_text(data: bytes, source: str) -> str:
    """The paragraphs and table cells of a .docx file, in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{source}: not a readable .docx file ({exc})") from exc
    except Exception as exc:  # python-docx raises zipfile and lxml errors on damaged files
        raise InputError(f"{source}: damaged .docx file ({type(exc).__name__})") from exc
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" | ".join(cell.text for cell in row.cells))
    return "\n\n".join(p for p in paragraphs if p.strip())


def decode_document(data: bytes, name: str, source: str | None = None) -> Decoded:
    """Turn one file's bytes into text according to its name's suffix. `name` is only looked at, never opened."""
    source = source or name
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return Decoded(docx_to_text(data, source), source, "docx")
    text, encoding = decode_bytes(data, source)
    if suffix in HTML_SUFFIXES:
        return Decoded(html_to_text(text), source, f"{encoding}, html")
    return Decoded(text, source, encoding)


def read_document(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read a file from disk (or "-" for standard input) into text."""
    import sys

    source = os.fspath(path)
    try:
        if source == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            name = "stdin.txt"
        else:
            size = os.path.getsize(source)
            if size > max_bytes:
                raise InputError(f"{source}: {size:,} bytes is over the limit of {max_bytes:,} bytes for one document")
            with open(source, "rb") as handle:
                data = handle.read(max_bytes + 1)
            name = source
    except IsADirectoryError as exc:
        raise InputError(f"{source}: is a folder (use `batch` for folders)") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{source}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{source}: over the limit of {max_bytes:,} bytes for one document")
    return decode_document(data, name, source)
