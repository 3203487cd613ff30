"""Hypothesis strategies for hostile text, shared by tests/test_hostile.py and bench/fuzz_pipeline.py."""

from __future__ import annotations

from hypothesis import strategies as st

# Realistic fragments that make checks fire (so fixes exist to apply), mixed with hostile ones.
NEWS = [
    "Leaders assisted at the funeral on Friday.",
    "Despite of the rain, the the crowd stayed.",
    "It comes in the middle a stalemate.",
    "The protests were aimed at pressure the cleric.",
    "Police used keen fire against the most powerful deliberate militias.",
    "Mustafa al-Kadhimi spoke. Al-Khadimi later left. al-Kadhimi returned.",
    "Thier goverment recieved teh report.",
    "In order to win, at this point in time, the party was defeated by voters.",
    "Leave a Comment",
    "Share this article",
    "He has went home since three years.",
    "U.S. and U.N. officials met Dr. Haddad at 18:00 near 5km of road.",
]
HOSTILE = [
    "",
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u0301",
    "e\u0301\u0302\u0303",
    "😀",
    "👩‍👩‍👧",
    "🇮🇶",
    "\ud7ff",
    "\ue000",
    "\U0010fffd",
    "مصطفى الكاظمي",
    "قال al-Kadhimi إن",
    "...",
    "?!?!",
    "«»",
    "“",
    "”",
    "’s",
    "-",
    "—",
    ".",
    "x" * 3000,
    "word " * 400,
    "<script>alert(1)</script>",
    "</mark>",
    "&amp;",
]

fragments = st.one_of(
    st.sampled_from(NEWS),
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20),
)
separators = st.sampled_from(["", " ", "\n", "\n\n", "\r\n", "\r", "\t", " \u200b "])
hostile_texts = st.lists(st.tuples(fragments, separators), max_size=12).map(
    lambda parts: "".join(f + s for f, s in parts)
)

# Bytes as files arrive: clean UTF-8, UTF-8 with stray Windows-1252 bytes, whole Windows-1252, UTF-16 with its
# mark, NULs and invalid bytes (shared by tests/test_hostile.py).
_text = st.lists(st.sampled_from(NEWS + ["José Muñoz", "“Quoted”", "it’s", "café", "naïve"]), max_size=6).map(" ".join)
_stray = st.sampled_from([b"\x92", b"\x93", b"\x96", b"\xe9", b"\x81", b"\xc3", b"\xff"])
hostile_bytes = st.one_of(
    _text.map(lambda t: t.encode("utf-8")),
    st.tuples(_text, _stray, _text).map(lambda p: p[0].encode("utf-8") + p[1] + p[2].encode("utf-8")),
    _text.map(lambda t: t.encode("cp1252")),
    _text.map(lambda t: t.encode("utf-16")),
    st.binary(max_size=200),
)
