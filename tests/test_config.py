"""The house-style file: every section and key is known and documented; a typo is an error that names it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.config import Config, ConfigError, load_config, schema
from checks.names import house_style

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "copydesk.toml"


def test_the_sample_house_style_loads_and_documents_every_key():
    config = load_config(SAMPLE)
    assert set(config.data) <= set(schema())
    text = SAMPLE.read_text("utf-8")
    sections = re.split(r"^\[+([\w.]+)\]+\s*$", text, flags=re.M)
    documented: dict[str, set[str]] = {}
    for name, body in zip(sections[1::2], sections[2::2]):
        top = name.split(".")[0]
        documented.setdefault(top, set()).update(re.findall(r"^#? ?(\w+) = ", body, flags=re.M))
        if "." in name:  # [readability.audiences.x] and [[names.house]] document their parent's key
            documented[top].add(name.split(".")[1])
    for section, keys in schema().items():
        missing = keys - documented.get(section, set())
        assert not missing, f"[{section}] keys not documented in {SAMPLE.name}: {sorted(missing)}"


@pytest.mark.parametrize("data, named", [
    ({"spelling": {"varient": "uk"}}, "varient"),
    ({"name": {"accepted": []}}, "[name]"),
    ({"rules": ["spelling.typo"]}, "[rules] must be a table"),
])
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
    from checks.spelling import Settings as SpellingSettings
    from checks.registry import house_sections

    declared = {s.name: {k.key: k.default for k in s.settings} for s in house_sections()}
    limits = Limits.from_config(Config())
    assert {f.name: getattr(limits, f.name) for f in fields(Limits)} == declared["limits"]
    spelling = SpellingSettings.from_config(Config())
    assert {k: getattr(spelling, k) for k in declared["spelling"]} == declared["spelling"]
    lt = settings_from(Config(), environ={})
    assert (lt.mode, lt.timeout, lt.language, lt.max_chars) == tuple(
        declared["languagetool"][k] for k in ("mode", "timeout_seconds", "language", "max_chars"))
    mt = mistranslation_settings(Config())
    assert (mt.statistical, mt.threshold, mt.seen_threshold) == tuple(
        declared["mistranslation"][k] for k in ("statistical", "threshold", "seen_threshold"))
