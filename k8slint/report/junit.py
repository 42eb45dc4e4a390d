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
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Optional

from k8slint.findings import Finding, ObjectRef, Severity
from k8slint.report import ReportOptions
from k8slint.run import RunResult

# Characters XML 1.0 cannot carry at all (not even as references): C0 controls other than
# tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
_INVALID_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def _line(finding: Finding) -> str:
    s = finding.span
    text = f"{finding.file}:{s.line}:{s.column}: {finding.severity.label} {finding.rule} {finding.message}"
    if finding.help:
        text += f"\nhelp: {finding.help}"
    return text


class _Case:
    def __init__(self, name: str, file: str):
        self.name = name
        self.file = file
        self.failures: list[Finding] = []
        self.others: list[Finding] = []  # below the threshold: system-out
        self.error: Optional[str] = None

    def element(self) -> ET.Element:
        case = ET.Element("testcase", name=_clean(self.name), classname=_clean(self.file))
        if self.error is not None:
            error = ET.SubElement(case, "error", type="input-error", message=_clean(self.error))
            error.text = _clean(self.error)
        for finding in self.failures:
            failure = ET.SubElement(case, "failure", type=finding.rule, message=_clean(finding.message))
            failure.text = _clean(_line(finding))
        if self.others:
            out = ET.SubElement(case, "system-out")
            out.text = _clean("\n".join(_line(f) for f in self.others))
        return case


class _Suite:
    def __init__(self, file: str):
        self.file = file
        self.file_case: Optional[_Case] = None  # findings that belong to no object
        self.objects: dict[ObjectRef, _Case] = {}

    def case_for(self, ref: Optional[ObjectRef]) -> _Case:
        if ref is None:
            if self.file_case is None:
                self.file_case = _Case(f"file {self.file}", self.file)
            return self.file_case
        if ref not in self.objects:
            self.objects[ref] = _Case(ref.describe(), self.file)
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
    root = ET.Element("testsuites", name="k8slint")
    totals = [0, 0, 0]
    for suite in _suites(result, threshold):
        cases = suite.cases()
        tests, failures, errors = _counts(cases)
        element = ET.SubElement(
            root, "testsuite", name=_clean(suite.file), tests=str(tests), failures=str(failures),
            errors=str(errors),
        )
        element.extend(case.element() for case in cases)
        totals = [totals[0] + tests, totals[1] + failures, totals[2] + errors]
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
