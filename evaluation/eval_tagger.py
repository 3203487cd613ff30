"""How closely checks/postag.py (spaCy's tagger re-implemented with numpy) agrees with spaCy itself, and how fast.

Texts: our own sentences only (every samples/**/*.txt cut into sentences as Document cuts them, the rule files'
`fire` and `quiet` examples, and the seed article where it is present). Not ../shared/eval.

Prints, against spaCy 3.8 with en_core_web_sm 3.8.0 (tok2vec and tagger only, as checks/tagging.py used it):
- tokenisation: texts whose tokens (offset, text, trailing space) are identical;
- features: tokens whose six tok2vec features (NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE) are identical;
- Penn tags, token level; and the tags rules see (checks.tagging's alignment onto Document tokens), on all
  sentences and on the sentences the default checks ask the tagger about;
- speed of both, in tokens per second: one batch of all sentences, and one sentence a call (after a warm-up).

Run: .venv/bin/python -m evaluation.eval_tagger   (needs spaCy and the model: requirements-dev.txt)
"""

from __future__ import annotations

import sys
import time
import tomllib
from importlib import resources

from checks import postag, tagging
from checks.document import Document
from checks.generated import rule_files
from checks.patterns import split_example
from evaluation.common import PLANTED, ROOT, planted_sample, seed_dir


def sample_documents() -> list[Document]:
    paths = sorted(ROOT.glob("samples/**/*.txt")) + sorted(seed_dir().glob("*.txt"))
    docs = []
    for path in paths:
        text = path.read_text("utf-8")
        if PLANTED.search(text):
            text, _ = planted_sample(text)
        docs.append(Document(text, str(path)))
    return docs


def rule_examples() -> list[str]:
    examples = []
    for name in rule_files():
        data = tomllib.loads(resources.files("checks.data").joinpath(name).read_text("utf-8"))
        for rule in data.get("rule", []):
            for example in [*rule.get("fire", []), *rule.get("quiet", [])]:
                examples.append(split_example(example)[0])
    return examples


def _spacy():
    import spacy

    return spacy.load(tagging.MODEL, exclude=["parser", "ner", "attribute_ruler", "lemmatizer", "senter"])


def _asked_sentences(docs: list[Document]) -> set[tuple[int, int]]:
    """(document number, sentence index) of the sentences the `--fast` checks ask the tagger about."""
    from checks.config import Config
    from checks.pipeline import check_document

    asked: set[tuple[int, int]] = set()
    for number, doc in enumerate(docs):
        probe = Document(doc.text, doc.source)
        check_document(probe, Config(fast=True))
        asked.update((number, index) for index in probe._tags)
    return asked


Tokens = list[tuple[int, str, str]]  # (offset, Penn tag, text) of each token of one text


def compare_tokens(nlp, ours, texts: list[str]) -> tuple[list[Tokens], dict[str, int]]:
    """spaCy's tagged tokens for each text, and counts of identical tokenisations and features."""
    from spacy.attrs import IS_SPACE, NORM, PREFIX, SHAPE, SPACY, SUFFIX  # type: ignore[import-not-found]

    counts = {"same_tokens": 0, "feature_total": 0, "feature_same": 0}
    spacy_tokens: list[Tokens] = []
    for text in texts:
        sdoc = nlp(text)
        mine = ours.tokenizer(text)
        spacy_tokens.append([(t.idx, t.tag_, t.text) for t in sdoc])
        if [(t.idx, t.text, bool(t.whitespace_)) for t in sdoc] != [(t.idx, t.text, t.space) for t in mine]:
            continue
        counts["same_tokens"] += 1
        expected = sdoc.to_array([NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE]).tolist()
        got = ours.features(mine).tolist() if mine else []
        counts["feature_total"] += len(expected)
        counts["feature_same"] += sum(a == b for a, b in zip(expected, got, strict=True))
    return spacy_tokens, counts


