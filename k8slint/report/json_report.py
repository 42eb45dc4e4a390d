"""The JSON report: a public contract (version 1), documented in docs/json-report.md.

Fields may be added; existing fields never change meaning.
"""
from __future__ import annotations

from typing import Any, Optional

from k8slint import __version__
from k8slint.report import ReportOptions, json_text
from k8slint.report.json_text import encode_basestring
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
    """``json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\\n"``, the same text.

    The findings are nearly all of a large report (1.6 MB of the 2 MB on 10,000 documents),
    and nearly all have one shape: ``_finding`` writes each of those with one f-string, and
    anything else (other keys, other types) with ``json_text.dumps``, whose generic walk took
    2.5 times as long (43 → 17 ms on 2,628 findings, to_data's 5 ms included). Each top-level
    value is written on its own and indented to its place (``_nested``); the pieces are joined
    once, at the end.
    """
    out = ["{"]
    separator = "\n  "
    for key, value in to_data(result).items():
        out += (separator, encode_basestring(key), ": ")
        if key == "findings":
            _findings(value, out)
        else:
            out.append(_nested(value, "\n  "))
        separator = ",\n  "
    out.append("\n}\n")
    return "".join(out)


def _nested(value: Any, newline: str) -> str:
    """The text of ``value`` as json.dumps(indent=2) writes it where its lines start with ``newline``.

    Only the line breaks between items differ from the text at the top level: the encoder
    indents by nesting depth, and no string holds a raw line break (json escapes it as \\n)."""
    return json_text.dumps(value).replace("\n", newline)


class _Encoded(dict):
    """A string → its JSON text, each distinct string encoded once (a report repeats its files,
    rules, messages and kinds), and None → null. Anything else raises TypeError, as
    encode_basestring does for what is not a str (a str subclass is written from its
    characters, as json does too)."""

    def __missing__(self, value: str) -> str:
        text = self[value] = encode_basestring(value)
        return text


_FINDING_KEYS = (
    "file", "line", "column", "end_line", "end_column", "rule", "name", "severity", "message",
    "help", "object", "path", "fix",
)
_OBJECT_KEYS = ("apiVersion", "kind", "namespace", "name")
_FIX_KEYS = ("safety", "title")


def _findings(findings: list, out: list[str]) -> None:
    """Appends the text of the list under "findings" (its items 4 spaces deep)."""
    if not findings:
        out.append("[]")
        return
    encoded = _Encoded({None: "null"})
    separator = "[\n    "
    for finding in findings:
        out += (separator, _finding(finding, encoded))
        separator = ",\n    "
    out.append("\n  ]")


def _finding(finding: Any, encoded: _Encoded) -> str:
    """The text of a finding, an item of the list under "findings"."""
    try:
        text = _usual_finding(finding, encoded)
    except TypeError:  # a value of another type (a list, a number where a string is due...)
        text = None
    return text if text is not None else _nested(finding, "\n    ")


def _usual_finding(finding: Any, encoded: _Encoded) -> Optional[str]:
    """The text of a finding with the usual keys and types, with one f-string (a third faster
    than a % format: the literal text is joined, not parsed each time): its keys 6 spaces deep,
    those of its "object" and "fix" 8. None for another shape.

    ``encoded`` raises TypeError for a value that is neither a str nor None; an f-string would
    write a bool or a float differently from json, so the four ints must be exact ints."""
    if finding.__class__ is not dict or tuple(finding) != _FINDING_KEYS:
        return None
    file, line, column, end_line, end_column, rule, name, severity, message, help, obj, path, fix = finding.values()
    if not line.__class__ is column.__class__ is end_line.__class__ is end_column.__class__ is int:
        return None
    fix = "null" if fix is None else _fix(fix, encoded)
    if obj.__class__ is dict and tuple(obj) == _OBJECT_KEYS:
        api_version, kind, namespace, obj_name = obj.values()
        obj = f"""{{
        "apiVersion": {encoded[api_version]},
        "kind": {encoded[kind]},
        "namespace": {encoded[namespace]},
        "name": {encoded[obj_name]}
      }}"""
    else:
        obj = "null" if obj is None else _nested(obj, "\n      ")
    return f"""{{
      "file": {encoded[file]},
      "line": {line},
      "column": {column},
      "end_line": {end_line},
      "end_column": {end_column},
      "rule": {encoded[rule]},
      "name": {encoded[name]},
      "severity": {encoded[severity]},
      "message": {encoded[message]},
      "help": {encoded[help]},
      "object": {obj},
      "path": {encoded[path]},
      "fix": {fix}
    }}"""


def _fix(fix: Any, encoded: _Encoded) -> str:
    if fix.__class__ is dict and tuple(fix) == _FIX_KEYS:
        safety, title = fix.values()
        return f"""{{
        "safety": {encoded[safety]},
        "title": {encoded[title]}
      }}"""
    return _nested(fix, "\n      ")
