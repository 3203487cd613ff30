"""spaCy's en_core_web_sm 3.8.0 tokenizer, tok2vec and tagger, re-implemented with numpy for inference only.

Importing spaCy and loading its model took about 1.4 s of a cold check; this module loads the same weights from
`data/postag.npz` and the tokenizer's rules from `data/postag-tokenizer.json` in a few milliseconds. Both are
exported once from the installed model by `python -m checks regenerate-data` (checks/postag_export.py); the model's
licence (MIT, Explosion AI) is recorded in `data/postag-LICENSE.txt`. `evaluation/eval_tagger.py` measures agreement
with spaCy itself.

What runs, as in spaCy (thinc 8.3):
- the tokenizer: whitespace split, special cases, prefix/suffix/infix regular expressions, URL match, and the final
  special-case matcher;
- features per token: NORM, PREFIX, SUFFIX, SHAPE (string ids: MurmurHash64A of the UTF-8 text, or a symbol's id),
  SPACY (followed by a space) and IS_SPACE;
- HashEmbed per feature (MurmurHash3 x64 128 of the id with the table's seed, four rows summed), concatenated,
  maxout + layer norm; then four residual blocks of (window of 1 either side, maxout, layer norm), the documents
  laid end to end with 4 zero rows around each, as thinc's `with_array(pad=4)` does; then the tagger's linear layer
  and the best-scoring tag.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import numpy as np

WEIGHTS = "postag.npz"
TOKENIZER = "postag-tokenizer.json"
_MASK = (1 << 64) - 1
_M64A = 0xC6A4A7935BD1E995
_CACHE_LIMIT = 100_000  # spans and strings remembered (bounded memory on a server that reads much text)
_PAD = 4  # zero rows around each document in the encoder (thinc's with_array(pad=4))


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A, as spaCy's StringStore hashes a string's UTF-8 bytes (seed 1)."""
    length = len(data)
    h = (seed ^ (length * _M64A)) & _MASK
    whole = length - length % 8
    for i in range(0, whole, 8):
        k = int.from_bytes(data[i : i + 8], "little")
        k = (k * _M64A) & _MASK
        k ^= k >> 47
        k = (k * _M64A) & _MASK
        h ^= k
        h = (h * _M64A) & _MASK
    if length % 8:
        h ^= int.from_bytes(data[whole:], "little")
        h = (h * _M64A) & _MASK
    h ^= h >> 47
    h = (h * _M64A) & _MASK
    h ^= h >> 47
    return h


