"""Reading documents from folders, archives and tables within the house-style limits (no Dask here)."""

from __future__ import annotations

import csv
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

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
    assert "detected" in items["quote.txt"].encoding
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
