"""What the editor's desk (the dashboard) needs from the library that is not a check: its house-style keys.

The dashboard only presents; its settings, like every other house-style table, are declared here so that the
schema and samples/copydesk.toml know them.
"""
from __future__ import annotations

from checks.config import Section, Setting

SECTIONS = (
    Section("dashboard", "", (
        Setting("max_paste_chars", 200_000, "Largest draft pasted or uploaded on \"Check a draft\", in characters "
                "(about 30,000 words). Over it: refused with a message naming this key."),
        Setting("check_timeout_seconds", 8, "A draft check that takes longer than this (a slow or unreachable "
                "LanguageTool server) is abandoned and the draft is checked again without the server, so the page "
                "never freezes. Seconds."),
        Setting("batch_workers", None, "Local Dask worker processes for \"Score an archive\" (each loads the models "
                "once). Default: one per core.", example=2),
    ), footer=(
        "Upload sizes come from the shared [limits] table, so the dashboard refuses exactly what `python -m checks "
        "batch` refuses: one uploaded draft may not exceed max_member_bytes (nor max_upload_bytes), an uploaded "
        "archive or table may not exceed max_upload_bytes. A public dashboard should lower them, e.g.:\n[limits]\n"
        "max_upload_bytes = 50_000_000\nmax_member_bytes = 5_000_000\nStreamlit's own cap (server.maxUploadSize, "
        "200 MB by default) applies on top.")),
)
