"""Inputs whose cost used to grow faster than their size (issue 17, items 1 to 4): runs of terminal punctuation,
HTML with many block elements, sentences of thousands of words, .docx files that expand far beyond their size.

Each test shows the shape on a small input, by counting work or by checking that the result is right; none times
anything (bench/bench_scaling.py prints the seconds and the ratios at 10k, 100k and 1M characters)."""

from __future__ import annotations

import io
import zipfile

import pytest

from checks import patterns
from checks.config import Config
from checks.document import _BOUNDARY_RE, Document, tokenize
from checks.grammar import rule_set
from checks.inputs import InputError, docx_to_text, html_to_text

# -- 1. runs of terminal punctuation -------------------------------------------------------------------------------


@pytest.mark.parametrize("mark", [".", "!", "?", "…", "?!"])
def test_a_boundary_is_only_tried_where_a_run_of_terminal_punctuation_starts(mark):
    """Retried at every mark of a run, the boundary pattern rescanned the rest of the run each time (quadratic);
    now it fails at once inside a run, and the run's start decides alone, as it always did."""
    text = "It rained" + mark * 300 + " Then it stopped."
    run_start = len("It rained")
    assert all(_BOUNDARY_RE.match(text, i) is None for i in range(run_start + 1, run_start + 300 * len(mark)))
    found = _BOUNDARY_RE.match(text, run_start)
    assert found is not None and found.end() == run_start + 300 * len(mark)
    sentences = Document(text).sentences
    assert [s.text for s in sentences] == ["It rained" + mark * 300, "Then it stopped."]


def test_a_long_run_of_dots_is_one_token_per_dot_with_exact_offsets_and_addresses_still_tokenize():
    text = "." * 2000 + " write to ana.lopez@example.org today, or to bob@example.com."
    tokens = tokenize(text)
    assert [t.text for t in tokens[:2000]] == ["."] * 2000
    assert all(text[t.start : t.end] == t.text for t in tokens)
    words = [t.text for t in tokens[2000:]]
    assert "ana.lopez@example.org" in words and "bob@example.com" in words


def test_dots_and_other_marks_alone_make_one_sentence_each_paragraph():
    for text in (".." * 1000, "!?" * 700, "…" * 900, ". " * 800):
        doc = Document(text)
        assert "".join(s.text for s in doc.sentences).replace(" ", "") == text.replace(" ", "")
        assert all(doc.text[s.start : s.end] == s.text for s in doc.sentences)


# -- 2. HTML with many block elements ------------------------------------------------------------------------------


def test_html_blocks_are_separated_without_looking_up_each_elements_index(monkeypatch):
    """Inserting a break before and after each block element made BeautifulSoup find the element's index among its
    siblings (a scan of the siblings): quadratic in the number of sibling <p>s or <br>s. Nothing does that now."""
    from bs4 import Tag

    lookups = []
    original = Tag.index

    def counted_index(self, element):
        lookups.append(element)
        return original(self, element)

    monkeypatch.setattr(Tag, "index", counted_index)
    siblings = "".join(f"<p>Paragraph {i}.</p>" for i in range(300))
    assert html_to_text(siblings) == "\n\n".join(f"Paragraph {i}." for i in range(300))
    assert html_to_text("line<br>" * 300) == "\n\n".join(["line"] * 300)
    assert lookups == []


def test_deeply_nested_html_is_read_without_recursion():
    depth = 5000  # far past Python's recursion limit
    markup = "<div>level " * depth + "</div>" * depth
    assert html_to_text(markup) == "\n\n".join(["level"] * depth)


def test_html_text_keeps_inline_elements_together_and_drops_hidden_ones():
    markup = (
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Title <b>here</b></h1>"
        "<p>One <a href='#'>link</a><!-- a comment --> and <![CDATA[raw]]> text<br>next line</p>"
        "<script>var x;</script><ul><li>a</li><li>b <em>c</em></li></ul><div><div><p>deep</p></div></div></body></html>"
    )
    assert html_to_text(markup) == "Title here\n\nOne link and raw text\n\nnext line\n\na\n\nb c\n\ndeep"


# -- 3. sentences of thousands of words ----------------------------------------------------------------------------


def _pattern_attempts(monkeypatch, text: str) -> int:
    calls = []
    original = patterns.Pattern.match_at

    def counted_match_at(self, *args):
        calls.append(args[1])
        return original(self, *args)

    monkeypatch.setattr(patterns.Pattern, "match_at", counted_match_at)
    doc = Document(text)
    rule_set().check(doc, lambda rule_id: rule_id == "grammar.despite-of")
    monkeypatch.setattr(patterns.Pattern, "match_at", original)
    return len(calls)


def test_pattern_matching_work_grows_linearly_with_a_sentence_without_full_stops(monkeypatch):
    """Each candidate's antipatterns were searched for across the whole sentence: work grew with the square of a
    sentence without full stops. They are searched only where they could overlap the match."""
    clause = "they met despite of the rain and "
    small = _pattern_attempts(monkeypatch, clause * 60)
    large = _pattern_attempts(monkeypatch, clause * 240)
    assert small > 0
    assert large <= 4 * small + 10  # 4 times the sentence, 4 times the work (it was 16 times)


