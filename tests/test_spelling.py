"""The spelling check: typos caught with the right fix first, and never a name, particle, acronym, URL or unit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from checks import spelling
from checks.config import Config, ConfigError, load_config
from checks.document import Document
from checks.fixes import apply_fixes
from checks.pipeline import check_document, check_text
from checks.spelling import checker, reranking
from evaluation.common import PLANTED, planted_sample
from tests.conftest import ROOT

SAMPLES = ROOT / "samples" / "spelling"


def flags(text: str, config: Config | None = None):
    found = spelling.check(Document(text), config or Config()).flags
    for flag in found:
        assert flag.text == text[flag.start : flag.end]
        assert flag.category == "spelling"
    return found


def style(**spelling_keys) -> Config:
    return Config({"spelling": spelling_keys})


# ------------------------------------------------------------------------------------------ must fire


@pytest.mark.parametrize(
    "text, fixed",
    [
        ("The goverment said on Monday it would act.", "The government said on Monday it would act."),
        ("Officials said they would recieve the report.", "Officials said they would receive the report."),
        ("Teh minister resigned on Friday.", "The minister resigned on Friday."),
        ("Police arrested alot of people.", "Police arrested a lot of people."),
        ("The plan is well-knwon in Baghdad.", "The plan is well-known in Baghdad."),
        ("He said he dont know.", "He said he don’t know.".replace("’", "'")),
        ("The Brittish embassy was closed.", "The British embassy was closed."),
        ("It was definately not over.", "It was definitely not over."),
    ],
)
def test_typos_are_flagged_with_the_fix_first(text, fixed):
    found = flags(text)
    assert len(found) == 1, [f.text for f in found]
    assert apply_fixes(text, found) == fixed


def test_curly_apostrophe_is_kept_in_the_suggestion():
    text = "Protesters said they didnt leave."
    assert apply_fixes(text, flags(text)) == "Protesters said they didn't leave."
    text = "Protesters said they couldn’t leave the scuare."
    assert [f.suggestions[0] for f in flags(text)] == ["square"]


def test_two_letter_words_only_when_swapped_common_words():
    assert [f.suggestions[0] for f in flags("He said it was ot the point.")] == ["to"]
    assert flags("The letters r and rr sound different.") == []


def test_a_sentence_thick_with_typos_is_still_checked():
    text = "The goverment and the parlament met the comittee and the presidnet."
    assert [f.text for f in flags(text)] == ["goverment", "parlament", "comittee", "presidnet"]


def test_severity_follows_confidence():
    sure = flags("The goverment said so.")[0]
    assert sure.severity == "error" and sure.confidence >= 0.8
    doubtful = flags("The plan was described as kwertyzed by critics.")
    assert all(f.severity != "error" for f in doubtful)


def test_context_changes_the_ranking():
    """'thne' alone is most likely 'the'; after 'and' and before 'we' it is 'then'."""
    assert spelling.judge("thne", context=False)[0].word == "the"
    assert spelling.judge("thne", ("and",), "we")[0].word == "then"
    assert flags("We ate and thne we left.")[0].suggestions[0] == "then"


# ------------------------------------------------------------------------------------- must not fire


@pytest.mark.parametrize(
    "text",
    [
        "Qais al-Khazali, leader of Asaib Ahl al-Haq, spoke at the funeral.",
        "Abu Alaa al-Walae of Kataib Sayyid al-Shuhada posted a warning.",
        "The Hashd al-Shaabi denied the claim, a spokesman for Hashd said.",
        "Kadhimi said the attack failed.",  # a romanised name opening a sentence
        "Sadr said the vote was fair.",  # short, no romanised look, but "sad said" does not fit
        "Ranj Alaaldin wrote on Twitter.",  # a run of capitalised words
        "Holger said the bottle was found on a beach.",  # a name at the start, one ordinary edit from "holder"
        "He quoted the line: qu'on regarde bien les choses avant de parler.",  # a foreign-language passage
        "Residents fled by boat, the ferry is at 4 m and the hill at 300 ft.",
        "Officials met Prince Mohammed bin Salman and Sheikh Tamim bin Hamad.",
        "The UNAMI and ECOWAS missions issued statements.",
        "Read more at https://www.uniraq.org/news or write to press@uniraq.org.",
        "Follow @IraqiGovt and the #BasraIsThirsty campaign.",
        "Trucks drove 5km in a 4x4 convoy before 18:00 and 12kg of aid arrived.",
        "The non-violent, pro-Iranian and Iran-backed groups re-elected their chiefs.",
        "Delegates met at the Palais des Congrès in Niamey.",
        "The word \u201ccaro\u201d means dear, and baby eels are known as elvers.",
        "Vendors sold mapone caterpillars; mapone is a delicacy.",  # a term the writer repeats
        "The antigovernment protests were unprecedentedly large.",
        "The ocelots and the penicillins were listed.",
        "She traveled to the theater, the centre and the colour show.",
    ],
)
def test_names_and_non_words_by_design_are_quiet(text):
    assert flags(text) == [], [f.text for f in flags(text)]


def test_a_text_of_non_words_stops_with_a_status(monkeypatch):
    monkeypatch.setattr(checker, "MAX_FLAGS", 3)
    doc = Document("The goverment met. The parlament met. The comittee met. The presidnet met.")
    result = spelling.check(doc, Config())
    assert len(result.flags) == 3
    assert "stopped after 3" in result.status


def test_user_dictionary_silences_a_word():
    text = "The editor rewrote the lede of the Kazmunaygaz story."
    assert [f.text for f in flags(text)] == ["lede"]
    config = Config({"dictionary": {"words": ["Lede"]}})
    assert flags(text, config) == []


def test_seed_article_names_raise_no_flag(seed_text):
    assert flags(seed_text) == [], [f.text for f in flags(seed_text)]


# ----------------------------------------------------------------------------------------- samples


def _labelled(path: Path):
    return planted_sample(path.read_text("utf-8"))


SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_drafts_flag_exactly_the_planted_typos(path):
    text, gold = _labelled(path)
    found = flags(text)
    assert sorted((f.start, f.end) for f in found) == sorted((s, e) for s, e, _ in gold), [f.text for f in found]
    right_first = sum(f.suggestions[:1] == (r,) for f in found for s, e, r in gold if (f.start, f.end) == (s, e))
    assert right_first >= len(gold) - 1  # at most one planted typo per draft with another word ranked first


def test_sample_drafts_corrected_are_clean():
    for path in SAMPLE_FILES:
        text = PLANTED.sub(lambda m: m.group(2), path.read_text("utf-8"))
        assert flags(text) == [], (path.name, [f.text for f in flags(text)])


# --------------------------------------------------------------------------------------- house style


def test_variant_both_accepts_either_spelling():
    assert flags("The colour of the organisation and the color of the organization.") == []


def test_variant_us_flags_uk_forms():
    text = "The colour of the organisation's defence programme."
    found = flags(text, style(variant="us"))
    assert [f.rule for f in found] == [spelling.RULE_VARIANT] * 4
    assert apply_fixes(text, found) == "The color of the organization's defense program."


def test_variant_uk_flags_us_forms_but_not_shared_words():
    text = "The color of the organization's computer program traveled far."
    found = flags(text, style(variant="uk"))
    assert apply_fixes(text, found) == "The colour of the organisation's computer program travelled far."
    oxford = flags(text, style(variant="uk", oxford_ize=True))
    assert "organization" not in [f.text for f in oxford]


def test_unknown_words_without_a_correction_only_on_request():
    text = "The editor trimmed the nutgraf again."
    assert flags(text) == []
    found = flags(text, style(flag_unknown=True))
    assert [(f.text, f.rule, f.severity, f.suggestions) for f in found] == [
        ("nutgraf", spelling.RULE_UNKNOWN, "info", ())
    ]


def test_context_can_be_switched_off():
    assert flags("We ate and thne we left.", style(context=False))[0].suggestions[0] == "the"


def test_bad_variant_is_a_config_error():
    with pytest.raises(ConfigError):
        flags("Anything.", style(variant="canadian"))


def test_disabled_rule_is_respected():
    config = Config({"rules": {"disabled": [spelling.RULE_TYPO]}})
    assert check_text("The goverment said.", config=config).issues == []


def test_add_to_dictionary(tmp_path):
    path = tmp_path / "copydesk.toml"
    path.write_text('[spelling]\nvariant = "us"\n', "utf-8")
    assert [f.text for f in flags("The lede was rewritten.")] == ["lede"]
    spelling.add_to_dictionary(path, "Lede")
    spelling.add_to_dictionary(path, "lede")  # not twice, whatever the case
    config = load_config(path)
    assert config.get("dictionary", "words") == ["Lede"]
    assert config.get("spelling", "variant") == "us"
    assert flags("The lede was rewritten.", config) == []
    new = tmp_path / "sub" / "new.toml"
    spelling.add_to_dictionary(new, "Zarqawi")
    assert load_config(new).user_words == {"zarqawi"}
    with pytest.raises(ValueError):
        spelling.add_to_dictionary(path, "two words")


# ------------------------------------------------------------------------------------ data and speed


def test_data_files_are_compact_and_load_fast():
    data = ROOT / "checks" / "data"
    assert sum(p.stat().st_size for p in data.glob("spelling*")) < 5_000_000
    spelling.lexicon.cache_clear()
    started = time.perf_counter()
    lex = spelling.lexicon()
    assert time.perf_counter() - started < 0.6  # ~0.1 s here; generous for a loaded machine
    assert lex.freq("the") > 7 and "favourite" in lex and "favorite" in lex and "thier" not in lex


def test_clean_copy_is_checked_fast():
    text = "\n\n".join(PLANTED.sub(lambda m: m.group(2), p.read_text("utf-8")) for p in SAMPLE_FILES)
    spelling.check(Document(text), Config())  # warm: word list, caches
    doc = Document(text)
    started = time.perf_counter()
    spelling.check(doc, Config())
    ms_per_thousand = (time.perf_counter() - started) * 1000 / len(doc.words) * 1000
    assert ms_per_thousand < 40  # budget 8 ms per 1,000 words; generous for a loaded machine


def test_letter_runs_longer_than_any_word_are_not_judged():
    text = "The minister said " + "a" * 20000 + " and " + "x" * 3000 + " yesterday, then teh talks ended."
    flags = spelling.check(Document(text), Config()).flags
    assert [f.text for f in flags] == ["teh"]
    assert spelling.check(Document("b" * 5000), Config()).flags == []
    assert spelling.judge("q" * 60) is None


# ------------------------------------------------------------------------------------- the model judge

FAST = Config(fast=True)  # --fast: the judge off
LAID = "Six new warships were layed down at the shipyard last week."


def _same_flags(a, b) -> bool:
    """The same flags but for the order of suggestions (and the message naming the first)."""
    return [(f.rule, f.start, f.end, f.severity, f.confidence, sorted(f.suggestions)) for f in a] == [
        (f.rule, f.start, f.end, f.severity, f.confidence, sorted(f.suggestions)) for f in b
    ]


@pytest.mark.parametrize(
    "text, today, judged",
    [
        (LAID, "played", "laid"),  # the n-grams see "were ... down"; the model reads "warships ... at the shipyard"
        ("The new bridge is a project of enormous propotions.", "promotions", "proportions"),
        ("The long-term explotation of migrant workers was condemned.", "exploration", "exploitation"),
    ],
)
def test_the_judge_puts_first_the_word_the_sentence_wants(model, text, today, judged):
    (off,) = flags(text, FAST)
    assert off.suggestions[0] == today
    assert judged in off.suggestions  # the judge only reorders what the candidate model proposed
    result = spelling.check(Document(text), Config())
    (on,) = result.flags
    assert on.suggestions[0] == judged
    assert _same_flags([on], [off])
    assert on.message == f"'{on.text}' is not a word; did you mean '{judged}'?"
    assert result.status == (
        "judge: on, 1 passages judged (typo flags re-ranked in context), 1 with a new first suggestion"
    )


def test_the_judge_keeps_a_first_suggestion_the_sentence_agrees_with(model):
    text = "The goverment said on Monday it would act. We ate and thne we left."
    result = spelling.check(Document(text), Config())
    assert [f.suggestions[0] for f in result.flags] == ["government", "then"]
    assert result.status == (
        "judge: on, 2 passages judged (typo flags re-ranked in context), 0 with a new first suggestion"
    )


def test_with_the_judge_off_the_order_is_the_candidate_models():
    """--fast and [judge] enabled = false: today's order, the candidate model's ranking in its n-gram context."""
    ranked = tuple(s.word for s in spelling.rank("layed", ("warships", "were"), "down")[:5])
    assert ranked[0] == "played"
    for config in (FAST, Config({"judge": {"enabled": False}})):
        result = spelling.check(Document(LAID), config)
        assert [f.suggestions for f in result.flags] == [ranked]
        assert result.status == ""


def test_without_the_model_the_flags_are_todays_and_the_status_says_why(without_the_model):
    result = spelling.check(Document(LAID), Config())
    assert result.flags == flags(LAID, FAST)
    assert result.status.startswith("judge: off (model file not found:")
    assert result.status.endswith("spelling suggestions in the candidate model's order")


def test_a_word_alone_is_not_judged():
    """With nothing around it, the model's preference only repeats word frequency: it lowered top-1 on Birkbeck."""
    assert reranking.ALONE_WEIGHT is None
    result = spelling.check(Document("layed"), Config())
    assert result.flags == flags("layed", FAST) and len(result.flags[0].suggestions) >= 2
    assert result.status == ""  # the model is not even loaded


