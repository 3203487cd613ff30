"""`python -m checks.grammar regenerate`: rebuild the shipped verb-form table (see checks.grammar.regeneration)."""

import sys

from checks.grammar.regeneration import regenerate

if sys.argv[1:] == ["regenerate"]:
    for written in regenerate():
        print("wrote", written)
else:
    print(__doc__)
    sys.exit(2)
