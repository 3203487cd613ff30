"""The README's commands are the ones CI runs, and the library stays independent of the dashboard."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    ci_lines = [
        line for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines() if line and not line.startswith("#")
    ]
    assert ci_lines[-1] in readme


def test_library_never_imports_streamlit():
    for path in (ROOT / "checks").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit", path.read_text("utf-8"), re.M), path


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text("utf-8").splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line} is not pinned"
