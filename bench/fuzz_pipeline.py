"""Fuzz the whole offline pipeline with hypothesis (many examples; not part of the default test run).

    python bench/fuzz_pipeline.py [--examples 5000] [--minutes 10]

Prints how many inputs were tried (with progress every 100) and stops at the first failure, with the failing input,
or when the example count or the time budget is reached.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.strategies import hostile_texts  # noqa: E402
from tests.test_hostile import assert_pipeline_properties  # noqa: E402


class BudgetSpent(BaseException):
    """Raised when the time budget is spent; a BaseException, so hypothesis stops at once instead of shrinking."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget; stops cleanly when it is spent")
    args = parser.parse_args()
    tried = 0
    deadline = time.monotonic() + args.minutes * 60

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(hostile_texts, st.integers(min_value=0, max_value=2**30))
    def fuzz(text, mask):
        nonlocal tried
        if time.monotonic() > deadline:
            raise BudgetSpent
        tried += 1
        if tried % 100 == 0:
            print(f"fuzz_pipeline: {tried} inputs so far", flush=True)
        assert_pipeline_properties(text, mask)

    started = time.perf_counter()
    try:
        fuzz()
    except BudgetSpent:  # hypothesis may print a "reproduce with @seed" line for this stop: it is not a failure
        print("fuzz_pipeline: time budget spent")
    finally:
        print(f"fuzz_pipeline: {tried} inputs tried in {time.perf_counter() - started:.0f} s")
    print("fuzz_pipeline: no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
