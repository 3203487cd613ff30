"""The tagger (checks/postag.py, spaCy's en_core_web_sm re-implemented with numpy) gives spaCy's own tokens,
features and tags, loads without spaCy, and its shipped data are what the installed model exports."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from checks import postag, tagging
from checks.document import Document

ROOT = Path(__file__).resolve().parents[1]

# Sentences that exercise the tokenizer's corners: contractions, possessives, hyphens and dashes, abbreviations,
# quotes and brackets, URLs and e-mail, numbers with units, runs of whitespace, emoticons, non-ASCII letters.
TRICKY = [
    "The U.S.-backed forces didn't retreat, officials said on Tuesday.",
    "\"We won't go,\" she said (though Mr. Smith's aides disagreed).",
    "Prices rose 5% to $3.2bn in Q3 - a 10-year high - e.g. in Baghdad's markets.",
    "See https://example.com/path?q=1, or write to press@example.org.",
    "  Two  spaces,\ta tab,\nand a newline  ",
    "It's 5km from the port; the ship's crew (about 40) left at 18:00 :) ...",
    "Café owners in São Paulo—and in Zürich—called it a “historic” day.",
    "He'd've said y'all can't do that, ain't it?",
    "Iraq's PM Mustafa al-Kadhimi survived a drone attack on his Baghdad residence.",
    "",
]


@pytest.fixture(scope="module")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load(tagging.MODEL, exclude=["parser", "ner", "attribute_ruler", "lemmatizer", "senter"])


def test_tokens_features_and_tags_are_spacys(nlp) -> None:
    from spacy.attrs import IS_SPACE, NORM, PREFIX, SHAPE, SPACY, SUFFIX  # type: ignore[import-not-found]

    tagger = postag.load()
    for text, ours in zip(TRICKY, tagger.pipe(TRICKY), strict=True):
        sdoc = nlp(text)
        assert [(t.idx, t.text, t.tag_) for t in ours] == [(t.idx, t.text, t.tag_) for t in sdoc], text
        tokens = tagger.tokenizer(text)
        assert [t.space for t in tokens] == [bool(t.whitespace_) for t in sdoc], text
        if tokens:
            expected = sdoc.to_array([NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE])
            assert tagger.features(tokens).tolist() == expected.tolist(), text


def test_hashes_are_spacys_and_thincs(nlp) -> None:
    from thinc.api import NumpyOps

    for word in ["", "a", "Baghdad", "é", "eight888", "exactly sixteen bytes", "naïveté", "NOUN", "case"]:
        assert postag.load().string_id(word) == (nlp.vocab.strings.add(word) if word else 0), word
    ids = np.array([0, 1, 2**63 + 12345, 18446744073709551615, 5827203507584285142], dtype=np.uint64)
    for seed in (8, 13):
        assert postag._murmur3_keys(ids, seed).tolist() == NumpyOps().hash(ids, seed).tolist()


def test_shipped_tagger_data_is_what_the_installed_model_exports(nlp) -> None:
    from checks.postag_export import tokenizer_rules, weights_arrays

    shipped = resources.files("checks.data")
    with shipped.joinpath(postag.WEIGHTS).open("rb") as handle, np.load(handle) as weights:
        expected = weights_arrays(nlp)
        assert sorted(weights.files) == sorted(expected)
        for name, array in expected.items():
            assert np.array_equal(weights[name], array), f"{name}: run python -m checks regenerate-data"
    import json

    rules = json.loads(shipped.joinpath(postag.TOKENIZER).read_text("utf-8"))
    assert rules == json.loads(json.dumps(tokenizer_rules(nlp))), "run: python -m checks regenerate-data"


def test_tags_for_our_tokens_without_spacy() -> None:
    doc = Document("The minister's aides didn't attend the talks, which resumed on Monday.")
    (sentence,) = doc.sentences
    tags = {t.text: tag for t, tag in zip(sentence.tokens, doc.tags(sentence), strict=True)}
    assert tags["minister"].tag == "NN" and tags["aides"].tag == "NNS"
    assert tags["attend"].tag == "VB" and tags["resumed"].tag == "VBD"
    assert tags["Monday"].pos == "PROPN" and tags["the"].pos == "DET"


def test_a_batch_tags_each_text_as_it_would_alone() -> None:
    tagger = postag.load()
    texts = ["Police said the bridge would reopen.", "Rain fell.", "", "Ministers met; talks failed."]
    assert tagger.pipe(texts) == [tagger(text) for text in texts]
    assert tagger.pipe(texts, batch_size=1) == tagger.pipe(texts)


def test_a_check_loads_neither_spacy_nor_lemminflect() -> None:
    """A real draft's cold check (tags and template suggestions included) imports neither: they cost 2 s."""
    drafts = ROOT / "samples" / "drafts"
    draft = max(drafts.glob("*.txt"), key=lambda path: len(path.read_text("utf-8")))
    script = (
        "import sys\nfrom checks.cli import main\n"
        f"try:\n    main(['check', '--fast', {str(draft)!r}])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('spacy', 'thinc', 'lemminflect') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stderr[-2000:]
