"""Copydesk's dashboard: `streamlit run dashboard/app.py`. Three pages, all built on the `checks` library."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

st.set_page_config(page_title="Copydesk", page_icon=":material/edit_note:", layout="wide")

PAGES = [
    st.Page("views/check_draft.py", title="Check a draft", icon=":material/edit_note:", url_path="check", default=True),
    st.Page("views/score_archive.py", title="Score an archive", icon=":material/inventory_2:", url_path="archive"),
    st.Page("views/review_flags.py", title="Review flagged passages", icon=":material/rate_review:", url_path="review"),
]
st.navigation(PAGES).run()