def test_the_rewrite_covers_the_whole_token_in_the_words_case():
    doc = Document("The plan is well-knwon in Baghdad.")
    (flag,) = flags(doc.text, FAST)
    assert flag.text == "knwon"
    passage = reranking.passage(doc, flag)
    assert passage.sentence.tokens[passage.first].text == "well-knwon" and passage.first == passage.last
    assert passage.rewrites[0] == "well-known" and len(passage.rewrites) == len(flag.suggestions)
    doc = Document("Teh minister resigned on Friday.")
    (flag,) = flags(doc.text, FAST)
    rewrites = reranking.passage(doc, flag).rewrites
    assert rewrites == flag.suggestions and rewrites[0] == "The" and all(r[0] == "T" for r in rewrites)


def test_a_hyphenated_part_is_reranked_within_its_token(model):
    text = "The plan is well-knwon in Baghdad."
    result = spelling.check(Document(text), Config())
    (on,) = result.flags
    assert (on.text, on.suggestions[0]) == ("knwon", "known")
    assert _same_flags([on], flags(text, FAST))
    assert result.status.startswith("judge: on, 1 passages judged (typo flags re-ranked in context)")


def test_the_budget_leaves_the_rest_in_todays_order(model, monkeypatch):
    monkeypatch.setattr(reranking, "MIN_FLAGS", 1)
    monkeypatch.setattr(reranking, "FLAGS_PER_1000_WORDS", 0)
    text = f"The goverment said on Monday it would act. {LAID}"
    result = spelling.check(Document(text), Config())
    assert _same_flags(result.flags, flags(text, FAST))
    assert [f.suggestions[0] for f in result.flags] == ["government", "laid"]  # the closer call is judged first
    assert result.status == (
        "judge: on, 1 passages judged (typo flags re-ranked in context), 1 with a new first suggestion; "
        "1 more kept in the candidate model's order"
    )


