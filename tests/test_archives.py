"""Reading documents from folders, archives and tables within the house-style limits (no Dask here)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import struct
import tarfile
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.archives import ArchiveRefused, Limits, plan, read_partition, read_upload
from checks.config import ConfigError, load_config
from tests.conftest import ROOT

ARCHIVE = ROOT / "samples" / "archive"
FOLDER = ARCHIVE / "articles"
DEFAULT_LIMITS = Limits()


def _items(inputs, limits=DEFAULT_LIMITS, **options):
    return [item for p in plan([str(i) for i in inputs], limits, **options) for item in read_partition(p, limits)]


def _zip(path: Path, members: dict, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _tar(path: Path, members: dict, mode="w:gz") -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _folder_texts() -> dict[str, str]:
    return {p.relative_to(FOLDER).as_posix(): p.read_text("utf-8") for p in FOLDER.rglob("*.txt")}


# ------------------------------------------------------------------------------------------------ limits


def test_limits_from_house_style_and_documented_defaults(tmp_path):
    assert Limits.from_config(load_config(ARCHIVE.parent / "copydesk.toml")) == Limits()
    house = tmp_path / "copydesk.toml"
    house.write_text("[limits]\nmax_members = 3\nmax_ratio = 50.5\n", "utf-8")
    limits = Limits.from_config(load_config(house))
    assert (limits.max_members, limits.max_ratio, limits.max_member_bytes) == (3, 50.5, Limits().max_member_bytes)


@pytest.mark.parametrize(
    "table, key",
    [("max_memebers = 3", "max_memebers"), ("max_nesting = 'deep'", "max_nesting"), ("max_ratio = -1", "max_ratio")],
)
def test_bad_limit_keys_are_errors_naming_the_key(tmp_path, table, key):
    house = tmp_path / "copydesk.toml"
    house.write_text(f"[limits]\n{table}\n", "utf-8")
    with pytest.raises(ConfigError, match=key):
        Limits.from_config(load_config(house))


# ------------------------------------------------------------------------------------------------ folders


def test_folder_is_read_recursively_with_exact_texts_and_html_reduced():
    items = _items([FOLDER])
    by_source = {i.source: i for i in items}
    expected = {str(FOLDER / name): text for name, text in _folder_texts().items()}
    assert {s: by_source[s].text for s in expected} == expected
    html = by_source[str(FOLDER / "market-prices.html")]
    assert html.text.startswith("Vegetable prices fall as harvest arrives\n\nPrices of tomatoes")
    assert "trackVisit" not in html.text and "margin" not in html.text
    assert all(i.error is None and i.doc_id == i.source for i in items)


def test_folder_include_globs_hidden_files_and_undecodable_file(tmp_path):
    (tmp_path / "a.txt").write_text("Plain text.", "utf-8")
    (tmp_path / "notes.md").write_text("Markdown.", "utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden.", "utf-8")
    (tmp_path / "README").write_text("No suffix.", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "quote.txt").write_bytes("The minister’s “plan” was rejected.".encode("cp1252") * 20)
    (tmp_path / "sub" / "blob.txt").write_bytes(b"\x00\x01\x02binary" * 10)
    items = {Path(i.source).name: i for i in _items([tmp_path])}
    assert set(items) == {"a.txt", "notes.md", "quote.txt", "blob.txt"}
    assert items["quote.txt"].text.startswith("The minister’s “plan” was rejected.")
    assert "(guessed)" in items["quote.txt"].encoding
    assert items["blob.txt"].text is None and "blob.txt" in items["blob.txt"].error
    only_md = _items([tmp_path], include=["*.md"])
    assert [Path(i.source).name for i in only_md] == ["notes.md"]
    assert [Path(i.source).name for i in _items([tmp_path], include=["README"])] == ["README"]


def test_too_large_document_is_an_error_item_and_the_rest_is_read(tmp_path):
    (tmp_path / "big.txt").write_text("word " * 300, "utf-8")
    (tmp_path / "small.txt").write_text("A short text.", "utf-8")
    items = {Path(i.source).name: i for i in _items([tmp_path], Limits(max_member_bytes=1000))}
    assert "max_member_bytes" in items["big.txt"].error and items["big.txt"].text is None
    assert items["small.txt"].text == "A short text."


# ------------------------------------------------------------------------------------------------ archives


def test_sample_zip_and_jsonl_hold_the_folder_texts():
    zipped = {i.source.split("!articles/")[1]: i.text for i in _items([ARCHIVE / "articles.zip"])}
    texts = _folder_texts()
    assert {k: zipped[k] for k in texts} == texts
    rows = _items([ARCHIVE / "articles.jsonl"], id_column="id", partition_size=2)
    assert {i.doc_id: i.text for i in rows} == texts
    assert [i.source for i in rows] == [f"{ARCHIVE / 'articles.jsonl'}#{n}" for n in range(1, len(texts) + 1)]


@pytest.mark.parametrize("bad", ["../escape.txt", "/etc/passwd.txt", "a/../../b.txt", "..\\win.txt", "C:/x.txt"])
def test_members_with_dotdot_or_absolute_names_refuse_the_zip(tmp_path, bad):
    archive = _zip(tmp_path / "up.zip", {"ok.txt": "Fine text.", bad: "Sneaky text."})
    with pytest.raises(ArchiveRefused, match="absolute path or '..'"):
        plan([str(archive)], Limits())
    with pytest.raises(ArchiveRefused):
        list(read_upload(archive.read_bytes(), "up.zip", Limits()))


def test_tar_with_dotdot_member_is_refused(tmp_path):
    archive = _tar(tmp_path / "up.tar.gz", {"ok.txt": b"Fine.", "../../etc/cron.txt": b"Bad."})
    with pytest.raises(ArchiveRefused, match="cron.txt"):
        plan([str(archive)], Limits())


def test_zip_bomb_is_refused_before_reading(tmp_path):
    archive = _zip(tmp_path / "bomb.zip", {"note.txt": "Hello.", "zeros.txt": b"\0" * 3_000_000})
    assert archive.stat().st_size < 100_000
    with pytest.raises(ArchiveRefused, match="zip bomb.*zeros.txt"):
        plan([str(archive)], Limits())


def test_tar_gz_bomb_is_refused(tmp_path):
    archive = _tar(tmp_path / "bomb.tgz", {"zeros.txt": b" " * 3_000_000})
    with pytest.raises(ArchiveRefused, match="zip bomb"):
        plan([str(archive)], Limits())


def test_member_count_nesting_and_upload_limits(tmp_path):
    many = _zip(tmp_path / "many.zip", {f"doc{i}.txt": f"Text {i}." for i in range(5)})
    with pytest.raises(ArchiveRefused, match="max_members"):
        plan([str(many)], Limits(max_members=4))
    with pytest.raises(ArchiveRefused, match="max_upload_bytes"):
        plan([str(many)], Limits(max_upload_bytes=100))
    inner = _zip(tmp_path / "inner.zip", {"deep.txt": "Deep text."}).read_bytes()
    middle = _zip(tmp_path / "middle.zip", {"inner.zip": inner}).read_bytes()
    outer = _zip(tmp_path / "outer.zip", {"top.txt": "Top text.", "middle.zip": middle})
    items = _items([outer])
    assert [(i.source.split("outer.zip")[1], i.text) for i in items] == [
        ("!top.txt", "Top text."),
        ("!middle.zip!inner.zip!deep.txt", "Deep text."),
    ]
    with pytest.raises(ArchiveRefused, match="max_nesting"):
        plan([str(outer)], Limits(max_nesting=1))


def test_tar_gz_members_and_nested_zip_are_read_in_memory(tmp_path):
    nested = _zip(tmp_path / "n.zip", {"in-zip.txt": "Inside the zip."}).read_bytes()
    archive = _tar(
        tmp_path / "pack.tar.gz",
        {
            "one.txt": b"First text.",
            "n.zip": nested,
            "two.md": b"Second text.",
            "image.png": b"\x89PNG",
        },
    )
    items = _items([archive], partition_size=1)
    assert [(i.source.split("pack.tar.gz!")[1], i.text) for i in items] == [
        ("one.txt", "First text."),
        ("n.zip!in-zip.txt", "Inside the zip."),
        ("two.md", "Second text."),
    ]
    assert not (tmp_path / "one.txt").exists()  # never extracted


def test_broken_and_oversized_members_are_error_items(tmp_path):
    path = _zip(
        tmp_path / "damaged.zip",
        {"good.txt": "Good text. " * 50, "bad.txt": "Bad text here. " * 50, "large.txt": "x" * 5000},
        compression=zipfile.ZIP_STORED,
    )
    data = bytearray(path.read_bytes())
    at = data.index(b"Bad text here.")
    data[at : at + 3] = b"Mad"  # the stored bytes no longer match the member's CRC
    path.write_bytes(bytes(data))
    items = {i.source.rsplit("!", 1)[1]: i for i in _items([path], Limits(max_member_bytes=2000))}
    assert items["good.txt"].text == "Good text. " * 50
    assert "broken archive member" in items["bad.txt"].error and "bad.txt" in items["bad.txt"].error
    assert "max_member_bytes" in items["large.txt"].error


def test_unreadable_archive_is_one_error_row_in_a_batch_and_refused_as_an_upload(tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"this is not a zip file at all")
    good = _zip(tmp_path / "good.zip", {"story.txt": "A story."})
    items = _items([fake, good])
    assert [(i.doc_id, i.text) for i in items] == [(str(fake), None), (f"{good}!story.txt", "A story.")]
    assert "fake.zip: not a readable zip" in items[0].error
    with pytest.raises(ArchiveRefused, match="fake.zip: not a readable zip"):
        list(read_upload(fake.read_bytes(), "fake.zip", Limits()))


# ------------------------------------------------------------------------------------------------ tables


def test_csv_partitions_keep_multiline_quoted_fields(tmp_path):
    rows = [{"id": f"a{i}", "text": f'Line one of {i}.\nLine two, with "quotes", of {i}.'} for i in range(7)]
    rows[3]["text"] = "Plain single line."
    path = tmp_path / "table.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text"])
        writer.writeheader()
        writer.writerows(rows)
    items = _items([path], partition_size=2, id_column="id")
    assert [(i.doc_id, i.text) for i in items] == [(r["id"], r["text"]) for r in rows]
    assert len(plan([str(path)], Limits(), partition_size=2)) == 4
    with pytest.raises(ArchiveRefused, match="no column 'body'"):
        plan([str(path)], Limits(), text_column="body")


def test_jsonl_bad_line_is_an_error_row(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "First."}\n{not json}\n\n{"text": "Third."}\n{"body": "no text"}\n', "utf-8")
    items = _items([path], partition_size=2)
    assert [i.text for i in items] == ["First.", None, "Third.", None]
    assert "unreadable row" in items[1].error and items[1].source.endswith("rows.jsonl#2")
    assert "no 'text' value" in items[3].error


def test_parquet_row_ranges_across_row_groups(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    texts = [f"Article number {i} about the port." for i in range(11)]
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"key": [f"k{i}" for i in range(11)], "text": texts}), path, row_group_size=3)
    items = _items([path], partition_size=4, id_column="key")
    assert [(i.doc_id, i.text) for i in items] == [(f"k{i}", t) for i, t in enumerate(texts)]


def test_upload_in_memory_uses_the_name_only_as_a_label(tmp_path):
    data = _zip(tmp_path / "x.zip", {"story.txt": "A story."}).read_bytes()
    items = list(read_upload(data, "../../etc/evil.zip", Limits()))
    assert [(i.source, i.text) for i in items] == [("evil.zip!story.txt", "A story.")]
    rows = list(read_upload(b'{"text": "One."}\n{"text": "Two."}\n', "t.jsonl", Limits()))
    assert [i.text for i in rows] == ["One.", "Two."]
    with pytest.raises(ArchiveRefused, match="max_upload_bytes"):
        list(read_upload(data, "x.zip", Limits(max_upload_bytes=10)))


def test_compressed_tar_read_ahead_on_the_driver_gives_the_same_documents(tmp_path):
    from checks.archives import Prefetcher, needs_prefetch

    nested = _zip(tmp_path / "n.zip", {"in-zip.txt": "Inside the zip."}).read_bytes()
    members = {f"doc{i}.txt": f"Story number {i}.".encode() for i in range(5)}
    members.update({"n.zip": nested, "huge.txt": b"y" * 3000})
    archive = _tar(tmp_path / "pack.tgz", members)
    limits = Limits(max_member_bytes=2000)
    partitions = plan([str(archive)], limits, partition_size=3)
    assert all(needs_prefetch(p) for p in partitions)
    with Prefetcher(limits) as prefetch:
        ahead = [prefetch(p) for p in partitions]
    assert [p.payload is not None for p in ahead] == [True] * len(partitions)
    assert repr(ahead[0]) == repr(partitions[0])  # the bytes are no part of a partition's identity
    read_ahead = [item for p in ahead for item in read_partition(p, limits)]
    assert read_ahead == [item for p in partitions for item in read_partition(p, limits)]
    assert [i.text for i in read_ahead if i.error is None] == [f"Story number {i}." for i in range(5)] + [
        "Inside the zip."
    ]
    assert ["huge.txt" in i.error for i in read_ahead if i.error] == [True]
    assert not any(needs_prefetch(p) for p in plan([str(_tar(tmp_path / "plain.tar", members, "w"))], limits))


# ------------------------------------------------------------------------- issue 17: no document lost or doubled


def _shared_member_zip(path: Path, copies: int, data: bytes, name: str = "story.txt") -> Path:
    """A zip whose central directory lists one compressed member `copies` times (a zip-bomb technique)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    raw = buffer.getvalue()
    end = raw.rindex(b"PK\x05\x06")
    size, offset = struct.unpack("<II", raw[end + 12 : end + 20])
    directory = raw[offset : offset + size] * copies
    tail = raw[end : end + 8] + struct.pack("<HHII", copies, copies, size * copies, offset) + raw[end + 20 :]
    path.write_bytes(raw[:offset] + directory + tail)
    return path


