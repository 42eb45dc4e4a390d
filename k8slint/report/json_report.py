"""The JSON report: a public contract (version 1), documented in docs/json-report.md.

Fields may be added; existing fields never change meaning.
"""
from __future__ import annotations

from typing import Any, Optional

from k8slint import __version__
from k8slint.report import ReportOptions, json_text
from k8slint.findings import Finding, ObjectRef, Span
from k8slint.report.json_text import encode_basestring
from k8slint.run import RunResult

CONTRACT_VERSION = 1


def to_data(result: RunResult, findings: bool = True) -> dict:
    """The report as JSON values; ``findings=False``: an empty list under "findings" (``render``
    writes them from the Findings themselves)."""
    return {
        "version": CONTRACT_VERSION,
        "findings": [f.to_json() for f in result.findings] if findings else [],
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
    for key, value in to_data(result, findings=False).items():
        out += (separator, encode_basestring(key), ": ")
        if key == "findings":
            _findings(result.findings, out)
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


def _findings(findings: list[Finding], out: list[str]) -> None:
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


def _finding(finding: Finding, encoded: _Encoded) -> str:
    """The text of a finding, an item of the list under "findings": what ``finding.to_json()``
    gives, written from the Finding itself (without that dict: a quarter of a warm run's report),
    or from the dict when a value has an unusual type."""
    try:
        text = _from_finding(finding, encoded)
    except TypeError:  # a value of another type (a list, a number where a string is due...)
        text = None
    if text is not None:
        return text
    data = finding.to_json()
    try:
        text = _usual_finding(data, encoded)
    except TypeError:
        text = None
    return text if text is not None else _nested(data, "\n    ")


def _from_finding(finding: Finding, encoded: _Encoded) -> Optional[str]:
    """As ``_usual_finding`` on ``finding.to_json()``, read from the Finding's attributes; None
    for another shape (then the dict is written)."""
    if finding.__class__ is not Finding:
        return None
    span, obj, fix = finding.span, finding.object, finding.fix
    if span.__class__ is not Span or obj is not None and obj.__class__ is not ObjectRef:
        return None
    line, column, end_line, end_column = span
    if not line.__class__ is column.__class__ is end_line.__class__ is end_column.__class__ is int:
        return None
    return _text(
        finding.file, line, column, end_line, end_column, finding.rule, finding.name, finding.severity.label,
        finding.message, finding.help, "null" if obj is None else _object(*obj, encoded=encoded), finding.path,
        "null" if fix is None else _fix(fix.to_json(), encoded), encoded,
    )


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
        obj = _object(*obj.values(), encoded=encoded)
    else:
        obj = "null" if obj is None else _nested(obj, "\n      ")
    return _text(file, line, column, end_line, end_column, rule, name, severity, message, help, obj, path, fix, encoded)


def _object(api_version: Any, kind: Any, namespace: Any, name: Any, encoded: _Encoded) -> str:
    return f"""{{
        "apiVersion": {encoded[api_version]},
        "kind": {encoded[kind]},
        "namespace": {encoded[namespace]},
        "name": {encoded[name]}
      }}"""


def _text(
    file: Any, line: int, column: int, end_line: int, end_column: int, rule: Any, name: Any, severity: Any,
    message: Any, help: Any, obj: str, path: Any, fix: str, encoded: _Encoded,
) -> str:
    """A finding's text from its values, with ``obj`` and ``fix`` written already."""
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
