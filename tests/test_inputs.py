"""Reading inputs: encodings detected or refused with a clear error, HTML and .docx reduced to visible text."""

from __future__ import annotations

import io

import pytest

from checks.inputs import InputError, decode_document, read_document


def test_utf8_with_bom_and_cp1252_detection():
    assert decode_document("\ufeffCafé talks".encode("utf-8"), "a.txt").text == "Café talks"
    text = "The minister’s “final” offer was rejected by the unions, who said the café owners deserved more."
    decoded = decode_document(text.encode("cp1252"), "b.txt")
    assert decoded.text == text
    assert "detected" in decoded.encoding


def test_binary_and_undecodable_bytes_are_refused_with_the_name():
    with pytest.raises(InputError, match="c.txt"):
        decode_document(b"\x00\x01\x02binary", "c.txt")
    with pytest.raises(InputError, match="d.txt"):
        decode_document(b"\x81\x8d\x8f\x90\x9d" * 40, "d.txt")


def test_html_visible_text_only():
    page = """<html><head><title>T</title><style>p{color:red}</style></head><body>
    <h1>Iraq talks stall</h1><script>alert(1)</script><p>The first   paragraph.</p><p>Second &amp; last.</p>
    <!-- a comment --></body></html>"""
    text = decode_document(page.encode(), "page.html").text
    assert text == "Iraq talks stall\n\nThe first paragraph.\n\nSecond & last."


def test_docx_paragraphs():
    import docx

    document = docx.Document()
    document.add_paragraph("Headline here")
    document.add_paragraph("Body text with a name: al-Kadhimi.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert decode_document(buffer.getvalue(), "x.docx").text == "Headline here\n\nBody text with a name: al-Kadhimi."


def test_broken_docx_is_a_clear_error():
    with pytest.raises(InputError, match="y.docx"):
        decode_document(b"PK\x03\x04 not really a zip", "y.docx")


def test_read_document_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("word " * 100, "utf-8")
    with pytest.raises(InputError, match="over the limit"):
        read_document(big, max_bytes=100)
