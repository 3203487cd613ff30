"""The name-consistency family: variants found without a list, different people never merged, house style,
archive clusters and the dashboard's "Add to house names"."""

from __future__ import annotations

import json
import random
import time

import pytest

from checks import names
from checks.config import Config, load_config
from checks.document import Document
from checks.fixes import apply_fixes
from checks.names.keys import are_variants, fine, key, keys, variant_cost
from checks.registry import family
from tests.conftest import EVAL, ROOT

SAMPLES = [
    json.loads(line)
    for line in (ROOT / "samples" / "names" / "paragraphs.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
HOUSE_FILE = ROOT / "samples" / "copydesk.toml"


def flags_of(text: str, config: Config | None = None):
    found = names.check(Document(text), config or Config()).flags
    for flag in found:
        assert flag.text == text[flag.start : flag.end]
        assert flag.category == "names"
    return found


# --------------------------------------------------------------------------- spelling keys


@pytest.mark.parametrize(
    "a, b",
    [
        ("Kadhimi", "Khadimi"),
        ("Qaddafi", "Gaddafi"),
        ("Gadhafi", "Qadhafi"),
        ("Osama", "Usama"),
        ("Laden", "Ladin"),
        ("Mohammed", "Muhammad"),
        ("Marzook", "Marzouk"),
        ("Marzuq", "Marzook"),
        ("Husayn", "Hussein"),
        ("Zelensky", "Zelenskyy"),
        ("Erdoğan", "Erdogan"),
        ("Musawi", "Mousavi"),
        ("Ahmadinejad", "Ahmadinezhad"),
        ("Yevgeny", "Evgeniy"),
        ("Ponomarev", "Ponomaryov"),
        ("Jalahmah", "Jalamah"),
        ("Osiel", "Oziel"),
        ("Nembhard", "Nemhard"),
        ("Haniyeh", "Haniya"),
        ("Alharbi", "Harbi"),
        ("Daoud", "Dawud"),
        ("Asi", "Assi"),
        ("Haj", "Hajj"),
        ("Kia", "Kiya"),
        ("Noor", "Nur"),
        ("Sa'ad", "Saad"),  # three letters
        ("Abd", "Abdul"),
        ("Abdur", "Abdul"),
        ("Abdel", "Abdal"),  # "Abd al-" fused with its article
        ("Kubrakov", "Kubrakou"),
        ("Zimovsky", "Zimousky"),
        ("Kalinowski", "Kalinouski"),
        ("Avramenko", "Auramenka"),
        ("Dzmitry", "Dmitry"),
        ("Viktar", "Viktor"),
        ("Eismant", "Eismont"),  # Belarusian and Russian
        ("Sarwar", "Sorwar"),
        ("Kashlaf", "Koshlaf"),  # a/o in a word of four consonants or more
        ("Serhii", "Sergei"),
        ("Henadz", "Genadz"),
        ("Hubaryev", "Gubarev"),  # g/h, tried with and without a dropped h
        ("Wimonsri", "Wimonsi"),  # a consonant dropped from a cluster before the last vowel
        ("Seyed", "Sayyed"),
        ("Tsariov", "Tsaryov"),
        ("Mohd", "Mohamad"),  # ey/ay, Russian yo/io, Malaysian Mohd
    ],
)
def test_romanisations_of_one_name_are_variants(a, b):
    assert are_variants(a, b) and are_variants(b, a)
    assert set(keys(a)) & set(keys(b))


@pytest.mark.parametrize(
    "a, b",
    [
        ("Khamenei", "Khomeini"),
        ("Hassan", "Hussein"),
        ("Iran", "Iraq"),
        ("Iraq", "Iraqi"),
        ("Baghdad", "Baghdadi"),
        ("Zelensky", "Zelenska"),
        ("Austria", "Australia"),
        ("Salah", "Saleh"),
        ("Maliki", "Malki"),
        ("Castro", "Castro"),
        ("Kadhimi", "KADHIMI"),
        ("Un", "Il"),
        ("Navalny", "Navalnaya"),
        ("Marie", "Maria"),
        ("Albert", "Bert"),
        ("Valley", "Bali"),
        ("Science", "Sense"),
        ("Melnikova", "Melnikov"),
        ("Lai", "Lei"),
        ("Chu", "Shu"),
        ("Khin", "Qin"),
        ("Sun", "Son"),  # short East Asian surnames
        ("So'ng", "Chong"),
        ("Abid", "Abdul"),
        ("Abed", "Abd"),
        ("Paulo", "Pavlov"),
        ("Aleksandru", "Alexandrov"),
        ("Ivanov", "Ivanova"),
        ("Amar", "Omar"),
        ("Chang", "Chong"),
        ("Kwak", "Kwok"),
        ("Marin", "Morin"),
        ("Wang", "Wong"),
        ("Hanieh", "Anne"),
        ("Michael", "Michelle"),
        ("Alrawi", "Rawi"),
        ("Elmira", "Mira"),
        ("Sad", "Saad"),  # a common English word stays one, however short
    ],
)
def test_different_names_are_not_variants(a, b):
    assert not are_variants(a, b)


def test_fine_form_unifies_transliteration_spellings():
    assert fine("Kadhimi") == fine("Khadimi") == "kadimi"
    assert fine("Marzouk") == fine("Marzook") == fine("Marzuq")
    assert key("Qaddafi") == key("Gaddafi")
    assert variant_cost("Iran", "Iraq") is None


# --------------------------------------------------------------------------- the check on real text


def test_seed_article_minority_spelling_is_flagged_with_sentence_start_casing(seed_text):
    found = flags_of(seed_text)
    assert [(f.text, f.suggestions) for f in found] == [("Al-Khadimi", ("Al-Kadhimi",))]
    assert "al-Kadhimi (4)" in found[0].message and "Al-Khadimi (1)" in found[0].message
    assert found[0].rule == names.RULE_VARIANT


@pytest.mark.parametrize("sample", [s for s in SAMPLES if not s["trap"]], ids=lambda s: s["id"])
def test_labelled_variant_paragraph(sample):
    found = {(f.text, f.suggestions[0]) for f in flags_of(sample["text"])}
    expected = {(e["text"], e["suggestion"]) for e in sample["expect"]}
    assert found <= expected, f"false alarm: {found - expected}"
    if sample["id"] == "v17-haftar":  # a known miss (a/i and a/e in one word cost too much): stays honest
        assert not found
    else:
        assert found == expected


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s["trap"]], ids=lambda s: s["id"])
def test_different_people_with_similar_names_are_never_merged(sample):
    assert flags_of(sample["text"]) == []