def test_every_slip_in_a_sentence_of_thousands_of_words_is_flagged_at_its_exact_place():
    clause = "the minister said that talks would go on despite of the strikes and "
    text = clause * 300  # about 3,900 words, no full stop
    flags = [f for f in rule_set().check(Document(text)) if f.rule == "grammar.despite-of"]
    assert [f.start for f in flags] == [i * len(clause) + clause.index("despite of") for i in range(300)]
    assert all(text[f.start : f.end] == f.text == "despite of" for f in flags)


def test_a_sentence_of_thousands_of_words_is_checked_in_parts_that_cover_it_exactly():
    """Some checks' work grows with a sentence's length for each of its words: a "sentence" past
    MAX_SENTENCE_TOKENS tokens is split, after a comma where there is one, into parts that keep every token once."""
    from checks.document import MAX_SENTENCE_TOKENS

    clause = "the talks went on for hours, and "
    text = "Then " + clause * 400 + "it ended"  # 3,203 tokens, a comma every 8
    doc = Document(text)
    assert len(doc.sentences) == 4
    assert all(len(s.tokens) <= MAX_SENTENCE_TOKENS for s in doc.sentences)
    assert [t for s in doc.sentences for t in s.tokens] == tokenize(text)
    assert doc.sentences[0].start == 0 and doc.sentences[-1].end == len(text)
    assert all(s.text == text[s.start : s.end] and s.tokens[-1].end == s.end for s in doc.sentences)
    assert all(s.text.endswith(",") for s in doc.sentences[:-1])
    no_commas = Document("word " * 2500)
    assert [len(s.tokens) for s in no_commas.sentences] == [1000, 1000, 500]
    ordinary = "The minister, who spoke for an hour, said " + "that the talks would go on and " * 40 + "end."
    assert len(Document(ordinary).sentences) == 1  # 270 tokens: a long real sentence is left whole


def test_text_pieces_cover_a_long_text_exactly_and_cut_at_spaces():
    from checks.tagging import text_pieces

    text = ("word " * 3000) + "x" * 25 + " tail"
    pieces = text_pieces(text, 1000)
    assert "".join(piece for _, piece in pieces) == text
    assert all(offset == sum(len(p) for _, p in pieces[:i]) for i, (offset, _) in enumerate(pieces))
    assert all(len(piece) <= 1000 for _, piece in pieces)
    assert all(piece.endswith(" ") for _, piece in pieces[:-1])
    assert text_pieces("short text", 1000) == [(0, "short text")]
    assert [len(p) for _, p in text_pieces("y" * 2500, 1000)] == [1000, 1000, 500]  # no space: cut anyway


def test_a_sentence_longer_than_the_tagger_takes_at_once_is_tagged_in_pieces_and_batches(monkeypatch) -> None:
    """spaCy's memory grows with the length of what it reads at once (8 GB for 3.5 MB on one line): a sentence is
    tagged in pieces of at most MAX_TAGGED_CHARS, read in batches of about MAX_BATCH_CHARS, and every token still
    gets a tag from its own word (near a cut spaCy sees less context, so a tag there may differ)."""
    from checks import tagging

    monkeypatch.setattr(tagging, "MAX_TAGGED_CHARS", 400)
    monkeypatch.setattr(tagging, "MAX_BATCH_CHARS", 900)
    batches: list[list[int]] = []
    nlp = tagging.load_tagger()

    class Recording:
        def __call__(self, text):
            batches.append([len(text)])
            return nlp(text)

        def pipe(self, texts, batch_size=None):
            texts = list(texts)
            batches.append([len(t) for t in texts])
            return nlp.pipe(texts, batch_size=batch_size)

    monkeypatch.setattr(tagging, "load_tagger", Recording)
    text = "The minister said that the talks would go on and " * 40
    doc = Document(text)
    (sentence,) = doc.sentences
    tags = doc.tags(sentence)
    read = [size for batch in batches for size in batch]
    assert max(read) <= 400 and sum(read) == len(sentence.text)
    assert len(batches) > 1 and all(sum(batch) <= 900 for batch in batches)
    assert len(tags) == len(sentence.tokens)
    assert all(tag.tag != "XX" for tag in tags)  # every token found its spaCy token, across the cuts too
    minister = [tags[i].pos for i, t in enumerate(sentence.tokens) if t.text == "minister"]
    said = [tags[i].tag for i, t in enumerate(sentence.tokens) if t.text == "said"]
    assert len(minister) == 40 and set(minister) <= {"NOUN", "PROPN"} and set(said) == {"VBD"}


def test_a_few_short_sentences_are_tagged_in_one_batch_as_before(monkeypatch):
    from checks import tagging

    calls = []
    nlp = tagging.load_tagger()

    class Recording:
        def __call__(self, text):
            calls.append(("call", 1))
            return nlp(text)

        def pipe(self, texts, batch_size=None):
            texts = list(texts)
            calls.append(("pipe", len(texts)))
            return nlp.pipe(texts, batch_size=batch_size)

    monkeypatch.setattr(tagging, "load_tagger", Recording)
    doc = Document("He went home. She stayed. They met again on Monday.")
    doc.tag_many(doc.sentences)
    doc.tags(doc.sentences[0])
    assert calls == [("pipe", 3)]
    other = Document("Only one sentence here.")
    other.tags(other.sentences[0])
    assert calls[-1] == ("call", 1)


