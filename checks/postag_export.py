"""Export spaCy's en_core_web_sm tokenizer rules and tok2vec + tagger weights for checks/postag.py.

Run by `python -m checks regenerate-data` (needs spaCy and the model, both development dependencies once the
export exists). The weights are copied as they are (float32), so the re-implementation computes what spaCy does.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np

from checks.postag import TOKENIZER, WEIGHTS, Tokenizer

LICENCE = "postag-LICENSE.txt"


def _model_nodes(nlp) -> dict:
    """The parameter-holding layers of the tok2vec and tagger, by role, checked against the expected architecture."""
    tok2vec = nlp.get_pipe("tok2vec").model
    embeds = [node for node in tok2vec.walk() if node.name == "hashembed"]
    maxouts = [node for node in tok2vec.walk() if node.name == "maxout"]
    norms = [node for node in tok2vec.walk() if node.name == "layernorm"]
    windows = [node for node in tok2vec.walk() if node.name == "expand_window"]
    extract = next(node for node in tok2vec.walk() if node.name == "extract_features")
    columns = extract.attrs["columns"]
    if columns != ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"]:
        raise ValueError(f"unexpected tok2vec features {columns}")
    if len(maxouts) != len(norms) or len(windows) != len(maxouts) - 1:
        raise ValueError("unexpected tok2vec architecture")
    if any(w.attrs["window_size"] != 1 for w in windows):
        raise ValueError("unexpected tok2vec architecture")
    softmax = next(node for node in nlp.get_pipe("tagger").model.walk() if node.name == "softmax")
    embeds.sort(key=lambda node: node.attrs["column"])
    return {"embeds": embeds, "maxouts": maxouts, "norms": norms, "softmax": softmax}


def weights_arrays(nlp) -> dict[str, np.ndarray]:
    nodes = _model_nodes(nlp)
    arrays: dict[str, np.ndarray] = {"seeds": np.array([n.attrs["seed"] for n in nodes["embeds"]], dtype=np.uint32)}
    for i, node in enumerate(nodes["embeds"]):
        arrays[f"embed{i}"] = np.asarray(node.get_param("E"), dtype=np.float32)
    names = ["mix"] + [f"block{i}" for i in range(len(nodes["maxouts"]) - 1)]
    for name, maxout, norm in zip(names, nodes["maxouts"], nodes["norms"], strict=True):
        arrays[f"{name}_W"] = np.asarray(maxout.get_param("W"), dtype=np.float32)
        arrays[f"{name}_b"] = np.asarray(maxout.get_param("b"), dtype=np.float32)
        arrays[f"{name}_G"] = np.asarray(norm.get_param("G"), dtype=np.float32)
        arrays[f"{name}_norm_b"] = np.asarray(norm.get_param("b"), dtype=np.float32)
    arrays["depth"] = np.array(len(names) - 1)
    arrays["output_W"] = np.asarray(nodes["softmax"].get_param("W"), dtype=np.float32)
    arrays["output_b"] = np.asarray(nodes["softmax"].get_param("b"), dtype=np.float32)
    table = nlp.vocab.lookups.get_table("lexeme_norm")
    keys = sorted(table.keys())
    arrays["norm_keys"] = np.array(keys, dtype=np.uint64)
    arrays["norm_values"] = np.array([nlp.vocab.strings.add(table[key]) for key in keys], dtype=np.uint64)
    return arrays


def tokenizer_rules(nlp) -> dict:
    from spacy.attrs import NORM, ORTH  # type: ignore[import-not-found]
    from spacy.lang.norm_exceptions import BASE_NORMS
    from spacy.symbols import IDS  # type: ignore[import-not-found]

    tokenizer = nlp.tokenizer
    specials = {
        key: [[piece[ORTH], piece.get(NORM)] for piece in pieces] for key, pieces in sorted(tokenizer.rules.items())
    }
    rules = {
        "prefix": tokenizer.prefix_search.__self__.pattern,
        "suffix": tokenizer.suffix_search.__self__.pattern,
        "infix": tokenizer.infix_finditer.__self__.pattern,
        "url": tokenizer.url_match.__self__.pattern,
        "specials": specials,
        "matcher": [],
        "labels": list(nlp.get_pipe("tagger").labels),
        "symbols": {name: number for name, number in IDS.items() if name},
        "base_norms": dict(sorted(BASE_NORMS.items())),
    }
    if tokenizer.token_match is not None or not tokenizer.faster_heuristics:
        raise ValueError("the tokenizer has settings checks/postag.py does not reproduce")
    rules["matcher"] = _matcher_patterns(nlp, rules)
    return rules


def _matcher_patterns(nlp, rules: dict) -> list:
    """The special-case matcher's patterns: keys that affix splitting would take apart, as spaCy splits them
    without special cases (spacy/tokenizer.pyx add_special_case, faster_heuristics)."""
    from spacy.tokenizer import Tokenizer as SpacyTokenizer  # type: ignore[import-not-found]

    t = nlp.tokenizer
    plain = SpacyTokenizer(
        nlp.vocab,
        rules={},
        prefix_search=t.prefix_search,
        suffix_search=t.suffix_search,
        infix_finditer=t.infix_finditer,
        url_match=t.url_match,
    )
    ours = Tokenizer({**rules, "matcher": []})
    patterns = []
    for key in rules["specials"]:
        if ours.prefix(key) or ours.suffix(key) or list(ours.infix(key)) or " " in key:
            patterns.append([key, [token.text for token in plain(key)]])
    return patterns


LICENCE_TEXT = """\
checks/data/postag.npz and checks/data/postag-tokenizer.json are exported by `python -m checks regenerate-data`
(checks/postag_export.py) from spaCy's English pipeline en_core_web_sm {version} (its tok2vec and tagger weights,
its tokenizer's rules and lexeme_norm table) and spaCy {spacy_version} (its symbol table and base norms).

en_core_web_sm and spaCy: MIT License, Copyright (C) 2016-2024 ExplosionAI GmbH, 2016 spaCy GmbH,
2015 Matthew Honnibal. The model's training data (OntoNotes 5, ClearNLP constituent-to-dependency conversion,
WordNet 3.0) is listed in its LICENSES_SOURCES.

{licence}
"""


def export(directory: Path, model: str) -> list[Path]:
    import spacy

    nlp = spacy.load(model, exclude=["parser", "ner", "attribute_ruler", "lemmatizer", "senter"])
    buffer = io.BytesIO()
    np.savez(buffer, **weights_arrays(nlp))  # type: ignore[arg-type]
    weights = directory / WEIGHTS
    weights.write_bytes(buffer.getvalue())
    rules = directory / TOKENIZER
    rules.write_text(json.dumps(tokenizer_rules(nlp), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    licence_path = Path(nlp.path) / "LICENSE"
    licence = directory / LICENCE
    licence.write_text(
        LICENCE_TEXT.format(
            version=nlp.meta.get("version", "?"),
            spacy_version=spacy.__version__,
            licence=licence_path.read_text("utf-8") if licence_path.is_file() else "",
        ),
        "utf-8",
    )
    return [weights, rules, licence]
