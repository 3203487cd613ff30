"""Reference statistics: the built-in model, `build-reference`, and a newsroom's own file in the house style."""

from __future__ import annotations

import gzip
import math

from checks import mistranslation
from checks.cli import main as cli_main
from checks.config import load_config
from checks.document import Document
from checks.reference import CountsReference, SphinxReference, count_ngrams, load_reference, write_reference

ARCHIVE = [
    "Soldiers opened live fire on the crowd. The army denied using live fire. Live fire was heard all night.",
    "Police said live fire had been used. Witnesses described live fire near the bridge.",
    "She has a keen eye for detail. He showed a keen interest in the case. Fans were keen to help.",
    "The mayor spoke on Monday. The mayor said the bridge would reopen on Monday.",
]


def test_builtin_model_tells_stored_pairs_from_backed_off_ones():
    ref = SphinxReference()
    assert ref.seen("fire", "live") and ref.seen("fire", "heavy")
    assert not ref.seen("fire", "keen")
    assert ref.seen("photo", "a", "take")
    assert ref.known("militias") and not ref.known("zzqxv")
    assert ref.lp("fire", "live") > ref.lp("fire", "keen")
    assert -10 < ref.lp("fire") < 0


def test_counts_round_trip(tmp_path):
    out = tmp_path / "ref.tsv.gz"
    sizes = write_reference(count_ngrams(ARCHIVE), out, min_count=2)
    assert sizes[2] > 0 and sizes[3] > 0
    ref = CountsReference(out)
    assert ref.seen("fire", "live") and not ref.seen("fire", "keen")
    assert ref.seen("fire", "live", "opened") is False  # seen once only: below min_count
    assert ref.known("keen") and not ref.known("zzqxv")
    live = ref.counts[0][("live",)]
    live_fire = ref.counts[1][("live", "fire")]
    assert math.isclose(ref.lp("fire", "live"), math.log10(live_fire / ref.history_counts[0][("live",)]))
    assert live_fire == 5 and live == 5
    assert ref.lp("fire", "keen") < ref.lp("fire", "live")


def test_build_reference_command(tmp_path, capsys):
    archive = tmp_path / "archive"
    (archive / "2024").mkdir(parents=True)
    for i, text in enumerate(ARCHIVE):
        (archive / "2024" / f"story{i}.txt").write_text(text, "utf-8")
    (archive / "notes.bin").write_bytes(b"\x00\x01")  # not a document type: ignored
    out = tmp_path / "newsroom.tsv.gz"
    assert cli_main(["build-reference", str(archive), "--out", str(out)]) == 0
    assert "4 documents" in capsys.readouterr().out
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        assert handle.readline().startswith("#copydesk-reference")
    assert CountsReference(out).seen("fire", "live")


def test_build_reference_reports_unreadable_inputs(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(ARCHIVE[0], "utf-8")
    assert cli_main(["build-reference", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "a.gz")]) == 2
    assert (
        cli_main(["build-reference", str(good), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "b.gz")]) == 2
    )  # written, but the missing file is an error
    assert (tmp_path / "b.gz").is_file()
    assert "missing.txt" in capsys.readouterr().err


def test_house_style_names_the_reference_file(tmp_path):
    write_reference(count_ngrams(ARCHIVE), tmp_path / "ours.tsv.gz", min_count=2)
    style = tmp_path / "copydesk.toml"
    style.write_text('[mistranslation]\nreference = "ours.tsv.gz"\n', "utf-8")
    config = load_config(style)
    assert mistranslation.settings(config).reference == str(tmp_path / "ours.tsv.gz")
    assert isinstance(load_reference(mistranslation.settings(config).reference), CountsReference)
    text = "Troops answered with keen fire on Monday."
    flags = mistranslation.statistical_flags(Document(text), config)
    assert [f.text for f in flags] == ["keen fire"]
    assert flags[0].suggestions[0] == "live fire"


def test_missing_reference_file_is_a_clear_error(tmp_path):
    import pytest

    from checks.config import Config, ConfigError

    config = Config({"mistranslation": {"reference": str(tmp_path / "nope.tsv.gz")}})
    with pytest.raises(ConfigError, match="reference file not found"):
        mistranslation.settings(config)
