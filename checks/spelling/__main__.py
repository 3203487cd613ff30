"""`python -m checks.spelling regenerate`: rebuild the shipped spelling data (see checks.spelling.regeneration)."""

import sys

from checks.spelling.regeneration import MissingSource, regenerate

if sys.argv[1:] == ["regenerate"]:
    try:
        written = regenerate()
    except MissingSource as exc:
        sys.exit(f"cannot regenerate the spelling data: {exc}")
    for path in written:
        print("wrote", path)
