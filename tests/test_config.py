"""The house-style file: every section and key is known and documented; a typo is an error that names it."""

from __future__ import annotations

import re

import pytest

from checks.config import Config, ConfigError, load_config, schema
from checks.names import house_style
from tests.conftest import ROOT

SAMPLE = ROOT / "samples" / "copydesk.toml"


def test_the_sample_house_style_loads_and_documents_every_key() -> None:
    config = load_config(SAMPLE)
    assert set(config.data) <= set(schema())
    text = SAMPLE.read_text("utf-8")
    sections = re.split(r"^\[+([\w.]+)\]+\s*$", text, flags=re.M)
    documented: dict[str, set[str]] = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        top = name.split(".")[0]
        documented.setdefault(top, set()).update(re.findall(r"^#? ?(\w+) = ", body, flags=re.M))
        if "." in name:  # [readability.audiences.x] and [[names.house]] document their parent's key
            documented[top].add(name.split(".")[1])
    for section, keys in schema().items():
        missing = keys - documented.get(section, set())
        assert not missing, f"[{section}] keys not documented in {SAMPLE.name}: {sorted(missing)}"


@pytest.mark.parametrize(
    "data, named",
    [
        ({"spelling": {"varient": "uk"}}, "varient"),
        ({"name": {"accepted": []}}, "[name]"),
        ({"rules": ["spelling.typo"]}, "[rules] must be a table"),
    ],
)
def test_unknown_sections_and_keys_are_errors_that_name_them(data, named):
    with pytest.raises(ConfigError, match=re.escape(named)):
        Config(data)


def test_a_typo_in_the_file_names_the_file_and_the_key(tmp_path):
    house = tmp_path / "copydesk.toml"
    house.write_text('[names]\ncanonical = ["Mustafa al-Kadhimi"]\n', "utf-8")
    with pytest.raises(ConfigError, match=r"copydesk.toml: \[names\] has unknown keys \['canonical'\]"):
        load_config(house)


def test_house_name_entries_reject_unknown_keys():
    config = Config({"names": {"house": [{"canonical": "Gaddafi", "variant": ["Qaddafi"]}]}})
    with pytest.raises(ConfigError, match="'variant'"):
        house_style(config)


def test_schema_matches_the_settings_the_families_read():
    from dataclasses import fields

    from checks.archives import Limits
    from checks.readability import Settings

    assert schema()["readability"] == {f.name for f in fields(Settings)} | {"audiences"}
    assert schema()["limits"] == {f.name for f in fields(Limits)}


def test_the_sample_house_style_is_generated_from_the_declared_tables():
    from checks.generated import sample_config_text

    assert SAMPLE.read_text("utf-8") == sample_config_text(), "run: python -m checks regenerate-data"


def test_declared_defaults_are_the_values_the_code_uses():
    from dataclasses import fields

    from checks.archives import Limits
    from checks.languagetool import settings_from
    from checks.mistranslation import settings as mistranslation_settings
    from checks.registry import house_sections
    from checks.spelling import Settings as SpellingSettings

    declared = {s.name: {k.key: k.default for k in s.settings} for s in house_sections()}
    limits = Limits.from_config(Config())
    assert {f.name: getattr(limits, f.name) for f in fields(Limits)} == declared["limits"]
    spelling = SpellingSettings.from_config(Config())
    assert {k: getattr(spelling, k) for k in declared["spelling"]} == declared["spelling"]
    lt = settings_from(Config(), environ={})
    assert (lt.mode, lt.timeout, lt.language, lt.max_chars) == tuple(
        declared["languagetool"][k] for k in ("mode", "timeout_seconds", "language", "max_chars")
    )
    mt = mistranslation_settings(Config())
    assert (mt.statistical, mt.threshold, mt.seen_threshold) == tuple(
        declared["mistranslation"][k] for k in ("statistical", "threshold", "seen_threshold")
    )


HOUSE_WITH_COMMENTS = """\
# The newsroom's house style: kept by hand, edited by the dashboard.
[rules]
disabled_categories = ["style"]  # the desk checks style itself
disabled = [
    "grammar.a",  # too many false alarms on quotes
]

# Words we use that no dictionary has.
[dictionary]
words = ["Kadhimi"]
"""


def test_an_edit_keeps_the_comments_and_the_key_order(tmp_path):
    from checks.config import edit_house_style

    house = tmp_path / "copydesk.toml"
    house.write_text(HOUSE_WITH_COMMENTS, "utf-8")
    edit_house_style(house, lambda document: document["dictionary"]["words"].append("peshmerga"))
    assert house.read_text("utf-8") == HOUSE_WITH_COMMENTS.replace('["Kadhimi"]', '["Kadhimi", "peshmerga"]')
    assert load_config(house).user_words == {"kadhimi", "peshmerga"}
    assert [p.name for p in tmp_path.iterdir()] == ["copydesk.toml"]  # no temporary file left behind


def test_saving_a_changed_house_style_keeps_the_comments_of_what_did_not_change(tmp_path):
    from checks.config import update_house_style

    house = tmp_path / "copydesk.toml"
    house.write_text(HOUSE_WITH_COMMENTS, "utf-8")
    config = load_config(house)
    update_house_style(house, lambda data: data.update(dictionary={"words": ["Kadhimi", "Sadrist"]}))
    text = house.read_text("utf-8")
    assert text.startswith(HOUSE_WITH_COMMENTS.split("[dictionary]")[0])  # [rules] and its comments untouched
    assert "# Words we use that no dictionary has." in text
    assert load_config(house).data == {"rules": config.data["rules"], "dictionary": {"words": ["Kadhimi", "Sadrist"]}}


def test_an_edit_that_makes_an_unknown_key_is_refused_without_writing(tmp_path):
    from checks.config import edit_house_style

    house = tmp_path / "copydesk.toml"
    house.write_text(HOUSE_WITH_COMMENTS, "utf-8")

    def misspell(document):
        document["rules"]["disabeld"] = ["spelling.unknown-word"]

    with pytest.raises(ConfigError, match=r"\[rules\] has unknown keys \['disabeld'\]"):
        edit_house_style(house, misspell)
    assert house.read_text("utf-8") == HOUSE_WITH_COMMENTS
    missing = tmp_path / "new" / "copydesk.toml"
    with pytest.raises(ConfigError, match=r"unknown section \[spellling\]"):
        edit_house_style(missing, lambda document: document.add("spellling", {"variant": "uk"}))
    assert not missing.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["copydesk.toml"]