@pytest.mark.parametrize(
    "text, flagged",
    [
        (
            "Saleh Assi was named on the list on Tuesday. Officials said Assi moved money. A lawyer for Asi declined "
            "to comment.",
            [("Asi", "Assi")],
        ),
        (
            "Abdul Rahim was named on the list. According to the Treasury, Rahim moved money. A lawyer for Abdur Rahim "
            "declined to comment.",
            [("Abdur", "Abdul")],
        ),
        (
            "Ivan Kubrakou was named on the list. Kubrakou ran the interior ministry. A lawyer for Kubrakov declined "
            "to comment.",
            [("Kubrakov", "Kubrakou")],
        ),
        (
            "Dzmitry Shakuta was named on the list. Shakuta ran a state firm. A lawyer for Dmitry Shakuta declined to "
            "comment.",
            [("Dmitry", "Dzmitry")],
        ),
        (
            "Viktar Sheiman was named on the list. Sheiman ran the presidential office. Viktor Sheiman denied it.",
            [("Viktor", "Viktar")],
        ),
        (
            "Adnan Muhammad al-Rawi was named on the list. Officials said al-Rawi moved money. A lawyer for Alrawi "
            "declined to comment.",
            [("Alrawi", "al-Rawi")],
        ),
    ],
)
def test_romanisation_variants_in_running_text(text, flagged):
    assert [(f.text, f.suggestions[0]) for f in flags_of(text)] == flagged


@pytest.mark.parametrize(
    "text",
    [
        "Atiyah Abd al-Rahman and Abdur Rehman were both named. Abd al-Rahman ran a network, "
        "while Rehman was a financier.",
        "Lai Ching-te met Lei Jun in Taipei. Lai spoke first; Lei answered questions about phones.",
        "Vladimir Putin spoke to Volodymyr Zelensky by phone. Putin said little, and Zelensky said less.",
        "Omar Hamid and Amar Hamid are brothers. Omar runs the shop; Amar drives the van.",
        "Nikolai Pavlov met Paulo Costa in Lisbon. Pavlov praised the port, and Paulo thanked him.",
        "Michael Jordan met Michelle Obama. Michael smiled and Michelle laughed.",
        "The nurse called Elmira first. Then she called Mira, and Mira came at once.",  # no article written: two names
    ],
)
def test_similar_names_of_different_people_stay_apart(text):
    assert flags_of(text) == []


# --------------------------------------------------------------------------- a name never introduced


