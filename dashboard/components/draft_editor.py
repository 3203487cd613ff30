"""The draft editor component (editor/index.html): Python's side of it, what it is sent and what it sends back.

The component is declared once per process with `path=`: Streamlit serves the folder as it is, no build step.
It keeps the working copy in the browser's localStorage (`saved`, working_copy.saved_form) and offers it back
after a reload, a closed tab or a server restart; a Restore comes back as an event (check_draft.take_restore).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

from checks.flags import Flag

FOLDER = Path(__file__).resolve().parent / "editor"
CLARITY = frozenset({"readability"})  # the second layer, off by default: readability, passive voice, wordy phrases
_component = components.declare_component("copydesk_editor", path=str(FOLDER))


def flag_id(flag: Flag) -> str:
    return f"{flag.rule}|{flag.start}|{flag.end}"


def is_document_level(flag: Flag) -> bool:
    """A flag about the whole draft (the document's grade): no passage, so no highlight."""
    return flag.start == flag.end and not flag.suggestions


def flag_payload(flag: Flag) -> dict[str, Any]:
    """One flag as the component gets it: code-point offsets (converted to UTF-16 in the browser)."""
    return {
        "id": flag_id(flag),
        "category": flag.category,
        "rule": flag.rule,
        "severity": flag.severity,
        "start": flag.start,
        "end": flag.end,
        "text": flag.text,
        "message": flag.message,
        "suggestions": list(flag.suggestions),
        "layer": "clarity" if flag.category in CLARITY else "correctness",
        "document": is_document_level(flag),
    }


def editor(key: str, **args: Any) -> None:
    """Show the editor; its events are read from st.session_state[key] at the start of the next run."""
    _component(key=key, default=None, **args)
