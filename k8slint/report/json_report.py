"""The JSON report: a public contract (version 1), documented in docs/json-report.md.

Fields may be added; existing fields never change meaning.
"""
from __future__ import annotations

from k8slint import __version__
from k8slint.report import ReportOptions, json_text
from k8slint.run import RunResult

CONTRACT_VERSION = 1


def to_data(result: RunResult) -> dict:
    return {
        "version": CONTRACT_VERSION,
        "findings": [f.to_json() for f in result.findings],
        "summary": result.summary.to_json(),
        "input_errors": [{"path": e.path, "reason": e.reason} for e in result.input_errors],
        "kubernetes_version": result.kubernetes_version,
        "tool": {"name": "k8slint", "version": __version__},
    }


def render(result: RunResult, options: ReportOptions) -> str:
    return json_text.dumps(to_data(result)) + "\n"