@pytest.mark.parametrize(
    "text, flagged",
    [
        # a bare surname no full name introduces, after one that is introduced (Thai ch/t: beyond the romanisation
        # rules)
        (
            "Police charged Somchai Udomdet with bribery. Udomdet denies it. His lawyer said Udomdech would appeal.",
            ("Udomdech", "Udomdet"),
        ),
        # a given name in a shorter full name that matches the introduction in every other word
        (
            "Saad Rashed al-Faqih was named on the list. Officials said al-Faqih moved money. A lawyer for Saed "
            "al-Faqih declined to comment.",
            ("Saed", "Saad"),
        ),
        # a double name written as one hyphenated word, against the last two words of the introduction
        (
            "Ismail Ahmadi Moghadam was named on the list. Moghadam ran the police. A lawyer for Ahmadi-Moghaddam "
            "declined to comment.",
            ("Ahmadi-Moghaddam", "Ahmadi Moghadam"),
        ),
        # a full name as long as the introduction, one word apart; a dropped initial h is a romanisation
        (
            "Haroun Gaye was named on the list. Gaye led a militia. A lawyer for Aroun Gaye declined to comment.",
            ("Aroun", "Haroun"),
        ),
    ],
)
def test_unintroduced_spelling_close_to_an_introduced_name_is_flagged(text, flagged):
    found = flags_of(text)
    assert [(f.text, f.suggestions[0]) for f in found] == [flagged]
    assert found[0].rule in (names.RULE_UNINTRODUCED, names.RULE_VARIANT)
    fixed = apply_fixes(text, found)
    assert flags_of(fixed) == []


def test_unintroduced_flag_says_why_with_lower_confidence():
    found = flags_of("Colombian prosecutors charged Wilber Varela. Varela fled. Wilmer Varela was killed in 2008.")
    assert [(f.text, f.suggestions[0], f.rule) for f in found] == [("Wilmer", "Wilber", names.RULE_UNINTRODUCED)]
    assert "Wilber" in found[0].message and found[0].confidence < 0.75


@pytest.mark.parametrize(
    "text",
    [
        "Lawyer Muthoni Mara spoke. Mara said the ruling would be read from Malaya to the Yemen.",  # a place
        "Officials said Salah al-Sammad met the envoy. Talks in Sanaa resume next week.",  # a city
        "President Paul Kagame opened the summit. Rwandan officials and the Rwandans who volunteered were thanked.",
        "Malala Yousafzai was shot by the Pakistani Taliban. A Talib commander said he regretted nothing.",
        "Benny Gantz met army chiefs. Gantz said the operation would continue. Ganz, a town, was evacuated.",
        "Samer Foz was named on the list. Foz owns hotels. The list also names Amer Foz, his brother.",  # Amer in Samer
        "Brothers Nabil Hassan and Nabih Hassan were arrested. Nabil Hassan was released.",  # one sentence: two people
        # bare before the introduction
        "A lawyer for Udomdech spoke first. Police later charged Somchai Udomdet with bribery.",
        # two listed names
        "Ahmed Karzai was sworn in. Karzai promised reform. His brother Hamed Karzai was killed.",
        # a place cue
        "Actress Lily James filmed on the river. James loved it. Ecologists later waded into the Thames.",
        "The note honours Margaret Thatcher. Thatcher grew up in Grantham. It was unveiled in Margate.",
        "Ed Mathers runs the agency. Mathers is blunt. Marketers have never had so much data.",  # only sentence-initial
        "Omar Taliban was arrested on Monday. Taliban denied the charges. Crowds of Italians watched the trial.",
        "Carl Frankfurt chairs the bank. Frankfurt spoke on Monday. Locals, Frankfurter by birth, cheered him.",  # -er
    ],
)
def test_unintroduced_test_leaves_other_words_and_other_people_alone(text):
    assert flags_of(text) == []


@pytest.mark.parametrize(
    "text, flagged",
    [
        (
            "President Mahmoud Ahmadinejad spoke. Ahmadinejad said talks would go on. "
            "Critics of Ahmadi-Nejad were held.",
            [("Ahmadi-Nejad", "Ahmadinejad")],
        ),
        ("Mahmoud Ahmadi-Nejad spoke. Ahmadi-Nejad left. Ahmadinejad returned.", [("Ahmadinejad", "Ahmadi-Nejad")]),
    ],
)
def test_a_name_fused_in_one_place_and_hyphenated_in_another_is_flagged(text, flagged):
    found = flags_of(text)
    assert [(f.text, f.suggestions[0]) for f in found] == flagged
    assert flags_of(apply_fixes(text, found)) == []


def test_hyphenated_names_are_one_name_word_and_korean_syllables_count():
    doc = Document("Kim Jong-un met Ismail Ahmadi-Moghaddam. Iran-backed groups and a Kremlin-run firm watched.")
    assert names.document_names(doc) == {"Kim Jong-un": 1, "Ismail Ahmadi-Moghaddam": 1}
    assert [u.core for m in names.find_mentions(doc) for u in m.units] == [
        "Kim",
        "Jong-un",
        "Ismail",
        "Ahmadi-Moghaddam",
    ]


