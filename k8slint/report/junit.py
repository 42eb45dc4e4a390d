"""The JUnit XML report, for CI dashboards (Jenkins, GitLab, Azure DevOps, test-report actions).

Valid against the common JUnit XSD (junit-4.xsd as CI tools read it):

- ``<testsuites name="k8slint">`` holds one ``<testsuite>`` per file, in run order;
- each checked object is a ``<testcase>`` (name: "Deployment ns/web", classname: the file);
  objects with the same reference in one file share it;
- every finding of an object at or above ``--fail-on`` is a ``<failure type="KL101">``; the
  findings below it are listed in the test case's ``<system-out>`` (reported, not failing);
- findings that belong to no object (YAML syntax errors, undecodable files, documents that are
  not objects) go into one test case per file, named "file <file>";
- a path that could not be read is a test case with an ``<error>``.

``tests``, ``failures`` and ``errors`` count test cases (the JUnit meaning: passed = tests -
failures - errors), not findings. No timestamps, host names or durations: the output is
byte-identical between runs.

The XML is written as text, the way ``xml.etree.ElementTree`` with ``ET.indent(space="  ")``
writes it (the same escapes, ``<tag />`` for an empty element, two spaces a level): building
and serialising a tree took 90 ms for the 10,000 test cases of the benchmark's tree.
tests/test_report_junit.py compares the two.
"""
from __future__ import annotations

import re
from typing import Optional

from k8slint.findings import Finding, ObjectRef, Severity
from k8slint.report import ReportOptions
from k8slint.run import RunResult

# Characters XML 1.0 cannot carry at all (not even as references): C0 controls other than
# tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


# What ElementTree escapes in character data, and also in attribute values (line ends and tabs
# as references there, so that a parser keeps them)
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _text(text: str, escapes: tuple[tuple[str, str], ...] = _TEXT_ESCAPES) -> str:
    """Character data (or with _ATTRIBUTE_ESCAPES, an attribute value) escaped as ElementTree
    escapes it."""
    for raw, reference in escapes:
        if raw in text:
            text = text.replace(raw, reference)
    return text


def _attribute(text: str) -> str:
    return _text(text, _ATTRIBUTE_ESCAPES)


def _leaf(tag: str, attributes: str, text: str) -> str:
    """An element without children: ``attributes`` written, ``text`` not yet escaped."""
    if text:
        return f"<{tag}{attributes}>{_text(text)}</{tag}>"
    return f"<{tag}{attributes} />"


def _line(finding: Finding) -> str:
    s = finding.span
    text = f"{finding.file}:{s.line}:{s.column}: {finding.severity.label} {finding.rule} {finding.message}"
    if finding.help:
        text += f"\nhelp: {finding.help}"
    return text


class _Case:
    def __init__(self, name: str):
        self.name = name
        self.failures: list[Finding] = []
        self.others: list[Finding] = []  # below the threshold: system-out
        self.error: Optional[str] = None

    def write(self, out: list[str], classname: str) -> None:
        """The test case, at the third level (inside testsuites and testsuite); ``classname``: its
        file, written (the same for every case of a suite)."""
        out.append(f'\n    <testcase name="{_attribute(_clean(self.name))}" classname="{classname}"')
        children = []
        if self.error is not None:
            error = _clean(self.error)
            children.append(_leaf("error", f' type="input-error" message="{_attribute(error)}"', error))
        for finding in self.failures:
            children.append(_leaf(
                "failure", f' type="{_attribute(finding.rule)}" message="{_attribute(_clean(finding.message))}"',
                _clean(_line(finding)),
            ))
        if self.others:
            children.append(_leaf("system-out", "", _clean("\n".join(_line(f) for f in self.others))))
        if not children:
            out.append(" />")
            return
        out.append(">")
        for child in children:
            out.append("\n      " + child)
        out.append("\n    </testcase>")


class _Suite:
    def __init__(self, file: str):
        self.file = file
        self.file_case: Optional[_Case] = None  # findings that belong to no object
        self.objects: dict[ObjectRef, _Case] = {}

    def case_for(self, ref: Optional[ObjectRef]) -> _Case:
        if ref is None:
            if self.file_case is None:
                self.file_case = _Case(f"file {self.file}")
            return self.file_case
        if ref not in self.objects:
            self.objects[ref] = _Case(ref.describe())
        return self.objects[ref]

    def cases(self) -> list[_Case]:
        head = [self.file_case] if self.file_case is not None else []
        return head + list(self.objects.values())


def _suites(result: RunResult, threshold: Severity) -> list[_Suite]:
    suites: dict[str, _Suite] = {}
    order: dict[str, int] = {}

    def suite(file: str, index: int) -> _Suite:
        if file not in suites:
            suites[file] = _Suite(file)
            order[file] = index
        return suites[file]

    for obj in result.objects:
        suite(obj.file, obj.file_index).case_for(obj.ref)
    for finding in result.findings:
        # A finding about an object that was not among the checked ones still gets its own case.
        case = suite(finding.file, finding.file_index).case_for(finding.object)
        (case.failures if finding.severity >= threshold else case.others).append(finding)
    ordered = sorted(suites.values(), key=lambda s: (order[s.file], s.file))
    for error in result.input_errors:
        unreadable = _Suite(error.path)
        unreadable.case_for(None).error = f"cannot read {error.path}: {error.reason}"
        ordered.append(unreadable)
    return ordered


def _counts(cases: list[_Case]) -> tuple[int, int, int]:
    failures = sum(1 for c in cases if c.failures and c.error is None)
    errors = sum(1 for c in cases if c.error is not None)
    return len(cases), failures, errors


def render(result: RunResult, options: ReportOptions) -> str:
    threshold = Severity.parse(options.fail_on)
    body: list[str] = []
    totals = [0, 0, 0]
    for suite in _suites(result, threshold):
        cases = suite.cases()
        tests, failures, errors = _counts(cases)
        file = _attribute(_clean(suite.file))
        body.append(f'\n  <testsuite name="{file}" tests="{tests}" failures="{failures}" errors="{errors}"')
        if cases:
            body.append(">")
            for case in cases:
                case.write(body, file)
            body.append("\n  </testsuite>")
        else:
            body.append(" />")
        totals = [totals[0] + tests, totals[1] + failures, totals[2] + errors]
    root = f'<testsuites name="k8slint" tests="{totals[0]}" failures="{totals[1]}" errors="{totals[2]}"'
    root += ">" + "".join(body) + "\n</testsuites>" if body else " />"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + root + "\n"
