"""Copydesk: a text-quality checker for English news copy.

As a library:

    from checks import check_text, apply_fixes
    report = check_text(draft)
    for flag in report.issues: ...
"""

from checks.config import Config, ConfigError, load_config
from checks.document import Document, analyse
from checks.fixes import apply_fixes
from checks.flags import CATEGORIES, Flag
from checks.pipeline import Report, check_document, check_text

__all__ = [
    "CATEGORIES",
    "Config",
    "ConfigError",
    "Document",
    "Flag",
    "Report",
    "analyse",
    "apply_fixes",
    "check_document",
    "check_text",
    "load_config",
]
