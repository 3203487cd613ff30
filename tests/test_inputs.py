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
    assert decoded.guessed  # the text is right, and the encoding says it was a guess


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


# ------------------------------------------------------------------------- issue 17: decoding, special files


def test_utf8_with_a_stray_windows_1252_byte_keeps_its_text_and_says_it_guessed():
    article = "José Muñoz told reporters the strike would end on Friday. " * 5
    data = article.encode("utf-8").replace(b" told", b"\x92s told", 1)  # one stray cp1252 apostrophe
    decoded = decode_document(data, "story.txt")
    assert decoded.text == article.replace(" told", "’s told", 1)
    assert decoded.guessed and decoded.encoding == "utf-8 with 1 stray byte read as cp1252 (guessed)"
    assert not decode_document(article.encode("utf-8"), "clean.txt").guessed
    whole = decode_document(article.replace(" told", "’s told").encode("cp1252"), "windows.txt")
    assert whole.text == article.replace(" told", "’s told")  # detection ties with cp1250 ("Muńoz"): cp1252 taken
    assert whole.guessed and whole.encoding.startswith("cp1252 (guessed)")


def test_fix_writes_every_byte_outside_its_edits_as_it_came_in():
    from checks.config import Config
    from checks.fixes import fixed_bytes
    from checks.pipeline import check_text

    sentence = "José Muñoz assisted at the funeral on Friday. It’s the the end.\n"
    fixed = "José Muñoz attended the funeral on Friday. It’s the end.\n"
    encodings = {  # how each file is written: what `fix` must write back, with only the edits changed
        "stray.txt": lambda text: text.encode("utf-8").replace("’".encode(), b"\x92"),
        "cp1252.txt": lambda text: text.encode("cp1252") * 3,
        "bom.txt": lambda text: "\ufeff".encode() + text.encode("utf-8"),
        "utf16.txt": lambda text: text.encode("utf-16"),
    }
    for name, encode in encodings.items():
        decoded = decode_document(encode(sentence), name)
        flags = check_text(decoded.text, name, Config(offline=True, fast=True)).issues
        assert {f.rule for f in flags} >= {"mistranslation.assist-at", "grammar.repeated-word"}, name
        assert fixed_bytes(decoded, flags) == encode(fixed), name
    html = decode_document(b"<p>Leaders assisted at the funeral.</p>", "page.html")
    assert fixed_bytes(html, []) is None  # extracted text: no bytes to keep


def test_nul_anywhere_in_the_text_is_binary():
    with pytest.raises(InputError, match="NUL"):
        decode_document(b"a" * 5000 + b"\x00 tail", "late-nul.txt")
    assert decode_document("Zoë wrote.".encode("utf-16"), "wide.txt").text == "Zoë wrote."  # NULs of UTF-16


def test_fifo_is_refused_without_blocking_and_the_other_paths_are_checked(tmp_path, capsys):
    import json
    import os

    from checks.cli import main

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_document(fifo)
    good = tmp_path / "good.txt"
    good.write_text("Leaders assisted at the funeral on Friday.", "utf-8")
    stray = tmp_path / "stray.txt"
    stray.write_bytes("José Muñoz said it’s over.".encode().replace("’".encode(), b"\x92"))
    code = main(["check", "--offline", "--fast", "--format", "json", str(fifo), str(good), str(stray)])
    captured = capsys.readouterr()
    documents = json.loads(captured.out)["documents"]
    assert code == 2 and "pipe.txt: is not a regular file (a FIFO)" in captured.err
    assert [d.get("error") is None for d in documents] == [False, True, True]
    assert documents[1]["issues"] and documents[2]["status"]["encoding"].endswith("(guessed)")