def test_a_typo_ending_the_text_is_judged(model):
    """A suggestion whose tokens are a prefix of the typo's, at the very end of the text (governmentt ->
    government, no full stop): the model scores what the rewrite drops."""
    text = "We ate and thne we left. Minister praises the governmentt"
    result = spelling.check(Document(text), Config())
    assert _same_flags(result.flags, flags(text, FAST))
    assert [f.suggestions[0] for f in result.flags] == ["then", "government"]
    assert result.status.startswith("judge: on, 2 passages judged")


def test_a_typo_in_a_sentence_too_long_for_the_model_keeps_its_order(model):
    """A "sentence" of thousands of characters the model cannot read (found by tests/test_hostile.py): the flags
    stay, in the candidate model's order, and the check does not fail."""
    text = "Thier goverment recieved teh report." + "x" * 3000
    judged = check_document(Document(text), Config(), family_names=["spelling"])
    fast = check_document(Document(text), Config(fast=True), family_names=["spelling"])
    assert "failed_checks" not in judged.status
    assert [(f.start, f.suggestions) for f in judged.issues] == [(f.start, f.suggestions) for f in fast.issues]
    assert {f.text for f in judged.issues} >= {"Thier", "goverment", "recieved", "teh"}


# ------------------------------------------------------------------------------------------- dialects


