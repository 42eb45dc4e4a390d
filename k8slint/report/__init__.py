"""Reporters: one module per output format, each a function ``render(result, options) -> str``."""
from __future__ import annotations

from typing import NamedTuple

FORMATS = ("text", "json")


class ReportOptions(NamedTuple):
    color: bool = False


def render(fmt: str, result: object, options: ReportOptions) -> str:
    if fmt == "json":
        from k8slint.report import json_report

        return json_report.render(result, options)  # type: ignore[arg-type]
    from k8slint.report import text

    return text.render(result, options)  # type: ignore[arg-type]
