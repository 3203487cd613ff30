"""What the tests share: the repository root and the data in ../shared beside it, found as the evaluation scripts
find them (evaluation/common.py). Tests that read ../shared skip when it is absent."""

from __future__ import annotations

import pytest

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