def test_house_style_canonical_applies_to_a_hyphenated_form():
    config = Config({"names": {"house": [{"canonical": "Ahmadinejad"}]}})
    found = flags_of("Mahmoud Ahmadi-Nejad spoke. Ahmadi-Nejad left.", config)
    assert [(f.text, f.suggestions[0], f.rule) for f in found] == [
        ("Ahmadi-Nejad", "Ahmadinejad", names.RULE_HOUSE)
    ] * 2


def test_fix_gives_one_spelling():
    text = "Muammar Gaddafi ruled for decades. Gaddafi fell in 2011. Gadhafi's sons fled to Niger."
    found = flags_of(text)
    assert [(f.text, f.suggestions[0]) for f in found] == [("Gadhafi", "Gaddafi")]
    fixed = apply_fixes(text, found)
    assert fixed.count("Gaddafi") == 3 and flags_of(fixed) == []


def test_particle_case_and_short_form_are_one_spelling():
    text = (
        "Mustafa al-Kadhimi arrived on Monday. Al-Kadhimi met the governor. Kadhimi left at noon. "
        "Later al Kadhimi spoke again."
    )
    assert flags_of(text) == []


def test_particle_spelled_two_ways_is_flagged_but_other_particles_are_other_names():
    fire = "Abboud al-Zomor was freed. Officials said al-Zomor had left. A lawyer for el-Zomor declined to comment."
    assert [(f.text, f.suggestions) for f in flags_of(fire)] == [("el-Zomor", ("al-Zomor",))]
    quiet = "Khodr Taher bin Ali met Nasr al-Ali in Doha. Later bin Ali flew home and al-Ali stayed."
    assert flags_of(quiet) == []
    both = "Mustafa al-Kadhimi spoke. Al-Kadhimi left. Then El-Khadimi returned."  # core and particle at once
    assert [(f.text, f.suggestions) for f in flags_of(both)] == [("El-Khadimi", ("Al-Kadhimi",))]
    other_particle = "Adnan Abu al-Sahrawi was named. Abu al-Sahrawi moved money. A lawyer for al-Sahraoui declined."
    assert [(f.text, f.suggestions) for f in flags_of(other_particle)] == [("al-Sahraoui", ("al-Sahrawi",))]


def test_tie_suggests_the_first_spelling_with_lower_confidence():
    found = flags_of("Hassan Rouhani spoke first. Then Hassan Rohani left the hall.")
    assert [(f.text, f.suggestions) for f in found] == [("Rohani", ("Rouhani",))]
    assert found[0].confidence < 0.9


def test_different_given_names_block_a_surname_variant():
    text = (
        "Nouri al-Maliki met Riyad al-Malki. Ayman al-Zawahiri and Mohammed al-Zawahri were brothers. "
        "Victor Cazarez Salazar and Blanca Cazares Salazar were both named."
    )
    assert flags_of(text) == []


def test_names_at_sentence_start_and_common_words():
    doc = Document("Dozens were hurt. Win Shein and Aye Nu Sein were named. Protests spread to Basra.")
    spellings = names.document_names(doc)
    assert "Dozens" not in spellings and "Protests" not in spellings
    assert spellings["Win Shein"] == 1 and spellings["Aye Nu Sein"] == 1 and spellings["Basra"] == 1


def test_contractions_are_not_names_but_apostrophe_names_are():
    doc = Document("We've seen it. We’ve heard it. There’ll be more, Sa'd said. Mr O'Brien agreed. Don't go.")
    assert names.document_names(doc) == {"Sa'd": 1, "O'Brien": 1}


def test_document_names_counts_and_sentence_start_particle():
    doc = Document("Mustafa al-Kadhimi spoke. Al-Kadhimi left. Crowds cheered al-Kadhimi in Basra.")
    assert names.document_names(doc, Config()) == {"Mustafa al-Kadhimi": 1, "al-Kadhimi": 2, "Basra": 1}


def test_family_is_registered_with_its_rules():
    fam = family("names")
    assert {r.id for r in fam.rules()} == {names.RULE_VARIANT, names.RULE_HOUSE, names.RULE_UNINTRODUCED}
    assert fam.metrics(Document("Kim Jong Un spoke."), Config())["names_found"] == 3


# --------------------------------------------------------------------------- house style


def test_house_style_canonical_wins_over_the_majority():
    config = load_config(HOUSE_FILE)
    text = "Muammar Qaddafi ruled Libya. Qaddafi was killed in 2011. A statue of Kadhafi was pulled down."
    found = flags_of(text, config)
    assert {(f.text, f.suggestions[0], f.rule) for f in found} == {
        ("Qaddafi", "Gaddafi", names.RULE_HOUSE),
        ("Kadhafi", "Gaddafi", names.RULE_HOUSE),
    }


