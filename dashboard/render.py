"""Presentation helpers: flagged passages, the category legend and chart as HTML, built here and nowhere else
(the draft itself is drawn by the editor component, dashboard/components/editor).

Every piece of user text (the draft, and flag messages and suggestions, which quote it) goes through `esc`, which
HTML-escapes it (quotes included, so it is safe inside attributes) and also neutralises the characters Streamlit's
Markdown would otherwise interpret (`$` maths, `:emoji:` codes, `*`, `_`, backticks, brackets). Nothing the user
typed can become markup: a draft containing <script>, <img onerror=...> or </mark> is shown as text.
"""

from __future__ import annotations

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
.cd-flag { position: relative; border-radius: .2rem; padding: 0 .1rem; cursor: help; color: inherit; }
.cd-flag:focus { outline: 2px solid #333; }
.cd-flag:hover::after, .cd-flag:focus::after { content: attr(data-tip); position: absolute; left: 0; top: 1.6em;
  z-index: 10; white-space: pre-wrap; width: max-content; max-width: 26rem; background: #222; color: #fff;
  font: .85rem/1.35 system-ui, sans-serif; padding: .45rem .6rem; border-radius: .35rem; }
.cd-legend span { display: inline-block; white-space: nowrap; padding: 0 .4rem; margin: 0 .35rem .25rem 0;
  border-radius: .2rem; font-size: .85rem; }
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


def category_chart(counts: dict[str, int]) -> dict:
    """A Vega-Lite bar chart of flags per category, each bar in its category's colour (as the highlights)."""
    labels = [CATEGORY_LABELS[c] for c in CATEGORY_COLOURS]
    return {
        "data": {
            "values": [{"category": CATEGORY_LABELS[c], "flags": int(counts.get(c, 0))} for c in CATEGORY_COLOURS]
        },
        "mark": {"type": "bar"},
        "height": 200,
        "encoding": {
            "x": {"field": "category", "type": "nominal", "sort": labels, "axis": {"labelAngle": 0, "title": None}},
            "y": {"field": "flags", "type": "quantitative", "axis": {"tickMinStep": 1, "title": "open flags"}},
            "color": {
                "field": "category",
                "type": "nominal",
                "scale": {"domain": labels, "range": list(CATEGORY_COLOURS.values())},
                "legend": None,
            },
        },
    }
