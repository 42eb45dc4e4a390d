"""The copy-paste snippets of README.md, so that tests run exactly what users copy."""
from __future__ import annotations

import re

from tests.conftest import ROOT


def snippet(name: str) -> str:
    """The fenced block that follows ``<!-- snippet: NAME -->`` in README.md."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- snippet: {re.escape(name)} -->\n```[a-z]*\n(.*?)```", text, re.S)
    assert match, f"README.md has no snippet {name!r}"
    return match.group(1)
