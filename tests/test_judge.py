"""The model judge: a small neural language model compares the sentence as written with candidate rewrites.

These tests load the real model (SmolLM2-135M through llama.cpp, installed from requirements-model.txt). Without
it they skip with the reason, except in CI, where a missing model is a failure.
"""

from __future__ import annotations

import json
import os

import pytest

from checks import judge, lm, mistranslation
from checks.config import Config
from checks.document import Document
from checks.pipeline import check_text

FLOODS = "Heavy rain caused strong floods in the south of the country."
TOUCHED = "The floods touched sections of the community that rarely see water."  # correct English


def _edit(text: str, word: str, *rewrites: str) -> lm.Edit:
    start = text.index(word)
    return lm.Edit(start, start + len(word), rewrites)


def test_the_model_finds_live_fire_far_likelier_than_keen_fire(model):
    text = "Police answered the protesters with keen fire on Tuesday, witnesses said."
    (gains,) = model.rewrite_gains(text, [_edit(text, "keen", "live", "sharp")])
    live, sharp = gains
    assert live > 10  # over a thousand times more probable
    assert sharp < live


def test_edits_scored_together_gain_what_each_gains_alone(model):
    """The text is evaluated once and the rewrites reuse its cached prefix: that must change no gain."""
    text = "They are among the most powerful deliberate militias, and the actual president assisted at the funeral."
    edits = [
        _edit(text, "deliberate", "armed"),
        _edit(text, "actual", "current", "real"),
        _edit(text, "assisted at", "attended"),
    ]
    together = model.rewrite_gains(text, edits)
    assert together == [model.rewrite_gains(text, [edit])[0] for edit in edits]
    assert together[2][0] > 10  # "attended the funeral"


def test_the_gains_do_not_depend_on_the_thread_count(model):
    text = "The storm caused strong damage to the harbour."
    edits = [_edit(text, "strong", "heavy", "severe")]
    gains = []
    for n_threads in (1, 2):
        scorer = lm.Scorer(lm.model_path(), n_threads=n_threads)
        gains.append(scorer.rewrite_gains(text, edits))
        scorer.close()
    assert gains[0] == gains[1]


def test_a_rewrite_that_only_drops_the_last_tokens_is_scored(model):
    """The rewrite's tokens are all a prefix of the text's ("governmentt" -> "government" at the very end)."""
    text = "The plan was approved by the governmentt"
    (gains,) = model.rewrite_gains(text, [_edit(text, "governmentt", "government", "governments")])
    assert gains[0] > 0 and gains[0] > gains[1]


def test_a_text_over_the_models_context_is_refused_not_truncated(model):
    text = " ".join(["word"] * (lm.CONTEXT_TOKENS + 10))
    with pytest.raises(ValueError, match="over"):
        model.rewrite_gains(text, [lm.Edit(0, 4, ("term",))])


def test_the_judge_confirms_an_unlikely_sense_and_ranks_its_fixes(model):
    flags = mistranslation.check(Document(FLOODS), Config()).flags
    (flag,) = [f for f in flags if f.rule == mistranslation.STATISTICAL_RULE]
    assert flag.text == "strong floods"
    assert flag.suggestions[0] == "severe floods"
    assert "language model" in flag.message and "'strong' is a likely mistranslation" in flag.message


def test_the_judge_vetoes_the_ngram_layer_on_correct_english(model):
    assert [f.text for f in mistranslation.statistical_flags(Document(TOUCHED), Config())] == ["touched sections"]
    result = mistranslation.check(Document(TOUCHED), Config())
    assert result.flags == []
    assert "1 vetoed" in result.status


def test_without_the_model_every_check_still_runs_and_the_status_says_why(without_the_model):
    report = check_text(f"{TOUCHED} Teh council met on Monday.", "draft.txt", Config())
    status = report.status["mistranslation"]
    assert status.startswith("judge: off (model file not found:")
    assert "n-gram reference alone" in status
    assert {f.rule for f in report.issues} >= {mistranslation.STATISTICAL_RULE, "spelling.typo"}
    assert "failed_checks" not in report.status


def test_a_broken_model_file_is_reported_not_raised(without_the_model):
    broken = without_the_model / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    os.environ[lm.ENV_MODEL] = str(broken)
    report = check_text(FLOODS, "draft.txt", Config())
    assert report.status["mistranslation"].startswith("judge: off (cannot load the model broken.gguf")