def _murmur3_keys(ids: np.ndarray, seed: int) -> np.ndarray:
    """thinc's NumpyOps.hash: MurmurHash3 x64 128 of each 8-byte id, as four uint32 keys per id."""
    with np.errstate(over="ignore"):
        s = np.uint64(seed)
        h1 = ids * np.uint64(0x87C37B91114253D5)
        h1 = (h1 << np.uint64(31)) | (h1 >> np.uint64(33))
        h1 = h1 * np.uint64(0x4CF5AD432745937F)
        h1 ^= s
        h1 ^= np.uint64(8)
        h2 = np.full_like(ids, s ^ np.uint64(8))
        h1 = h1 + h2
        h2 = h2 + h1
        h1, h2 = _fmix(h1), _fmix(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    low = np.uint64(0xFFFFFFFF)
    return np.stack([h1 & low, h1 >> np.uint64(32), h2 & low, h2 >> np.uint64(32)], axis=1)


def _fmix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def word_shape(text: str) -> str:
    """spaCy's lexical SHAPE: letters as X/x, digits as d, other characters kept, at most 4 alike in a row."""
    if len(text) >= 100:
        return "LONG"
    shape = []
    last = ""
    seq = 0
    for char in text:
        if char.isalpha():
            shape_char = "X" if char.isupper() else "x"
        elif char.isdigit():
            shape_char = "d"
        else:
            shape_char = char
        if shape_char == last:
            seq += 1
        else:
            seq = 0
            last = shape_char
        if seq < 4:
            shape.append(shape_char)
    return "".join(shape)


@dataclass(frozen=True, slots=True)
class Token:
    """One token as spaCy's tokenizer makes it: where it starts in the text, its text, the NORM a special case
    gives it (else None), and whether a space follows it."""

    idx: int
    text: str
    norm: str | None
    space: bool


class Tokenizer:
    """spaCy 3.8's rule-based tokenizer (spacy/tokenizer.pyx) with the English rules of the exported model."""

    def __init__(self, rules: dict) -> None:
        self.prefix = re.compile(rules["prefix"]).search
        self.suffix = re.compile(rules["suffix"]).search
        self.infix = re.compile(rules["infix"]).finditer
        self._url_pattern: str = rules["url"]
        self.specials: dict[str, list[tuple[str, str | None]]] = {
            key: [(orth, norm) for orth, norm in pieces] for key, pieces in rules["specials"].items()
        }
        self._cache: dict[str, list] = {}  # span -> its pieces, as spaCy's tokenizer caches them
        # special cases that affix splitting would take apart, as the pieces it makes, by their first piece
        self.matcher_patterns: dict[str, list[tuple[str, ...]]] = {}
        for _key, pieces in rules["matcher"]:
            self.matcher_patterns.setdefault(pieces[0], []).append(tuple(pieces))

    def __call__(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        if not text:
            return tokens
        start = 0
        in_ws = text[0].isspace()
        for i, char in enumerate(text):
            if char.isspace() != in_ws:
                if start < i:
                    self._span(text[start:i], start, tokens)
                if char == " ":
                    if tokens:
                        tokens[-1] = _spaced(tokens[-1])
                    start = i + 1
                else:
                    start = i
                in_ws = not in_ws
        if start < len(text):
            self._span(text[start:], start, tokens)
            if text[-1] == " " and not in_ws:
                tokens[-1] = _spaced(tokens[-1])
        return self._apply_special_matches(text, tokens)

    def _span(self, span: str, at: int, tokens: list[Token]) -> None:
        special = self.specials.get(span)
        if special is not None:
            _push_special(special, at, tokens)
            return
        pieces = self._cache.get(span)
        if pieces is None:
            pieces = []
            self._split(span, pieces)
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[span] = pieces
        for text, norms in pieces:
            if norms is not None:
                _push_special(norms, at, tokens)
            else:
                tokens.append(Token(at, text, None, False))
            at += len(text)

    def _split(self, string: str, out: list, with_specials: bool = True) -> None:
        """_split_affixes and _attach_tokens: prefixes, the middle (special, URL, or cut at infixes), suffixes."""
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        specials = self.specials if with_specials else {}
        while string and len(string) != last_size:
            if string in specials:
                break
            last_size = len(string)
            pre_len = _match_len(self.prefix(string))
            if pre_len:
                prefix, minus_pre = string[:pre_len], string[pre_len:]
                if minus_pre and minus_pre in specials:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = _match_len(self.suffix(string[pre_len:]))
            if suf_len:
                suffix, minus_suf = string[-suf_len:], string[:-suf_len]
                if minus_suf and minus_suf in specials:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
            if string in specials:
                break
        out.extend((p, None) for p in prefixes)
        if string:
            if string in specials:
                out.append((string, specials[string]))
            elif "." in string and self.url.match(string):  # both of its host forms hold a dot
                out.append((string, None))
            else:
                self._infixes(string, out)
        out.extend((s, None) for s in reversed(suffixes))

    @functools.cached_property
    def url(self) -> re.Pattern:
        """spaCy's URL_MATCH, compiled on first need (a fifth of the tokenizer's start-up)."""
        return re.compile(self._url_pattern)

    def _infixes(self, string: str, out: list) -> None:
        start = 0
        for match in self.infix(string):
            infix_start, infix_end = match.start(), match.end()
            if infix_start == 0:
                continue
            if infix_start != start:
                out.append((string[start:infix_start], None))
            if infix_start != infix_end:
                out.append((string[infix_start:infix_end], None))
            start = infix_end
        if string[start:]:
            out.append((string[start:], None))

    def affix_pieces(self, string: str) -> list[str]:
        """How the tokenizer splits a string without special cases (the special-case matcher's patterns)."""
        out: list = []
        self._split(string, out, with_specials=False)
        return [text for text, _ in out]

    def _apply_special_matches(self, text: str, tokens: list[Token]) -> list[Token]:
        """The final pass: a special case whose key affix splitting took apart replaces the pieces it matches."""
        matches = []
        for i, token in enumerate(tokens):
            for pieces in self.matcher_patterns.get(token.text, ()):
                end = i + len(pieces)
                if end <= len(tokens) and all(tokens[i + j].text == p for j, p in enumerate(pieces)):
                    matches.append((i, end))
        if not matches:
            return tokens
        # longest first, then the later start first (spaCy's len_start_cmp, read from the end); a span is kept
        # unless its first or last token is already taken
        matches.sort(key=lambda m: (m[1] - m[0], m[0]))
        taken: set[int] = set()
        kept = []
        for start, end in reversed(matches):
            if start not in taken and end - 1 not in taken:
                kept.append((start, end))
            taken.update(range(start, end))
        kept.sort()
        result: list[Token] = []
        cursor = 0
        for start, end in kept:
            span_text = text[tokens[start].idx : tokens[end - 1].idx + len(tokens[end - 1].text)]
            rule = self.specials.get(span_text)
            if rule is None:
                continue
            result.extend(tokens[cursor:start])
            at = tokens[start].idx
            replaced: list[Token] = []
            _push_special(rule, at, replaced)
            if tokens[end - 1].space:
                replaced[-1] = _spaced(replaced[-1])
            result.extend(replaced)
            cursor = end
        result.extend(tokens[cursor:])
        return result


def _match_len(match) -> int:
    return match.end() - match.start() if match is not None else 0


def _spaced(token: Token) -> Token:
    return Token(token.idx, token.text, token.norm, True)


def _push_special(pieces: list[tuple[str, str | None]], at: int, tokens: list[Token]) -> None:
    for orth, norm in pieces:
        tokens.append(Token(at, orth, norm, False))
        at += len(orth)


class Tagger:
    """Penn tags for texts, from the exported weights. Keeps nothing between calls but caches of the strings it has
    seen (bounded), so threads may share it."""

    def __init__(self, weights, rules: dict) -> None:
        self.tokenizer = Tokenizer(rules)
        self.labels: list[str] = rules["labels"]
        self.symbols: dict[str, int] = rules["symbols"]
        self.base_norms: dict[str, str] = rules["base_norms"]
        self.lexeme_norm = dict(zip(weights["norm_keys"].tolist(), weights["norm_values"].tolist(), strict=True))
        self.seeds = [int(s) for s in weights["seeds"]]
        self.tables = [np.ascontiguousarray(weights[f"embed{i}"]) for i in range(len(self.seeds))]
        self.mix = _maxout_params(weights, "mix")
        self.blocks = [_maxout_params(weights, f"block{i}") for i in range(int(weights["depth"]))]
        self.output_W = np.ascontiguousarray(weights["output_W"].T)
        self.output_b = weights["output_b"]
        self._ids: dict[str, int] = {}
        self._lexicals: dict[tuple[str, str | None], tuple[int, int, int, int, int]] = {}

    def string_id(self, string: str) -> int:
        """spaCy's id for a string: 0 for "", a symbol's own number, else MurmurHash64A of its UTF-8 bytes."""
        found = self._ids.get(string)
        if found is None:
            if not string:
                found = 0
            else:
                found = self.symbols.get(string)
                if found is None:
                    found = murmurhash64a(string.encode("utf-8"))
            if len(self._ids) < _CACHE_LIMIT:
                self._ids[string] = found
        return found

    def _norm_id(self, token: Token) -> int:
        if token.norm is not None:
            return self.string_id(token.norm)
        orth_id = self.string_id(token.text)
        found = self.lexeme_norm.get(orth_id)
        if found is not None:
            return found
        base = self.base_norms.get(token.text)
        return self.string_id(base if base is not None else token.text.lower())

    def features(self, tokens: list[Token]) -> np.ndarray:
        """(tokens, 6) uint64: NORM, PREFIX, SUFFIX, SHAPE, SPACY, IS_SPACE, as doc.to_array gives them."""
        rows = [(*self._lexical(t.text, t.norm), int(t.space)) for t in tokens]
        return np.array(rows, dtype=np.uint64).reshape(len(tokens), 6)[:, [0, 1, 2, 3, 5, 4]]

    def _lexical(self, text: str, norm: str | None) -> tuple[int, int, int, int, int]:
        """NORM, PREFIX, SUFFIX, SHAPE and IS_SPACE of a token's text (and special-case norm), remembered."""
        key = (text, norm)
        found = self._lexicals.get(key)
        if found is None:
            found = (
                self._norm_id(Token(0, text, norm, False)),
                self.string_id(text[0]),
                self.string_id(text[-3:]),
                self.string_id(word_shape(text)),
                int(text.isspace()),
            )
            if len(self._lexicals) < _CACHE_LIMIT:
                self._lexicals[key] = found
        return found

    def embed(self, features: np.ndarray) -> np.ndarray:
        parts = []
        for column, (seed, table) in enumerate(zip(self.seeds, self.tables, strict=True)):
            keys = _murmur3_keys(np.ascontiguousarray(features[:, column]), seed) % np.uint64(table.shape[0])
            parts.append(table[keys.astype(np.intp)].sum(axis=1))
        return _layer_norm(_maxout(np.concatenate(parts, axis=1), self.mix), self.mix)

    def tag_tokens(self, docs: list[list[Token]]) -> list[list[str]]:
        """The tag of every token of each document, all documents in one pass."""
        lengths = [len(d) for d in docs]
        if not any(lengths):
            return [[] for _ in docs]
        embedded = self.embed(self.features([t for d in docs for t in d]))
        width = embedded.shape[1]
        # documents end to end, _PAD zero rows before each and after the last, as thinc's ops.flatten(pad=4)
        total = sum(lengths) + _PAD * (len(docs) + 1)
        X = np.zeros((total, width), dtype=np.float32)
        rows, at, src = [], _PAD, 0
        for n in lengths:
            X[at : at + n] = embedded[src : src + n]
            rows.append((at, n))
            at += n + _PAD
            src += n
        for block in self.blocks:
            X = X + _layer_norm(_maxout(_window(X), block), block)
        picked = np.concatenate([X[a : a + n] for a, n in rows]) if rows else X[:0]
        best = (picked @ self.output_W + self.output_b).argmax(axis=1).tolist()
        result, src = [], 0
        for n in lengths:
            result.append([self.labels[i] for i in best[src : src + n]])
            src += n
        return result

    def __call__(self, text: str) -> list[Tagged]:
        """One text's tokens with their tags (like iterating over spaCy's Doc: .idx, .text, .tag_)."""
        return self.pipe([text])[0]

    def pipe(self, texts, batch_size: int | None = None) -> list[list[Tagged]]:
        """Several texts' tagged tokens, `batch_size` texts per pass (default: all in one)."""
        texts = list(texts)
        size = batch_size or len(texts) or 1
        return [tagged for at in range(0, len(texts), size) for tagged in self._tag_batch(texts[at : at + size])]

    def _tag_batch(self, texts: list[str]) -> list[list[Tagged]]:
        docs = [self.tokenizer(text) for text in texts]
        tags = self.tag_tokens(docs)
        return [
            [Tagged(t.idx, t.text, tag) for t, tag in zip(doc, doc_tags, strict=True)]
            for doc, doc_tags in zip(docs, tags, strict=True)
        ]


class Tagged(NamedTuple):
    idx: int  # where the token starts in its text
    text: str
    tag_: str  # Penn tag (named as spaCy's Token attribute)


def _maxout_params(weights, name: str) -> tuple:
    W = weights[f"{name}_W"]  # (nO, nP, nI): laid out here as (nP * nO, nI), so each piece is a block of columns
    nO, nP, nI = W.shape
    return (
        np.ascontiguousarray(W.transpose(1, 0, 2).reshape(nP * nO, nI).T),
        np.ascontiguousarray(weights[f"{name}_b"].T).reshape(nP * nO),
        nO,
        nP,
        weights[f"{name}_G"],
        weights[f"{name}_norm_b"],
    )


def _maxout(X: np.ndarray, params: tuple) -> np.ndarray:
    Wt, b, nO, nP = params[:4]
    Y = X @ Wt
    Y += b
    best = Y[:, :nO]
    for piece in range(1, nP):
        best = np.maximum(best, Y[:, piece * nO : (piece + 1) * nO])
    return best


def _layer_norm(X: np.ndarray, params: tuple) -> np.ndarray:
    G, b = params[4], params[5]
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True) + np.float32(1e-08)
    return (X - mu) * var ** np.float32(-0.5) * G + b


def _window(X: np.ndarray) -> np.ndarray:
    """thinc's seq2col with a window of 1: each row becomes [previous, itself, next], zeros past the ends."""
    B, width = X.shape
    cols = np.zeros((B, 3, width), dtype=X.dtype)
    cols[1:, 0] = X[:-1]
    cols[:, 1] = X
    cols[:-1, 2] = X[1:]
    return cols.reshape(B, 3 * width)


def _single_threaded_blas() -> None:
    """Run numpy's BLAS on one thread, as spaCy's blis ran: with a thread per core, the tagger's small matrix
    products were 2 to 20 times slower whenever the cores were busy (the threads wait for each other), and the
    dashboard's and batch's worker threads each tag on their own anyway. Process-wide, as threadpoolctl documents
    for a call outside a `with` block."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


@functools.lru_cache(maxsize=1)
def load() -> Tagger:
    _single_threaded_blas()
    data = resources.files("checks.data")
    rules = json.loads(data.joinpath(TOKENIZER).read_text("utf-8"))
    with data.joinpath(WEIGHTS).open("rb") as handle, np.load(handle) as weights:
        return Tagger({name: weights[name] for name in weights.files}, rules)