def test_auto_follows_the_documents_own_spelling_and_says_so():
    text = "The colour of the centre was grey. Officials travelled north. The color was wrong."
    result = spelling.check(Document(text), style(variant="auto"))
    assert [(f.text, f.rule, f.severity, f.suggestions) for f in result.flags] == [
        ("color", spelling.RULE_VARIANT, "info", ("colour",))
    ]
    assert "otherwise uses UK spelling" in result.flags[0].message
    assert "dialect auto: UK" in result.status and "4 UK, 1 US" in result.status  # colour, centre, grey, travelled
    us_text = "The color of the center was gray. Officials traveled north. The colour was wrong."
    us = spelling.check(Document(us_text), style(variant="auto"))
    assert [(f.text, f.suggestions) for f in us.flags] == [("colour", ("color",))]
    assert "dialect auto: US" in us.status


def test_auto_accepts_both_when_the_evidence_is_unclear_or_absent():
    mixed = spelling.check(Document("The colour of the theater and the center."), style(variant="auto"))
    assert mixed.flags == [] and "no clear choice" in mixed.status
    plain = spelling.check(Document("The minister said the vote was fair."), style(variant="auto"))
    assert plain.flags == [] and plain.status == ""  # no variant spelling: nothing chosen, nothing to say
    uk = spelling.check(Document("The colour of the centre."), style(variant="auto"))
    assert uk.flags == [] and uk.status == ""  # UK chosen, nothing of the other dialect: nothing to say