def test_house_style_message_names_the_house_spelling_with_its_particle():
    found = flags_of("Mustafa al-Kazemi met officials on Monday. Al-Kazemi left.", load_config(HOUSE_FILE))
    assert [(f.text, f.suggestions[0]) for f in found] == [("al-Kazemi", "al-Kadhimi"), ("Al-Kazemi", "Al-Kadhimi")]
    assert "spells this name al-Kadhimi;" in found[0].message


def test_house_style_flags_a_lone_listed_variant_and_respects_accepted():
    config = Config({"names": {"house": [{"canonical": "Gaddafi", "variants": ["Qaddafi"]}], "accepted": ["Gadhafi"]}})
    assert [f.suggestions for f in flags_of("Qaddafi spoke.", config)] == [("Gaddafi",)]
    assert flags_of("Gadhafi spoke. Gaddafi left.", config) == []
    assert flags_of("Gaddafi spoke.", config) == []


def test_add_canonical_name_creates_and_extends_the_house_list(tmp_path):
    path = tmp_path / "house.toml"
    names.add_canonical_name(path, "al-Kadhimi", ["Al-Khadimi"])
    names.add_canonical_name(path, "al-Kadhimi", ["Kazimi", "al-Kadhimi"])
    names.add_canonical_name(path, "Gaddafi", ["Qaddafi"])
    config = load_config(path)
    assert config.section("names")["house"] == [
        {"canonical": "al-Kadhimi", "variants": ["Al-Khadimi", "Kazimi"]},
        {"canonical": "Gaddafi", "variants": ["Qaddafi"]},
    ]
    found = flags_of("Kazimi met Qaddafi.", config)
    assert sorted(f.suggestions[0] for f in found) == ["Gaddafi", "Kadhimi"]
    names.add_canonical_name(path, "Kazimi")  # the editor changes their mind: the variant becomes the canonical
    entries = load_config(path).section("names")["house"]
    assert {"canonical": "Kazimi", "variants": []} in entries
    assert all("Kazimi" not in e["variants"] for e in entries)
    names.add_canonical_name(path, "Gadhafi", ["Gaddafi"])  # an old canonical becomes a variant: merged
    entries = load_config(path).section("names")["house"]
    assert {"canonical": "Gadhafi", "variants": ["Gaddafi", "Qaddafi"]} in entries
    assert not any(e["canonical"] == "Gaddafi" for e in entries)


# --------------------------------------------------------------------------- planted OFAC-style variants (issue 16)

PLANT = (
    "{first} was named on the new sanctions list on Tuesday, officials in Washington said. According to the "
    "Treasury, {short} moved money through several trading companies. A lawyer for {later} did not respond."
)


@pytest.mark.parametrize(
    "first, short, later, flagged, suggestion",
    [
        ("Mohammad Bagher Zolghadr", "Zolghadr", "Mohammadbagher Zolghadr", "Mohammadbagher", "Mohammad Bagher"),
        ("Mohammadhassan Rezaei", "Rezaei", "Mohammad Hassan Rezaei", "Mohammad Hassan", "Mohammadhassan"),
        ("Guoying Wang", "Wang", "Guo Ying Wang", "Guo Ying", "Guoying"),
        ("Gholamreza Rafat Nejad", "Nejad", "Gholamreza Rafatnejad", "Rafatnejad", "Rafat Nejad"),
        ("Ali Sedaghat", "Sedaghat", "Ali Sedaghati", "Sedaghati", "Sedaghat"),  # one letter added, in full
        ("Ali Sedaghat", "Sedaghat", "Sedaghati", "Sedaghati", "Sedaghat"),  # ... and alone
        ("Isaac Guberek", "Guberek", "Isaac Guberex", "Guberex", "Guberek"),
        ("Idajet Beqiri", "Beqiri", "Hidajet Beqiri", "Hidajet", "Idajet"),  # initial h
        ("Ibraima Papa Camara", "Camara", "Ibrahima Papa Camara", "Ibrahima", "Ibraima"),
        ("Kim Su-Kwang", "Kim", "Kim Su-gwang", "Su-gwang", "Su-Kwang"),  # Korean k/g, a five-letter syllable
        ("Andriy Klyuyev", "Klyuyev", "Andrij Klyuyev", "Andrij", "Andriy"),  # Ukrainian y/j
        ("Abu Mohammad al-Jawlani", "al-Jawlani", "al-Golani", "al-Golani", "al-Jawlani"),  # Arabic j/g, aw/o
        ("Yury Nikolaevich Podobed", "Podobed", "Yuri Nikolaevich Pobobed", "Pobobed", "Podobed"),
    ],
)
def test_planted_variant_of_one_person_is_flagged(first, short, later, flagged, suggestion):
    found = flags_of(PLANT.format(first=first, short=short, later=later))
    assert [(f.text, f.suggestions[0]) for f in found] == [(flagged, suggestion)]