def compare_tags(spacy_tokens: list[Tokens], our_tokens: list[Tokens]) -> tuple[int, int]:
    """(agreeing, total) Penn tags of spaCy's tokens, each matched to our token at the same offset and text."""
    same = total = 0
    for theirs, mine in zip(spacy_tokens, our_tokens, strict=True):
        by_position = {(idx, text): tag for idx, tag, text in mine}
        total += len(theirs)
        same += sum(by_position.get((idx, text)) == tag for idx, tag, text in theirs)
    return same, total


def compare_seen(sentences, spacy_tokens: list[Tokens], our_tokens: list[Tokens], asked) -> dict[str, int]:
    """Agreement of the tags rules see (aligned onto Document tokens), on all sentences and on those asked."""
    counts = {"seen_total": 0, "seen_same": 0, "asked_total": 0, "asked_same": 0}
    for (number, sentence), theirs, mine in zip(sentences, spacy_tokens, our_tokens, strict=True):
        a, b = tagging._aligned(sentence, theirs), tagging._aligned(sentence, mine)
        same = sum(x == y for x, y in zip(a, b, strict=True))
        counts["seen_total"] += len(a)
        counts["seen_same"] += same
        if (number, sentence.index) in asked:
            counts["asked_total"] += len(a)
            counts["asked_same"] += same
    return counts


def main() -> int:
    docs = sample_documents()
    sentences = [(n, s) for n, doc in enumerate(docs) for s in doc.sentences]
    example_docs = [Document(text) for text in rule_examples()]
    sentences += [(len(docs) + n, s) for n, doc in enumerate(example_docs) for s in doc.sentences]
    texts = [s.text for _, s in sentences]
    nlp = _spacy()
    ours = postag.load()
    spacy_tokens, c = compare_tokens(nlp, ours, texts)
    our_tokens = [[(t.idx, t.tag_, t.text) for t in doc] for doc in ours.pipe(texts)]
    tag_same, tag_total = compare_tags(spacy_tokens, our_tokens)
    seen = compare_seen(sentences, spacy_tokens, our_tokens, _asked_sentences(docs))
    n_tokens = sum(map(len, spacy_tokens))
    spacy_seconds = _best_of(3, lambda: list(nlp.pipe(texts)))
    our_seconds = _best_of(3, lambda: ours.pipe(texts))
    spacy_each = _best_of(3, lambda: [nlp(text) for text in texts])
    our_each = _best_of(3, lambda: [ours(text) for text in texts])
    print(f"texts: {len(texts)} sentences ({len(docs)} sample documents, {len(example_docs)} rule examples)")
    print(f"tokenisation identical: {c['same_tokens']}/{len(texts)} texts ({_pct(c['same_tokens'], len(texts))})")
    features = f"{c['feature_same']}/{c['feature_total']} tokens ({_pct(c['feature_same'], c['feature_total'])})"
    print(f"features identical: {features}")
    print(f"Penn tags, token level: {tag_same}/{tag_total} ({_pct(tag_same, tag_total)})")
    print(
        f"tags rules see (aligned onto Document tokens), all sentences: {seen['seen_same']}/{seen['seen_total']}",
        f"({_pct(seen['seen_same'], seen['seen_total'])})",
    )
    print(
        f"  sentences the --fast checks tag: {seen['asked_same']}/{seen['asked_total']}",
        f"({_pct(seen['asked_same'], seen['asked_total'])})",
    )
    print(f"speed, {n_tokens} tokens in one batch (best of 3, after a warm-up):")
    print(f"  spaCy tok2vec + tagger: {n_tokens / spacy_seconds:,.0f} tokens/s ({spacy_seconds * 1000:.0f} ms)")
    print(f"  checks/postag.py:       {n_tokens / our_seconds:,.0f} tokens/s ({our_seconds * 1000:.0f} ms)")
    print("speed, one sentence a call (as a short document's few tagged sentences are read):")
    print(f"  spaCy tok2vec + tagger: {n_tokens / spacy_each:,.0f} tokens/s ({spacy_each * 1000:.0f} ms)")
    print(f"  checks/postag.py:       {n_tokens / our_each:,.0f} tokens/s ({our_each * 1000:.0f} ms)")
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "n/a"


def _best_of(runs: int, work) -> float:
    work()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


if __name__ == "__main__":
    sys.exit(main())