def test_auto_keeps_oxford_ize_in_a_uk_text_unless_it_prefers_ise():
    oxford = "The colour of the flag was recognized by the organization in the centre."
    assert flags(oxford, style(variant="auto")) == []
    ise = "The organisation recognised the colour; it was criticised, then realised it and recognized it."
    assert [(f.text, f.suggestions) for f in flags(ise, style(variant="auto"))] == [("recognized", ("recognised",))]
    alone = spelling.check(Document("The plan was organized and recognized."), style(variant="auto"))
    assert alone.flags == [] and alone.status == ""  # -ize alone is US or Oxford: nothing chosen, nothing to say


def test_auto_is_the_default_and_a_house_variant_still_wins():
    assert checker.Settings.from_config(Config()).variant == "auto"
    text = "The colour of the centre and the theatre. The color was wrong."
    assert [f.text for f in flags(text)] == ["color"]
    assert [f.text for f in flags(text, style(variant="both"))] == []
    assert {f.text for f in flags(text, style(variant="us"))} == {"colour", "centre", "theatre"}


def test_variant_flags_are_never_errors():
    found = flags("The colour of the organisation's defence programme.", style(variant="us"))
    assert found and {f.severity for f in found} == {"info"}


def _mixed_examples(kind: str) -> list[str]:
    return spelling.word_lists()["mixed_variants"][kind]


@pytest.mark.parametrize("example", _mixed_examples("fire"))
def test_consistency_rule_fires_on_a_word_spelt_both_ways(example):
    from checks.patterns import split_example

    text, fixed = split_example(example)
    found = [f for f in flags(text, style(consistent=True)) if f.rule == spelling.RULE_MIXED]
    assert found and all(f.severity == "warning" for f in found)
    assert apply_fixes(text, found) == fixed
    assert [f for f in flags(text, style(variant="both")) if f.rule == spelling.RULE_MIXED] == []  # opt-in