def test_every_later_use_of_a_joined_name_is_flagged_and_the_work_is_bounded(monkeypatch):
    from checks.names import joined

    text = (
        "Guo Ying Wang was named on Tuesday. Officials said Guoying Wang had left. Guoying Wang did not reply. "
        "Guo Ying Wang later spoke to reporters."
    )
    assert [(f.text, f.suggestions[0]) for f in flags_of(text)] == [("Guoying", "Guo Ying"), ("Guoying", "Guo Ying")]
    calls = []
    real = joined._same_name
    monkeypatch.setattr(joined, "_same_name", lambda *a: calls.append(a) or real(*a))
    # 200 different people named "Guo Ying <surname>" and 200 uses of "Guoying Wang": the comparisons stay bounded
    crowd = " ".join(f"Guo Ying Li{chr(97 + n // 26)}{chr(97 + n % 26)}x spoke." for n in range(200))
    flags_of(crowd + " " + " ".join("Guoying Wang spoke." for _ in range(200)))
    assert len(calls) <= joined.MAX_FORMS


@pytest.mark.parametrize(
    "first, short, later",
    [
        ("Mohammed Qasim", "Qasim", "Mohammad Qasir"),  # two words differ, none the very same: two people
        ("Ali Reza Tangsiri", "Tangsiri", "Alireza Karimi"),  # joined given names, another surname
        ("Guo Ying", "Ying", "Guoying Wang"),
        ("Sajid Mir", "Mir", "Sayid Mir"),  # Arabic j is not y
        ("Rahim Khan", "Khan", "Rahima Khan"),  # an ending on a short name makes another name
        ("Ivan Melnikov", "Melnikov", "Melnikova"),  # a Russian woman's surname
    ],
)
def test_planted_look_alikes_of_other_people_stay_silent(first, short, later):
    assert flags_of(PLANT.format(first=first, short=short, later=later)) == []


@pytest.mark.parametrize(
    "first, short, later, flagged, suggestion",
    [
        # a title that is also a given name, after a name word, is part of the name (not a title before one)
        ("Nawfal Hammadi al-Sultan", "al-Sultan", "Nawfal Hamadi Sultan", "Hamadi", "Hammadi"),
        # an ayn mark after a hyphenated particle: "Bin-'Abdullah" is "bin" + "'Abdullah"
        (
            "Muhammad Abdallah Abu-al-Khayr",
            "Abu-al-Khayr",
            "Muhammad Bin-'Abdullah Abu-al-Khayr",
            "Bin-'Abdullah",
            "Bin-Abdallah",
        ),
        # "Abul-" is "Abu al-" run together: a particle, so "Khair" is compared with "Khayr"
        ("Muhammad Abdallah Abu-al-Khayr", "Abu-al-Khayr", "Muhammad Abdallah Abul-Khair", "Abul-Khair", "Abul-Khayr"),
        # an h added or dropped in a three-word name written otherwise the very same way (Korean, Burmese)
        ("Yong Il Sin", "Sin", "Yong Il Shin", "Shin", "Sin"),
        ("Tun Aung Myint", "Myint", "Htun Aung Myint", "Htun", "Tun"),
        # no word the very same: one pair a romanisation variant, the other alike but in vowels, h, w and y
        ("Erken Tuniyaz", "Tuniyaz", "Aierken Tuniyazi", "Tuniyazi", "Tuniyaz"),
        ("Aleksandr Karaman", "Karaman", "Aleksandru Caraman", "Aleksandru", "Aleksandr"),
        ("Haroun Gaye", "Gaye", "Aroun Geye", "Aroun", "Haroun"),
    ],
)
def test_planted_variant_beyond_one_word_apart_is_flagged(first, short, later, flagged, suggestion):
    found = flags_of(PLANT.format(first=first, short=short, later=later))
    assert [(f.text, f.suggestions[0]) for f in found] == [(flagged, suggestion)]


@pytest.mark.parametrize(
    "first, short, later",
    [
        ("Yong Il Sin", "Sin", "Yong Su Shin"),  # an h alone, and another word differs: another person
        ("Wen Sin", "Sin", "Wen Shin"),  # an h alone in a two-word name: Sin and Shin are two surnames
        ("Rahim Khan", "Khan", "Rahima Khan"),  # an ending on a short name, the surname the very same
        ("Mohammed Qasim", "Qasim", "Mohammad Qasir"),  # a consonant changed
        ("Salah Karimi", "Karimi", "Saleh Karimy"),  # two listed given names are two names
        ("Amar Karimi", "Karimi", "Omar Karimy"),  # Amar/Omar: the ratio is too low
        ("Haroun Gaye", "Gaye", "Aroun Geye Diallo"),  # another length: not the same full name
        # the introduced person is known by the fullest name, not by the short form used later
        ("Atiyah Abd al-Rahman", "Abd al-Rahman", "Abdur Rehman"),
    ],
)
def test_planted_look_alikes_beyond_one_word_apart_stay_silent(first, short, later):
    assert flags_of(PLANT.format(first=first, short=short, later=later)) == []