def test_members_sharing_one_compressed_member_refuse_the_zip(tmp_path):
    few = _shared_member_zip(tmp_path / "few.zip", 3, b"A short story. " * 40)
    assert len(zipfile.ZipFile(few).infolist()) == 3
    with pytest.raises(ArchiveRefused, match="share their compressed data"):
        plan([str(few)], Limits())
    with pytest.raises(ArchiveRefused, match="share their compressed data"):
        list(read_upload(few.read_bytes(), "few.zip", Limits()))


def test_members_that_each_look_harmless_are_counted_against_the_whole_archive(tmp_path):
    # 8 members of 400 kB each: every one under the 1 MB a ratio is checked from, 3.2 MB from a few kB in all
    archive = _zip(tmp_path / "many.zip", {f"part{i}.txt": b"The port strike goes on. " * 16_000 for i in range(8)})
    assert archive.stat().st_size * 200 < 3_200_000
    with pytest.raises(ArchiveRefused, match="in total.*max_ratio"):
        plan([str(archive)], Limits())
    assert len(_items([archive], Limits(max_ratio=10_000))) == 8  # the same archive under a looser house style


def test_a_worker_opens_each_archive_once_for_all_its_partitions(tmp_path, monkeypatch):
    import checks.archives as archives

    archive = _zip(tmp_path / "small-docs.zip", {f"d/{i:03d}.txt": f"Story {i}." for i in range(60)})
    partitions = plan([str(archive)], DEFAULT_LIMITS, partition_size=5)
    opened = []
    real_open = archives._open_zip
    monkeypatch.setattr(archives, "_open_zip", lambda handle, label: opened.append(label) or real_open(handle, label))
    items = [item for p in partitions for item in read_partition(p, DEFAULT_LIMITS)]
    assert len(partitions) == 12 and [i.text for i in items] == [f"Story {i}." for i in range(60)]
    assert len(opened) == 1