def test_fast_turns_the_judge_off_for_one_run(tmp_path, capsys):
    from checks.cli import main

    draft = tmp_path / "draft.txt"
    draft.write_text(TOUCHED, "utf-8")
    main(["check", "--fast", "--format", "json", str(draft)])
    (document,) = json.loads(capsys.readouterr().out)["documents"]
    assert document["status"]["mistranslation"].startswith("judge: off (")
    assert [i["text"] for i in document["issues"]] == ["touched sections"]  # the n-gram layer alone


def test_the_budget_leaves_passages_unjudged_and_says_so(model):
    config = Config({"judge": {"passages_per_1000_words": 0}})  # the minimum: 3 passages per document
    text = " ".join([FLOODS, TOUCHED] * 3)
    result = mistranslation.check(Document(text), config)
    assert result.status.endswith("more left unjudged (passages_per_1000_words)")
    assert result.status.startswith("judge: on, 3 passages judged")


def test_a_sentence_of_hundreds_of_words_is_judged_in_windows(model):
    """As long a sentence as the document keeps whole (longer ones are cut at document.MAX_SENTENCE_TOKENS), far
    over a window: each passage is read in a window of at most MAX_WINDOW_WORDS words."""
    clause = "officials said that heavy rain caused strong floods in the south and "
    text = clause * 60 + "the army answered with keen fire."
    doc = Document(text)
    assert len(doc.sentences) == 1 and len(doc.words) > 10 * judge.MAX_WINDOW_WORDS
    passages = [
        judge.Passage(doc.sentences[0], i, i, ("severe",))
        for i, t in enumerate(doc.sentences[0].tokens)
        if t.text == "strong"
    ][:5]
    for window in judge._windows(passages):
        tokens = window[0].sentence.tokens
        assert window[-1].last + judge.AFTER_WORDS - max(0, window[0].first - judge.CONTEXT_WORDS) <= (
            judge.MAX_WINDOW_WORDS
        )
        assert tokens[window[0].first].text == "strong"
    verdicts = judge.judge(doc, passages)
    assert [v.passage for v in verdicts] == passages
    assert all(v.gains[0][0] == "severe" for v in verdicts)


def test_the_same_text_gets_the_same_flags_every_time(model):
    text = f"{FLOODS} {TOUCHED} Soldiers answered the protesters with keen fire."
    first = check_text(text, "a", Config())
    second = check_text(text, "a", Config())
    assert first.to_dict() == second.to_dict()


def test_translation_siblings_come_from_bilingual_dictionaries():
    """data/judge_translations.tsv: English words that one foreign headword translates to (French "réaliser":
    realize, carry out, achieve; German "verwirklichen"), inflected like the word, joined to WordNet's siblings."""
    table = judge.siblings()
    from_dictionaries = {"implement", "achieve", "accomplish"}
    assert from_dictionaries <= set(table["realize"])
    assert not from_dictionaries & set(_wordnet_siblings()["realize"])
    assert {"implemented", "achieved"} <= set(table["realized"])
    assert "released" in table["liberated"]  # WordNet's, kept


def test_siblings_are_inflected_alike_or_not_at_all():
    """A form is paired only with siblings inflected the same way: "abandon" has no plural, so the plural row of
    its noun siblings ("leaves") is not its sibling; "leave" (the noun) keeps "abandon", and the verb forms pair."""
    from checks.judge_data import table_text

    text = table_text({("abandon", "n"): {"leave": 3}, ("abandon", "v"): {"leave": 3}}, "# test\n")
    rows = dict(line.split("\t") for line in text.splitlines()[1:])
    assert rows["abandon"] == "leave"
    assert rows["abandoned"] == "left" and rows["abandons"] == "leaves"
    assert "leaves" not in rows["abandon"].split(",")

    shipped = judge.siblings()
    assert "leaves" not in shipped["abandon"] and "leave" in shipped["abandon"]


def _wordnet_siblings() -> dict[str, list[str]]:
    from importlib import resources

    text = resources.files("checks.data").joinpath("judge_siblings.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {word: rest.split(",") for word, rest in rows}


def test_propose_judges_a_translation_sibling_in_its_context(model):
    """A court "liberates" a suspect only in translation ("libérer", "liberar": release); an army liberates a city."""
    config = Config({"judge": {"propose": True, "sibling_bits": 10.0}})
    flags = mistranslation.check(Document("The court liberated the suspect on bail."), config).flags
    assert [(f.rule, f.suggestions[0]) for f in flags] == [(mistranslation.JUDGED_RULE, "released")]
    assert mistranslation.check(Document("The army liberated the city in 1944."), config).flags == []


def test_propose_is_off_by_default(model):
    """Its flags on real machine translation are right less than half the time (evaluation/calibrate_judge.py)."""
    assert mistranslation.check(Document("The court liberated the suspect on bail."), Config({})).flags == []