@pytest.mark.parametrize(
    "text, cores",
    [
        # a sentence-initial common word starts a name when the word after next does ("Uk" and "Na" are words too)
        ("Won Uk Pae was named.", [["Won", "Uk", "Pae"]]),
        ("Lin Na Wei was named.", [["Lin", "Na", "Wei"]]),
        # ... but not when no name word follows, or a title stands between
        ("Black Lives Matter marched.", [["Lives", "Matter"]]),
        ("Police Chief Smith spoke.", [["Smith"]]),
        # an apostrophe inside a Korean syllable is a McCune-Reischauer breve, not the end of the name
        ("Officials named Kyo'ng-hyo'k Kim.", [["Kyo'ng-hyo'k", "Kim"]]),
        ("Officials named Kim Jong-un's aide.", [["Kim", "Jong-un"]]),
    ],
)
def test_name_runs_at_sentence_start_and_korean_breves(text, cores):
    assert [[u.core for u in m.units] for m in names.find_mentions(Document(text))] == cores


def test_korean_breve_spelling_is_flagged_against_the_plain_one():
    text = PLANT.format(first="Kyong Hyok Kim", short="Kim", later="Kyo'ng-hyo'k Kim")
    assert [(f.text, f.suggestions[0]) for f in flags_of(text)] == [("Kyo'ng-hyo'k", "Kyong Hyok")]


def test_a_title_after_a_name_word_is_a_name_word_only_when_it_is_a_given_name():
    doc = Document("Nawfal Hamadi Sultan met Martin Luther King and President Sultan Qaboos.")
    assert [[u.core for u in m.units] for m in names.find_mentions(doc)] == [
        ["Nawfal", "Hamadi", "Sultan"],
        ["Martin", "Luther"],
        ["Qaboos"],
    ]


@pytest.mark.parametrize(
    "a, b",
    [("Andriy", "Andrij"), ("Anatoljevich", "Anatolyevich"), ("Idajet", "Hidajet"), ("Ibraima", "Ibrahima")],
)
def test_issue_16_romanisations_are_variants(a, b):
    assert are_variants(a, b)


@pytest.mark.parametrize("a, b", [("Sajid", "Sayid"), ("Hamid", "Amid"), ("Sanjay", "Sanyay")])
def test_issue_16_look_alikes_are_not_variants(a, b):
    assert not are_variants(a, b)


# --------------------------------------------------------------------------- archive mode


def archive_of(texts: dict[str, str], config: Config | None = None) -> list[dict]:
    """The archive table's rows for these documents, collected and combined as `checks batch` does."""
    table = family("names").archive
    assert table is not None
    config = config or Config()
    rows = [(i, k, n) for i, text in texts.items() for k, n in table.collect(Document(text), config).items()]
    return table.combine(rows, config)


def test_archive_clusters_counts_documents_per_spelling():
    rows = [(f"d{i}", "Muammar Gaddafi", 2) for i in range(5)] + [(f"q{i}", "Muammar Qaddafi", 1) for i in range(2)]
    rows += [("x1", "Ali Khamenei", 1), ("x2", "Ruhollah Khomeini", 1), ("x3", "Baghdad", 3), ("x4", "Baghdadi", 1)]
    out = names.archive_clusters(rows, Config())
    assert [(r["spelling"], r["documents"], r["mentions"], r["canonical"]) for r in out] == [
        ("Gaddafi", 5, 10, "Gaddafi"),
        ("Qaddafi", 2, 2, "Gaddafi"),
    ]
    assert out[0]["document_ids"] == ["d0", "d1", "d2", "d3", "d4"]
    assert out[0]["cluster_id"] == out[1]["cluster_id"] == names.archive_clusters(rows)[0]["cluster_id"]


def test_archive_keeps_different_people_apart_and_uses_the_house_canonical():
    rows = [("a", "Ayman al-Zawahiri", 1), ("b", "Mohammed al-Zawahri", 1), ("c", "Kadhafi", 1), ("d", "Qaddafi", 4)]
    config = Config({"names": {"house": [{"canonical": "Gaddafi"}]}})
    out = names.archive_clusters(rows, config)
    assert {r["spelling"] for r in out} == {"Kadhafi", "Qaddafi"}
    assert {r["canonical"] for r in out} == {"Gaddafi"}


