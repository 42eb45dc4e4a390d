"""Generated docs must match the rule metadata, and the JSON contract doc must match the code."""
import re

from k8slint.docs import builtin_rules, render_pages
from tests.conftest import ROOT


def test_rule_pages_are_up_to_date():
    folder = ROOT / "docs" / "rules"
    expected = render_pages(builtin_rules())
    committed = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    assert sorted(committed) == sorted(expected), "docs/rules/ is stale: run `python -m k8slint.docs`"
    for name, content in expected.items():
        assert committed[name] == content, f"docs/rules/{name} is stale: run `python -m k8slint.docs`"


def test_json_report_doc_lists_every_field():
    doc = (ROOT / "docs" / "json-report.md").read_text(encoding="utf-8")
    for field in ["file", "line", "column", "end_line", "end_column", "rule", "name", "severity",
                  "message", "help", "object", "path", "files", "documents", "objects", "skipped",
                  "errors", "warnings", "infos"]:
        assert re.search(rf"`{field}`", doc), field
