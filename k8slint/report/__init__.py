"""Reporters: one module per output format, each a function ``render(result, options) -> str``.

Adding a format is one module here plus its name in ``FORMATS``; the command line, the
``--output`` handling and the tests pick it up from this table.
"""
from __future__ import annotations

import importlib

from k8slint.named_tuple import NamedTuple

# format name → module in this package
MODULES = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
}
FORMATS = tuple(MODULES)


class ReportOptions(NamedTuple):
    color: bool = False
    # Findings of this severity or worse fail the run (JUnit failures, GitHub error/warning).
    fail_on: str = "error"
    # Paths in SARIF are relative to this directory (the repository root: %SRCROOT%).
    root: str = "."
    statistics: bool = False  # text: counts per rule instead of each finding
    quiet: bool = False  # text: findings only, no summary


def render(fmt: str, result: object, options: ReportOptions) -> str:
    module = importlib.import_module(f"k8slint.report.{MODULES[fmt]}")
    return module.render(result, options)  # type: ignore[no-any-return]
