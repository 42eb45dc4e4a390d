"""Generated docs must match the rule metadata, and the JSON contract doc must match the code."""
import re

from k8slint.docs import render_rules
from tests.conftest import ROOT


def test_rules_doc_is_up_to_date():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules(), "docs/rules.md is stale: run `python -m k8slint.docs`"


def test_json_report_doc_lists_every_field():
    doc = (ROOT / "docs" / "json-report.md").read_text(encoding="utf-8")
    for field in ["file", "line", "column", "end_line", "end_column", "rule", "name", "severity",
                  "message", "help", "object", "path", "files", "documents", "objects", "skipped",
                  "errors", "warnings", "infos"]:
        assert re.search(rf"`{field}`", doc), field