def test_members_with_the_same_name_are_distinct_documents(tmp_path):
    path = tmp_path / "dup.zip"
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "w") as archive:
        archive.writestr("story.txt", "The first story.")
        archive.writestr("story (2).txt", "A story of its own.")
        archive.writestr("story.txt", "The second story.")
    items = _items([path], partition_size=1)
    assert [(i.doc_id.split("!")[1], i.text) for i in items] == [
        ("story.txt", "The first story."),
        ("story (2).txt", "A story of its own."),
        ("story.txt (2)", "The second story."),
    ]
    uploaded = list(read_upload(path.read_bytes(), "dup.zip", Limits()))
    assert [(i.doc_id, i.text) for i in uploaded] == [(f"dup.zip!{i.doc_id.split('!')[1]}", i.text) for i in items]
    tarred = _tar(tmp_path / "dup.tar", {"a.txt": b"One."}, "w")
    with tarfile.open(tarred, "a") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"Two."))
    assert [(i.doc_id.split("!")[1], i.text) for i in _items([tarred])] == [("a.txt", "One."), ("a.txt (2)", "Two.")]


def test_csv_with_a_stray_quote_in_an_unquoted_field_keeps_every_row(tmp_path):
    path = tmp_path / "screens.csv"
    path.write_bytes(b'id,text\n1,"A ""quoted"" field."\n2,The 5" screen is big.\n3,Third row.\n4,Fourth row.\n')
    for size in (1, 2, 10):
        items = _items([path], partition_size=size, id_column="id")
        assert [(i.doc_id, i.text) for i in items] == [
            ("1", 'A "quoted" field.'),
            ("2", 'The 5" screen is big.'),
            ("3", "Third row."),
            ("4", "Fourth row."),
        ]
    assert [i.text for i in read_upload(path.read_bytes(), "s.csv", Limits())][1] == 'The 5" screen is big.'


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_csv_rows_end_in_cr_crlf_or_lf(tmp_path, ending):
    rows = [b"id,text", b"1,One row.", b'2,"Two lines' + ending + b'in one field."', b"3,Three."]
    path = tmp_path / "rows.csv"
    path.write_bytes(ending.join(rows) + ending)
    expected = ["One row.", "Two lines" + ending.decode() + "in one field.", "Three."]
    assert [i.text for i in _items([path], partition_size=1)] == expected
    assert [i.text for i in read_upload(path.read_bytes(), "rows.csv", Limits())] == expected


