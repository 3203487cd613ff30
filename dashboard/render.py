"""Presentation helpers: the highlighted draft as HTML, built here and nowhere else.

Every piece of user text (the draft, and flag messages and suggestions, which quote it) goes through `esc`, which
HTML-escapes it (quotes included, so it is safe inside attributes) and also neutralises the characters Streamlit's
Markdown would otherwise interpret (`$` maths, `:emoji:` codes, `*`, `_`, backticks, brackets). Nothing the user
typed can become markup: a draft containing <script>, <img onerror=...> or </mark> is shown as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from checks.flags import Flag

CATEGORY_COLOURS = {
    "mistranslation": "#f4a6a6",
    "grammar": "#f7c98b",
    "spelling": "#f5e27a",
    "names": "#b7d8f5",
    "readability": "#d3c4f0",
    "style": "#bfe6c4",
}
CATEGORY_LABELS = {
    "mistranslation": "Mistranslation",
    "grammar": "Grammar",
    "spelling": "Spelling",
    "names": "Names",
    "readability": "Readability",
    "style": "Style",
}
# One pass: HTML's special characters, Markdown's active ones, and line breaks (so Markdown never splits a block).
_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'$:*_`[]~#|\\\n\r"}

HIGHLIGHT_CSS = (
    """
<style>
.cd-draft { white-space: pre-wrap; line-height: 1.75; font-size: 1.02rem; font-family: Georgia, serif;
  padding: .75rem 1rem; border: 1px solid #ddd; border-radius: .5rem; background: #fff; color: #222; }
.cd-flag { position: relative; border-radius: .2rem; padding: 0 .1rem; cursor: help; color: inherit; }
.cd-flag:focus { outline: 2px solid #333; }
.cd-flag:hover::after, .cd-flag:focus::after { content: attr(data-tip); position: absolute; left: 0; top: 1.6em;
  z-index: 10; white-space: pre-wrap; width: max-content; max-width: 26rem; background: #222; color: #fff;
  font: .85rem/1.35 system-ui, sans-serif; padding: .45rem .6rem; border-radius: .35rem; }
.cd-legend span { display: inline-block; padding: 0 .4rem; margin-right: .35rem; border-radius: .2rem;
  font-size: .85rem; }
.cd-passage { white-space: pre-wrap; font-family: Georgia, serif; padding: .4rem .6rem;
  border-left: 3px solid #bbb; background: #fafafa; color: #222; }
"""
    + "".join(f".cd-{c} {{ background: {colour}; }}" for c, colour in CATEGORY_COLOURS.items())
    + "</style>"
)
HIGHLIGHT_CSS = " ".join(HIGHLIGHT_CSS.split())  # one line: Markdown never splits the block


def esc(value: object) -> str:
    """User text made inert for st.html / st.markdown(unsafe_allow_html=True), inside elements or attributes."""
    return str(value).translate(_ENTITIES)


def tooltip(flag: Flag) -> str:
    """Plain text for the hover/focus tip: category, rule, message, fixes (escaped by the caller via `esc`)."""
    lines = [f"{CATEGORY_LABELS.get(flag.category, flag.category)} · {flag.rule} · {flag.severity}", flag.message]
    if flag.suggestions:
        lines.append("Fix: " + " | ".join(s if s else "(delete)" for s in flag.suggestions))
    return "\n".join(lines)


def _segments(text_length: int, flags: Sequence[Flag]) -> list[tuple[int, int, list[Flag]]]:
    """Split [0, len) at every flag boundary; each piece carries the flags covering it (overlaps allowed)."""
    cuts = {0, text_length}
    for flag in flags:
        cuts.update((flag.start, flag.end))
    points = sorted(p for p in cuts if 0 <= p <= text_length)
    pieces = []
    for a, b in pairwise(points):
        covering = [f for f in flags if f.start <= a and b <= f.end and f.start < f.end]
        pieces.append((a, b, covering))
    return pieces


def _insertion_marks(flags: Sequence[Flag], at: int) -> str:
    """Zero-width flags (a missing word) shown as a small caret mark at their offset."""
    marks = []
    for flag in flags:
        if flag.start == flag.end == at:
            marks.append(
                f'<mark class="cd-flag cd-{esc(flag.category)}" tabindex="0" title="{esc(tooltip(flag))}" '
                f'data-tip="{esc(tooltip(flag))}" data-rule="{esc(flag.rule)}">&#8248;</mark>'
            )
    return "".join(marks)


def highlight_html(text: str, flags: Iterable[Flag]) -> str:
    """The draft with every flag as a coloured <mark>, tooltips with message, rule and fixes; all escaped."""
    flags = [f for f in flags if 0 <= f.start <= f.end <= len(text)]
    spans = [f for f in flags if f.start < f.end]
    out = [HIGHLIGHT_CSS, '<div class="cd-draft">']
    for a, b, covering in _segments(len(text), spans):
        out.append(_insertion_marks(flags, a))
        piece = esc(text[a:b])
        if not covering:
            out.append(piece)
            continue
        main = min(covering, key=lambda f: (f.end - f.start, f.rule))  # the most specific flag sets the colour
        tip = "\n\n".join(tooltip(f) for f in sorted(covering, key=lambda f: (f.end - f.start, f.rule)))
        out.append(
            f'<mark class="cd-flag cd-{esc(main.category)}" tabindex="0" title="{esc(tip)}" data-tip="{esc(tip)}" '
            f'data-rule="{esc(main.rule)}">{piece}</mark>'
        )
    out.append(_insertion_marks(flags, len(text)))
    out.append("</div>")
    return "".join(out)


def legend_html(counts: dict[str, int]) -> str:
    items = "".join(
        f'<span class="cd-{esc(c)}">{esc(CATEGORY_LABELS.get(c, c))}: {int(counts.get(c, 0))}</span>'
        for c in CATEGORY_COLOURS
    )
    return f'{HIGHLIGHT_CSS}<div class="cd-legend">{items}</div>'


def passage_html(text: str, start: int, end: int, category: str, tip: str = "", context: int = 160) -> str:
    """One flagged passage with some context either side (review page); all escaped."""
    left = max(0, start - context)
    right = min(len(text), end + context)
    before = ("…" if left > 0 else "") + text[left:start]
    after = text[end:right] + ("…" if right < len(text) else "")
    return (
        f'{HIGHLIGHT_CSS}<div class="cd-passage">{esc(before)}'
        f'<mark class="cd-flag cd-{esc(category)}" tabindex="0" title="{esc(tip)}" data-tip="{esc(tip)}">'
        f"{esc(text[start:end])}</mark>{esc(after)}</div>"
    )
