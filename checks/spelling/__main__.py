"""`python -m checks.spelling regenerate`: rebuild the shipped spelling data (see checks.spelling.regeneration)."""

import sys

from checks.spelling.regeneration import regenerate

if sys.argv[1:] == ["regenerate"]:
    for written in regenerate():
        print("wrote", written)