# -- 4. .docx files that expand far beyond their size --------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(body: bytes | list[bytes]) -> bytes:
    """A .docx made with python-docx, its document.xml body replaced (streamed into the zip, as a bomb would be)."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "word/document.xml":
                zout.writestr(item, zin.read(item.filename))
                continue
            with zout.open("word/document.xml", "w") as stream:
                stream.write(f"<w:document {_W}><w:body>".encode())
                for chunk in [body] if isinstance(body, bytes) else body:
                    stream.write(chunk)
                stream.write(b"</w:body></w:document>")
    return out.getvalue()


def test_docx_text_past_the_limit_is_refused_while_it_is_extracted():
    """The extracted text is counted as it is read: the refusal comes before the end of the XML (which here is
    broken, so reading it all would give a different error)."""
    paragraph = b"<w:p><w:r><w:t>" + b"Talks went on. " * 20 + b"</w:t></w:r></w:p>"
    data = _docx([paragraph] * 200 + [b"<w:p><broken"])
    with pytest.raises(InputError, match=r"big\.docx: the \.docx holds more than 10,000 characters of text"):
        docx_to_text(data, "big.docx", max_chars=10_000)
    with pytest.raises(InputError, match="damaged"):
        docx_to_text(data, "big.docx", max_chars=1_000_000)


def test_one_huge_text_node_is_refused_as_it_arrives():
    data = _docx([b"<w:p><w:r><w:t>"] + [b" " * 100_000] * 20 + [b"</w:t></w:r></w:p><broken"])
    with pytest.raises(InputError, match="more than 50,000 characters of text"):
        docx_to_text(data, "spaces.docx", max_chars=50_000)


def test_docx_xml_that_expands_far_beyond_the_file_is_refused_as_it_is_decompressed():
    """Empty runs carry no text but cost time to read: the XML itself is bounded, by the text limit and by the
    file's size, and refused before the (broken) end is reached."""
    data = _docx([b"<w:p>"] + [b"<w:r/>" * 100_000] * 40 + [b"</w:p><broken"])  # 24 MB of XML from ~25 KB
    assert len(data) < 100_000
    with pytest.raises(InputError, match=r"expands to more than 10,000,000 bytes of XML"):
        docx_to_text(data, "runs.docx")


def test_docx_text_is_what_python_docx_reads():
    """Body paragraphs (runs, hyperlinks' runs, tabs, breaks), then every table row, cells joined by " | ": a cell
    spanning two columns twice, a vertically merged cell as the cell it continues; nothing of tracked insertions,
    content controls or nested tables, as python-docx's paragraphs, tables and row.cells give them."""
    import docx

    body = (
        b'<w:p><w:r><w:t>Talks</w:t><w:tab/><w:t xml:space="preserve"> resumed </w:t></w:r>'
        b"<w:hyperlink><w:r><w:t>here</w:t></w:r></w:hyperlink><w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>"
        b'<w:r><w:br/><w:t>after a line break</w:t><w:br w:type="page"/><w:noBreakHyphen/></w:r></w:p>'
        b"<w:sdt><w:sdtContent><w:p><w:r><w:t>in a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p></w:tc>"
        b'<w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>B</w:t></w:r></w:p>'
        b"</w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p><w:p><w:r><w:t>C2</w:t></w:r></w:p>"
        b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>"
        b'<w:tc><w:tcPr><w:gridSpan w:val="2"/><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>'
        b"<w:p><w:r><w:t>Last paragraph.</w:t></w:r></w:p><w:sectPr/>"
    )
    data = _docx(body)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [" | ".join(cell.text for cell in row.cells) for table in document.tables for row in table.rows]
    expected = "\n\n".join(t for t in texts if t.strip())
    assert docx_to_text(data, "x.docx") == expected
    assert expected == ("Talks\t resumed here\nafter a line break-\n\nLast paragraph.\n\nA | B | B\n\nC\nC2 | B | B")


def test_a_docx_that_is_not_a_word_document_is_refused_by_its_content_type():
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(item, data)
    with pytest.raises(InputError, match=r"t\.docx: not a Word document"):
        docx_to_text(out.getvalue(), "t.docx")


def test_the_pipeline_checks_a_long_line_of_copy_the_same_as_before(monkeypatch):
    """The offline pipeline on a line of a few thousand words without full stops: offsets exact, every flag a real
    span of the text."""
    from checks.pipeline import check_text

    text = "Heavy rain caused strong floods despite of the warnings and the the roads closed and " * 120
    report = check_text(text, config=Config(offline=True, fast=True))
    assert all(text[f.start : f.end] == f.text for f in report.issues)
    rules = {f.rule for f in report.issues}
    assert "grammar.despite-of" in rules
