"""Reading user files into text: .txt and .md as text, .html and .docx reduced to their visible text.

Bytes are decoded as UTF-8 (with or without a BOM) when they are valid UTF-8. UTF-8 with a few stray bytes of
another encoding (a pasted Windows-1252 apostrophe) keeps its UTF-8 text and reads each stray byte as Windows-1252;
anything else is detected with charset-normalizer and used only when the detection is confident. Both are guesses,
and the encoding says so ("... (guessed)", see `Decoded.guessed`). Text holding NUL characters is binary. Anything
else is a clear `InputError` naming the file, never a silently mangled text.

Only regular files are read from a path (`read_file_bytes`): a FIFO or a device is an error, never a blocking read.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath

from checks.formats import plural

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
    encoding: str  # what the bytes were decoded from ("utf-8", "cp1252 (guessed)", "docx", ...)
    # For a plain-text file: the bytes as read, the codec that wrote them and, for UTF-8 with stray bytes, the
    # indices of the characters each read from one stray byte. `fix` uses them to write the bytes outside its edits
    # exactly as they came in (checks.fixes.fixed_bytes). None for HTML and .docx, whose text is extracted.
    data: bytes | None = field(default=None, repr=False, compare=False)
    codec: str = ""
    strays: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def guessed(self) -> bool:
        """Whether the encoding was guessed (not UTF-8, nor announced by a byte-order mark)."""
        return GUESSED in self.encoding


GUESSED = "(guessed)"
_WESTERN = "cp1252"
_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32")]
_BOMS += [(b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]  # after UTF-32, whose mark begins like UTF-16's
# One well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
_UTF8_RUN = re.compile(
    rb"(?:[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})+"
)


def _stray_char(byte: int) -> str:
    """A byte that is not UTF-8, read as Windows-1252 (the five bytes it leaves undefined as Latin-1)."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _utf8_with_strays(data: bytes) -> tuple[str, tuple[int, ...]] | None:
    """UTF-8 text with a few stray bytes, each read as one Windows-1252 character, and those characters' indices;
    None unless most non-ASCII characters are well-formed UTF-8 (then it is some other encoding)."""
    pieces: list[str] = []
    strays: list[int] = []
    length, position, multibyte = 0, 0, 0
    while position < len(data):
        run = _UTF8_RUN.match(data, position)
        if run is not None:
            piece = run.group().decode("utf-8")
            multibyte += len(piece) - len(piece.encode("ascii", "ignore"))  # its non-ASCII characters
            position = run.end()
        else:
            piece = _stray_char(data[position])
            strays.append(length)
            position += 1
        pieces.append(piece)
        length += len(piece)
    if not strays or multibyte < len(strays):
        return None
    return "".join(pieces), tuple(strays)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode bytes to text: UTF-8 first, else a guess (see the module docstring); raise InputError otherwise."""
    decoded = _decode(data, source)
    return decoded.text, decoded.encoding


def _decode(data: bytes, source: str) -> Decoded:
    bom = next((codec for mark, codec in _BOMS if data.startswith(mark)), None)
    if bom is None and b"\x00" in data[:4096]:
        raise InputError(f"{source}: looks like a binary file (NUL bytes), not text")
    if bom is not None and bom != "utf-8-sig":
        decoded = _decode_with(data, bom, source, bom.replace("-", ""))
    else:
        try:
            decoded = Decoded(data.decode("utf-8-sig"), source, "utf-8", data, "utf-8-sig")
        except UnicodeDecodeError:
            decoded = _guess(data, source)
    refuse_binary_text(decoded.text, source)
    return decoded


def _decode_with(data: bytes, codec: str, source: str, label: str) -> Decoded:
    try:
        return Decoded(data.decode(codec), source, label, data, codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: starts like {label} but is not ({exc.reason} at byte {exc.start})") from exc


def _guess(data: bytes, source: str) -> Decoded:
    """Bytes that are not UTF-8: UTF-8 with stray bytes, else charset-normalizer's confident detection."""
    mixed = _utf8_with_strays(data)
    if mixed is not None:
        text, strays = mixed
        encoding = f"utf-8 with {plural(len(strays), 'stray byte')} read as cp1252 {GUESSED}"
        return Decoded(text, source, encoding, data, "utf-8", strays)
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None or best.coherence < _MIN_DETECTION_COHERENCE:
        raise InputError(
            f"{source}: not UTF-8 and its encoding could not be detected with confidence; "
            "save it as UTF-8 and try again"
        )
    # Detection often ties (cp1250 and cp1252 read most English bytes alike): take Windows-1252, the usual encoding
    # of Western copy, and name the tied encodings that read the bytes differently.
    tied = [m for m in matches if m.encoding and (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    chosen = next((m for m in tied if _WESTERN in (m.encoding, *m.could_be_from_charset)), best)
    text = str(chosen)
    others = [m.encoding for m in tied if m is not chosen and str(m) != text]
    encoding = f"{chosen.encoding} {GUESSED}" + (f", or {', '.join(others)}" if others else "")
    return Decoded(text, source, encoding, data, chosen.encoding)


def refuse_binary_text(text: str, source: str) -> None:
    """Raise InputError for text that no text file holds: NUL characters (binary data) or lone surrogates."""
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(f"{source}: holds a NUL character (at character {nul:,}): a binary file, not text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            f"{source}: holds an invalid character (a lone surrogate, U+{ord(text[exc.start]):04X} at character "
            f"{exc.start:,})"
        ) from exc


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block element per paragraph (BeautifulSoup's html.parser)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    lines = (" ".join(part.split()) for part in "".join(_visible_strings(soup)).split("\n\n"))
    return "\n\n".join(line for line in lines if line)


def _visible_strings(soup) -> Iterator[str]:
    """The page's text in document order (what `get_text` joins: plain strings and CDATA), hidden elements left out
    and "\n\n" before and after every block element. One pass with an explicit stack: inserting the breaks into
    the tree looked up each element's index among its siblings (quadratic for 20,000 <p>s), and recursion would
    fail on 100,000 nested <div>s."""
    from bs4 import CData, NavigableString, Tag

    text_types = (NavigableString, CData)
    open_elements: list[tuple[Iterator, bool]] = [(iter(soup.contents), False)]  # (children left, is a block)
    while open_elements:
        children, is_block = open_elements[-1]
        child = next(children, None)
        if child is None:
            open_elements.pop()
            if is_block:
                yield "\n\n"
        elif isinstance(child, Tag):
            if child.name in _HIDDEN_HTML:
                continue
            block = child.name in _BLOCK_HTML
            if block:
                yield "\n\n"
            open_elements.append((iter(child.contents), block))
        elif type(child) in text_types:
            yield child


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# How much XML a .docx may expand to, checked as it is decompressed: a few hundred kilobytes of zip can expand to
# gigabytes of empty runs or whitespace, each element costing time to read. At most this many bytes per character
# of the text limit, and per byte of the file (like the archive limits' max_ratio: a document's XML compresses far
# less, unless it is one text repeated over and over), with a floor below which any ratio is ordinary.
_DOCX_XML_PER_CHAR = 10
_DOCX_MAX_RATIO = 100
_DOCX_SMALL_XML = 10_000_000
_DOCX_INDEX_BYTES = 1_000_000  # [Content_Types].xml and _rels/.rels: a few kilobytes in any real file
_DOCX_CHUNK = 1 << 16
_W_BODY, _W_P, _W_R, _W_HYPERLINK = _W + "body", _W + "p", _W + "r", _W + "hyperlink"
_W_TBL, _W_TR, _W_TC = _W + "tbl", _W + "tr", _W + "tc"
# What the children of a run read as (python-docx's CT_R.text); w:br reads as a line break only when it is one.
_RUN_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


def docx_to_text(data: bytes, source: str, max_chars: int = DEFAULT_MAX_BYTES) -> str:
    """The body paragraphs, then each table's rows (cells joined by " | "), of a .docx file, as python-docx's
    `paragraphs`, `tables` and `row.cells` read them. The XML is read as a stream of events, never as a tree, and
    the text is counted as it is extracted: text past `max_chars`, or XML past `_DOCX_XML_PER_CHAR` times that or
    `_DOCX_MAX_RATIO` times the file, is refused when it is reached, so neither time nor memory grows past them."""
    import zipfile

    etree = _lxml_etree()

    reader = _DocxText(source, max_chars)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parser = etree.XMLParser(target=reader, remove_blank_text=True, resolve_entities=False, no_network=True)
        with archive.open(_docx_main_part(archive, source)) as stream:
            xml_bytes = 0
            limit = min(max_chars * _DOCX_XML_PER_CHAR, max(_DOCX_SMALL_XML, _DOCX_MAX_RATIO * len(data)))
            while chunk := stream.read(_DOCX_CHUNK):
                xml_bytes += len(chunk)
                if xml_bytes > limit:
                    raise InputError(
                        f"{source}: the .docx expands to more than {limit:,} bytes of XML ({len(data):,} bytes "
                        "compressed), over the limit for one document"
                    )
                parser.feed(chunk)
            parser.close()
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise InputError(f"{source}: not a readable .docx file ({exc})") from exc
    except Exception as exc:  # lxml's syntax errors, zlib's on a damaged member, an encrypted one
        raise InputError(f"{source}: damaged .docx file ({type(exc).__name__})") from exc
    return "\n\n".join(p for p in reader.paragraphs + reader.rows if p.strip())


def _lxml_etree():
    """lxml's etree (python-docx's XML library), imported when a .docx is read."""
    from lxml import etree

    return etree


def _docx_index(archive, name: str, source: str):
    """A small XML member of the package, parsed (its size checked first: it may be a zip bomb)."""
    etree = _lxml_etree()

    with archive.open(name) as stream:
        data = stream.read(_DOCX_INDEX_BYTES + 1)
    if len(data) > _DOCX_INDEX_BYTES:
        raise InputError(f"{source}: not a readable .docx file ({name} is over {_DOCX_INDEX_BYTES:,} bytes)")
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _docx_main_part(archive, source: str) -> str:
    """The zip member holding the main document, found as python-docx finds it (the package's officeDocument
    relationship) and checked to be a Word document (not a template or a macro-enabled one)."""
    import posixpath

    targets = [
        rel.get("Target", "")
        for rel in _docx_index(archive, "_rels/.rels", source).iter(_RELATIONSHIP)
        if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("TargetMode") != "External"
    ]
    if not targets:
        raise InputError(f"{source}: not a readable .docx file (it names no main document)")
    part = posixpath.normpath("/" + targets[0].lstrip("/"))
    types = _docx_index(archive, "[Content_Types].xml", source)
    extension = posixpath.splitext(part)[1][1:].lower()
    found = [
        e.get("ContentType")
        for e in types.iter(_CONTENT_TYPES + "Override")
        if e.get("PartName", "").lower() == part.lower()
    ]
    found += [
        e.get("ContentType")
        for e in types.iter(_CONTENT_TYPES + "Default")
        if e.get("Extension", "").lower() == extension
    ]
    if not found or found[0] != _DOCX_MAIN:
        raise InputError(f"{source}: not a Word document (its content type is {found[0] if found else 'missing'})")
    return part[1:]


class _DocxText:
    """An lxml parser target that keeps only what python-docx's text shows: the runs (and hyperlinks' runs) of the
    body's paragraphs and of the paragraphs in the cells of the body's tables. Depths count from the root element
    (1): the body is 2, its paragraphs and tables 3, a table's rows 4, cells 5, their paragraphs 6."""

    def __init__(self, source: str, max_chars: int) -> None:
        self.source, self.max_chars = source, max_chars
        self.paragraphs: list[str] = []  # the body's paragraphs
        self.rows: list[str] = []  # each table row's text (they come after all paragraphs)
        self.stack: list[str] = []  # tags of the open elements
        self.paragraph = 0  # depth of the open paragraph whose text counts (3 or 6), 0 when none is open
        self.parts: list[str] = []  # that paragraph's text so far
        self.collecting = False  # inside a w:t of one of its runs, before any child element of the w:t
        self.cell_paragraphs: list[str] = []
        self.cell_span: int = 1  # the open cell's w:gridSpan
        self.cell_merge: str | None = None  # and its w:vMerge
        self.row_cells: list[tuple[str, int, str | None]] = []  # (text, span, vMerge) of the open row's cells
        self.row_before = 0  # the open row's w:gridBefore
        self.above: dict[int, tuple[str, int]] = {}  # grid column -> (text, columns shown) of a cell, row above
        self.done = 0  # characters of finished text (paragraphs and rows with their separators)
        self.pending = 0  # characters read since the last paragraph or row was finished

    # These two run once per element of the XML (millions in a hostile file): the common cases return first.
    def start(self, tag: str, attrib) -> None:
        self.collecting = False  # the text of a w:t is what precedes its first child (lxml's .text)
        stack = self.stack
        stack.append(tag)
        depth, top = len(stack), self.paragraph
        if top:  # inside a paragraph only its runs' children count: w:r/x or w:hyperlink/w:r/x
            below = depth - top
            if (below == 2 and stack[top] == _W_R) or (
                below == 3 and stack[top] == _W_HYPERLINK and stack[top + 1] == _W_R
            ):
                self._run_child(tag, attrib)
        elif depth > 7 or depth < 3 or stack[1] != _W_BODY:
            return
        elif tag == _W_P and (depth == 3 or (depth == 6 and self._in_table(5))):
            self.paragraph, self.parts = depth, []
        elif depth >= 4 and self._in_table(4):
            self._table_start(tag, depth, attrib.get(_W + "val"))

    def _run_child(self, tag: str, attrib) -> None:
        if tag == _W + "t":
            self.collecting = True
        elif tag == _W + "br":
            self.parts.append("\n" if attrib.get(_W + "type", "textWrapping") == "textWrapping" else "")
        elif tag in _RUN_TEXT:
            self.parts.append(_RUN_TEXT[tag])

    def end(self, tag: str) -> None:
        self.collecting = False
        stack = self.stack
        depth = len(stack)
        stack.pop()
        if depth == self.paragraph:
            text, self.paragraph = "".join(self.parts), 0
            if depth == 3:
                self._finish(self.paragraphs, text)
            else:
                self.cell_paragraphs.append(text)
        elif self.paragraph or depth > 5 or depth < 3:
            return
        elif depth == 5 and tag == _W_TC and self._in_table(4):
            self.row_cells.append(("\n".join(self.cell_paragraphs), self.cell_span, self.cell_merge))
        elif depth == 4 and tag == _W_TR and self._in_table(3):
            self._finish_row()
        elif depth == 3 and tag == _W_TBL:
            self.above = {}

    def _in_table(self, depth: int) -> bool:
        """Whether the open elements at depths 3 to `depth` (at most 5) are a body table, a row of it, a cell."""
        stack = self.stack
        return (
            len(stack) >= depth
            and stack[1] == _W_BODY
            and stack[2] == _W_TBL
            and (depth < 4 or stack[3] == _W_TR)
            and (depth < 5 or stack[4] == _W_TC)
        )

    def _table_start(self, tag: str, depth: int, value: str | None) -> None:
        stack = self.stack
        if depth == 4 and tag == _W + "tr":
            self.row_cells, self.row_before = [], 0
        elif depth == 5 and tag == _W + "tc":
            self.cell_paragraphs, self.cell_span, self.cell_merge = [], 1, None
        elif depth == 6 and tag == _W + "gridBefore" and stack[4] == _W + "trPr":
            self.row_before = self._number(value, "gridBefore")
        elif depth == 7 and tag == _W + "gridSpan" and stack[4] == _W + "tc" and stack[5] == _W + "tcPr":
            self.cell_span = self._number(value, "gridSpan")
        elif depth == 7 and tag == _W + "vMerge" and stack[4] == _W + "tc" and stack[5] == _W + "tcPr":
            self.cell_merge = value or "continue"

    def _number(self, value: str | None, name: str) -> int:
        try:
            return int(value or "")
        except ValueError:
            raise InputError(f"{self.source}: damaged .docx file (w:{name} is not a number)") from None

    def data(self, text: str) -> None:
        if self.collecting:
            self.parts.append(text)
            self.pending += len(text)
            self._check_size()

    def _finish_row(self) -> None:
        """The row as python-docx's `row.cells` gives it: a cell spanning several grid columns once per column, a
        vertically merged cell (w:vMerge continue) as the cell above it."""
        offset, cells, current = self.row_before, [], {}
        for text, span, merge in self.row_cells:
            if merge == "continue":
                if offset not in self.above:
                    raise InputError(f"{self.source}: damaged .docx file (a merged cell continues no cell above it)")
                text, shown = self.above[offset]
            else:
                shown = span
            current[offset] = (text, shown)
            cells.extend([text] * shown)
            offset += span
        self.above = current
        self._finish(self.rows, " | ".join(cells))

    def _finish(self, texts: list[str], text: str) -> None:
        texts.append(text)
        if text.strip():
            self.done += len(text) + 2
        self.pending = 0
        self._check_size()

    def _check_size(self) -> None:
        if self.done + self.pending > self.max_chars + 2:  # the last paragraph has no separator
            raise InputError(
                f"{self.source}: the .docx holds more than {self.max_chars:,} characters of text, over the limit "
                "for one document"
            )

    def close(self) -> None:
        return None


def decode_document(data: bytes, name: str, source: str | None = None, max_chars: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Turn one file's bytes into text according to its name's suffix. `name` is only looked at, never opened.
    `max_chars`: the one-document limit, which a .docx's text (several times its file size) is held to as it is
    extracted."""
    source = source or name
    suffix = PurePath(name).suffix.lower()
    if suffix in DOCX_SUFFIXES:
        return Decoded(docx_to_text(data, source, max_chars), source, "docx")
    decoded = _decode(data, source)
    if suffix in HTML_SUFFIXES:
        return Decoded(html_to_text(decoded.text), source, f"{decoded.encoding}, html")
    return decoded


def read_file_bytes(path: str, source: str, max_bytes: int, limit_key: str = "") -> bytes:
    """A regular file's bytes, at most `max_bytes` (over it: InputError naming `limit_key`). FIFOs, devices and
    sockets are an InputError, never a read that blocks: the file is opened without blocking and checked first."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except IsADirectoryError as exc:
        raise InputError(f"{source}: is a folder (use `batch` for folders)") from exc
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file") from exc
    except PermissionError as exc:
        raise InputError(f"{source}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    try:
        _check_regular(os.fstat(descriptor), source, max_bytes, limit_key)
    except InputError:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{source}: over {_limit(max_bytes, limit_key)}")
    return data


def _limit(max_bytes: int, key: str) -> str:
    return f"the limit of {max_bytes:,} bytes for one document" + (f" ({key})" if key else "")


def _check_regular(info: os.stat_result, source: str, max_bytes: int, limit_key: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{source}: is a folder (use `batch` for folders)")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{source}: is not a regular file ({_file_kind(info.st_mode)}), so it is not read")
    if info.st_size > max_bytes:
        raise InputError(f"{source}: {info.st_size:,} bytes is over {_limit(max_bytes, limit_key)}")


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]
    kinds.append((stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a file")


def read_document(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read a file from disk (or "-" for standard input) into text; only regular files are read."""
    import sys

    source = os.fspath(path)
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(f"{source}: over the limit of {max_bytes:,} bytes for one document")
        return decode_document(data, "stdin.txt", source, max_bytes)
    return decode_document(read_file_bytes(source, source, max_bytes), source, source, max_bytes)