@pytest.mark.parametrize("example", _mixed_examples("quiet"))
def test_consistency_rule_is_quiet_on_one_spelling_and_on_names(example):
    assert [f.text for f in flags(example, style(consistent=True)) if f.rule == spelling.RULE_MIXED] == []


# ------------------------------------------------------------------------------- a vocabulary of real English


@pytest.mark.parametrize(
    "text",
    [
        "Shoppers found horsemeat in the flatpack lasagne and the horse meat in the flat pack.",  # closed and split
        "The leftfield plan was dumbing down the debate, she said of the last of the bluesmen.",
        "The number of 90-plus year olds rose, and cigs were banned from the strapline.",
        "While I was on Facebook I was like \u2018Oh my gosh, should I change my profile?\u2019",
        "Protesters gathered en masse, and the statue was displayed au naturel.",
        "La premiere chose qu\u2019on regarde (The First Thing We Look At) is her book.",
        "The standard stor stark (large strong) lager is sold everywhere.",
        "Speeds are about two megabytes per second (mbps) in Havana.",
        "A vaper uses a vape; neurones fire and the city became more livable.",
        "The smokefree rule and the schoolfriends' hoverflies made the news.",
    ],
)
def test_real_english_foreign_phrases_and_glossed_terms_are_quiet(text):
    assert flags(text) == [], [f.text for f in flags(text)]


@pytest.mark.parametrize(
    "text, right",
    [
        ("The shop stays open untill midnight.", "until"),
        ("The families said thier homes were gone.", "their"),
        ("The goverment said so.", "government"),
    ],
)
def test_recorded_misspellings_stay_errors_however_frequent(text, right):
    (flag,) = flags(text)
    assert not spelling.is_known(flag.text)  # untill is un+till, thier is frequent on the web: still typos
    assert flag.suggestions[0] == right and flag.severity == "error"


def test_a_rare_dictionary_word_beside_a_common_one_is_only_a_suggestion():
    (flag,) = flags("Water pours through three storeys and plinks into a basement.")
    assert (flag.text, flag.severity, flag.suggestions[0]) == ("plinks", "info", "links")
    assert "rare word" in flag.message


@pytest.mark.parametrize(
    "text, fixed",
    [
        ("It is the fi rst time researchers have looked.", "It is the first time researchers have looked."),
        ("They had more diffi culty digesting it.", "They had more difficulty digesting it."),
        ("The scientifi c impact was large.", "The scientific impact was large."),
        ("If they didn \u2019t enjoy it, they left.", "If they didn\u2019t enjoy it, they left."),
    ],
)
def test_a_word_split_by_a_stray_space_is_joined(text, fixed):
    found = flags(text)
    assert len(found) == 1 and found[0].severity == "error", [f.text for f in found]
    assert apply_fixes(text, found) == fixed


def test_the_word_list_names_its_sources():
    header = (ROOT / "checks" / "data" / spelling.WORDS_FILE).read_text("utf-8").splitlines()[1]
    assert header.startswith("# Sources:")
    for source in ("symspellpy", "wordfreq", "codespell", "SCOWL"):
        assert source in header


def test_real_news_text_from_onestopenglish_raises_no_error_on_real_words():
    """OneStopEnglish (Guardian-derived, edited British English): the real words and the quotation that were
    flagged as errors before are quiet; the typos that are really in these texts are still errors."""
    from tests.conftest import EVAL

    base = EVAL / "onestopenglish" / "texts"
    if not base.is_dir():
        pytest.skip(f"{base} not found")
    from evaluation.eval_spelling import read_latin

    def errors(name: str) -> list[str]:
        return [f.text for f in flags(read_latin(base / name)) if f.severity == "error"]

    assert errors("int/WNL The millenials-int.txt") == []  # 'Oh my gosh' in a quotation
    assert errors("adv/WNL Satnav-adv.txt") == []  # dumbing down
    assert errors("adv/WNL Ten ideas-adv.txt") == []  # leftfield
    assert "ambassdaor" in errors("adv/WNL Vienna-adv.txt")
    assert "inlude" in errors("ele/WNL JMW Turner-ele.txt")
