"""What the evaluation scripts and the tests share: where the public sets and the seed article are, and our
labelled-sample format."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANTED = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]")  # [[typo|intended]] in our labelled drafts


def eval_dir() -> Path:
    """The public evaluation sets: $COPYDESK_EVAL_DIR, else ../shared/eval beside the repository (may not exist)."""
    return Path(os.environ.get("COPYDESK_EVAL_DIR") or ROOT.parent / "shared" / "eval")


def seed_dir() -> Path:
    """The seed article's folder: $COPYDESK_SEED_DIR, else ../shared/seed beside the repository (may not exist)."""
    return Path(os.environ.get("COPYDESK_SEED_DIR") or ROOT.parent / "shared" / "seed")


def planted_sample(raw: str) -> tuple[str, list[tuple[int, int, str]]]:
    """A labelled draft with planted typos written [[typo|intended]]: the plain text and (start, end, intended)."""
    pieces, gold, cursor = [], [], 0
    for match in PLANTED.finditer(raw):
        pieces.append(raw[cursor : match.start()])
        start = sum(map(len, pieces))
        pieces.append(match.group(1))
        gold.append((start, start + len(match.group(1)), match.group(2)))
        cursor = match.end()
    pieces.append(raw[cursor:])
    return "".join(pieces), gold


def read_verdicts(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """A file of hand verdicts on flags (evaluation/*_ose_verdicts.tsv): (file name, flagged text) -> (accept |
    reject, why); a malformed line stops with its number."""
    out = {}
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line and not line.startswith("#"):
            cells = line.split("\t")
            if len(cells) != 4 or cells[2] not in ("accept", "reject"):
                raise ValueError(f"{path}:{number}: want file, flagged text, accept|reject, why")
            out[(cells[0], cells[1])] = (cells[2], cells[3])
    return out