def test_archive_glued_article_needs_the_article_written_somewhere():
    texts = {"a": "Marwan al-Rawi spoke on Monday.", "b": "Officials met al-Rawi on Tuesday, and Alrawi said no."}
    assert {r["spelling"] for r in archive_of(texts)} == {"al-Rawi", "Alrawi"}
    texts = {
        "a": "Mira Smith spoke.",
        "b": "Officials met Mira on Tuesday.",
        "c": "Officials met Elmira Jones, and Elmira left.",
    }
    assert archive_of(texts) == []


def test_archive_needs_more_than_spelling_across_documents():
    """Issue 16: different words clustered across an archive because their spellings look alike (Deli/Telly/Thali,
    Alan/Laan, Anders/Enders, Haringey/Harringay, Derrick Taff/teff). Each document below is checked alone; a
    pair of spellings in different documents with no full names in common is never clustered."""
    texts = {
        "deli": "The New York Deli opened on Monday. Deli owners said prices would rise.",
        "telly": "Viewers watched the match on the Telly in the pub. Telly audiences grew.",
        "thali": "A Thali is a round platter. Thali restaurants are popular in Leicester.",
        "alan": "Alan Rusbridger, the former editor, spoke at the festival.",
        "laan": "The Dutch firm named Laan as its new director on Friday.",
        "anders": "Anders Breivik was sentenced in Oslo.",
        "enders": "Enders Analysis, a media research firm, published the figures.",
        "haringey": "Residents in Haringey, north London, protested against the council.",
        "harringay": "The shop in Harringay has served the area since 1970.",
        "taff": "Derrick Taff, a social scientist at Pennsylvania State University, said noise was rising.",
        "teff": "Teff is a grain from Ethiopia. Teff flour is gluten free.",
    }
    assert archive_of(texts) == []
    # the same spellings pass when the evidence is there: one document groups them, or full names agree
    texts["both"] = "Derrick Taff led the study. Teff said the results were clear, and Taff agreed."
    texts["gaddafi"] = "Muammar Gaddafi ruled Libya for 42 years."
    texts["qaddafi"] = "Muammar Qaddafi was killed in 2011."
    clusters = {}
    for row in archive_of(texts):
        clusters.setdefault(row["cluster_id"], set()).add(row["spelling"])
    assert sorted(map(sorted, clusters.values())) == [["Gaddafi", "Qaddafi"], ["Taff", "Teff"]]


def test_archive_house_style_listing_is_evidence():
    config = Config({"names": {"house": [{"canonical": "Gaddafi", "variants": ["Kadhafi"]}]}})
    out = archive_of({"a": "Officials said Kadhafi had left.", "b": "Reporters said Gaddafi had left."}, config)
    assert {(r["spelling"], r["canonical"]) for r in out} == {("Kadhafi", "Gaddafi"), ("Gaddafi", "Gaddafi")}
    assert archive_of({"a": "Officials said Kadhafi had left.", "b": "Reporters said Gaddafi had left."}) == []


@pytest.mark.skipif(not (EVAL / "onestopenglish" / "texts").is_dir(), reason="../shared/eval/onestopenglish absent")
def test_archive_clusters_on_clean_news_are_each_one_name():
    """Every cluster the archive table forms on the 273 OneStopEnglish articles is labelled in
    samples/names/archive_clusters.jsonl as one name spelled two ways (12 clusters, 2 of them right, before the
    corroboration guard)."""
    from evaluation.eval_names import CLUSTER_LABELS, archive_cluster_sets, clean_news_documents

    labels = {tuple(sorted(item["spellings"])): item["same_name"] for item in map(json.loads, CLUSTER_LABELS.open())}
    found = archive_cluster_sets(clean_news_documents())
    assert found, "the two typos in the articles (Kitttinger, Kasmir) should still be clustered"
    assert all(labels.get(tuple(spellings)) is True for spellings in found), found


def test_archive_blocks_by_key_and_is_fast():
    rng = random.Random(3)
    letters = "bcdfghklmnprstvz"
    vowels = "aeiou"
    words = ["".join(rng.choice(letters) + rng.choice(vowels) for _ in range(3)).capitalize() for _ in range(800)]
    rows = [(f"doc{i % 4000}", f"{rng.choice(words)} {rng.choice(words)}", 1) for i in range(10000)]
    started = time.perf_counter()
    out = names.archive_clusters(rows)
    assert time.perf_counter() - started < 5.0
    cores = {w.casefold(): w for w in words}
    assert len(names.candidate_pairs(cores)) < len(cores) ** 2 / 50  # blocked, not every pair
    assert all(r["documents"] >= 1 and r["document_ids"] for r in out)
