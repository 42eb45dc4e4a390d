"""The JUnit report: valid against the JUnit XSD CI tools read (for every rule fixture and for
files that break in every way a file can), and says what the run found: one test case per
checked object and per file with findings that belong to no object, a failure per finding at
or above --fail-on."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.report import ReportOptions, render
from k8slint.run import CheckedObject, CheckOptions, RunResult, Summary, run_check
from tests.conftest import FIXTURES, ROOT, SHARED

XSD = SHARED / "schemas-ext" / "junit.xsd"
FIXTURE_FILES = sorted(
    (folder.name, name) for folder in FIXTURES.iterdir() if folder.is_dir()
    for name in ("fail.yaml", "pass.yaml") if (folder / name).is_file()
)


@pytest.fixture(scope="module")
def schema():
    if not XSD.is_file():
        pytest.skip(f"{XSD} is absent: ../shared/schemas-ext (the external format schemas) is not beside the project")
    import xmlschema

    return xmlschema.XMLSchema(str(XSD))


def _run(folder: Path, paths: list[str], **options) -> RunResult:
    old = os.getcwd()
    os.chdir(folder)
    try:
        return run_check(CheckOptions(paths=paths, **options))
    finally:
        os.chdir(old)


def _junit(result: RunResult, fail_on: str = "error") -> str:
    return render("junit", result, ReportOptions(fail_on=fail_on))


def _consistent(result: RunResult, xml: str, fail_on: str = "error") -> ET.Element:
    """What every report must say about its run; returns the parsed document."""
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and xml.endswith(">\n")
    root = ET.fromstring(xml)
    threshold = Severity.parse(fail_on)
    cases = root.findall("testsuite/testcase")
    objects = {(o.file, o.ref) for o in result.objects}
    objects |= {(f.file, f.object) for f in result.findings if f.object is not None}
    objectless = {f.file for f in result.findings if f.object is None}
    assert len(cases) == len(objects) + len(objectless) + len(result.input_errors)
    failing = [f for f in result.findings if f.severity >= threshold]
    assert sorted(e.get("type") for e in root.iter("failure")) == sorted(f.rule for f in failing)
    reported = sum(len(e.text.split("\n")) - (e.text.count("\nhelp: ")) for e in root.iter("system-out"))
    assert reported == len(result.findings) - len(failing)
    assert len(root.findall("testsuite/testcase/error")) == len(result.input_errors)
    # counts: test cases (passed = tests - failures - errors), summed over the suites
    for element in (root, *root.findall("testsuite")):
        below = element.findall(".//testcase")
        assert element.get("tests") == str(len(below))
        assert element.get("failures") == str(sum(1 for c in below if c.find("failure") is not None))
        assert element.get("errors") == str(sum(1 for c in below if c.find("error") is not None))
    return root


@pytest.mark.parametrize("folder,name", FIXTURE_FILES, ids=[f"{f}/{n}" for f, n in FIXTURE_FILES])
def test_fixture_report_is_valid_junit(folder, name, schema):
    code = folder.split("-", 1)[0]
    result = _run(FIXTURES / folder, [name], select=[code])
    xml = _junit(result)
    schema.validate(xml)
    root = _consistent(result, xml)
    if name == "pass.yaml" and not result.findings:
        assert all(len(case) == 0 for case in root.iter("testcase"))


PROBLEM_FILES = {
    "syntax.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before\n---\nkey: [unclosed\n",
    "latin1.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    "list.yaml": b"- not\n- an object\n",
    "multi.yaml": (
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ok: 'yes'\n---\n"
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  enabled: yes\n---\n"
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n---\n"
        b"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n"
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\ndata:\n  changed: 'yes'\n"
    ),
}


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> RunResult:
    folder = tmp_path_factory.mktemp("problems")
    for name, content in PROBLEM_FILES.items():
        (folder / name).write_bytes(content)
    return _run(folder, [*PROBLEM_FILES, "missing.yaml"])


def _cases(root: ET.Element, suite: str) -> dict[str, ET.Element]:
    (element,) = [s for s in root.findall("testsuite") if s.get("name") == suite]
    return {case.get("name"): case for case in element.findall("testcase")}


def test_broken_files_are_valid_junit(problems, schema):
    for fail_on in ("error", "warning", "info"):
        schema.validate(_junit(problems, fail_on))


def test_broken_files_report(problems):
    root = _consistent(problems, _junit(problems))
    assert [s.get("name") for s in root.findall("testsuite")] == [
        "syntax.yaml", "latin1.yaml", "multi.yaml", "missing.yaml",  # list.yaml: nothing to report
    ]
    # a file that failed to parse: its own test case, beside the object read before the error
    syntax = _cases(root, "syntax.yaml")
    assert list(syntax) == ["file syntax.yaml", "ConfigMap before"]
    (failure,) = syntax["file syntax.yaml"]
    assert failure.tag == "failure" and failure.get("type") == "KL001"
    assert failure.text.startswith("syntax.yaml:6:14:") and " error KL001 YAML syntax error" in failure.text
    assert len(syntax["ConfigMap before"]) == 0
    (failure,) = _cases(root, "latin1.yaml")["file latin1.yaml"]
    assert "not valid UTF-8" in failure.get("message")
    # one test case per object; the same reference twice in a file is one test case
    multi = _cases(root, "multi.yaml")
    assert list(multi) == ["ConfigMap a", "ConfigMap b", "ConfigMap dup", "Widget w"]
    assert len(multi["ConfigMap a"]) == 0  # passed
    assert [e.get("type") for e in multi["ConfigMap dup"]] == ["KL501", "KL501"]
    assert [e.tag for e in multi["ConfigMap b"]] == ["failure"]
    assert [e.tag for e in multi["Widget w"]] == ["system-out"]  # KL022 is info
    assert multi["ConfigMap b"].get("classname") == "multi.yaml"
    # an unreadable path
    (error,) = _cases(root, "missing.yaml")["file missing.yaml"]
    assert error.tag == "error" and "cannot read missing.yaml" in error.get("message")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "4", "1")


def test_fail_on_moves_findings_between_failures_and_output(problems):
    widget = {}
    for fail_on in ("error", "warning", "info"):
        root = _consistent(problems, _junit(problems, fail_on), fail_on)
        widget[fail_on] = [e.tag for e in _cases(root, "multi.yaml")["Widget w"]]
    assert widget == {"error": ["system-out"], "warning": ["system-out"], "info": ["failure"]}


def test_examples_fail_on_warning():
    result = _run(ROOT, ["examples"])
    severities = [f.severity.label for f in result.findings]
    assert "warning" in severities and "error" in severities
    for fail_on in ("error", "warning"):
        root = _consistent(result, _junit(result, fail_on), fail_on)
        outputs = list(root.iter("system-out"))
        assert bool(outputs) == (fail_on == "error")


def test_escaping_and_characters_xml_cannot_hold(schema):
    ref = ObjectRef("v1", "ConfigMap", "ns", 'a<b>&"c"')
    finding = Finding(
        "dir/x&y.yaml", Span(1, 2, 1, 3), "KL999", "made-up", Severity.ERROR,
        'bad \x00\x1b[31mvalue\x7f "<&>"\nsecond line \ud800\ufffe', "fix ]]> it",
        object=ref,
    )
    result = RunResult(
        [finding], Summary(), {}, [], "1.30", objects=[CheckedObject("dir/x&y.yaml", 0, ref)],
    )
    xml = _junit(result)
    schema.validate(xml)
    root = _consistent(result, xml)
    (case,) = root.iter("testcase")
    assert case.get("name") == 'ConfigMap ns/a<b>&"c"' and case.get("classname") == "dir/x&y.yaml"
    (failure,) = case
    assert failure.get("message") == 'bad [31mvalue\x7f "<&>"\nsecond line '
    assert failure.text == (
        'dir/x&y.yaml:1:2: error KL999 bad [31mvalue\x7f "<&>"\nsecond line \nhelp: fix ]]> it'
    )


def test_output_is_deterministic():
    first = _junit(_run(ROOT, ["examples"]))
    second = _junit(_run(ROOT, ["examples"]))
    assert first == second
    for word in ("timestamp=", "hostname=", "time="):
        assert word not in first


def test_no_findings():
    result = RunResult([], Summary(), {}, [], "1.30")
    assert _junit(result) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="k8slint" tests="0" failures="0" errors="0" />\n'
    )


def test_examples_snapshot(snapshot):
    snapshot.assert_match(_junit(_run(ROOT, ["examples"])), "examples.xml")


def _as_elementtree_writes_it(result: RunResult, fail_on: str = "error") -> str:
    """The report built as an ElementTree tree and serialised with ET.indent and ET.tostring (how
    junit.render wrote it before it wrote text itself): the reference for the text it writes."""
    from k8slint.report import junit

    root = ET.Element("testsuites", name="k8slint")
    totals = [0, 0, 0]
    for suite in junit._suites(result, Severity.parse(fail_on)):
        cases = suite.cases()
        tests, failures, errors = junit._counts(cases)
        element = ET.SubElement(root, "testsuite", name=junit._clean(suite.file), tests=str(tests),
                                failures=str(failures), errors=str(errors))
        for case in cases:
            item = ET.SubElement(element, "testcase", name=junit._clean(case.name), classname=junit._clean(suite.file))
            if case.error is not None:
                error = ET.SubElement(item, "error", type="input-error", message=junit._clean(case.error))
                error.text = junit._clean(case.error)
            for finding in case.failures:
                failure = ET.SubElement(item, "failure", type=finding.rule, message=junit._clean(finding.message))
                failure.text = junit._clean(junit._line(finding))
            if case.others:
                out = ET.SubElement(item, "system-out")
                out.text = junit._clean("\n".join(junit._line(f) for f in case.others))
        totals = [totals[0] + tests, totals[1] + failures, totals[2] + errors]
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def test_the_text_is_what_elementtree_writes(problems):
    results = [problems, _run(FIXTURES, ["."]), _run(ROOT, ["examples"]), RunResult([], Summary(), {}, [], "1.30")]
    for result in results:
        for fail_on in ("error", "info"):
            assert _junit(result, fail_on) == _as_elementtree_writes_it(result, fail_on)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (the real corpus) is not beside the project")
def test_the_text_of_the_corpus_is_what_elementtree_writes():
    result = _run(SHARED / "corpus", ["real"])
    assert _junit(result, "warning") == _as_elementtree_writes_it(result, "warning")


_ODD = "\t\n\r \"'<>&]]>\x00\x1b\x7f\x85\u2028\ud800\ufffe\uffffé€😀ab"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.text(_ODD, max_size=12), st.text(_ODD, max_size=12), st.text(_ODD, max_size=12),
                       st.text(_ODD, max_size=12), st.sampled_from(list(Severity)), st.booleans()), max_size=6),
    st.lists(st.text(_ODD, max_size=8), max_size=2),
)
def test_odd_text_is_written_as_elementtree_writes_it(items, unreadable):
    from k8slint.discover import InputError

    findings, objects = [], []
    for file, name, message, help_, severity, objectless in items:
        ref = None if objectless else ObjectRef("v1", "ConfigMap", "ns", name)
        findings.append(Finding(file or "f", Span(1, 1, 1, 2), "KL999", "made-up", severity, message, help_, object=ref))
        if ref is not None:
            objects.append(CheckedObject(file or "f", 0, ref))
    result = RunResult(findings, Summary(), {}, [InputError(p or "p", "gone") for p in unreadable], "1.30",
                       objects=objects)
    for fail_on in ("error", "warning"):
        assert _junit(result, fail_on) == _as_elementtree_writes_it(result, fail_on)