def test_a_bad_table_row_is_one_error_row_and_the_rows_after_it_are_read(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(
        '{"id": "a", "text": "Good one."}\n{"id": "b", "text": "Bad \\ud800 row."}\n'
        '{"id": "c\\udfff", "text": "Odd id."}\n{"id": "d", "text": ["a", "list"]}\n'
        '{"id": "e", "text": "NUL \\u0000 inside."}\n{"id": "f", "text": "Good two."}\n',
        "utf-8",
    )
    (tmp_path / "latin.jsonl").write_bytes(b'{"text": "caf\xe9"}\n{"text": "Fine."}\n')
    items = _items([path, tmp_path / "latin.jsonl"], id_column="id", partition_size=10)
    assert [(i.doc_id, i.text) for i in items] == [
        ("a", "Good one."),
        ("b", None),
        ("c\\udfff", "Odd id."),
        ("d", None),
        ("e", None),
        ("f", "Good two."),
        (f"{tmp_path / 'latin.jsonl'}#1", None),
        (f"{tmp_path / 'latin.jsonl'}#2", "Fine."),
    ]
    errors = [i.error for i in items if i.error]
    assert "lone surrogate" in errors[0] and "a list, not text" in errors[1] and "NUL" in errors[2]
    assert "not valid UTF-8" in errors[3]


def test_csv_field_up_to_the_document_limit_is_a_document(tmp_path):
    text = "The strike went on. " * 10_000  # 200,000 characters: over the csv module's default field limit
    path = tmp_path / "long.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "text"], ["1", text], ["2", "Short."]])
    assert [i.text for i in _items([path])] == [text, "Short."]
    items = _items([path], Limits(max_member_bytes=100_000))
    assert "max_member_bytes" in items[0].error and items[1].text == "Short."


def test_binary_parquet_text_is_decoded_not_quoted(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "binary.parquet"
    values = ["Café owners agreed.".encode(), "Café owners agreed.".encode("cp1252") * 3, b"\x00\x01 binary"]
    pq.write_table(pa.table({"text": pa.array(values, pa.binary())}), path)
    items = _items([path])
    assert items[0].text == "Café owners agreed." and items[0].encoding == "utf-8"
    assert items[1].text == "Café owners agreed." * 3 and "(guessed)" in items[1].encoding
    assert items[2].text is None and "binary" in items[2].error


def test_fifo_among_folder_files_is_an_error_row_and_never_blocks(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("First story.", "utf-8")
    os.mkfifo(folder / "b.txt")
    (folder / "c.txt").write_text("Third story.", "utf-8")
    os.mkfifo(tmp_path / "given.txt")
    items = _items([folder, tmp_path / "given.txt"])
    assert [(Path(i.source).name, i.text) for i in items] == [
        ("a.txt", "First story."),
        ("b.txt", None),
        ("c.txt", "Third story."),
        ("given.txt", None),
    ]
    assert "not a regular file" in items[1].error and "not a regular file" in items[3].error


# ---------------------------------------------------------------- property: every member or row exactly once

member_names = st.sampled_from(["a.txt", "b.md", "sub/a.txt", "a (2).txt", "c.html", "image.png"])
member_bodies = st.sampled_from(
    [b"A story.", b"", "Caf\u00e9 talks.".encode(), "Caf\u00e9 talks.".encode("cp1252"), b"\x00\x01", b"<p>Hi</p>"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.lists(st.tuples(member_names, member_bodies), max_size=8),
    kind=st.sampled_from(["zip", "tar"]),
    size=st.integers(1, 4),
)
def test_every_archive_member_is_one_item(tmp_path_factory, members, kind, size):
    path = tmp_path_factory.mktemp("prop") / f"archive.{kind}"
    if kind == "zip":
        with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
            warnings.simplefilter("ignore")  # duplicate names are the point
            for name, body in members:
                archive.writestr(name, body)
    else:
        with tarfile.open(path, "w") as archive:
            for name, body in members:
                info = tarfile.TarInfo(name)
                info.size = len(body)
                archive.addfile(info, io.BytesIO(body))
    documents = [(n, b) for n, b in members if not n.endswith(".png")]
    items = _items([path], partition_size=size)
    assert len(items) == len(documents) == len({i.doc_id for i in items})
    for item, (name, body) in zip(items, documents, strict=True):
        assert item.doc_id.split("!", 1)[1].startswith(name)
        assert (item.text is None) != (item.error is None)
        if name.endswith((".txt", ".md")) and item.text is not None:
            assert item.digest == hashlib.sha256(body).hexdigest()


table_texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
table_cells = st.one_of(table_texts, st.sampled_from(['5" screen', '"', '""', "a\rb", "a\r\nb", "x\ny", ",", " "]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(table_cells, max_size=10),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    size=st.integers(1, 4),
)
def test_every_csv_row_is_one_item(tmp_path_factory, texts, ending, quoting, size):
    path = tmp_path_factory.mktemp("prop") / "table.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator=ending, quoting=quoting)
        writer.writerow(["id", "text"])
        writer.writerows([[f"r{k % 3}", text] for k, text in enumerate(texts)])  # ids repeat
    # what Python's csv module reads back (a row of only spaces or nothing is a blank line, not a row)
    with open(path, newline="", encoding="utf-8") as handle:
        expected = [row for row in list(csv.reader(handle))[1:] if "".join(row).strip()]
    # a row without a text field (a CR the writer left unquoted splits a row) or with a NUL is an error row
    texts_read = [row[1] if len(row) > 1 and "\x00" not in row[1] else None for row in expected]
    items = _items([path], partition_size=size, id_column="id")
    assert [i.text for i in items] == texts_read
    assert [i.source for i in items] == [f"{path}#{k}" for k in range(1, len(expected) + 1)]
    assert len({i.doc_id for i in items}) == len(items)  # every row its own id, repeated id values too
    uploaded = list(read_upload(path.read_bytes(), "table.csv", Limits(), id_column="id"))
    assert [i.text for i in uploaded] == texts_read and len({i.doc_id for i in uploaded}) == len(uploaded)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.one_of(table_texts.map(lambda t: {"text": t}), st.sampled_from(["{bad", '"text"', "[]"])), max_size=10
    ),
    size=st.integers(1, 4),
)
def test_every_jsonl_row_is_one_item(tmp_path_factory, rows, size):
    path = tmp_path_factory.mktemp("prop") / "rows.jsonl"
    lines = [json.dumps(row) if isinstance(row, dict) else row for row in rows]
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    items = _items([path], partition_size=size)
    assert [i.source for i in items] == [f"{path}#{k}" for k in range(1, len(rows) + 1)]
    for item, row in zip(items, rows, strict=True):
        if isinstance(row, dict) and "\x00" not in row["text"]:
            assert item.text == row["text"]
        else:
            assert item.text is None and item.error


@pytest.mark.parametrize("block", [1, 2, 3, 7])
def test_table_rows_split_the_same_across_read_blocks(tmp_path, monkeypatch, block):
    import checks.archives as archives

    path = tmp_path / "mixed.csv"
    path.write_bytes(b'id,text\r\n1,"CRLF\r\ninside"\r\n2,CR row\r3,LF row\n4,"quote "" and\rCR"\r\n\r\n5,last')
    expected = ["CRLF\r\ninside", "CR row", "LF row", 'quote " and\rCR', "last"]
    monkeypatch.setattr(archives, "_BLOCK", block)  # every line end and CRLF falls across a block boundary somewhere
    assert [i.text for i in _items([path], partition_size=2)] == expected


def test_an_overlong_row_is_one_error_row_in_bounded_memory(tmp_path, monkeypatch):
    import checks.archives as archives

    monkeypatch.setattr(archives, "_BLOCK", 4)
    limits = Limits(max_member_bytes=10)  # rows over 2 * 10 + 4 bytes are refused unread
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "' + "x" * 200 + '"}\n{"text": "after"}\n', "utf-8")
    items = _items([path], limits)
    assert [i.text for i in items] == ["ok", None, "after"]
    assert "over the limit of 24 bytes" in items[1].error


def test_links_in_a_tar_are_error_rows_never_followed(tmp_path):
    path = _tar(tmp_path / "links.tar.gz", {"story.txt": b"A story."})
    with tarfile.open(tmp_path / "links.tar", "w") as archive:
        with tarfile.open(path) as source:
            for info in source:
                archive.addfile(info, source.extractfile(info))
        link = tarfile.TarInfo("copy.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "story.txt"
        archive.addfile(link)
        folder = tarfile.TarInfo("folder")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
    items = _items([tmp_path / "links.tar"])
    assert [(i.doc_id.split("!")[1], i.text) for i in items] == [("story.txt", "A story."), ("copy.txt", None)]
    assert "is a link or a device" in items[1].error


# ------------------------------------------------------------------------------------------- repeated id values


def test_repeated_id_values_get_distinct_ids_in_every_table_kind_and_upload(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = ["a1", "b", "a1", "a1 (2)", "", "a1"]
    texts = [f"Story number {n}." for n in range(6)]
    expected = ["a1", "b", "a1 (3)", "a1 (2)", None, "a1 (4)"]  # a real "a1 (2)" keeps its id; "" is the row's source
    csv_path = tmp_path / "rows.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "text"], *zip(ids, texts, strict=True)])
    jsonl_path = tmp_path / "rows.jsonl"
    jsonl_path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts, strict=True)))
    parquet_path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({"id": ids, "text": texts}), parquet_path, row_group_size=2)
    for path in (csv_path, jsonl_path, parquet_path):
        own = [e if e is not None else f"{path}#5" for e in expected]
        for size in (1, 4, 10):
            items = _items([path], partition_size=size, id_column="id")
            assert [(i.doc_id, i.text) for i in items] == list(zip(own, texts, strict=True)), (path, size)
        uploaded = list(read_upload(path.read_bytes(), path.name, Limits(), id_column="id"))
        assert [i.doc_id for i in uploaded] == [e if e is not None else f"{path.name}#5" for e in expected]
    assert [i.doc_id for i in _items([csv_path])] == [f"{csv_path}#{n}" for n in range(1, 7)]  # no id column
