"""Scaling benchmark (issue 17): hostile input shapes at 10k, 100k and 1M characters, each checked as `check --fast
--offline` checks a file (decode or extract, analyse, every offline family), in a subprocess with a time limit.

    python bench/bench_scaling.py [--sizes 10000 100000 1000000] [--timeout 120] [--shapes dots br ...]

For each shape and size it prints the seconds of the check, wall and CPU (after a warm-up on 20,000 characters of
copy and on the same shape at 1,000 characters, so loading models and tables is not counted), the ratio of the CPU
seconds to the previous size's (CPU time, because on a shared machine the wall time also measures the neighbours),
the process's peak memory and how much the check added to it. For 10 times the input the ratio should stay near 10
(below at the small sizes, where fixed costs dominate). A run past the limit is killed and reported as "over N s".

Shapes: runs of dots; runs of other terminal punctuation (!, ?, …); one line of spaced straight quotes; many <br>;
many sibling <p>; deeply nested <div>; one long sentence without full stops; one long line of copy (sentences, no
line breaks); a large .docx (its size is the characters of its text). Copy is made from our own samples
(samples/**/*.txt), never the shared data.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ("dots", "punctuation", "quotes", "br", "p", "div", "sentence", "line", "docx")
_WARM_UP_SIZE = 1_000


def sample_copy() -> str:
    """Our own sample drafts, as one line of copy."""
    texts = [path.read_text("utf-8", errors="replace") for path in sorted((ROOT / "samples").rglob("*.txt"))]
    return " ".join(" ".join(texts).split())


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def make_input(shape: str, size: int) -> tuple[bytes, str]:
    """(file content, file name) of about `size` characters of the shape."""
    if shape == "dots":
        return ("." * size).encode(), "dots.txt"
    if shape == "punctuation":
        return _repeat("!?…!!??……", size).encode(), "punctuation.txt"
    if shape == "quotes":  # one line of spaced straight quotes: each one's side is decided from its line's ends
        return _repeat('" ', size).encode(), "quotes.txt"
    if shape == "br":
        return _repeat("word<br>", size).encode(), "br.html"
    if shape == "p":
        return _repeat("<p>Some text.</p>", size).encode(), "p.html"
    if shape == "div":
        depth = size // len("<div>x</div>")
        return ("<div>x" * depth + "</div>" * depth).encode(), "div.html"
    copy = sample_copy()
    if shape == "sentence":
        return _repeat(re.sub(r"[.!?…]", "", copy), size).encode(), "sentence.txt"
    if shape == "line":
        return _repeat(copy + " ", size).encode(), "line.txt"
    if shape == "docx":
        return _docx(_repeat(copy + " ", size)), "large.docx"
    raise ValueError(f"unknown shape {shape!r}")


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    words = text.split(" ")
    for start in range(0, len(words), 120):  # paragraphs of 120 words
        document.add_paragraph(" ".join(words[start : start + 120]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def run_one(shape: str, size: int) -> dict:
    """In the child process: warm up, then check the input once; measure seconds and memory."""
    import resource
    import time

    sys.path.insert(0, str(ROOT))
    from checks.config import Config
    from checks.inputs import decode_document
    from checks.pipeline import check_text

    config = Config(offline=True, fast=True)

    def check(data: bytes, name: str) -> int:
        decoded = decode_document(data, name)
        return len(check_text(decoded.text, name, config=config).issues)

    check(*make_input("line", 20 * _WARM_UP_SIZE))  # loads what the checks load lazily (tagger, tables)
    check(*make_input(shape, _WARM_UP_SIZE))
    data, name = make_input(shape, size)
    warm_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    flags = check(data, name)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "added_mb": peak - warm_peak, "flags": flags}


def measure(shape: str, size: int, timeout: float) -> dict | None:
    """Run one measurement in a subprocess; None when it was killed at the time limit."""
    command = [sys.executable, __file__, "--child", shape, str(size)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run, warm-up included")
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child[0], int(args.child[1]))))
        return 0
    columns = ("chars", 9), ("seconds", 9), ("CPU s", 8), ("ratio", 7), ("peak MB", 8), ("added MB", 9), ("flags", 7)
    print(f"{'shape':<12}" + "".join(f" {name:>{width}}" for name, width in columns))
    for shape in args.shapes:
        previous = None
        for size in args.sizes:
            result = measure(shape, size, args.timeout)
            if result is None:
                print(f"{shape:<12} {size:>9,} {'over ' + format(args.timeout, 'g') + ' s':>9}", flush=True)
                previous = None
                continue
            if "error" in result:
                print(f"{shape:<12} {size:>9,} error: {result['error']}", flush=True)
                previous = None
                continue
            cpu = result["cpu"]
            ratio = f"{cpu / previous:.1f}" if previous else "-"
            print(
                f"{shape:<12} {size:>9,} {result['seconds']:>9.2f} {cpu:>8.2f} {ratio:>7} {result['peak_mb']:>8.0f} "
                f"{result['added_mb']:>9.0f} {result['flags']:>7}",
                flush=True,
            )
            previous = max(cpu, 1e-3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
