"""The SARIF 2.1.0 report, the format GitHub code scanning (and most code review tools) read.

One run: the tool with a descriptor for every rule that ran, one result per finding, and one
invocation whose notifications are the paths that could not be read. Locations are relative
to the repository root (``%SRCROOT%``, given as ``ReportOptions.root``) so the report is the
same on every machine; columns count Unicode code points, as spans do. ``partialFingerprints``
come from ``k8slint.fingerprint`` so that code scanning keeps tracking an alert when lines are
added above it. The output is deterministic: no timestamps, no absolute paths except the root
(and files outside it).
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any, Iterator, Optional
from urllib.parse import quote

from k8slint import __version__
from k8slint.docs import render_rule
from k8slint.findings import Finding, Severity
from k8slint.fingerprint import VERSION as FINGERPRINT_VERSION
from k8slint.fingerprint import fingerprints, relative_to
from k8slint.report import ReportOptions, json_text
from k8slint.report.json_text import encode_basestring
from k8slint.rule import Rule
from k8slint.run import RunResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/k8slint/k8slint"
HELP_URI = "https://github.com/k8slint/k8slint/blob/main/docs/rules/{code}-{name}.md"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _quote(path: str) -> str:
    """``path`` (forward slashes) percent-encoded as a URI path: spaces, ``%``, ``#``, ``?``,
    ``:``, ``<>`` and non-ASCII escaped; bytes of undecodable file names kept as they were."""
    return quote(os.fsencode(path), safe="/")


def _artifact_location(file: str, root: Path) -> dict[str, Any]:
    if file.startswith("<") and file.endswith(">"):
        # stdin without --stdin-filename ("<stdin>"): no file, no base; a valid reference still.
        return {"uri": _quote(file)}
    relative = relative_to(file, root)
    if relative is not None:
        return {"uri": _quote(relative), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(file)).as_uri()}


def _root_uri(root: Path) -> str:
    uri = root.as_uri()  # percent-encoded, file:///C:/... on Windows
    return uri if uri.endswith("/") else uri + "/"


def _help_uri(code: str, name: str) -> str:
    return HELP_URI.format(code=code, name=name)


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    tags = ["kubernetes", rule.category]
    if rule.profile:
        tags.append(rule.profile)
    use_instead = textwrap.dedent(rule.use_instead).strip("\n").rstrip()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why.strip()},
        "help": {
            "text": f"{rule.summary}\n\nUse instead:\n\n{use_instead}\n",
            "markdown": render_rule(rule),
        },
        "helpUri": _help_uri(rule.code, rule.name),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "category": rule.category,
            "tags": tags,
            "fixable": rule.fixable,
            "defaultEnabled": rule.default_enabled,
            **({"profile": rule.profile} if rule.profile else {}),
        },
    }


def _minimal_descriptor(finding: Finding) -> dict[str, Any]:
    """For a finding whose rule is not among the rules that ran (should not happen)."""
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "helpUri": _help_uri(finding.rule, finding.name),
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
    }


def _region(finding: Finding) -> dict[str, int]:
    span = finding.span
    line, column = max(span.line, 1), max(span.column, 1)
    end_line = max(span.end_line, line)
    end_column = max(span.end_column, column if end_line == line else 1)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _logical_locations(finding: Finding) -> Optional[list[dict[str, Any]]]:
    obj = finding.object
    if obj is None:
        return None
    kind, name = obj.kind or "<no kind>", obj.name or "<unnamed>"
    parts = [kind, obj.namespace, name] if obj.namespace else [kind, name]
    return [{"name": name, "fullyQualifiedName": "/".join(parts), "kind": "resource"}]


def _message(finding: Finding) -> str:
    return f"{finding.message}\n{finding.help}" if finding.help else finding.message


def _each_result(result: RunResult, root: Path) -> Iterator[tuple[Finding, dict[str, Any], str]]:
    """(finding, its artifact location, its partial fingerprint) for each finding, in order."""
    seen: dict[tuple[str, str], int] = {}
    locations: dict[str, dict[str, Any]] = {}
    for finding, print_ in zip(result.findings, fingerprints(result.findings, result.texts)):
        # The same fingerprint twice in a file (two identical mistakes): the first keeps the
        # bare fingerprint, later ones get ":2", ":3", ... so that every one is unique.
        count = seen[finding.file, print_] = seen.get((finding.file, print_), 0) + 1
        location = locations.get(finding.file)
        if location is None:
            # the real path: a displayed name may be escaped (caf\xe9.yaml for undecodable bytes)
            real = result.paths.get(finding.file)
            location = locations[finding.file] = _artifact_location(
                str(real) if real is not None else finding.file, root)
        yield finding, location, print_ if count == 1 else f"{print_}:{count}"


def _results(result: RunResult, root: Path, index: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for finding, location, print_ in _each_result(result, root):
        entry: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVELS[finding.severity],
            "message": {"text": _message(finding)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": dict(location),
                    "region": _region(finding),
                },
            }],
            "partialFingerprints": {FINGERPRINT_VERSION: print_},
        }
        logical = _logical_locations(finding)
        if logical is not None:
            entry["locations"][0]["logicalLocations"] = logical
        if finding.path:
            entry["properties"] = {"path": finding.path}
        out.append(entry)
    return out


def _invocation(result: RunResult, root: Path) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": not result.input_errors}
    if result.input_errors:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "error",
                "message": {"text": f"{error.path}: {error.reason}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(error.path, root)}}],
            }
            for error in result.input_errors
        ]
    return invocation


def to_data(result: RunResult, options: ReportOptions) -> dict[str, Any]:
    root = Path(options.root).resolve()
    rules, index = _rules(result)
    return _document(result, root, rules, _results(result, root, index))


def _rules(result: RunResult) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The descriptors of the rules that ran (and of any other rule a finding names), and the
    index of each rule's among them."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rule in result.rules:
        if rule.code not in index:
            index[rule.code] = len(rules)
            rules.append(_rule_descriptor(rule))
    for finding in result.findings:
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(_minimal_descriptor(finding))
    return rules, index


def _document(result: RunResult, root: Path, rules: list[dict[str, Any]], results: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "k8slint",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                },
            },
            "invocations": [_invocation(result, root)],
            "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(root)}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"kubernetesVersion": result.kubernetes_version},
        }],
    }


def render(result: RunResult, options: ReportOptions) -> str:
    """``json.dumps(to_data(result, options), indent=2, ensure_ascii=False) + "\\n"``, the same
    text. The results are nearly all of a large report, and all have one shape: ``_results_text``
    writes each with one f-string, without their dicts, and the rest of the document is written
    by ``json_text.dumps`` around them. On the 2,628 findings of the 10,000-document tree that
    halves the report: 154-160 ms before, 79-97 ms after (about 37 of them the fingerprints)."""
    root = Path(options.root).resolve()
    rules, index = _rules(result)
    text = json_text.dumps(_document(result, root, rules, None))
    results = _results_text(result, root, index)
    if results is None:  # a value of an unusual type: the generic walk
        results = json_text.dumps(_results(result, root, index))
    # the run's keys are six spaces deep, and no string holds a raw line break (json escapes it)
    marker = '\n      "results": null,'
    start = text.index(marker)
    results = results.replace("\n", "\n      ")
    return f"{text[:start]}\n      \"results\": {results},{text[start + len(marker):]}\n"


def _results_text(result: RunResult, root: Path, index: dict[str, int]) -> Optional[str]:
    """The text of ``_results``'s list as ``json_text.dumps`` writes it at the top level, from the
    findings themselves; None when a value has another type than usual (then the dicts are
    written)."""
    if not result.findings:
        return "[]"
    try:
        return "[\n" + ",\n".join(_result_texts(result, root, index)) + "\n]"
    except TypeError:
        return None


def _result_texts(result: RunResult, root: Path, index: dict[str, int]) -> list[str]:
    encode = _encode
    items = []
    located: dict[str, str] = {}  # file → the text of its artifact location, 10 spaces deep
    for finding, location, print_ in _each_result(result, root):
        text = located.get(finding.file)
        if text is None:
            text = located[finding.file] = json_text.dumps(location).replace("\n", "\n          ")
        line, column, end_line, end_column = _region(finding).values()
        if not line.__class__ is column.__class__ is end_line.__class__ is end_column.__class__ is int:
            raise TypeError(line)
        logical = ""
        found = _logical_locations(finding)
        if found is not None:
            name, qualified = found[0]["name"], found[0]["fullyQualifiedName"]
            logical = f""",
        "logicalLocations": [
          {{
            "name": {encode(name)},
            "fullyQualifiedName": {encode(qualified)},
            "kind": "resource"
          }}
        ]"""
        properties = f""",
    "properties": {{
      "path": {encode(finding.path)}
    }}""" if finding.path else ""
        items.append(f"""  {{
    "ruleId": {encode(finding.rule)},
    "ruleIndex": {index[finding.rule]},
    "level": {encode(LEVELS[finding.severity])},
    "message": {{
      "text": {encode(_message(finding))}
    }},
    "locations": [
      {{
        "physicalLocation": {{
          "artifactLocation": {text},
          "region": {{
            "startLine": {line},
            "startColumn": {column},
            "endLine": {end_line},
            "endColumn": {end_column}
          }}
        }}{logical}
      }}
    ],
    "partialFingerprints": {{
      {encode(FINGERPRINT_VERSION)}: {encode(print_)}
    }}{properties}
  }}""")
    return items


def _encode(value: Any) -> str:
    """A string's JSON text (as json_text writes it); TypeError for anything else, which
    render leaves to the generic walk."""
    if not isinstance(value, str):
        raise TypeError(value)
    return encode_basestring(value)
